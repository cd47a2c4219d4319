"""Wires the mock-interview screen to a ``MockSession`` and shows the session review at the end."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.mock_plan import MockPlan
from desktop.mock_session import MockSession
from desktop.services import Services
from desktop.ui.mock_view import MockView
from desktop.ui.session_review_view import SessionReviewView


class MockController(QObject):
    review_shown = Signal(int)  # session id
    phase_changed = Signal(str, int)  # the running session's, relayed (harness, tests)

    def __init__(
        self,
        services: Services,
        view: MockView,
        review: SessionReviewView,
        show: Callable[[QWidget], None],
        go_home: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services, self.view, self.review = services, view, review
        self._show, self._go_home = show, go_home
        self.session: MockSession | None = None
        view.primary_requested.connect(lambda: self.session and self.session.primary())
        view.skip_requested.connect(lambda: self.session and self.session.skip())
        view.pause_requested.connect(lambda: self.session and self.session.toggle_pause())
        view.abort_requested.connect(self.abort)
        review.done_requested.connect(go_home)
        review.rating_changed.connect(services.store.set_self_rating)

    def start(self, plan: MockPlan) -> MockSession:
        if self.session is not None:
            self.session.deleteLater()
        session = MockSession(self.services, self)
        session.phase_changed.connect(self._phase)
        session.tick.connect(self.view.set_time)
        session.problem.connect(self.view.show_problem)
        session.finished.connect(self._finished)
        session.aborted.connect(lambda _id: self._go_home())
        session.flow.level.connect(self.view.meter.set_level)
        self.session = session
        self._show(self.view)
        session.start(plan)
        return session

    def _phase(self, phase: str, index: int) -> None:
        session = self.session
        assert session is not None and session.plan is not None
        question = session.question
        if question is not None:
            self.view.show_question(index, len(session.plan.question_ids), question.title)
        self.view.set_phase(phase)
        self.phase_changed.emit(phase, index)

    def abort(self) -> None:
        if self.session is not None:
            self.session.abort()

    def _finished(self, session_id: int) -> None:
        record = self.services.store.session(session_id)
        if record is None:
            self._go_home()
            return
        questions = {q.id: q for q in self.services.library.all_questions()}
        previous = {}
        for attempt in record.attempts:
            if attempt.id is not None:
                earlier = self.services.store.previous_attempt(attempt.question_id, attempt.id)
                if earlier is not None:
                    previous[attempt.id] = earlier
        self.review.show_session(record, questions, self.services.root, previous)
        self._show(self.review)
        self.review_shown.emit(session_id)
