"""The end-of-mock summary: how the session went, and each attempt's review on selection."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.records import AttemptRecord, SessionRecord
from desktop.ui.review_text import clock
from desktop.ui.review_view import ReviewView
from questions.model import Concept, Question

STATUS_WORDS = {"complete": "answered", "skipped": "skipped", "failed": "failed", "recording": "cut off"}


class SessionSummary(BaseModel):
    """Figures for the summary header; None where nothing was measured (never a false 0)."""

    questions: int
    answered: int
    skipped: int
    failed: int
    mean_coverage: float | None
    red_flags: int
    speaking_time: float
    words_per_minute: float | None


def summarise(session: SessionRecord) -> SessionSummary:
    """Count and average a session's attempts; pace is total words over total speaking time."""
    attempts = session.attempts
    judged = [a.judgement for a in attempts if a.status == "complete" and a.judgement is not None]
    metrics = [a.metrics for a in attempts if a.metrics and not a.typed]
    speaking = sum(float(m.get("speaking_time") or 0.0) for m in metrics)
    timed = [
        m for m in metrics if m.get("words_per_minute") is not None and (m.get("speaking_time") or 0) > 0
    ]
    timed_speaking = sum(float(m["speaking_time"]) for m in timed)
    words = sum(int(m.get("word_count") or 0) for m in timed)
    return SessionSummary(
        questions=len(attempts),
        answered=sum(a.status == "complete" for a in attempts),
        skipped=sum(a.status == "skipped" for a in attempts),
        failed=sum(a.status in ("failed", "recording") for a in attempts),
        mean_coverage=sum(j.coverage for j in judged) / len(judged) if judged else None,
        red_flags=sum(len(j.red_flags) for j in judged),
        speaking_time=round(speaking, 3),
        words_per_minute=round(words / timed_speaking * 60, 1) if timed_speaking > 0 else None,
    )


def attempt_line(number: int, attempt: AttemptRecord) -> str:
    """One list row: number, title, then coverage, red flags and the status word."""
    parts = []
    if attempt.status == "complete" and attempt.judgement is not None:
        parts.append(f"{round(attempt.judgement.coverage * 100)}% covered")
        if attempt.judgement.other_stack:
            parts.append(f"⊘ about {attempt.judgement.other_stack}")
        elif attempt.judgement.off_topic:
            parts.append("⊘ off topic")
        flags = len(attempt.judgement.red_flags)
        parts.append(f"⚠ {flags} red flag{'s' if flags != 1 else ''}" if flags else "no red flags")
    else:
        parts.append("no score")
    parts.append(STATUS_WORDS.get(attempt.status, attempt.status))
    return f"{number}. {attempt.question_title}\n    {' · '.join(parts)}"


def _stand_in(attempt: AttemptRecord) -> Question:
    """The question as far as the attempt remembers it, when the bank no longer holds it."""
    return Question(
        id=attempt.question_id,
        title=attempt.question_title,
        topic=attempt.topic,
        concepts=[Concept(id="unknown", label="(not in the bank any more)", say=["unknown"])],
    )


class SessionReviewView(QWidget):
    """Summary header, attempt list and an embedded review (without Retry/Next)."""

    done_requested = Signal()
    export_requested = Signal(int)  # session id
    rating_changed = Signal(int, int)  # attempt id, rating 1-5

    def __init__(self, review: ReviewView | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session: SessionRecord | None = None
        self._questions: dict[str, Question] = {}
        self._previous: dict[int, AttemptRecord] = {}
        self._audio_root = Path()

        self.heading = QLabel()
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)  # relative: follows the system font size
        font.setBold(True)
        self.heading.setFont(font)
        self.stats = QGridLayout()
        self.stat_values: dict[str, QLabel] = {}
        captions = ("answered", "skipped", "mean coverage", "red flags raised", "speaking time", "mean pace")
        for column, caption in enumerate(captions):
            value = QLabel()
            big = QFont(value.font())
            big.setPointSizeF(big.pointSizeF() * 1.6)
            big.setBold(True)
            value.setFont(big)
            value.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            name = QLabel(caption)
            name.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.stats.addWidget(value, 0, column)
            self.stats.addWidget(name, 1, column)
            self.stat_values[caption] = value

        self.attempts = QListWidget()
        self.attempts.setAccessibleName("Attempts in this session")
        self.attempts.setWordWrap(True)
        self.attempts.currentRowChanged.connect(self._select)
        self.review = review if review is not None else ReviewView()
        self.review.set_actions_visible(False)
        self.review.rating_changed.connect(self.rating_changed)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.attempts)
        splitter.addWidget(self.review)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        list_width = self.attempts.fontMetrics().averageCharWidth() * 36
        splitter.setSizes([list_width, list_width * 3])

        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save this session's transcripts and scores to a file")
        self.export_button.clicked.connect(self._export)
        self.done_button = QPushButton("Back to home (Esc)")
        self.done_button.setToolTip("Leave the review (Esc)")
        self.done_button.clicked.connect(self.done_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.stats)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            self,
            self.done_button.click,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

    def show_session(
        self,
        session: SessionRecord,
        questions: dict[str, Question],
        audio_root: Path,
        previous: dict[int, AttemptRecord] | None = None,
    ) -> None:
        """Show a session; ``previous`` maps an attempt id to the earlier try it is compared with."""
        self._session, self._questions, self._audio_root = session, questions, audio_root
        self._previous = previous or {}
        kind = "Mock interview" if session.kind == "mock" else "Practice session"
        ended = " (ended early)" if session.aborted else ""
        self.heading.setText(f"{kind}, {session.started_at:%d %b %Y %H:%M}{ended}")
        summary = summarise(session)
        values = {
            "answered": f"{summary.answered} of {summary.questions}",
            "skipped": str(summary.skipped),
            "mean coverage": "no score"
            if summary.mean_coverage is None
            else f"{round(summary.mean_coverage * 100)}%",
            "red flags raised": f"⚠ {summary.red_flags}" if summary.red_flags else "0",
            "speaking time": clock(summary.speaking_time),
            "mean pace": "not measured"
            if summary.words_per_minute is None
            else f"{summary.words_per_minute:.0f} wpm",
        }
        for caption, text in values.items():
            self.stat_values[caption].setText(text)
        self.export_button.setEnabled(session.id is not None)
        self.attempts.clear()
        for number, attempt in enumerate(session.attempts, start=1):
            item = QListWidgetItem(attempt_line(number, attempt))
            item.setToolTip(attempt.question_title)
            self.attempts.addItem(item)
        self.review.setVisible(bool(session.attempts))
        if session.attempts:
            self.attempts.setCurrentRow(0)
        self.attempts.setFocus()

    def _select(self, row: int) -> None:
        if self._session is None or not 0 <= row < len(self._session.attempts):
            return
        attempt = self._session.attempts[row]
        question = self._questions.get(attempt.question_id) or _stand_in(attempt)
        earlier = self._previous.get(attempt.id) if attempt.id is not None else None
        self.review.show_attempt(attempt, question, earlier, self._audio_root)

    def _export(self) -> None:
        if self._session is not None and self._session.id is not None:
            self.export_requested.emit(self._session.id)
