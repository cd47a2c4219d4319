"""Timed mock interview screen: the question, the phase, a large countdown, a meter; no feedback.

Layout and signals only; ``desktop.mock_controller`` drives it from a ``MockSession``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from desktop.ui.review_text import clock
from desktop.ui.widgets.level_meter import LevelMeter

PHASE_TEXT = {
    "reading": ("Listen", "The question is being read. Space: start answering now."),
    "thinking": ("Think", "Plan your answer. Recording starts by itself; Space: start now."),
    "answering": ("● Answer — recording", "Speak now. Space: finish this answer."),
    "paused": ("Paused", "P: resume."),
    "finishing": ("Finishing", "Transcribing and judging your last answer…"),
    "done": ("Done", ""),
    "aborted": ("Stopped", "The interview was stopped; your answers so far are in History."),
}


def _scaled(label: QLabel, factor: float, bold: bool = True) -> None:
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    label.setFont(font)


class MockView(QWidget):
    primary_requested = Signal()  # Space
    skip_requested = Signal()
    pause_requested = Signal()
    abort_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress = QLabel()
        self.title = QLabel()
        self.title.setWordWrap(True)
        _scaled(self.title, 1.5)
        self.phase = QLabel()
        _scaled(self.phase, 1.3)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.countdown = QLabel("0:00")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        _scaled(self.countdown, 3.0)
        self.countdown.setAccessibleName("Time left")
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.meter = LevelMeter()
        self.problem = QLabel()
        self.problem.setWordWrap(True)

        self.primary_button = QPushButton("Start answering  (Space)")
        self.skip_button = QPushButton("Skip  (S)")
        self.skip_button.setToolTip("Skip this question (S)")
        self.pause_button = QPushButton("Pause  (P)")
        self.pause_button.setToolTip("Pause the countdown; pausing mid-answer ends that answer (P)")
        self.abort_button = QPushButton("Stop interview  (Esc)")
        self.abort_button.setToolTip("End the interview now; answers so far are kept (Esc)")
        buttons = QHBoxLayout()
        for button in (self.primary_button, self.skip_button, self.pause_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.abort_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.title)
        layout.addSpacing(12)
        layout.addWidget(self.phase)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        layout.addWidget(self.countdown)
        layout.addWidget(self.bar)
        layout.addWidget(self.meter)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self.primary_button.clicked.connect(self.primary_requested)
        self.skip_button.clicked.connect(self.skip_requested)
        self.pause_button.clicked.connect(self.pause_requested)
        self.abort_button.clicked.connect(self.abort_requested)
        for keys, signal in (
            ("Space", self.primary_requested),
            ("S", self.skip_requested),
            ("P", self.pause_requested),
            ("Esc", self.abort_requested),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(signal.emit)

    def show_question(self, index: int, total: int, title: str) -> None:
        self.progress.setText(f"Question {index + 1} of {total}")
        self.title.setText(title)
        self.problem.clear()
        self.meter.reset()

    def set_phase(self, phase: str) -> None:
        name, hint = PHASE_TEXT.get(phase, (phase, ""))
        self.phase.setText(name)
        self.hint.setText(hint)
        answering = phase == "answering"
        self.meter.setVisible(answering)
        if not answering:
            self.meter.reset()
        self.primary_button.setText("Finish answer  (Space)" if answering else "Start answering  (Space)")
        active = phase in ("reading", "thinking", "answering")
        self.primary_button.setEnabled(active)
        self.skip_button.setEnabled(active)
        self.pause_button.setEnabled(active or phase == "paused")
        self.pause_button.setText("Resume  (P)" if phase == "paused" else "Pause  (P)")
        self.countdown.setVisible(phase in ("thinking", "answering", "paused"))
        self.bar.setVisible(phase in ("thinking", "answering"))

    def set_time(self, left: int, total: int) -> None:
        self.countdown.setText(clock(left))
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(left)

    def show_problem(self, message: str) -> None:
        self.problem.setText(f"⚠ {message}")
