"""The desktop app: builds the services, the screens and their controllers, and runs Qt.

``vivavoce`` with no arguments (or ``vivavoce-gui``) lands here. The window appears at once; the
speech model, the judges and the voice load in the background (see ``Services.start``).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from desktop.history_controller import HistoryController
from desktop.mock_controller import MockController
from desktop.paths import data_dir, settings_path
from desktop.practice_controller import PracticeController
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

    def __init__(
        self,
        root: Path,
        settings: AppSettings,
        *,
        source_factory: SourceFactory | None = None,
        services: Services | None = None,
    ) -> None:
        super().__init__()
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
