"""The main window: one page at a time in a stack, menus with the shortcuts, a status area."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QStackedWidget, QWidget


class StatusItem(QLabel):
    """ "Speech model: ready" — the word carries the state, not only the colour."""

    def set_state(self, name: str, ready: bool, busy: bool, message: str) -> None:
        mark = "✓" if ready else ("…" if busy else "⚠")
        self.setText(f"{mark} {name}: {message if len(message) < 60 else message[:57] + '…'}")
        self.setToolTip(message)


class MainWindow(QMainWindow):
    home_requested = Signal()
    import_requested = Signal()
    mock_requested = Signal()
    history_requested = Signal()
    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Viva Voce")
        self.resize(1100, 760)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)

        self.model_status = StatusItem()
        self.voice_status = StatusItem()
        self.microphone_status = StatusItem()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: the speech model is loading
        self.busy.setMaximumWidth(120)
        self.busy.setAccessibleName("Loading")
        status = self.statusBar()
        status.addWidget(self.model_status)
        status.addWidget(self.busy)
        status.addWidget(self.voice_status)
        status.addWidget(self.microphone_status, 1)

        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Home", "Ctrl+Home", self.home_requested)
        self._action(file_menu, "&Import bank…", "Ctrl+I", self.import_requested)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, None).triggered.connect(self.close)
        practice_menu = self.menuBar().addMenu("&Practice")
        self._action(practice_menu, "&Mock interview…", "Ctrl+M", self.mock_requested)
        self._action(practice_menu, "&History", "Ctrl+H", self.history_requested)
        self._action(practice_menu, "&Settings…", "Ctrl+,", self.settings_requested)
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", "F1", None).triggered.connect(self._shortcuts)

    def _action(self, menu, text: str, keys, signal) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        if signal is not None:
            action.triggered.connect(signal.emit)
        menu.addAction(action)
        return action

    def show_page(self, page: QWidget) -> None:
        if self.stack.indexOf(page) < 0:
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        page.setFocus()

    def _shortcuts(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(
            self,
            "Keyboard shortcuts",
            "Space — start / stop an answer\nH — hear the question again\nEnter / N — next question\n"
            "R — retry\nS — skip (mock)\nP — pause (mock)\nEsc — back / stop the interview\n"
            "Ctrl+M — mock interview\nCtrl+H — history\nCtrl+I — import a bank\nCtrl+, — settings",
        )
