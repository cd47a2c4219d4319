"""The home screen: library tree with results, practise-next, filter, keyboard and signals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.records import QuestionStats
from desktop.suggest import practise_next
from desktop.ui.home_view import HomeView, result_text, when_text
from questions.model import Bank

NOW = datetime.now()


@pytest.fixture
def stats(bank: Bank) -> dict[str, QuestionStats]:
    first, second = bank.questions[0].id, bank.questions[1].id
    return {
        first: QuestionStats(
            question_id=first,
            attempts=3,
            last_coverage=0.62,
            best_coverage=0.8,
            last_practised=NOW - timedelta(days=9),
        ),
        second: QuestionStats(
            question_id=second,
            attempts=1,
            last_coverage=0.35,
            best_coverage=0.35,
            last_practised=NOW - timedelta(days=1),
        ),
    }


@pytest.fixture
def view(qtbot, bank: Bank, stats: dict[str, QuestionStats]) -> HomeView:
    view = HomeView()
    qtbot.addWidget(view)
    view.set_library([bank], stats, practise_next(bank.questions, stats, NOW))
    view.resize(1000, 640)
    view.show()
    qtbot.waitExposed(view)
    return view


def _item(view: HomeView, question_id: str):
    return next(i for i in view.question_items() if i.data(0, Qt.ItemDataRole.UserRole) == question_id)


def test_tree_groups_bank_topic_question_with_results(view: HomeView, bank: Bank) -> None:
    root = view.tree.topLevelItem(0)
    assert root.text(0).startswith("Python async, FastAPI and Pydantic")
    assert [root.child(i).text(0) for i in range(root.childCount())] == ["asyncio", "fastapi", "pydantic"]
    assert len(view.question_items()) == 20
    first = _item(view, bank.questions[0].id)
    assert first.text(0) == bank.questions[0].title
    assert first.parent().text(0) == bank.questions[0].topic
    assert first.text(1) == "last 62 % · best 80 %"
    assert first.text(2) == "9 days ago"
    untouched = _item(view, bank.questions[5].id)
    assert (untouched.text(1), untouched.text(2)) == ("not yet practised", "")


def test_result_text_for_skipped_only_question() -> None:
    stat = QuestionStats(
        question_id="x", attempts=1, last_coverage=None, best_coverage=None, last_practised=NOW
    )
    assert result_text(stat) == "no scored answer yet"


def test_enter_on_selected_question_requests_practice(qtbot, view: HomeView, bank: Bank) -> None:
    target = bank.questions[3].id
    view.tree.setCurrentItem(_item(view, target))
    view.tree.setFocus()
    with qtbot.waitSignal(view.practice_requested) as signal:
        qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert signal.args == [target]


def test_practise_button_follows_selection(qtbot, view: HomeView, bank: Bank) -> None:
    assert not view.practise_button.isEnabled()
    view.tree.setCurrentItem(view.tree.topLevelItem(0))  # a bank row is not a question
    assert not view.practise_button.isEnabled()
    view.tree.setCurrentItem(_item(view, bank.questions[2].id))
    assert view.practise_button.isEnabled()
    with qtbot.waitSignal(view.practice_requested) as signal:
        qtbot.mouseClick(view.practise_button, Qt.MouseButton.LeftButton)
    assert signal.args == [bank.questions[2].id]


def test_enter_on_a_topic_toggles_it_without_requesting_practice(qtbot, view: HomeView) -> None:
    topic = view.tree.topLevelItem(0).child(0)
    view.tree.setCurrentItem(topic)
    view.tree.setFocus()
    with qtbot.assertNotEmitted(view.practice_requested):
        qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert not topic.isExpanded()


def test_practise_next_lists_never_practised_first_with_reasons(view: HomeView, bank: Bank) -> None:
    texts = [view.next_list.item(i).text() for i in range(view.next_list.count())]
    assert len(texts) == 5
    assert texts[0] == f"{bank.questions[2].title}\n    never practised"


def test_enter_and_click_on_a_suggestion_request_practice_once(qtbot, view: HomeView, bank: Bank) -> None:
    view.next_list.setCurrentRow(1)
    view.next_list.setFocus()
    with qtbot.waitSignal(view.practice_requested) as signal:
        qtbot.keyClick(view.next_list, Qt.Key.Key_Return)
    assert signal.args == [bank.questions[3].id]

    fired: list[str] = []
    view.practice_requested.connect(fired.append)
    rect = view.next_list.visualItemRect(view.next_list.item(0))
    qtbot.mouseClick(view.next_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert fired == [bank.questions[2].id]


def test_filter_hides_questions_and_empty_topics(qtbot, view: HomeView, bank: Bank) -> None:
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is view.filter_edit
    qtbot.keyClicks(view.filter_edit, "ROUTER")
    shown = [i.text(0) for i in view.question_items() if not i.isHidden()]
    assert shown and all("router" in t.lower() for t in shown)
    root = view.tree.topLevelItem(0)
    hidden_topics = [root.child(i).text(0) for i in range(root.childCount()) if root.child(i).isHidden()]
    assert hidden_topics == ["asyncio", "pydantic"]

    qtbot.keyClick(view.filter_edit, Qt.Key.Key_Return)  # Enter jumps to the first match
    assert view.selected_question_id() == _first_visible_id(view)
    with qtbot.waitSignal(view.practice_requested):
        qtbot.keyClick(view.tree, Qt.Key.Key_Return)

    view.filter_edit.clear()
    assert all(not i.isHidden() for i in view.question_items())


def _first_visible_id(view: HomeView) -> str:
    return next(i for i in view.question_items() if not i.isHidden()).data(0, Qt.ItemDataRole.UserRole)


@pytest.mark.parametrize(
    ("key", "modifier", "signal"),
    [
        (Qt.Key.Key_M, Qt.KeyboardModifier.NoModifier, "mock_requested"),
        (Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier, "import_requested"),
        (Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier, "history_requested"),
        (Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier, "settings_requested"),
    ],
)
def test_shortcuts_reach_their_screens(qtbot, view: HomeView, key, modifier, signal: str) -> None:
    view.tree.setFocus()
    with qtbot.waitSignal(getattr(view, signal)):
        qtbot.keyClick(view.tree, key, modifier)


def test_typing_m_in_the_filter_does_not_open_the_mock_dialog(qtbot, view: HomeView) -> None:
    view.filter_edit.setFocus()
    with qtbot.assertNotEmitted(view.mock_requested):
        qtbot.keyClicks(view.filter_edit, "model")
    assert view.filter_edit.text() == "model"


def test_shortcut_hints_are_in_tooltips(view: HomeView) -> None:
    assert "(M)" in view.mock_button.toolTip()
    assert "Ctrl+I" in view.import_button.toolTip()
    assert "Enter" in view.practise_button.toolTip()


def test_problem_banner_shows_messages_until_dismissed(qtbot, view: HomeView) -> None:
    view.show_problem("bank.txt:3: question 'x' has no description\n  fix: add one")
    view.show_problem("second problem")
    assert view.banner.isVisible()
    assert "bank.txt:3" in view.banner_label.text() and "second problem" in view.banner_label.text()
    assert "Problem" in view.banner_label.text()  # a word, not only a colour
    qtbot.keyClick(view.dismiss_button, Qt.Key.Key_Space)
    assert not view.banner.isVisible()


def test_refilling_keeps_the_selected_question(view: HomeView, bank: Bank, stats) -> None:
    target = bank.questions[6].id
    view.tree.setCurrentItem(_item(view, target))
    view.set_library([bank], stats, [])
    assert view.selected_question_id() == target
    assert view.next_empty.isVisible()


def test_last_practised_counts_calendar_days_for_aware_times() -> None:
    now = datetime.now(UTC)
    assert when_text(now - timedelta(days=3), now) == "3 days ago"
    assert when_text(now, now) == "today"
    assert when_text(None) == ""
