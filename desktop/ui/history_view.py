"""The history screen: filters, sessions with their attempts, and a coverage chart.

Layout and signals only; a controller (or the main window) feeds it from the store and acts on
its signals. Deletion asks first through ``confirm``, which tests replace.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.records import AttemptRecord, HistoryFilter, SessionRecord
from desktop.ui.widgets.progress_chart import ProgressChart
from questions.model import Question

ALL_QUESTIONS = "All questions"
ALL_TOPICS = "All topics"
PERIODS: list[tuple[str, int | None]] = [
    ("All time", None),
    ("Last 7 days", 7),
    ("Last 30 days", 30),
    ("Last 90 days", 90),
]
KIND_NAMES = {"practice": "Practice", "mock": "Mock interview"}
STATUS_NAMES = {
    "complete": "Complete",
    "skipped": "Skipped",
    "failed": "Failed (audio kept, can retry)",
    "recording": "Unfinished (recovered)",
}
COLUMNS = ["When", "What", "Coverage", "Red flags", "Status"]
_KEY_ROLE = Qt.ItemDataRole.UserRole  # ("session" | "attempt", id)


def _percent(value: float | None) -> str:
    return "\u2014" if value is None else f"{value:.0%}"


def _local(moment: datetime) -> datetime:
    """Stored times are UTC; people read their own clock."""
    return moment.astimezone()


def _ask(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )  # fmt: skip
    return answer == QMessageBox.StandardButton.Yes


class HistoryView(QWidget):
    """Sessions newest first, attempts under them; Enter opens, Delete deletes (after asking)."""

    filter_changed = Signal(object)  # HistoryFilter
    open_attempt = Signal(int)
    open_session = Signal(int)
    delete_attempt = Signal(int)
    delete_session = Signal(int)
    export_session = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Replaceable: (title, question) -> True to go ahead. Tests answer without a dialog.
        self.confirm: Callable[[str, str], bool] = lambda title, text: _ask(self, title, text)
        self.now: Callable[[], datetime] = lambda: datetime.now().astimezone()
        self._questions: list[Question] = []
        self._sessions: dict[int, SessionRecord] = {}

        self.question_combo = QComboBox()
        self.question_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.question_combo.setMinimumContentsLength(24)
        self.topic_combo = QComboBox()
        self.period_combo = QComboBox()
        for name, days in PERIODS:
            self.period_combo.addItem(name, days)
        filters = QHBoxLayout()
        for text, combo in (("&Question:", self.question_combo), ("&Topic:", self.topic_combo),
                            ("&Period:", self.period_combo)):  # fmt: skip
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo, 1 if combo is self.question_combo else 0)
        filters.addStretch()

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setExpandsOnDoubleClick(False)  # double-click opens; the arrow and +/- still expand
        self.tree.setAccessibleName("Sessions and attempts")
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel("No sessions match these filters.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setEnabled(False)

        self.open_button = QPushButton("&Open")
        self.open_button.setToolTip("Open the selected attempt or session (Enter)")
        self.export_button = QPushButton("&Export session\u2026")
        self.export_button.setToolTip("Save the selected session as a report")
        self.delete_button = QPushButton("&Delete\u2026")
        self.delete_button.setToolTip("Delete the selected attempt or session and its recordings (Delete)")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch()
        buttons.addWidget(self.delete_button)

        self.chart = ProgressChart()
        listing = QWidget()
        listing_layout = QVBoxLayout(listing)
        listing_layout.setContentsMargins(0, 0, 0, 0)
        listing_layout.addWidget(self.tree, 1)
        listing_layout.addWidget(self.empty_label)
        listing_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(listing)
        self.splitter.addWidget(self.chart)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([3000, 2000])  # proportions; Qt scales them to the real height

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        self.set_questions([])
        self.set_sessions([])
        self.question_combo.currentIndexChanged.connect(self._on_filter_edited)
        self.topic_combo.currentIndexChanged.connect(self._on_topic_changed)
        self.period_combo.currentIndexChanged.connect(self._on_filter_edited)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda *_: self.open_selected())
        self.tree.installEventFilter(self)
        self.open_button.clicked.connect(self.open_selected)
        self.export_button.clicked.connect(self.export_selected)
        self.delete_button.clicked.connect(self.delete_selected)

    # -- feeding ---------------------------------------------------------------------------------

    def set_questions(self, questions: list[Question]) -> None:
        """Fill the question and topic filters (keeps the current choice when it still exists)."""
        self._questions = list(questions)
        topic = self.topic_combo.currentData()
        with QSignalBlocker(self.topic_combo):
            self.topic_combo.clear()
            self.topic_combo.addItem(ALL_TOPICS, None)
            for name in sorted({q.topic for q in self._questions}, key=str.casefold):
                self.topic_combo.addItem(name, name)
            self.topic_combo.setCurrentIndex(max(0, self.topic_combo.findData(topic)))
        self._fill_question_combo()

    def _fill_question_combo(self) -> None:
        """Only the chosen topic's questions are offered; a question outside it falls back to all."""
        chosen, topic = self.question_combo.currentData(), self.topic_combo.currentData()
        with QSignalBlocker(self.question_combo):
            self.question_combo.clear()
            self.question_combo.addItem(ALL_QUESTIONS, None)
            for q in self._questions:
                if topic is None or q.topic == topic:
                    self.question_combo.addItem(q.title, q.id)
                    self.question_combo.setItemData(self.question_combo.count() - 1, q.topic,
                                                    Qt.ItemDataRole.ToolTipRole)  # fmt: skip
            self.question_combo.setCurrentIndex(max(0, self.question_combo.findData(chosen)))

    def set_sessions(self, sessions: list[SessionRecord]) -> None:
        """Show sessions (newest first) with their attempts; the selection survives a refresh."""
        kept = self._selected_key()
        self._sessions = {s.id: s for s in sessions if s.id is not None}
        self.tree.clear()
        restore: QTreeWidgetItem | None = None
        for session in sessions:
            item = self._session_item(session)
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
            if item.data(0, _KEY_ROLE) == kept:
                restore = item
            for child in (item.child(i) for i in range(item.childCount())):
                if child.data(0, _KEY_ROLE) == kept:
                    restore = child
        self.tree.setVisible(bool(sessions))
        self.empty_label.setVisible(not sessions)
        if restore is not None:
            self.tree.setCurrentItem(restore)
        self._update_buttons()

    def set_progress(self, points: list[tuple[datetime, float]], title: str) -> None:
        """Coverage over attempts for the filtered question or topic (coverage 0..1, oldest first)."""
        self.chart.set_series(points, title)

    def current_filter(self) -> HistoryFilter:
        days = self.period_combo.currentData()
        since = None
        if days is not None:
            # Whole days: "last 7 days" starts at midnight six days ago, not at this minute a week ago.
            today = self.now().replace(hour=0, minute=0, second=0, microsecond=0)
            since = today - timedelta(days=days - 1)
        return HistoryFilter(
            question_id=self.question_combo.currentData(), topic=self.topic_combo.currentData(), since=since
        )

    # -- rows ------------------------------------------------------------------------------------

    def _session_item(self, session: SessionRecord) -> QTreeWidgetItem:
        scored = [a.coverage for a in session.attempts if a.coverage is not None]
        mean = sum(scored) / len(scored) if scored else None
        n = len(session.attempts)
        kind = KIND_NAMES.get(session.kind, session.kind)
        status = "Stopped early" if session.aborted else ("Finished" if session.finished_at else "")
        flags = sum(len(a.judgement.red_flags) for a in session.attempts if a.judgement)
        item = QTreeWidgetItem([
            f"{_local(session.started_at):%a %d %b %Y, %H:%M}",
            f"{kind} \u00b7 {n} attempt{'' if n == 1 else 's'}",
            f"{_percent(mean)} mean" if mean is not None else "\u2014",
            str(flags) if scored else "\u2014",
            status,
        ])  # fmt: skip
        item.setData(0, _KEY_ROLE, ("session", session.id))
        for column in (2, 3):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFont(1, font)
        for attempt in session.attempts:
            item.addChild(self._attempt_item(attempt))
        return item

    def _attempt_item(self, attempt: AttemptRecord) -> QTreeWidgetItem:
        flags = len(attempt.judgement.red_flags) if attempt.judgement else None
        status = STATUS_NAMES.get(attempt.status, attempt.status)
        if attempt.typed:
            status += " (typed)"
        item = QTreeWidgetItem([
            f"{_local(attempt.started_at):%H:%M}",
            attempt.question_title,
            _percent(attempt.coverage),
            "\u2014" if flags is None else (f"\u2691 {flags}" if flags else "0"),
            status,
        ])  # fmt: skip
        item.setData(0, _KEY_ROLE, ("attempt", attempt.id))
        item.setToolTip(1, f"{attempt.topic} \u00b7 {attempt.question_id}")
        for column in (2, 3):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    # -- actions ---------------------------------------------------------------------------------

    def _selected_key(self) -> tuple[str, int] | None:
        item = self.tree.currentItem()
        if item is None or not item.isSelected():
            return None
        return item.data(0, _KEY_ROLE)

    def _selected_session_id(self) -> int | None:
        """The selected session, or the session of the selected attempt."""
        item = self.tree.currentItem()
        if item is None or not item.isSelected():
            return None
        top = item.parent() or item
        return top.data(0, _KEY_ROLE)[1]

    def select(self, kind: str, item_id: int) -> bool:
        """Select a row by ("session" | "attempt", id); returns False when it is not shown."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for item in (top, *(top.child(j) for j in range(top.childCount()))):
                if item.data(0, _KEY_ROLE) == (kind, item_id):
                    self.tree.setCurrentItem(item)
                    return True
        return False

    def open_selected(self) -> None:
        key = self._selected_key()
        if key is not None:
            (self.open_attempt if key[0] == "attempt" else self.open_session).emit(key[1])

    def export_selected(self) -> None:
        session_id = self._selected_session_id()
        if session_id is not None:
            self.export_session.emit(session_id)

    def delete_selected(self) -> None:
        key = self._selected_key()
        if key is None:
            return
        kind, item_id = key
        if kind == "attempt":
            if self.confirm("Delete attempt", "Delete this attempt with its recording and transcript?\n"
                            "This cannot be undone."):  # fmt: skip
                self.delete_attempt.emit(item_id)
            return
        n = len(self._sessions[item_id].attempts) if item_id in self._sessions else 0
        text = (
            f"Delete this session and its {n} attempt{'' if n == 1 else 's'}, with their recordings?\n"
            "This cannot be undone."
        )
        if self.confirm("Delete session", text):
            self.delete_session.emit(item_id)

    def _update_buttons(self) -> None:
        selected = self._selected_key() is not None
        self.open_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)
        self.export_button.setEnabled(selected)

    def _on_topic_changed(self) -> None:
        self._fill_question_combo()
        self._on_filter_edited()

    def _on_filter_edited(self) -> None:
        self.filter_changed.emit(self.current_filter())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Keys on the tree itself: Enter would otherwise also reach a dialog's default button.
        if watched is self.tree and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_selected()
                return True
            if key == Qt.Key.Key_Delete:
                self.delete_selected()
                return True
        return super().eventFilter(watched, event)
