"""The desktop app: builds the services, the screens and their controllers, and runs Qt.

``vivavoce`` with no arguments (or ``vivavoce-gui``) lands here. The window appears at once; the
speech model, the judges and the voice load in the background (see ``Services.start``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop.history_controller import HistoryController
from desktop.mock_controller import MockController
from desktop.paths import data_dir, settings_path
from desktop.practice_controller import PracticeController
from desktop.records import AttemptRecord
from desktop.recovery import recover, recoverable
from desktop.services import Services, SourceFactory
from desktop.settings import AppSettings, load_settings
from desktop.suggest import practise_next
from desktop.ui.history_view import HistoryView
from desktop.ui.home_view import HomeView, choose_bank_file
from desktop.ui.main_window import MainWindow
from desktop.ui.mock_setup_dialog import MockSetupDialog
from desktop.ui.mock_view import MockView
from desktop.ui.practice_view import PracticeView
from desktop.ui.review_view import ReviewView
from desktop.ui.session_review_view import SessionReviewView
from questions.errors import BankError


class VivaVoceApp(QObject):
    """Owns the window and the controllers; the home screen's behaviour lives here."""

    recovered = Signal(object)  # AttemptRecord: an answer interrupted by a crash, now stored

    def __init__(
        self,
        root: Path,
        settings: AppSettings,
        *,
        source_factory: SourceFactory | None = None,
        services: Services | None = None,
    ) -> None:
        super().__init__()
        self._recovering: set[int | None] = set()
        self.services = services or Services(root, settings, source_factory=source_factory, parent=self)
        self.window = MainWindow()
        self.home = HomeView()
        self.practice_view = PracticeView()
        self.review = ReviewView()
        self.mock_view = MockView()
        self.session_review = SessionReviewView()
        self.history_view = HistoryView()
        self.history_review = ReviewView()
        show = self.window.show_page
        self.practice = PracticeController(self.services, self.practice_view, self.review, show, self.go_home)
        self.mock = MockController(self.services, self.mock_view, self.session_review, show, self.go_home)
        self.history = HistoryController(
            self.services, self.history_view, self.history_review, self.session_review, show
        )
        self.history_review.next_requested.connect(self.history.open)
        self.history_review.rating_changed.connect(self.services.store.set_self_rating)

        self.home.practice_requested.connect(self.practice.open)
        self.home.mock_requested.connect(self.ask_mock)
        self.home.import_requested.connect(self.import_bank)
        self.home.history_requested.connect(self.history.open)
        self.home.settings_requested.connect(self.edit_settings)
        self.window.home_requested.connect(self.go_home)
        self.window.import_requested.connect(self.import_bank)
        self.window.mock_requested.connect(self.ask_mock)
        self.window.history_requested.connect(self.history.open)
        self.window.settings_requested.connect(self.edit_settings)
        self.services.status_changed.connect(self._show_status)
        self.services.models_ready.connect(self.offer_recovery)
        # Asks whether to recover answers interrupted by a crash; replaceable (tests, the harness).
        self.ask_recovery: Callable[[list[AttemptRecord]], bool] = self._ask_recovery
        self.window.destroyed.connect(self.services.shutdown)

        self.go_home()
        for problem in self.services.library.problems:
            self.home.show_problem(problem)
        if self.services.store.recovered_from:
            self.home.show_problem(self.services.store.recovered_from)
        self._show_status()

    def start(self) -> None:
        self.window.show()
        # Load after the first paint, so the window is there at once.
        QTimer.singleShot(0, self.services.start)

    def go_home(self) -> None:
        services = self.services
        stats = services.store.question_stats()
        questions = services.library.all_questions()
        suggestions = practise_next(questions, stats, datetime.now(UTC))
        self.home.set_library(services.library.banks, stats, suggestions)
        self.window.show_page(self.home)

    def ask_mock(self) -> None:
        library = self.services.library
        dialog = MockSetupDialog(
            library.all_questions(), library.topics(), self.services.settings, self.window
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.mock.start(dialog.plan())

    def import_bank(self) -> None:
        path = choose_bank_file(self.window)
        if path is None:
            return
        try:
            bank = self.services.library.import_file(path)
        except BankError as exc:
            self.home.show_problem(str(exc))
            self.go_home()
            return
        self.services.prepare_bank(bank)
        self.go_home()

    def edit_settings(self) -> None:
        from desktop.ui.settings_dialog import SettingsDialog

        speaker = self.services.speaker
        voices = speaker.voices() if speaker is not None and speaker.available else []
        reason = None if voices else (speaker.reason if speaker is not None else "the voice is still loading")
        dialog = SettingsDialog(self.services.settings, voices, reason, self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.services.apply_settings(dialog.result_settings())

    def offer_recovery(self) -> None:
        """Answers a crash interrupted: offer to transcribe and keep them (asked once per attempt)."""
        store = self.services.store
        waiting = [a for a in store.unfinished_attempts() if a.id not in self._recovering]
        if not waiting:
            return
        self._recovering.update(a.id for a in waiting)
        keep = {a.id for a in waiting if recoverable(a, self.services.root)}
        accepted = bool(keep) and self.ask_recovery([a for a in waiting if a.id in keep])
        for attempt in waiting:
            if accepted and attempt.id in keep:
                self._recover(attempt)
                continue
            # Declined or nothing on disk: the row stops asking; the audio (if any) stays in History.
            store.update_attempt(attempt.model_copy(update={"status": "failed", "note": "not recovered"}))
            if attempt.session_id is not None:
                store.finish_session(attempt.session_id, aborted=True)

    def _recover(self, attempt: AttemptRecord) -> None:
        services = self.services
        try:
            question = services.library.question(attempt.question_id)
        except KeyError:
            return
        bank = services.library.bank_of(question.id)
        transcriber, matcher = services.transcriber, services.matcher_for(bank)
        if transcriber is None or matcher is None:
            return

        def done(record: AttemptRecord) -> None:
            services.store.update_attempt(record)
            if record.session_id is not None:
                services.store.finish_session(record.session_id, aborted=True)
            self.home.show_problem(
                f"Recovered your answer to “{record.question_title}” "
                f"({record.duration:.0f} s) after Viva Voce closed mid-answer; it is in History."
            )
            self.recovered.emit(record)
            if self.window.stack.currentWidget() is self.home:
                self.go_home()

        def failed(exc: BaseException) -> None:
            services.store.update_attempt(attempt.model_copy(update={"status": "failed"}))
            self.home.show_problem(f"Could not recover the answer to “{attempt.question_title}”: {exc}")

        services.jobs.run(
            lambda: recover(attempt, question, services.root, transcriber, matcher), done, failed
        )

    def _ask_recovery(self, attempts: list[AttemptRecord]) -> bool:
        titles = "\n".join(f"• {a.question_title} ({a.started_at:%d %b %H:%M})" for a in attempts)
        answer = QMessageBox.question(
            self.window,
            "Recover interrupted answers?",
            "Viva Voce closed while you were answering:\n"
            f"{titles}\n\nThe recording was saved as you spoke. Transcribe and keep it?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def _show_status(self) -> None:
        services, window = self.services, self.window
        window.model_status.set_state(
            "Speech model", services.model.ready, services.model.busy, services.model.message
        )
        window.busy.setVisible(services.model.busy)
        window.voice_status.set_state(
            "Voice", services.voice.ready, services.voice.busy, services.voice.message
        )
        mic = services.microphone
        window.microphone_status.set_state("Microphone", mic.ready, mic.busy, mic.message)


def main(argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv if argv is None else ["vivavoce", *argv])
    app.setApplicationName("Viva Voce")
    app.setDesktopFileName("vivavoce")
    root = data_dir()
    settings = load_settings(settings_path(root))
    if settings.data_dir:
        root = data_dir(settings.data_dir)
    viva = VivaVoceApp(root, settings)
    viva.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
