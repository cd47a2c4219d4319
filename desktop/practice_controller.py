"""Solo practice: hear a question, answer, see the review at once, retry or go on."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from audio.sources import MicrophoneUnavailable
from desktop.attempt_flow import AttemptFlow, ModelNotReady
from desktop.records import AttemptRecord, SessionRecord
from desktop.services import Services
from desktop.suggest import practise_next
from desktop.ui.practice_view import PracticeView
from desktop.ui.review_view import ReviewView
from questions.model import Bank, Question

log = logging.getLogger(__name__)


class PracticeController(QObject):
    review_shown = Signal(object)  # AttemptRecord

    def __init__(
        self,
        services: Services,
        view: PracticeView,
        review: ReviewView,
        show: Callable[[QWidget], None],
        go_home: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services, self.view, self.review = services, view, review
        self._show, self._go_home = show, go_home
        self.flow = AttemptFlow(services, self)
        self.question: Question | None = None
        self.bank: Bank | None = None
        self.session_id: int | None = None
        self._ticker = QTimer(self)
        self._ticker.setInterval(200)
        self._ticker.timeout.connect(self._tick)

        view.back_requested.connect(self.leave)
        view.hear_requested.connect(self.speak_question)
        view.stop_voice_requested.connect(self._stop_voice)
        view.record_toggled.connect(self.toggle_recording)
        view.typed_submitted.connect(self.submit_typed)
        self.flow.level.connect(view.meter.set_level)
        self.flow.partial.connect(view.set_live_text)
        self.flow.ended.connect(self._ended_by_itself)
        self.flow.stopping.connect(self._stopping)
        self.flow.judged.connect(self._judged)
        self.flow.measured.connect(review.set_metrics)
        self.flow.failed.connect(lambda message: view.set_status(message, error=True))
        review.retry_requested.connect(self.retry)
        review.next_requested.connect(self.next_question)
        review.rating_changed.connect(self._rate)
        services.status_changed.connect(self._refresh_readiness)

    def open(self, question_id: str, speak: bool = True) -> None:
        library = self.services.library
        self.question, self.bank = library.question(question_id), library.bank_of(question_id)
        self.view.show_question(self.question)
        self._refresh_readiness()
        self._show(self.view)
        if speak and self.services.settings.speak_questions:
            self.speak_question()

    def speak_question(self) -> None:
        speaker = self.services.speaker
        if self.question is None or speaker is None:
            return
        if not speaker.available:
            self.view.set_voice_note(speaker.reason or "The voice is unavailable; read the question above.")
            return
        self.view.set_voice_note("Reading the question…")
        speaker.speak(self.question.title, on_done=self._voice_done, on_error=self._voice_error)

    def _voice_done(self, completed: bool) -> None:  # called from the player's thread
        QTimer.singleShot(0, self, lambda: self.view.set_voice_note(""))

    def _voice_error(self, exc: BaseException) -> None:  # from a worker thread
        QTimer.singleShot(0, self, lambda: self.view.set_voice_note(f"Not read aloud: {exc}"))

    def _stop_voice(self) -> None:
        if self.services.speaker is not None:
            self.services.speaker.stop()
        self.view.set_voice_note("")

    def _ensure_session(self) -> int:
        if self.session_id is None:
            assert self.bank is not None
            session = SessionRecord(kind="practice", bank=self.bank.bank.id, started_at=datetime.now(UTC))
            self.session_id = self.services.store.start_session(session)
        return self.session_id

    def toggle_recording(self) -> None:
        if self.flow.recording:
            self.flow.stop()
            self._ticker.stop()
            self.view.set_recording(False)
            return
        if self.question is None or self.bank is None:
            return
        self._stop_voice()
        try:
            self.flow.start(
                self._ensure_session(), self.question, self.bank, self.services.settings.answer_seconds
            )
        except (ModelNotReady, MicrophoneUnavailable, OSError) as exc:
            self.view.set_status(str(exc), error=True)
            return
        self.view.set_status("Recording — press Space when you are done.")
        self.view.set_recording(True)
        self._ticker.start()

    def _tick(self) -> None:
        self.view.set_elapsed(self.flow.elapsed, self.services.settings.answer_seconds)

    def _stopping(self) -> None:
        if not self.view.status.text().startswith("⚠"):  # a lost microphone stays said
            self.view.set_status("Finishing the transcript and judging…")

    def _ended_by_itself(self, reason: str) -> None:
        self._ticker.stop()
        self.view.set_recording(False)
        if reason == "max_length":
            self.view.set_status("The answer limit was reached; judging what you said…")
        elif reason == "source_error":
            self.view.set_status("The microphone stopped; what was recorded is kept and judged.", True)

    def submit_typed(self, text: str) -> None:
        if self.question is None or self.bank is None:
            return
        self.view.set_status("Judging your typed answer…")
        self.flow.submit_typed(self._ensure_session(), self.question, self.bank, text)

    def _judged(self, attempt: AttemptRecord) -> None:
        if self.question is None or attempt.question_id != self.question.id:
            return
        previous = self.services.store.previous_attempt(attempt.question_id, attempt.id or 0)
        self.review.set_actions_visible(True)
        self.review.show_attempt(attempt, self.question, previous, self.services.root)
        if not attempt.typed and attempt.metrics is None and attempt.transcript and attempt.transcript.words:
            self.review.set_measuring()
        self._show(self.review)
        self.review_shown.emit(attempt)

    def _rate(self, attempt_id: int, rating: int) -> None:
        self.services.store.set_self_rating(attempt_id, rating)

    def retry(self) -> None:
        if self.question is not None:
            self.open(self.question.id, speak=False)

    def next_question(self) -> None:
        library = self.services.library
        questions = library.all_questions()
        suggestions = practise_next(questions, self.services.store.question_stats(), datetime.now(UTC))
        current = self.question.id if self.question else None
        nxt = next((s.question_id for s in suggestions if s.question_id != current), None)
        if nxt is None:
            ids = [q.id for q in questions]
            nxt = ids[(ids.index(current) + 1) % len(ids)] if current in ids else ids[0]
        self.open(nxt)

    def leave(self) -> None:
        if self.flow.recording:
            self.flow.stop()  # keep what was said: it is judged and stored
        self._ticker.stop()
        self._stop_voice()
        if self.session_id is not None:
            self.services.store.finish_session(self.session_id)
            self.session_id = None
        self._go_home()

    def _refresh_readiness(self) -> None:
        model = self.services.model
        if model.ready:
            self.view.set_record_enabled(True)
        else:
            self.view.set_record_enabled(False, f"Speech model: {model.message}")
