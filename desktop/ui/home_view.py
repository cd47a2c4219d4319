"""The home screen: the question library, what to practise next, and the ways out to other screens.

Layout and signals only; the controller fills it with ``set_library`` and reacts to the signals.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProxyStyle,
    QPushButton,
    QSplitter,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.records import QuestionStats
from desktop.suggest import Suggestion
from questions.model import Bank

QUESTION_ID = Qt.ItemDataRole.UserRole  # set on question rows (tree) and suggestion rows (list)


def result_text(stat: QuestionStats | None) -> str:
    """'last 62 % · best 80 %' for a practised question, 'not yet practised' otherwise."""
    if stat is None or stat.attempts == 0:
        return "not yet practised"
    if stat.best_coverage is None:
        return "no scored answer yet"
    last = "–" if stat.last_coverage is None else f"{round(stat.last_coverage * 100)} %"
    return f"last {last} · best {round(stat.best_coverage * 100)} %"


def when_text(when: datetime | None, now: datetime | None = None) -> str:
    """When a question was last practised, in days: 'today', 'yesterday', '9 days ago'."""
    if when is None:
        return ""
    # Calendar days in the person's own time zone: 'yesterday' means before their midnight, not UTC's.
    local = when.astimezone() if when.tzinfo else when
    now = now or datetime.now()
    now = now.astimezone() if now.tzinfo else now
    days = (now.date() - local.date()).days
    return "today" if days <= 0 else "yesterday" if days == 1 else f"{days} days ago"


def choose_bank_file(parent: QWidget | None) -> Path | None:
    """Ask for a question bank to import; None when the person cancels."""
    name, _ = QFileDialog.getOpenFileName(
        parent, "Import a question bank", str(Path.home()), "Question banks (*.txt *.toml)"
    )
    return Path(name) if name else None


class _SingleClickActivates(QProxyStyle):
    """Suggestions act like links: one click (or Enter) starts practice, without double firing."""

    def styleHint(self, hint, option=None, widget=None, returnData=None) -> int:
        if hint == QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick:
            return 1
        return super().styleHint(hint, option, widget, returnData)


class HomeView(QWidget):
    practice_requested = Signal(str)
    mock_requested = Signal()
    import_requested = Signal()
    history_requested = Signal()
    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stats: dict[str, QuestionStats] = {}

        self.banner = QFrame(objectName="problemBanner")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner_label = QLabel(wordWrap=True)
        self.banner_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setToolTip("Hide this message")
        self.dismiss_button.clicked.connect(self.dismiss_problem)
        banner_row = QHBoxLayout(self.banner)
        banner_row.addWidget(self.banner_label, 1)
        banner_row.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.hide()

        self.filter_edit = QLineEdit(placeholderText="Filter questions by title (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Filter questions by title (Ctrl+F); Enter goes to the first match")
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.filter_edit.returnPressed.connect(self._focus_first_match)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_filter)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Question", "Result", "Last practised"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setExpandsOnDoubleClick(False)  # activation toggles branches; Qt would toggle twice
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(self._tree_activated)
        self.tree.itemSelectionChanged.connect(self._selection_changed)

        self.next_list = QListWidget()
        self._click_style = _SingleClickActivates()  # kept: the widget does not own its style
        self.next_list.setStyle(self._click_style)
        self.next_list.setWordWrap(True)
        self.next_list.setSpacing(4)
        self.next_list.setToolTip("Click or press Enter on a question to practise it")
        self.next_list.itemActivated.connect(self._suggestion_activated)
        self.next_empty = QLabel("Nothing to suggest yet.", wordWrap=True)
        self.next_empty.hide()
        next_panel = QWidget()
        next_box = QVBoxLayout(next_panel)
        next_box.setContentsMargins(0, 0, 0, 0)
        next_title = QLabel("<b>Practise next</b>")
        next_title.setBuddy(self.next_list)
        next_box.addWidget(next_title)
        next_box.addWidget(self.next_list, 1)
        next_box.addWidget(self.next_empty)

        library_panel = QWidget()
        library_box = QVBoxLayout(library_panel)
        library_box.setContentsMargins(0, 0, 0, 0)
        library_box.addWidget(self.filter_edit)
        library_box.addWidget(self.tree, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(library_panel)
        self.splitter.addWidget(next_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        self.practise_button = self._button(
            "Practise", self._practise_selected, None, "Enter or double-click"
        )
        self.practise_button.setDefault(True)
        self.practise_button.setEnabled(False)
        self.mock_button = self._button("Mock interview…", self.mock_requested.emit, "M")
        self.import_button = self._button("Import bank…", self.import_requested.emit, "Ctrl+I")
        self.history_button = self._button("History", self.history_requested.emit, "Ctrl+H")
        self.settings_button = self._button("Settings", self.settings_requested.emit, "Ctrl+,")
        buttons = QHBoxLayout()
        buttons.addWidget(self.practise_button)
        buttons.addWidget(self.mock_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.history_button)
        buttons.addWidget(self.settings_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

    def _button(self, text: str, slot, shortcut: str | None, hint: str | None = None) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda: slot())
        if shortcut:
            button.setShortcut(QKeySequence(shortcut))
        keys = hint or QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{text.rstrip('…')} ({keys})")
        return button

    # --- filling -------------------------------------------------------------------------------

    def set_library(
        self, banks: list[Bank], stats: dict[str, QuestionStats], suggestions: list[Suggestion]
    ) -> None:
        """Show the banks as bank → topic → question, with results, and the practise-next list."""
        selected = self.selected_question_id()
        self._stats = stats
        titles: dict[str, str] = {}
        self.tree.clear()
        for bank in banks:
            bank_item = QTreeWidgetItem(self.tree, [f"{bank.bank.name}  ({len(bank.questions)} questions)"])
            bank_item.setFirstColumnSpanned(True)
            for topic in bank.topics:
                topic_item = QTreeWidgetItem(bank_item, [topic])
                topic_item.setFirstColumnSpanned(True)
                for question in (q for q in bank.questions if q.topic == topic):
                    stat = stats.get(question.id)
                    when = when_text(stat.last_practised if stat else None)
                    item = QTreeWidgetItem(topic_item, [question.title, result_text(stat), when])
                    item.setData(0, QUESTION_ID, question.id)
                    item.setToolTip(0, question.title)
                    titles[question.id] = question.title
                    if question.id == selected:
                        self.tree.setCurrentItem(item)
        self.tree.expandAll()

        self.next_list.clear()
        for suggestion in suggestions:
            title = titles.get(suggestion.question_id, suggestion.question_id)
            item = QListWidgetItem(f"{title}\n    {suggestion.reason}")
            item.setData(QUESTION_ID, suggestion.question_id)
            item.setToolTip(f"Practise “{title}” — {suggestion.reason}")
            self.next_list.addItem(item)
        self.next_list.setVisible(bool(suggestions))
        self.next_empty.setVisible(not suggestions)
        self._apply_filter(self.filter_edit.text())
        self._selection_changed()

    def show_problem(self, message: str) -> None:
        """Show a message banner until dismissed; further messages are added below the first."""
        current = self.banner_label.text() if self.banner.isVisible() else ""
        lines = [*(current.split("\n") if current else []), f"⚠ Problem: {message}"]
        self.banner_label.setText("\n".join(lines))
        self.banner.show()
        self.dismiss_button.setFocus()

    def dismiss_problem(self) -> None:
        self.banner_label.clear()
        self.banner.hide()
        self.tree.setFocus()

    def selected_question_id(self) -> str | None:
        item = self.tree.currentItem()
        if item is None or not item.isSelected():
            return None
        return item.data(0, QUESTION_ID)

    def question_items(self) -> list[QTreeWidgetItem]:
        """Every question row, visible or filtered out, in display order."""
        items: list[QTreeWidgetItem] = []
        for b in range(self.tree.topLevelItemCount()):
            bank_item = self.tree.topLevelItem(b)
            for t in range(bank_item.childCount()):
                topic_item = bank_item.child(t)
                items += [topic_item.child(q) for q in range(topic_item.childCount())]
        return items

    # --- behaviour -----------------------------------------------------------------------------

    def _apply_filter(self, text: str) -> None:
        """Hide questions whose title lacks the text, and branches left empty."""
        needle = text.strip().casefold()
        for b in range(self.tree.topLevelItemCount()):
            bank_item = self.tree.topLevelItem(b)
            bank_visible = False
            for t in range(bank_item.childCount()):
                topic_item = bank_item.child(t)
                topic_visible = False
                for q in range(topic_item.childCount()):
                    item = topic_item.child(q)
                    hidden = bool(needle) and needle not in item.text(0).casefold()
                    item.setHidden(hidden)
                    topic_visible |= not hidden
                topic_item.setHidden(not topic_visible)
                bank_visible |= topic_visible
            bank_item.setHidden(not bank_visible)
        current = self.tree.currentItem()
        if current is not None and current.isHidden():
            self.tree.clearSelection()

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def _focus_first_match(self) -> None:
        visible = [item for item in self.question_items() if not item.isHidden()]
        if visible:
            self.tree.setCurrentItem(visible[0])
            self.tree.setFocus()

    def _selection_changed(self) -> None:
        self.practise_button.setEnabled(self.selected_question_id() is not None)

    def _practise_selected(self) -> None:
        question_id = self.selected_question_id()
        if question_id:
            self.practice_requested.emit(question_id)

    def _tree_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        question_id = item.data(0, QUESTION_ID)
        if question_id:
            self.practice_requested.emit(question_id)
        else:
            item.setExpanded(not item.isExpanded())

    def _suggestion_activated(self, item: QListWidgetItem) -> None:
        self.practice_requested.emit(item.data(QUESTION_ID))
