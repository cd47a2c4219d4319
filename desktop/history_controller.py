"""History: filter the stored sessions, chart progress, open, delete and export attempts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.export import export_session
from desktop.records import HistoryFilter
from desktop.services import Services
from desktop.ui.history_view import HistoryView
from desktop.ui.review_view import ReviewView
from desktop.ui.session_review_view import SessionReviewView


class HistoryController(QObject):
    def __init__(
        self,
        services: Services,
        view: HistoryView,
        review: ReviewView,
        session_review: SessionReviewView,
        show: Callable[[QWidget], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services, self.view, self.review, self.session_review = services, view, review, session_review
        self._show = show
        self.choose_export_path: Callable[[str], Path | None] = self._ask_export_path
        view.filter_changed.connect(self.refresh)
        view.open_attempt.connect(self.open_attempt)
        view.open_session.connect(self.open_session)
        view.delete_attempt.connect(self._delete_attempt)
        view.delete_session.connect(self._delete_session)
        view.export_session.connect(self.export)
        session_review.export_requested.connect(self.export)

    def open(self) -> None:
        self.view.set_questions(self.services.library.all_questions())
        self.refresh(self.view.current_filter())
        self._show(self.view)

    def refresh(self, filter: HistoryFilter | None = None) -> None:
        store = self.services.store
        filter = filter or self.view.current_filter()
        self.view.set_sessions(store.sessions(filter))
        if filter.question_id:
            title = self.services.library.question(filter.question_id).title
            points = store.progress(question_id=filter.question_id)
        elif filter.topic:
            title, points = f"Topic: {filter.topic}", store.progress(topic=filter.topic)
        else:
            title, points = "All questions", store.progress()
        self.view.set_progress(points, title)

    def open_attempt(self, attempt_id: int) -> None:
        attempt = self.services.store.attempt(attempt_id)
        if attempt is None:
            return
        try:
            question = self.services.library.question(attempt.question_id)
        except KeyError:
            QMessageBox.information(
                self.view, "Question not found", f"The bank holding {attempt.question_id!r} was removed."
            )
            return
        previous = self.services.store.previous_attempt(attempt.question_id, attempt_id)
        self.review.set_actions_visible(False)
        self.review.show_attempt(attempt, question, previous, self.services.root)
        self._show(self.review)

    def open_session(self, session_id: int) -> None:
        record = self.services.store.session(session_id)
        if record is None:
            return
        questions = {q.id: q for q in self.services.library.all_questions()}
        self.session_review.show_session(record, questions, self.services.root)
        self._show(self.session_review)

    def export(self, session_id: int) -> None:
        record = self.services.store.session(session_id)
        if record is None:
            return
        path = self.choose_export_path(f"viva-voce-session-{session_id}.html")
        if path is None:
            return
        try:
            export_session(record, path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self.view, "Export failed", f"Could not write {path}: {exc}")

    def _ask_export_path(self, suggested: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self.view, "Export session", str(Path.home() / suggested), "HTML (*.html);;Markdown (*.md)"
        )
        return Path(name) if name else None

    def _delete_attempt(self, attempt_id: int) -> None:
        self.services.store.delete_attempt(attempt_id)
        self.refresh()

    def _delete_session(self, session_id: int) -> None:
        self.services.store.delete_session(session_id)
        self.refresh()
