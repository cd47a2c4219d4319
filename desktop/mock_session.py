"""The timed mock interview as a state machine: read, think, answer, next — no feedback until the end.

No widgets here: the view shows what this object says (``phase_changed``, ``tick``), so the same
flow runs under the test suite, the ``vivavoce mock`` harness and a person.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Literal

from PySide6.QtCore import QObject, QTimer, Signal

from audio.sources import MicrophoneUnavailable
from desktop.attempt_flow import AttemptFlow, ModelNotReady
from desktop.mock_plan import MockPlan
from desktop.records import SessionRecord
from desktop.services import Services
from questions.model import Bank, Question

Phase = Literal["reading", "thinking", "answering", "paused", "finishing", "done", "aborted"]


class MockSession(QObject):
    phase_changed = Signal(str, int)  # phase, question index
    tick = Signal(int, int)  # seconds left in the phase, phase length
    problem = Signal(str)  # something stopped the flow; it is paused, the message says why
    finished = Signal(int)  # session id; every answer is judged and stored
    aborted = Signal(int)

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.flow = AttemptFlow(services, self)
        self.plan: MockPlan | None = None
        self.session_id: int | None = None
        self.index = -1
        self.phase: Phase = "done"
        self._deadline = 0.0
        self._length = 0
        self._left_when_paused = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._on_timer)
        self._resume_next = False
        self.flow.ended.connect(lambda _reason: self._answer_over())
        self.flow.judged.connect(lambda _attempt: self._maybe_finish())
        self.flow.measured.connect(lambda _attempt: self._maybe_finish())
        self.flow.failed.connect(lambda _message: self._maybe_finish())

    @property
    def question(self) -> Question | None:
        if self.plan is None or not 0 <= self.index < len(self.plan.question_ids):
            return None
        return self.services.library.question(self.plan.question_ids[self.index])

    def _bank(self) -> Bank:
        assert self.question is not None
        return self.services.library.bank_of(self.question.id)

    def start(self, plan: MockPlan) -> None:
        self.plan = plan
        bank = self.services.library.bank_of(plan.question_ids[0])
        self.session_id = self.services.store.start_session(
            SessionRecord(
                kind="mock",
                bank=bank.bank.id,
                started_at=datetime.now(UTC),
                think_seconds=plan.think_seconds,
                answer_seconds=plan.answer_seconds,
            )
        )
        self.index = -1
        self._next()

    # -- the person's controls ---------------------------------------------------------------------

    def primary(self) -> None:
        """Space: start answering now while thinking; finish the answer while answering."""
        if self.phase in ("reading", "thinking"):
            self._answer()
        elif self.phase == "answering":
            self.flow.stop()
            self._answer_over()

    def skip(self) -> None:
        if self.phase in ("reading", "thinking"):
            self._stop_voice()
            self.flow.record_skip(self._session(), self._require_question(), self._bank())
            self._next()
        elif self.phase == "answering":
            self.flow.cancel()  # the audio stays on disk; the attempt is marked skipped
            self._next()

    def toggle_pause(self) -> None:
        """Pause the countdown; resume where it was. Pausing mid-answer ends that answer (it is kept
        and judged) and resuming moves on to the next question."""
        if self.phase == "paused":
            if self._resume_next:
                self._resume_next = False
                self._next()
                return
            self._countdown("thinking", self._length, left=self._left_when_paused)
            return
        if self.phase == "answering":
            self.flow.stop()
            self._timer.stop()
            self._resume_next = True
            self._set_phase("paused")
        elif self.phase in ("reading", "thinking"):
            self._stop_voice()
            self._timer.stop()
            thinking = self.phase == "thinking"
            self._left_when_paused = max(0.0, self._deadline - time.monotonic()) if thinking else 0.0
            self._set_phase("paused")

    def abort(self) -> None:
        if self.phase in ("done", "aborted"):
            return
        self._timer.stop()
        self._stop_voice()
        self.flow.cancel()
        self._set_phase("aborted")
        if self.session_id is not None:
            self.services.store.finish_session(self.session_id, aborted=True)
            self.aborted.emit(self.session_id)

    # -- the flow ----------------------------------------------------------------------------------

    def _next(self) -> None:
        assert self.plan is not None
        self._timer.stop()
        self.index += 1
        if self.index >= len(self.plan.question_ids):
            self._set_phase("finishing")
            self._maybe_finish()
            return
        question = self._require_question()
        speaker = self.services.speaker
        self._set_phase("reading")
        if self.index + 1 < len(self.plan.question_ids) and speaker is not None and speaker.available:
            upcoming = self.services.library.question(self.plan.question_ids[self.index + 1])
            speaker.prepare(upcoming.title)  # the next question is ready the moment it is due
        if self.services.settings.speak_questions and speaker is not None and speaker.available:
            index = self.index
            speaker.speak(
                question.title,
                on_done=lambda _completed: QTimer.singleShot(0, self, lambda: self._read(index)),
                on_error=lambda _exc: QTimer.singleShot(0, self, lambda: self._read(index)),
            )
        else:
            self._read(self.index)

    def _read(self, index: int) -> None:
        """The question has been read (or could not be): the think time starts."""
        if index != self.index or self.phase != "reading":
            return
        assert self.plan is not None
        self._countdown("thinking", self.plan.think_seconds)
        if self.plan.think_seconds == 0:
            self._answer()

    def _answer(self) -> None:
        assert self.plan is not None
        self._stop_voice()
        try:
            self.flow.start(self._session(), self._require_question(), self._bank(), self.plan.answer_seconds)
        except (ModelNotReady, MicrophoneUnavailable, OSError) as exc:
            self._timer.stop()
            self._left_when_paused = 0.0  # resuming tries to record again at once
            self._set_phase("paused")
            self.problem.emit(str(exc))
            return
        self._countdown("answering", self.plan.answer_seconds)

    def _answer_over(self) -> None:
        if self.phase == "answering":
            self._next()

    def _countdown(self, phase: Phase, seconds: int, left: float | None = None) -> None:
        self._length = seconds
        left = seconds if left is None else left
        self._deadline = time.monotonic() + left
        self._set_phase(phase)
        self.tick.emit(math.ceil(left), seconds)
        self._timer.start()

    def _on_timer(self) -> None:
        left = self._deadline - time.monotonic()
        self.tick.emit(max(0, math.ceil(left)), self._length)
        if left > 0:
            return
        self._timer.stop()
        if self.phase == "thinking":
            self._answer()
        elif self.phase == "answering":
            self.flow.stop()
            self._answer_over()

    def _maybe_finish(self) -> None:
        if self.phase == "finishing" and self.flow.pending == 0 and self.session_id is not None:
            self.services.store.finish_session(self.session_id)
            self._set_phase("done")
            self.finished.emit(self.session_id)

    def _set_phase(self, phase: Phase) -> None:
        self.phase = phase
        self.phase_changed.emit(phase, self.index)

    def _stop_voice(self) -> None:
        if self.services.speaker is not None:
            self.services.speaker.stop()

    def _session(self) -> int:
        assert self.session_id is not None
        return self.session_id

    def _require_question(self) -> Question:
        question = self.question
        assert question is not None
        return question
