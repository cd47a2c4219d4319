"""Solo practice end to end: the real app, speech model, judge and database; a WAV as the microphone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from audio.sources import MicrophoneUnavailable

pytestmark = pytest.mark.slow


def test_spoken_answer_is_recorded_transcribed_judged_and_stored(qtbot, make_app, microphone, answer_wavs):
    app = make_app()
    microphone.queue.append(answer_wavs["blocking-code-in-async"])
    app.practice.open("blocking-code-in-async")
    assert app.window.stack.currentWidget() is app.practice_view

    with qtbot.waitSignal(app.practice.review_shown, timeout=120_000) as shown:
        qtbot.keyClick(app.practice_view, Qt.Key.Key_Space)  # Record; the file ends the answer itself
        assert app.practice.flow.recording
    attempt = shown.args[0]

    assert app.window.stack.currentWidget() is app.review
    assert attempt.status == "complete" and not attempt.typed
    assert "blocking call" in attempt.transcript.text.lower() and "sleep" in attempt.transcript.text.lower()
    covered = {hit.concept for hit in attempt.judgement.covered}
    assert {"blocking-freezes-loop", "to-thread-or-run-in-executor"} <= covered
    assert attempt.judgement.coverage >= 0.35  # the answer leaves out processes and async libraries
    # The speech metrics follow the review by a moment, into the stored attempt.
    qtbot.waitUntil(lambda: app.services.store.attempt(attempt.id).metrics is not None, timeout=30_000)
    stored = app.services.store.attempt(attempt.id)
    assert stored.metrics["word_count"] > 20
    assert stored is not None and stored.status == "complete"
    assert stored.judgement.coverage == attempt.judgement.coverage
    wav = app.services.root / stored.audio_path
    assert wav.is_file() and stored.duration > 5


def test_stopping_with_space_keeps_what_was_said(qtbot, make_app, microphone, answer_wavs):
    app = make_app()
    microphone.speed = 1.0  # real time, so the answer is still going when Space stops it
    microphone.queue.append(answer_wavs["cancel-asyncio-task"])
    app.practice.open("cancel-asyncio-task")
    qtbot.keyClick(app.practice_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: app.practice.flow.elapsed > 4.0, timeout=20_000)
    with qtbot.waitSignal(app.practice.review_shown, timeout=60_000) as shown:
        qtbot.keyClick(app.practice_view, Qt.Key.Key_Space)
    attempt = shown.args[0]
    assert 4.0 <= attempt.duration < 12.0
    assert "cancel" in attempt.transcript.text.lower()


def test_typed_answer_without_a_microphone(qtbot, make_app, microphone):
    app = make_app()
    microphone.error = MicrophoneUnavailable("No microphone found. Plug one in, then try again.")
    app.practice.open("cancel-asyncio-task")
    qtbot.keyClick(app.practice_view, Qt.Key.Key_Space)
    assert "No microphone found" in app.practice_view.status.text()
    assert not app.practice.flow.recording
    assert app.services.store.attempts() == []  # no half-made attempt left behind

    app.practice_view.typed.setPlainText(
        "Call task.cancel(); a CancelledError is raised at the next await, clean up in finally and re-raise."
    )
    with qtbot.waitSignal(app.practice.review_shown, timeout=60_000) as shown:
        qtbot.keyClick(app.practice_view.typed, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    attempt = shown.args[0]
    assert attempt.typed and attempt.judgement.coverage > 0.3
    assert app.services.store.attempt(attempt.id).typed


def test_retry_compares_with_the_previous_attempt(qtbot, make_app):
    app = make_app()
    app.practice.open("cancel-asyncio-task")
    app.practice_view.typed.setPlainText("You call task.cancel() on it.")
    with qtbot.waitSignal(app.practice.review_shown, timeout=60_000) as first:
        app.practice_view.submit_typed.click()
    app.review.retry_requested.emit()
    assert app.window.stack.currentWidget() is app.practice_view
    app.practice_view.typed.setPlainText(
        "You call task.cancel(), then a CancelledError is raised inside the coroutine at its next await; "
        "clean up in a finally block and re-raise it."
    )
    with qtbot.waitSignal(app.practice.review_shown, timeout=60_000) as second:
        app.practice_view.submit_typed.click()
    before, after = first.args[0], second.args[0]
    assert after.judgement.coverage > before.judgement.coverage
    previous = app.services.store.previous_attempt("cancel-asyncio-task", after.id)
    assert previous is not None and previous.id == before.id
    # Going home ends the practice session; the home screen shows the result.
    app.practice_view.back_requested.emit()
    assert app.window.stack.currentWidget() is app.home
    stats = app.services.store.question_stats()["cancel-asyncio-task"]
    assert stats.attempts == 2 and stats.best_coverage == after.judgement.coverage
