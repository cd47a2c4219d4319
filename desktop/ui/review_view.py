"""The review of one attempt: score, transcript with evidence, points, red flags, speech and playback.

Shown right after an answer in practice (with Retry and Next) and from history (actions hidden).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QHideEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from desktop.records import AttemptRecord
from desktop.retake import compare
from desktop.review_audio import ReviewAudio
from desktop.ui.review_text import clock, flags_html, metrics_rows, points_html, retake_html
from desktop.ui.widgets.transcript_view import LEGEND, TranscriptView
from questions.model import Question

_HERE = Qt.ShortcutContext.WidgetWithChildrenShortcut  # keys act only while this screen has focus
RATINGS = {1: "lost", 2: "shaky", 3: "okay", 4: "good", 5: "nailed it"}
STATUS_NOTES = {
    "skipped": "Skipped: you moved on without answering, so there is no score.",
    "failed": "Transcription failed, so there is no score yet. The recording is kept: you can play it below.",
    "recording": "This answer was cut off while recording (the app closed). The audio is kept; no score.",
}


def _label(text: str = "", scale: float = 1.0, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if scale != 1.0 or bold:
        font = QFont(label.font())
        font.setPointSizeF(font.pointSizeF() * scale)  # relative: follows the system font size
        font.setBold(bold)
        label.setFont(font)
    return label


class ReviewView(QWidget):
    """Layout of the review; ``show_attempt`` fills it. Signals carry what the person asked for."""

    retry_requested = Signal()
    next_requested = Signal()
    rating_changed = Signal(int, int)  # attempt id, rating 1-5

    def __init__(self, audio: ReviewAudio | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.audio = audio if audio is not None else ReviewAudio(parent=self)
        self._attempt: AttemptRecord | None = None
        self._slider_busy = False
        self._actions_visible = True

        self.title = _label(scale=1.3, bold=True)
        self.status_note = _label()
        self.percent = _label(scale=2.6, bold=True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setTextVisible(False)
        self.covered_words = _label()
        score_text = QVBoxLayout()
        score_text.addWidget(self.bar)
        score_text.addWidget(self.covered_words)
        self.score = QWidget()
        score_row = QHBoxLayout(self.score)
        score_row.setContentsMargins(0, 0, 0, 0)
        score_row.addWidget(self.percent)
        score_row.addLayout(score_text, 1)

        self.since_box = QGroupBox("Since your last try")
        self.since = _label()
        QVBoxLayout(self.since_box).addWidget(self.since)

        self.transcript_heading = _label("What you said", bold=True)
        self.legend = _label(LEGEND, scale=0.9)
        self.transcript = TranscriptView()
        self.transcript.seek_requested.connect(self._play_from)

        self.play_button = QPushButton("▶ Play")
        self.play_button.setToolTip("Play or pause the recording (P). Click a word to play from it.")
        self.play_button.clicked.connect(self.audio.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setTracking(False)  # seek when a drag ends, not at every pixel
        self.slider.setSingleStep(20)  # tenths of a second: arrows move 2 s, Page keys 10 s
        self.slider.setPageStep(100)
        self.slider.setAccessibleName("Position in the recording")
        self.slider.valueChanged.connect(self._slider_moved)
        self.time_label = _label()
        self.audio_error = _label()
        self.audio_box = QWidget()
        audio_layout = QVBoxLayout(self.audio_box)
        audio_layout.setContentsMargins(0, 0, 0, 0)
        audio_row = QHBoxLayout()
        audio_row.addWidget(self.play_button)
        audio_row.addWidget(self.slider, 1)
        audio_row.addWidget(self.time_label)
        audio_layout.addLayout(audio_row)
        audio_layout.addWidget(self.audio_error)
        self.audio.position_changed.connect(self._show_position)
        self.audio.state_changed.connect(self._show_state)
        self.audio.error.connect(self._show_audio_error)

        self.points = _label()
        self.flags = _label()
        self.metrics_box = QGroupBox("How you spoke")
        self.metrics_form = QFormLayout(self.metrics_box)

        self.outline_button, self.outline = self._reveal("outline")
        self.model_button, self.model_answer = self._reveal("model answer")

        self.rating_box = QWidget()
        rating_row = QHBoxLayout(self.rating_box)
        rating_row.setContentsMargins(0, 0, 0, 0)
        rating_row.addWidget(QLabel("How did that feel? (keys 1–5)"))
        self.rating_group = QButtonGroup(self)
        for value, word in RATINGS.items():
            button = QPushButton(f"{value} {word}")
            button.setCheckable(True)
            button.setToolTip(f"Rate this answer {value} of 5: {word} (key {value})")
            self.rating_group.addButton(button, value)
            rating_row.addWidget(button)
            QShortcut(QKeySequence(str(value)), self, button.click, context=_HERE)
        rating_row.addStretch(1)
        self.rating_group.idClicked.connect(self._rated)

        content = QWidget()
        column = QVBoxLayout(content)
        for widget in (self.title, self.status_note, self.score, self.since_box, self.transcript_heading,
                       self.legend, self.transcript, self.audio_box, self.points, self.flags,
                       self.metrics_box, self.outline_button, self.outline, self.model_button,
                       self.model_answer):  # fmt: skip
            left = widget in (self.outline_button, self.model_button)
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag(0))
        column.addWidget(self.rating_box)
        column.addStretch(1)
        self._column = column
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)

        self.retry_button = QPushButton("Retry (R)")
        self.retry_button.setToolTip("Answer this question again (R)")
        self.retry_button.clicked.connect(self.retry_requested)
        self.next_button = QPushButton("Next (N / Enter)")
        self.next_button.setToolTip("Go on to the next question (N or Enter)")
        self.next_button.clicked.connect(self.next_requested)
        self.actions = QWidget()
        actions_row = QHBoxLayout(self.actions)
        actions_row.addStretch(1)
        actions_row.addWidget(self.retry_button)
        actions_row.addWidget(self.next_button)
        outer = QVBoxLayout(self)
        outer.addWidget(self.scroll, 1)
        outer.addWidget(self.actions)

        self._action_shortcuts = [
            QShortcut(QKeySequence(key), self, slot, context=_HERE)
            for key, slot in (("R", self.retry_button.click), ("N", self.next_button.click),
                              ("Return", self.next_button.click), ("Enter", self.next_button.click))
        ]  # fmt: skip
        QShortcut(QKeySequence("P"), self, self.audio.toggle, context=_HERE)

    def _reveal(self, what: str) -> tuple[QPushButton, QLabel]:
        """A toggle button and the text it hides until asked (so the person tries to recall first)."""
        button = QPushButton(f"Show {what}")
        button.setCheckable(True)
        text = _label()
        text.hide()

        def toggled(shown: bool) -> None:
            text.setVisible(shown)
            button.setText(f"{'Hide' if shown else 'Show'} {what}")

        button.toggled.connect(toggled)
        return button, text

    def set_actions_visible(self, visible: bool) -> None:
        """Hide Retry/Next (and their keys) when the review is shown from history."""
        self.actions.setVisible(visible)
        self._actions_visible = visible
        for shortcut in self._action_shortcuts:
            shortcut.setEnabled(visible)

    def show_attempt(
        self, attempt: AttemptRecord, question: Question, previous: AttemptRecord | None, audio_root: Path
    ) -> None:
        """Fill the screen for ``attempt``; ``previous`` (an earlier try at the same question) adds a diff."""
        self._attempt = attempt
        judgement = attempt.judgement if attempt.status == "complete" else None
        self.title.setText(question.title)
        note = STATUS_NOTES.get(attempt.status, "")
        if attempt.status == "complete" and judgement is None:
            note = "This answer has no score: it was not judged."
        if note and self._actions_visible:
            note += " Press Retry (R) to answer it again."
        self.status_note.setText(note)
        self.status_note.setVisible(bool(note))

        self.score.setVisible(judgement is not None)
        for widget in (self.points, self.flags):
            widget.setVisible(judgement is not None)
        if judgement is not None:
            percent = round(judgement.coverage * 100)
            self.percent.setText(f"{percent}%")
            self.bar.setValue(percent)
            self.bar.setAccessibleName(f"Coverage {percent} percent")
            total = len(judgement.covered) + len(judgement.missed)
            self.covered_words.setText(f"covered {len(judgement.covered)} of {total} points")
            self.points.setText(points_html(judgement))
            self.flags.setText(flags_html(judgement))
            self.flags.setVisible(bool(judgement.red_flags or judgement.rejected_red_flags))

        diff = None
        earlier = previous.judgement if previous is not None else None
        if judgement is not None and earlier is not None and earlier.question == judgement.question:
            diff = compare(earlier, judgement)
        self.since_box.setVisible(diff is not None)
        if diff is not None:
            self.since.setText(retake_html(diff))

        text = attempt.text
        for widget in (self.transcript_heading, self.legend, self.transcript):
            widget.setVisible(bool(text))
        self.legend.setVisible(bool(text) and judgement is not None)
        self.transcript.set_attempt(judgement, attempt.transcript, text)
        self.transcript_heading.setText("What you typed" if attempt.typed else "What you said")

        self._show_metrics(None if attempt.typed else attempt.metrics)
        self.outline_button.setChecked(False)
        self.model_button.setChecked(False)
        self.outline.setText(question.outline or "This question has no outline in its bank.")
        self.model_answer.setText(question.model_answer or "This question has no model answer in its bank.")
        self._set_rating(attempt.self_rating)
        self.rating_box.setVisible(attempt.status != "skipped")  # nothing to rate

        self.audio_error.hide()
        has_audio = attempt.audio_path is not None and not attempt.typed
        self.audio_box.setVisible(has_audio)
        self.audio.load(audio_root / attempt.audio_path if has_audio and attempt.audio_path else None)
        self._show_state(False)
        self.scroll.verticalScrollBar().setValue(0)

    def set_measuring(self) -> None:
        """Say the speech metrics are on their way (they follow the judgement by a moment)."""
        self._show_metrics(None)
        self.metrics_box.setVisible(True)
        self.metrics_form.addRow(_label("Measuring pace, pauses and hesitations…"))

    def set_metrics(self, attempt: AttemptRecord) -> None:
        """The speech metrics of the attempt on screen arrived after its judgement."""
        if self._attempt is not None and self._attempt.id == attempt.id and not attempt.typed:
            self._attempt = attempt
            self._show_metrics(attempt.metrics)

    def _show_metrics(self, metrics: dict[str, Any] | None) -> None:
        while self.metrics_form.rowCount():
            self.metrics_form.removeRow(0)
        self.metrics_box.setVisible(metrics is not None)
        for name, value in metrics_rows(metrics) if metrics is not None else []:
            self.metrics_form.addRow(f"{name}:", _label(value))

    def _set_rating(self, rating: int | None) -> None:
        self.rating_group.setExclusive(False)  # an exclusive group cannot show "none chosen"
        for button in self.rating_group.buttons():
            button.setChecked(self.rating_group.id(button) == rating)
        self.rating_group.setExclusive(True)

    def _rated(self, rating: int) -> None:
        if self._attempt is not None:
            self._attempt.self_rating = rating
            self.rating_changed.emit(self._attempt.id if self._attempt.id is not None else -1, rating)

    def _play_from(self, seconds: float) -> None:
        self.audio.seek(seconds)
        if not self.audio.playing:
            self.audio.play()

    def _slider_moved(self, value: int) -> None:
        if not self._slider_busy:
            self.audio.seek(value / 10)

    def _show_position(self, seconds: float) -> None:
        duration = self.audio.duration
        if not self.slider.isSliderDown():
            self._slider_busy = True  # setting the slider must not seek back into the audio
            self.slider.setRange(0, int(duration * 10))
            self.slider.setValue(int(seconds * 10))
            self._slider_busy = False
        self._actions_visible = True
        self.time_label.setText(f"{clock(seconds)} / {clock(duration)}")
        if self.audio.playing or 0 < seconds < duration:  # nothing is "being played" at rest at 0:00
            self.transcript.highlight_time(seconds)
        else:
            self.transcript.highlight_time(-1.0)

    def _show_state(self, playing: bool) -> None:
        self.play_button.setText("⏸ Pause" if playing else "▶ Play")
        if not playing:
            self._show_position(self.audio.position)

    def _show_audio_error(self, message: str) -> None:
        self.audio_error.setText(f"⚠ {message}")
        self.audio_error.show()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Keep lines short enough to read on a wide window. Margins rather than a maximum width inside
        # a centring layout: Qt then mis-measures word-wrapped labels and clips their last lines.
        readable = self.fontMetrics().averageCharWidth() * 110
        side = max(8, (event.size().width() - readable) // 2)
        self._column.setContentsMargins(side, 8, side, 8)
        super().resizeEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.audio.stop()  # leaving the screen silences the recording at once
        super().hideEvent(event)
