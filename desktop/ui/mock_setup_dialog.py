"""Set up a timed mock interview: which questions, how long to think, how long to answer."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.mock_plan import MockPlan
from desktop.settings import AppSettings
from questions.model import Question

MAX_QUESTIONS = 50


def pick_random(questions: list[Question], count: int, rng: random.Random) -> list[str]:
    """``count`` distinct question ids in random order (all of them when there are fewer)."""
    return [q.id for q in rng.sample(questions, min(count, len(questions)))]


def plan_minutes(count: int, think_seconds: int, answer_seconds: int) -> int:
    """Longest the interview can take, rounded up to whole minutes."""
    return -(-count * (think_seconds + answer_seconds) // 60)


class MockSetupDialog(QDialog):
    """Choose questions at random, by topic or by hand, and the think and answer times."""

    def __init__(
        self,
        questions: list[Question],
        topics: list[str],
        settings: AppSettings,
        parent: QWidget | None = None,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mock interview")
        self._questions = questions
        self._rng = rng or random.Random()
        most = max(1, min(MAX_QUESTIONS, len(questions)))
        default_count = min(settings.mock_question_count, most)

        self.random_radio = QRadioButton("&Random questions from every topic")
        self.random_count = self._count_spin(default_count, most)
        self.topic_radio = QRadioButton("One &topic")
        self.topic_combo = QComboBox()
        for topic in topics:
            self.topic_combo.addItem(f"{topic} ({len(self._of_topic(topic))})", topic)
        self.topic_random = QCheckBox("only")
        self.topic_random.setToolTip("Ask only some of the topic's questions, chosen at random")
        self.topic_count = self._count_spin(default_count, most)
        self.pick_radio = QRadioButton("&Hand-picked questions")
        self.pick_list = QListWidget()
        self.pick_list.setToolTip("Space ticks or unticks the current question")
        self.pick_list.setWordWrap(True)  # long titles wrap rather than scroll sideways
        self.pick_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for q in questions:
            item = QListWidgetItem(f"{q.title}  ({q.topic})")
            item.setData(Qt.ItemDataRole.UserRole, q.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.pick_list.addItem(item)
        self.modes = QButtonGroup(self)
        for radio in (self.random_radio, self.topic_radio, self.pick_radio):
            self.modes.addButton(radio)
        self.random_radio.setChecked(True)

        choice = QGroupBox("Questions")
        grid = QGridLayout(choice)
        grid.addWidget(self.random_radio, 0, 0)
        grid.addLayout(_row(self.random_count, QLabel("questions")), 0, 1)
        grid.addWidget(self.topic_radio, 1, 0)
        grid.addLayout(_row(self.topic_combo, self.topic_random, self.topic_count, QLabel("at random")), 1, 1)
        grid.addWidget(self.pick_radio, 2, 0, 1, 2)
        grid.addWidget(self.pick_list, 3, 0, 1, 2)
        grid.setColumnStretch(1, 1)

        self.think_spin = self._seconds_spin(settings.think_seconds, 0, 600, 5)
        self.answer_spin = self._seconds_spin(settings.answer_seconds, 10, 1800, 15)
        timing = QFormLayout()
        timing.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        timing.addRow("Thin&king time:", self.think_spin)
        timing.addRow("&Answer limit:", self.answer_spin)

        self.summary = QLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Start interview")
        self.ok_button.setToolTip("Start the mock interview (Enter)")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setToolTip("Cancel (Esc)")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(choice, 1)
        layout.addLayout(timing)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        # Touching a mode's controls selects that mode: fewer steps than radio first, control second.
        self.random_count.valueChanged.connect(lambda: self.random_radio.setChecked(True))
        self.topic_count.valueChanged.connect(lambda: self.topic_random.setChecked(True))
        for signal in (
            self.topic_combo.currentIndexChanged,
            self.topic_random.toggled,
            self.topic_count.valueChanged,
        ):
            signal.connect(lambda *_: self.topic_radio.setChecked(True))
        self.pick_list.itemChanged.connect(lambda *_: self.pick_radio.setChecked(True))
        for signal in (
            self.modes.buttonToggled,
            self.random_count.valueChanged,
            self.topic_combo.currentIndexChanged,
            self.topic_random.toggled,
            self.topic_count.valueChanged,
            self.pick_list.itemChanged,
            self.think_spin.valueChanged,
            self.answer_spin.valueChanged,
        ):
            signal.connect(lambda *_: self._update())
        self.topic_radio.setEnabled(bool(topics))
        self._update()
        self.resize(max(self.sizeHint().width(), 640), 540)
        self.random_radio.setFocus()

    # --- the plan ------------------------------------------------------------------------------

    def mode(self) -> str:
        """'random', 'topic' or 'pick'."""
        if self.topic_radio.isChecked():
            return "topic"
        return "pick" if self.pick_radio.isChecked() else "random"

    def picked_ids(self) -> list[str]:
        """Ticked questions, in bank order."""
        return [
            self.pick_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.pick_list.count())
            if self.pick_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def selection_size(self) -> int:
        """How many questions the plan will hold (random picks are drawn only in ``plan()``)."""
        mode = self.mode()
        if mode == "pick":
            return len(self.picked_ids())
        if mode == "topic":
            pool = self._of_topic(self.topic_combo.currentData())
            return min(self.topic_count.value(), len(pool)) if self.topic_random.isChecked() else len(pool)
        return min(self.random_count.value(), len(self._questions))

    def plan(self) -> MockPlan:
        """The interview as chosen; each call draws random questions afresh from the dialog's rng."""
        mode = self.mode()
        if mode == "pick":
            ids = self.picked_ids()
        elif mode == "topic":
            pool = self._of_topic(self.topic_combo.currentData())
            ids = (
                pick_random(pool, self.topic_count.value(), self._rng)
                if self.topic_random.isChecked()
                else [q.id for q in pool]
            )
        else:
            ids = pick_random(self._questions, self.random_count.value(), self._rng)
        return MockPlan(
            question_ids=ids, think_seconds=self.think_spin.value(), answer_seconds=self.answer_spin.value()
        )

    # --- helpers -------------------------------------------------------------------------------

    def _of_topic(self, topic: str | None) -> list[Question]:
        return [q for q in self._questions if q.topic == topic]

    def _update(self) -> None:
        count = self.selection_size()
        self.ok_button.setEnabled(count > 0)
        if count == 0:
            self.summary.setText("Choose at least one question.")
        else:
            minutes = plan_minutes(count, self.think_spin.value(), self.answer_spin.value())
            noun = "question" if count == 1 else "questions"
            self.summary.setText(f"{count} {noun}, at most {minutes} min.")

    @staticmethod
    def _count_spin(value: int, most: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(1, most)
        spin.setValue(value)
        return spin

    @staticmethod
    def _seconds_spin(value: int, low: int, high: int, step: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSingleStep(step)
        spin.setSuffix(" s")
        spin.setValue(value)
        return spin


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row
