"""The history screen, filled from a real store with real judgements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.records import AttemptRecord, HistoryFilter, SessionRecord
from desktop.store import Store
from desktop.ui.history_view import ALL_QUESTIONS, ALL_TOPICS, HistoryView
from questions.matching import Matcher
from questions.model import Bank

LOCK = "asyncio-lock-vs-threading-lock"
CANCEL = "cancel-asyncio-task"
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _attempt(
    bank: Bank, matcher: Matcher, session_id: int, qid: str, text: str, at: datetime
) -> AttemptRecord:
    q = bank.question(qid)
    return AttemptRecord(
        session_id=session_id, question_id=qid, question_title=q.title, topic=q.topic, bank=bank.bank.id,
        started_at=at, judgement=matcher.judge(qid, text), duration=30.0,
    )  # fmt: skip


def fill_store(root: Path, bank: Bank, matcher: Matcher) -> Store:
    """Two practice sessions and one mock interview, with a red flag and a skipped answer."""
    store = Store(root)
    lock, cancel = bank.question(LOCK), bank.question(CANCEL)
    first = store.start_session(SessionRecord(kind="practice", bank=bank.bank.id, started_at=T0))
    store.add_attempt(
        _attempt(bank, matcher, first, LOCK, lock.model_answer[: len(lock.model_answer) // 3], T0)
    )
    store.add_attempt(
        _attempt(
            bank, matcher, first, LOCK, "Just use the threading one, it is fine.", T0 + timedelta(minutes=3)
        )
    )
    store.finish_session(first)
    mock = store.start_session(
        SessionRecord(kind="mock", bank=bank.bank.id, started_at=T0 + timedelta(days=1), think_seconds=15,
                      answer_seconds=120)
    )  # fmt: skip
    store.add_attempt(_attempt(bank, matcher, mock, CANCEL, cancel.model_answer, T0 + timedelta(days=1)))
    skipped = _attempt(bank, matcher, mock, LOCK, "", T0 + timedelta(days=1, minutes=4))
    store.add_attempt(skipped.model_copy(update={"status": "skipped", "judgement": None}))
    store.finish_session(mock, aborted=True)
    last = store.start_session(
        SessionRecord(kind="practice", bank=bank.bank.id, started_at=T0 + timedelta(days=2))
    )
    store.add_attempt(_attempt(bank, matcher, last, LOCK, lock.model_answer, T0 + timedelta(days=2)))
    store.finish_session(last)
    return store


@pytest.fixture
def store(tmp_path: Path, bank: Bank, matcher: Matcher) -> Store:
    with fill_store(tmp_path / "data", bank, matcher) as s:
        yield s


@pytest.fixture
def view(qtbot, bank: Bank, store: Store) -> HistoryView:
    view = HistoryView()
    qtbot.addWidget(view)
    view.set_questions(bank.questions)
    view.set_sessions(store.sessions())
    view.set_progress(store.progress(question_id=LOCK), "Coverage: " + bank.question(LOCK).title)
    view.resize(900, 700)
    return view


def _row_texts(view: HistoryView) -> list[list[str]]:
    rows = []
    for i in range(view.tree.topLevelItemCount()):
        top = view.tree.topLevelItem(i)
        rows.append([top.text(c) for c in range(5)])
        rows.extend([top.child(j).text(c) for c in range(5)] for j in range(top.childCount()))
    return rows


def test_sessions_show_newest_first_with_kind_count_coverage_and_attempt_details(
    view: HistoryView, store: Store
):
    assert view.tree.topLevelItemCount() == 3
    newest, mock, oldest = (view.tree.topLevelItem(i) for i in range(3))
    assert newest.text(1) == "Practice \u00b7 1 attempt"
    assert newest.text(2) == "100% mean"
    assert mock.text(1) == "Mock interview \u00b7 2 attempts"
    assert mock.text(4) == "Stopped early"
    assert [mock.child(i).text(4) for i in range(2)] == ["Complete", "Skipped"]
    assert mock.child(1).text(2) == "\u2014"  # a skipped answer has no coverage, not 0 %
    # The red flag is a count with a symbol, not a colour.
    flagged = oldest.child(1)
    assert flagged.text(3) == "\u2691 1"
    assert oldest.child(0).text(3) == "0"
    first_attempt = store.sessions()[-1].attempts[0]
    assert oldest.child(0).text(2) == f"{first_attempt.coverage:.0%}"
    assert not view.empty_label.isVisibleTo(view)


def test_empty_history_says_so(qtbot):
    view = HistoryView()
    qtbot.addWidget(view)
    view.set_sessions([])
    assert view.empty_label.isVisibleTo(view)
    assert not view.tree.isVisibleTo(view)
    assert not view.delete_button.isEnabled()
    assert view.chart.summary() == "No attempts yet"


def test_filters_emit_question_topic_and_period(qtbot, view: HistoryView, bank: Bank):
    view.now = lambda: datetime(2025, 3, 10, 15, 30).astimezone()
    assert view.question_combo.itemText(0) == ALL_QUESTIONS
    assert view.topic_combo.itemText(0) == ALL_TOPICS
    assert view.question_combo.count() == len(bank.questions) + 1

    with qtbot.waitSignal(view.filter_changed) as sig:
        view.question_combo.setCurrentIndex(view.question_combo.findData(LOCK))
    assert sig.args[0] == HistoryFilter(question_id=LOCK)

    with qtbot.waitSignal(view.filter_changed) as sig:
        view.period_combo.setCurrentText("Last 7 days")
    since = sig.args[0].since
    assert sig.args[0].question_id == LOCK
    assert (since.year, since.month, since.day, since.hour) == (2025, 3, 4, 0)  # whole days, today included

    # Choosing a topic offers only its questions; a question outside it falls back to all.
    other = next(q for q in bank.questions if q.topic != bank.question(LOCK).topic)
    with qtbot.waitSignal(view.filter_changed) as sig:
        view.topic_combo.setCurrentIndex(view.topic_combo.findData(other.topic))
    assert sig.args[0].topic == other.topic and sig.args[0].question_id is None
    offered = {view.question_combo.itemData(i) for i in range(1, view.question_combo.count())}
    assert offered == {q.id for q in bank.questions if q.topic == other.topic}


def test_filtered_store_results_show_only_matching_sessions(view: HistoryView, store: Store):
    view.set_sessions(store.sessions(HistoryFilter(question_id=CANCEL)))
    assert [r[1] for r in _row_texts(view)] == [
        "Mock interview \u00b7 1 attempt",
        store.attempts(HistoryFilter(question_id=CANCEL))[0].question_title,
    ]


def test_enter_and_double_click_open_the_selected_attempt_or_session(qtbot, view: HistoryView, store: Store):
    newest_session = store.sessions()[0]
    attempt_id = newest_session.attempts[0].id
    assert view.select("attempt", attempt_id)
    view.tree.setFocus()
    with qtbot.waitSignal(view.open_attempt) as sig:
        qtbot.keyClick(view.tree, Qt.Key.Key_Return)
    assert sig.args == [attempt_id]

    view.show()
    qtbot.waitExposed(view)
    item = view.tree.topLevelItem(0)
    rect = view.tree.visualItemRect(item)
    # A real double-click starts with a press; QTest's double-click alone lacks it (Qt 6).
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.open_session) as sig:
        qtbot.mouseDClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == [newest_session.id]


def test_delete_key_asks_first_and_a_refusal_deletes_nothing(qtbot, view: HistoryView, store: Store):
    asked: list[str] = []
    view.confirm = lambda title, text: asked.append(text) or False
    attempt_id = store.attempts()[0].id
    view.select("attempt", attempt_id)
    with qtbot.assertNotEmitted(view.delete_attempt):
        qtbot.keyClick(view.tree, Qt.Key.Key_Delete)
    assert len(asked) == 1 and "cannot be undone" in asked[0]

    view.confirm = lambda title, text: True
    with qtbot.waitSignal(view.delete_attempt) as sig:
        qtbot.keyClick(view.tree, Qt.Key.Key_Delete)
    assert sig.args == [attempt_id]


def test_delete_button_on_a_session_names_its_attempt_count(qtbot, view: HistoryView, store: Store):
    asked: list[str] = []
    view.confirm = lambda title, text: asked.append(text) or True
    mock = next(s for s in store.sessions() if s.kind == "mock")
    view.select("session", mock.id)
    with qtbot.waitSignal(view.delete_session) as sig:
        qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert sig.args == [mock.id]
    assert "its 2 attempts" in asked[0]

    # The controller deletes and refreshes; the view then shows what the store has left.
    store.delete_session(mock.id)
    view.set_sessions(store.sessions())
    assert view.tree.topLevelItemCount() == 2


def test_export_uses_the_selected_session_or_the_session_of_the_selected_attempt(qtbot, view, store):
    sessions = store.sessions()
    assert not view.export_button.isEnabled()
    view.select("session", sessions[1].id)
    with qtbot.waitSignal(view.export_session) as sig:
        qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert sig.args == [sessions[1].id]
    view.select("attempt", sessions[2].attempts[1].id)
    with qtbot.waitSignal(view.export_session) as sig:
        view.export_button.click()
    assert sig.args == [sessions[2].id]


def test_selection_survives_a_refresh(view: HistoryView, store: Store):
    attempt_id = store.sessions()[1].attempts[0].id
    view.select("attempt", attempt_id)
    view.set_sessions(store.sessions())
    assert view.tree.currentItem().data(0, Qt.ItemDataRole.UserRole) == ("attempt", attempt_id)


def test_progress_chart_follows_the_question(view: HistoryView, store: Store):
    points = store.progress(question_id=LOCK)
    assert len(points) == 3
    assert view.chart.line.count() == 3
    assert view.chart.summary().startswith("3 attempts")
    assert view.chart.summary().endswith("best 100%")
