"""Mock interview setup: random, by topic or hand-picked questions, with timings, as a MockPlan."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.settings import AppSettings
from desktop.ui.mock_setup_dialog import MockSetupDialog, pick_random, plan_minutes
from questions.model import Bank


@pytest.fixture
def dialog(qtbot, bank: Bank) -> MockSetupDialog:
    settings = AppSettings(think_seconds=20, answer_seconds=90, mock_question_count=4)
    dialog = MockSetupDialog(bank.questions, bank.topics, settings, rng=random.Random(7))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_defaults_come_from_settings(dialog: MockSetupDialog) -> None:
    assert dialog.mode() == "random"
    assert dialog.random_count.value() == 4
    assert (dialog.think_spin.value(), dialog.answer_spin.value()) == (20, 90)
    assert dialog.summary.text() == "4 questions, at most 8 min."
    assert dialog.ok_button.isEnabled()


def test_random_plan_is_deterministic_with_a_seeded_rng(dialog: MockSetupDialog, bank: Bank) -> None:
    plan = dialog.plan()
    expected = pick_random(bank.questions, 4, random.Random(7))
    assert plan.question_ids == expected
    assert len(set(plan.question_ids)) == 4
    assert (plan.think_seconds, plan.answer_seconds) == (20, 90)


def test_topic_plan_takes_all_its_questions_in_bank_order(dialog: MockSetupDialog, bank: Bank) -> None:
    dialog.topic_combo.setCurrentIndex(dialog.topic_combo.findData("pydantic"))
    assert dialog.mode() == "topic"  # touching the topic control selects the mode
    assert dialog.plan().question_ids == [q.id for q in bank.questions if q.topic == "pydantic"]


def test_topic_plan_can_take_random_few(dialog: MockSetupDialog, bank: Bank) -> None:
    dialog.topic_combo.setCurrentIndex(dialog.topic_combo.findData("fastapi"))
    dialog.topic_random.setChecked(True)
    dialog.topic_count.setValue(2)
    ids = dialog.plan().question_ids
    assert len(ids) == 2
    assert all(bank.question(i).topic == "fastapi" for i in ids)
    assert dialog.summary.text().startswith("2 questions")


def test_hand_picked_plan_keeps_bank_order_and_ok_needs_a_pick(qtbot, dialog: MockSetupDialog, bank) -> None:
    dialog.pick_radio.setChecked(True)
    assert not dialog.ok_button.isEnabled()
    assert dialog.summary.text() == "Choose at least one question."
    dialog.pick_list.setFocus()
    for row in (5, 1):
        dialog.pick_list.setCurrentRow(row)
        qtbot.keyClick(dialog.pick_list, Qt.Key.Key_Space)  # Space ticks the current question
    assert dialog.ok_button.isEnabled()
    assert dialog.plan().question_ids == [bank.questions[1].id, bank.questions[5].id]


def test_timings_reach_the_plan(dialog: MockSetupDialog) -> None:
    dialog.think_spin.setValue(0)
    dialog.answer_spin.setValue(300)
    plan = dialog.plan()
    assert (plan.think_seconds, plan.answer_seconds) == (0, 300)
    assert dialog.summary.text() == "4 questions, at most 20 min."


def test_enter_accepts_and_escape_cancels(qtbot, bank: Bank) -> None:
    for key, result in (
        (Qt.Key.Key_Return, QDialog.DialogCode.Accepted),
        (Qt.Key.Key_Escape, QDialog.DialogCode.Rejected),
    ):
        dialog = MockSetupDialog(bank.questions, bank.topics, AppSettings())
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        with qtbot.waitSignal(dialog.finished):
            qtbot.keyClick(dialog, key)
        assert dialog.result() == result


def test_count_is_capped_by_the_questions_available(qtbot, bank: Bank) -> None:
    few = bank.questions[:3]
    dialog = MockSetupDialog(few, sorted({q.topic for q in few}), AppSettings(mock_question_count=10))
    qtbot.addWidget(dialog)
    assert dialog.random_count.value() == 3
    assert sorted(dialog.plan().question_ids) == sorted(q.id for q in few)


def test_plan_minutes_rounds_up() -> None:
    assert plan_minutes(1, 15, 120) == 3
    assert plan_minutes(4, 0, 60) == 4
