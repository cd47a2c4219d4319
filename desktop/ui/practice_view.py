"""Solo practice screen: the question, the voice, Record/Stop with a meter, the live transcript.

Layout and signals only; ``desktop.practice_controller`` gives it behaviour.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.review_text import clock
from desktop.ui.widgets.level_meter import LevelMeter
from questions.model import Question


class PracticeView(QWidget):
    back_requested = Signal()
    hear_requested = Signal()
    stop_voice_requested = Signal()
    record_toggled = Signal()
    typed_submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.back_button = QPushButton("← Home")
        self.back_button.setToolTip("Back to the question list (Esc)")
        self.topic = QLabel()
        self.topic.setStyleSheet("color: palette(mid);")
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        top.addWidget(self.topic)

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)

        self.hear_button = QPushButton("🔊 Hear the question")
        self.hear_button.setToolTip("Read the question aloud (H)")
        self.stop_voice_button = QPushButton("Stop voice")
        self.stop_voice_button.setToolTip("Stop reading (Ctrl+.)")
        self.voice_note = QLabel()
        self.voice_note.setWordWrap(True)
        voice = QHBoxLayout()
        voice.addWidget(self.hear_button)
        voice.addWidget(self.stop_voice_button)
        voice.addWidget(self.voice_note, 1)

        self.record_button = QPushButton()
        self.record_button.setMinimumHeight(44)
        self.record_button.setToolTip("Start or stop your answer (Space)")
        self.meter = LevelMeter()
        self.elapsed = QLabel("0:00")
        self.elapsed.setMinimumWidth(90)
        record = QHBoxLayout()
        record.addWidget(self.record_button)
        record.addWidget(self.meter, 1)
        record.addWidget(self.elapsed)

        self.live = QPlainTextEdit()
        self.live.setReadOnly(True)
        self.live.setPlaceholderText("Your words appear here as you speak.")
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.typed = QPlainTextEdit()
        self.typed.setPlaceholderText("No microphone? Type your answer here, then press Ctrl+Enter.")
        self.typed.setMaximumHeight(120)
        self.submit_typed = QPushButton("Submit typed answer")
        self.submit_typed.setToolTip("Judge the typed answer (Ctrl+Enter)")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addLayout(voice)
        layout.addSpacing(8)
        layout.addLayout(record)
        layout.addWidget(QLabel("Live transcript"))
        layout.addWidget(self.live, 2)
        layout.addWidget(self.status)
        layout.addWidget(QLabel("Or type your answer"))
        layout.addWidget(self.typed)
        layout.addWidget(self.submit_typed, 0, Qt.AlignmentFlag.AlignRight)

        self.back_button.clicked.connect(self.back_requested)
        self.hear_button.clicked.connect(self.hear_requested)
        self.stop_voice_button.clicked.connect(self.stop_voice_requested)
        self.record_button.clicked.connect(self.record_toggled)
        self.submit_typed.clicked.connect(self._submit)
        # Space is a shortcut only while the typing box does not want it (Qt asks it first).
        for keys, slot in (
            ("Space", self.record_toggled.emit),
            ("Esc", self.back_requested.emit),
            ("H", self.hear_requested.emit),
            ("Ctrl+.", self.stop_voice_requested.emit),
            ("Ctrl+Return", self._submit),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.set_recording(False)

    def show_question(self, question: Question) -> None:
        self.title.setText(question.title)
        self.topic.setText(question.topic)
        self.live.clear()
        self.typed.clear()
        self.status.clear()
        self.meter.reset()
        self.elapsed.setText("0:00")
        self.set_recording(False)

    def set_recording(self, recording: bool) -> None:
        self.record_button.setText("■ Stop answer  (Space)" if recording else "● Record answer  (Space)")
        self.typed.setEnabled(not recording)
        self.submit_typed.setEnabled(not recording)
        if recording:
            self.live.clear()
            self.record_button.setFocus()

    def set_record_enabled(self, enabled: bool, why: str = "") -> None:
        self.record_button.setEnabled(enabled)
        self.record_button.setToolTip(why or "Start or stop your answer (Space)")

    def set_elapsed(self, seconds: float, limit: float) -> None:
        self.elapsed.setText(f"{clock(seconds)} / {clock(limit)}")

    def set_live_text(self, text: str) -> None:
        self.live.setPlainText(text)
        self.live.verticalScrollBar().setValue(self.live.verticalScrollBar().maximum())

    def set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(("⚠ " if error else "") + text)

    def set_voice_note(self, text: str) -> None:
        self.voice_note.setText(text)

    def _submit(self) -> None:
        text = self.typed.toPlainText().strip()
        if text:
            self.typed_submitted.emit(text)
