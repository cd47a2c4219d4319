"""One attempt from the first word to the stored, judged record — shared by practice and mock.

The attempt is in the history from the moment recording starts (status "recording"), so a crash
leaves a row that points at the partial WAV; it becomes "complete" once judged.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal

from audio.transcript import Transcript
from desktop.answer_capture import AnswerCapture, CapturedAnswer
from desktop.records import AttemptRecord
from desktop.scoring import measure
from desktop.services import Services
from questions.model import Bank, Question
from vivavoce.speech import question_vocabulary

log = logging.getLogger(__name__)


class ModelNotReady(RuntimeError):
    pass


class AttemptFlow(QObject):
    level = Signal(float, float, bool)
    partial = Signal(str)
    ended = Signal(str)  # the recording stopped by itself: "max_length", "end_of_source", ...
    stopping = Signal()  # the answer is over; the last words are being decoded
    judged = Signal(object)  # AttemptRecord, complete (its metrics may still be on the way)
    measured = Signal(object)  # AttemptRecord: the speech metrics arrived after the judgement
    failed = Signal(str)

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._capture: AnswerCapture | None = None
        self._attempt: AttemptRecord | None = None
        self._question: Question | None = None
        self._stop_requested = 0.0
        self.last_review_latency: float | None = None  # stop request → judged, seconds
        self.last_final_transcript: float | None = None  # stop request → final transcript, seconds
        self.pending = 0  # attempts stopped but not yet judged
        self._preparing = False  # a job is embedding the partial transcript
        self._to_prepare: str | None = None

    @property
    def recording(self) -> bool:
        return self._capture is not None and self._capture.recording

    @property
    def elapsed(self) -> float:
        return self._capture.elapsed if self._capture is not None else 0.0

    def start(self, session_id: int, question: Question, bank: Bank, max_seconds: float) -> None:
        """Start recording an answer; raises ``ModelNotReady`` or ``MicrophoneUnavailable``."""
        transcriber = self.services.transcriber
        if transcriber is None or self.services.matcher_for(bank) is None:
            model = self.services.model
            if model.busy or transcriber is not None:
                raise ModelNotReady(
                    "The speech model is still loading (see the status bar); type your answer meanwhile."
                )
            raise ModelNotReady(f"{model.message} Meanwhile, type your answer.")
        started = datetime.now(UTC)
        name = f"{started:%Y%m%d-%H%M%S-%f}-{question.id}.wav"
        path = self.services.audio_dir() / name
        attempt = new_attempt(
            session_id,
            question,
            bank,
            started,
            status="recording",
            audio_path=path.relative_to(self.services.root),
        )
        capture = AnswerCapture(self.services.jobs, self)
        capture.level.connect(self.level)
        capture.partial.connect(self.partial)
        capture.partial.connect(lambda text: self._prepare_judge(bank, text))
        capture.ended.connect(lambda reason: self._ended_by_itself(capture, reason))
        capture.finished.connect(lambda answer: self._captured(answer, attempt, question, bank))
        capture.failed.connect(lambda message: self._capture_failed(message, attempt))
        attempt.id = self.services.store.add_attempt(attempt)
        try:
            capture.start(
                self.services.make_source(), path, transcriber, question_vocabulary(question), max_seconds
            )
        except BaseException:
            self.services.store.delete_attempt(attempt.id)
            raise
        self._capture, self._attempt, self._question = capture, attempt, question

    def _prepare_judge(self, bank: Bank, text: str) -> None:
        """Embed what has been said so far while the person speaks, so judging the final transcript
        only has the last sentences to embed. One job at a time; the newest text wins."""
        matcher = self.services.matcher_for(bank)
        if matcher is None:
            return
        if self._preparing:
            self._to_prepare = text
            return
        self._preparing, self._to_prepare = True, None

        def done(_result: object = None) -> None:
            self._preparing = False
            if self._to_prepare is not None and self.recording:
                self._prepare_judge(bank, self._to_prepare)

        self.services.jobs.run(lambda: matcher.prepare(text), done, lambda _exc: done())

    def stop(self) -> None:
        if self._capture is None or not self._capture.recording:
            return
        self._stop_requested = time.perf_counter()
        self.pending += 1
        self._capture.stop()
        self._capture = None
        self.stopping.emit()

    def _ended_by_itself(self, capture: AnswerCapture, reason: str) -> None:
        """The recording stopped without a stop request (limit, end of file, lost microphone)."""
        if self._capture is not capture:
            return
        self._stop_requested = time.perf_counter()
        self.pending += 1
        self._capture = None
        self.ended.emit(reason)
        self.stopping.emit()

    def cancel(self) -> None:
        """Abandon the answer being recorded; the audio stays, the attempt is marked skipped."""
        if self._capture is None:
            return
        self._capture.cancel()
        self._capture = None
        if self._attempt is not None:
            self._attempt.status = "skipped"
            self.services.store.update_attempt(self._attempt)

    def submit_typed(self, session_id: int, question: Question, bank: Bank, text: str) -> None:
        matcher = self.services.matcher_for(bank)
        if matcher is None:
            self.failed.emit("The judging model is still loading; try again in a moment.")
            return
        attempt = new_attempt(session_id, question, bank, datetime.now(UTC), typed=True)
        self._stop_requested = time.perf_counter()
        self.pending += 1
        self.services.jobs.run(
            lambda: matcher.judge(question.id, text),
            lambda judgement: self._store(
                attempt, transcript=Transcript(text=text), judgement=judgement, metrics=None
            ),
            lambda exc: self._judge_failed(exc, attempt),
        )

    def record_skip(self, session_id: int, question: Question, bank: Bank) -> AttemptRecord:
        attempt = new_attempt(session_id, question, bank, datetime.now(UTC), status="skipped")
        attempt.id = self.services.store.add_attempt(attempt)
        return attempt

    # -- results -----------------------------------------------------------------------------------

    def _captured(
        self, answer: CapturedAnswer, attempt: AttemptRecord, question: Question, bank: Bank
    ) -> None:
        """Judge and measure at the same time. The judgement is what the person waits for: it is
        stored and shown as soon as it is in; the speech metrics (slower: they analyse the whole
        waveform) follow and update the record and the review."""
        attempt.duration = answer.recording.duration
        self.last_final_transcript = answer.stop_to_final
        log.info("final transcript %.3f s after the stop", answer.stop_to_final)
        matcher = self.services.matcher_for(bank)
        assert matcher is not None  # checked before recording started
        transcript, wav = answer.transcript, answer.recording.path
        self.pending += 1  # the metrics, counted apart from the judgement
        state: dict[str, object] = {}

        def judged(judgement: object) -> None:
            state["judged"] = True
            if "metrics" in state:
                self.pending -= 1  # before the judged signal: listeners check pending
            self._store(attempt, transcript=transcript, judgement=judgement, metrics=state.get("metrics"))

        def measured(metrics: object) -> None:
            state["metrics"] = metrics
            if "judged" not in state:
                return  # stored together with the judgement
            self.pending -= 1
            if attempt.status == "complete" and metrics is not None:
                attempt.metrics = metrics  # type: ignore[assignment]
                self.services.store.update_attempt(attempt)
            self.measured.emit(attempt)  # also when there is nothing to show: the wait is over

        def judge_failed(exc: BaseException) -> None:
            state["judged"] = True
            if "metrics" in state:
                self.pending -= 1
            self._judge_failed(exc, attempt)

        def unmeasured(exc: BaseException) -> None:
            log.warning("speech metrics failed: %s", exc)  # the judgement still stands
            measured(None)

        jobs = self.services.jobs
        jobs.run(lambda: matcher.judge(question.id, transcript.text), judged, judge_failed)
        jobs.run(lambda: measure(transcript, wav), measured, unmeasured)

    def _store(self, attempt: AttemptRecord, **fields: object) -> None:
        self.pending -= 1
        for name, value in fields.items():
            setattr(attempt, name, value)
        attempt.status = "complete"
        if attempt.id is None:
            attempt.id = self.services.store.add_attempt(attempt)
        else:
            self.services.store.update_attempt(attempt)
        self.last_review_latency = time.perf_counter() - self._stop_requested
        log.info("attempt %s judged %.3f s after the stop", attempt.id, self.last_review_latency)
        self.judged.emit(attempt)

    def _capture_failed(self, message: str, attempt: AttemptRecord) -> None:
        self.pending -= 1
        attempt.status = "failed"
        self.services.store.update_attempt(attempt)
        self.failed.emit(message)

    def _judge_failed(self, exc: BaseException, attempt: AttemptRecord) -> None:
        self.pending -= 1
        attempt.status = "failed"
        if attempt.id is not None:
            self.services.store.update_attempt(attempt)
        self.failed.emit(f"The answer could not be judged ({exc}).")


def new_attempt(
    session_id: int, question: Question, bank: Bank, started: datetime, **fields: object
) -> AttemptRecord:
    """An attempt at ``question`` in a session, before anything was said."""
    return AttemptRecord(
        session_id=session_id,
        question_id=question.id,
        question_title=question.title,
        topic=question.topic,
        bank=bank.bank.id,
        started_at=started,
        **fields,  # type: ignore[arg-type]
    )
