"""The timed mock interview end to end: real app, model, judge and database; WAVs as the microphone."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from desktop.mock_plan import MockPlan

pytestmark = pytest.mark.slow


def test_mock_interview_records_each_answer_by_itself_and_reviews_at_the_end(
    qtbot, make_app, microphone, answer_wavs
):
    app = make_app()
    microphone.queue += [answer_wavs["blocking-code-in-async"], answer_wavs["cancel-asyncio-task"]]
    phases: list[tuple[str, int]] = []
    plan = MockPlan(question_ids=["blocking-code-in-async", "cancel-asyncio-task"], think_seconds=1)
    app.mock.phase_changed.connect(lambda phase, index: phases.append((phase, index)))
    with qtbot.waitSignal(app.mock.review_shown, timeout=180_000) as reviewed:
        app.mock.start(plan)
    # Think, then answer, for each question in turn; no feedback screen in between.
    assert [p for p in phases if p[0] in ("thinking", "answering")] == [
        ("thinking", 0),
        ("answering", 0),
        ("thinking", 1),
        ("answering", 1),
    ]
    assert phases[-1] == ("done", 2)
    assert app.window.stack.currentWidget() is app.session_review

    record = app.services.store.session(reviewed.args[0])
    assert record is not None and record.kind == "mock" and record.finished_at is not None
    assert [a.question_id for a in record.attempts] == plan.question_ids
    assert all(a.status == "complete" for a in record.attempts)
    assert all(a.judgement.coverage >= 0.4 for a in record.attempts)

    # The same session, as other tools see it.
    env = {**os.environ, "VIVAVOCE_DATA_DIR": str(app.services.root)}
    out = subprocess.run(
        [sys.executable, "-m", "vivavoce.cli", "history", "--json"], env=env, capture_output=True, text=True
    )
    listed = json.loads(out.stdout)["sessions"]
    assert listed[0]["kind"] == "mock"
    assert [a["question"] for a in listed[0]["attempts"]] == plan.question_ids


def test_skip_and_stop_keep_the_session_in_history(qtbot, make_app, microphone, answer_wavs):
    app = make_app()
    microphone.speed = 1.0
    microphone.queue.append(answer_wavs["cancel-asyncio-task"])
    plan = MockPlan(question_ids=["blocking-code-in-async", "cancel-asyncio-task"], think_seconds=30)
    session = app.mock.start(plan)
    assert session.phase == "thinking"
    qtbot.keyClick(app.mock_view, Qt.Key.Key_S)  # skip the first question while thinking
    assert session.index == 1 and session.phase == "thinking"
    qtbot.keyClick(app.mock_view, Qt.Key.Key_Space)  # answer the second now
    assert session.phase == "answering"
    qtbot.waitUntil(lambda: session.flow.elapsed > 2.0, timeout=20_000)
    qtbot.keyClick(app.mock_view, Qt.Key.Key_P)  # pausing mid-answer ends (and keeps) the answer
    assert session.phase == "paused"
    qtbot.keyClick(app.mock_view, Qt.Key.Key_Escape)  # stop the interview
    assert session.phase == "aborted"
    assert app.window.stack.currentWidget() is app.home
    qtbot.waitUntil(lambda: session.flow.pending == 0, timeout=60_000)
    record = app.services.store.session(session.session_id)
    assert record is not None and record.aborted
    assert [a.status for a in record.attempts] == ["skipped", "complete"]
    assert record.attempts[1].duration >= 2.0


def test_countdown_reaches_zero_and_recording_starts_by_itself(qtbot, make_app, microphone, answer_wavs):
    app = make_app()
    microphone.queue.append(answer_wavs["cancel-asyncio-task"])
    session = app.mock.start(MockPlan(question_ids=["cancel-asyncio-task"], think_seconds=2))
    assert session.phase == "thinking" and app.mock_view.countdown.text() == "0:02"
    with qtbot.waitSignal(session.phase_changed, timeout=5_000) as changed:
        pass
    assert changed.args[0] == "answering"
    assert app.mock_view.meter.isVisible()
    session.abort()
