"""The review screens and their playback: what a person sees and can do after answering."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from audio.metrics import compute_metrics
from audio.player import DoneCallback, Player
from audio.transcript import Transcript, Word
from desktop.records import AttemptRecord, SessionRecord
from desktop.review_audio import ReviewAudio
from desktop.ui.review_view import ReviewView
from desktop.ui.session_review_view import SessionReviewView, attempt_line, summarise
from questions.matching import Matcher
from questions.model import Bank
from questions.subject import SubjectModel
from tests.test_subject import NEIGHBOURS

RATE = 16000
SECONDS = 10.0
LOCK = "asyncio-lock-vs-threading-lock"
BLOCKING = "blocking-code-in-async"
DEV = Path(__file__).parents[1] / "data" / "answers_dev.jsonl"
ANSWERS = {row["id"]: row["text"] for row in map(json.loads, DEV.read_text(encoding="utf-8").splitlines())}
BLOCKING_TEXT = "calling time.sleep inside an async def blocks the event loop, use asyncio.to_thread"


class SilentSpeakers:
    """Stands in for the sound card this machine lacks: remembers what it was asked to play."""

    def __init__(self) -> None:
        self.played: list[int] = []  # samples handed over per play()
        self.on_done: DoneCallback | None = None

    def play(
        self, sound: np.ndarray, sample_rate: int | None = None, on_done: DoneCallback | None = None
    ) -> None:
        assert sample_rate == RATE
        self.played.append(len(sound))
        self.on_done = on_done

    def stop(self) -> None:
        if self.on_done is not None:
            self.on_done(False)

    def finish(self) -> None:
        """End the sound as the real player does: from a helper thread."""
        done = self.on_done
        threading.Thread(target=lambda: done(True), daemon=True).start()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def audio_root(tmp_path: Path) -> Path:
    sf.write(tmp_path / "answer.wav", np.zeros(int(RATE * SECONDS), dtype=np.float32), RATE)
    return tmp_path


def make_attempt(
    bank: Bank, matcher: Matcher, question_id: str, text: str, attempt_id: int, status: str = "complete"
) -> AttemptRecord:
    words = [
        Word(word=" " + w, start=round(i * 0.4, 2), end=round(i * 0.4 + 0.3, 2))
        for i, w in enumerate(text.split())
    ]
    transcript = Transcript(text=text, words=words, duration=len(words) * 0.4)
    question = bank.question(question_id)
    answered = status == "complete"
    return AttemptRecord(
        id=attempt_id,
        session_id=1,
        question_id=question_id,
        question_title=question.title,
        topic=question.topic,
        bank=bank.bank.id,
        started_at=datetime(2025, 5, 1, 10, attempt_id),
        status=status,  # type: ignore[arg-type]
        audio_path=Path("answer.wav") if answered else None,
        duration=transcript.duration if answered else 0.0,
        transcript=transcript if answered else None,
        judgement=matcher.judge(question_id, text) if answered else None,
        metrics=compute_metrics(transcript).model_dump(mode="json") if answered else None,
    )


@pytest.fixture
def flagged(bank: Bank, matcher: Matcher) -> AttemptRecord:
    return make_attempt(bank, matcher, LOCK, ANSWERS[f"{LOCK}/red_flag-1"], 1)


@pytest.fixture
def retake(bank: Bank, matcher: Matcher) -> AttemptRecord:
    return make_attempt(bank, matcher, LOCK, ANSWERS[f"{LOCK}/rejection-1"], 2)


def shown(qtbot: QtBot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


@pytest.fixture
def speakers() -> SilentSpeakers:
    return SilentSpeakers()


@pytest.fixture
def review(qtbot: QtBot, speakers: SilentSpeakers) -> ReviewView:
    view = ReviewView(audio=ReviewAudio(player=speakers))
    shown(qtbot, view)
    return view


# --- playback ---------------------------------------------------------------------------------


def test_without_a_sound_card_play_reports_an_error_and_stays_stopped(qtbot: QtBot, audio_root: Path) -> None:
    # The real player, on an output that is not there (CI may have a virtual one from other tests).
    audio = ReviewAudio(player=Player(device="no-such-output-vivavoce"))
    audio.load(audio_root / "answer.wav")
    assert audio.duration == pytest.approx(SECONDS)
    with qtbot.waitSignal(audio.error) as error, qtbot.assertNotEmitted(audio.state_changed):
        audio.play()
    assert "Cannot play the recording" in error.args[0] and "Check speakers" in error.args[0]
    assert not audio.playing


def test_a_missing_recording_is_reported_not_raised(qtbot: QtBot, tmp_path: Path) -> None:
    audio = ReviewAudio(player=SilentSpeakers())
    with qtbot.waitSignal(audio.error) as error:
        audio.load(tmp_path / "gone.wav")
    assert "gone.wav" in error.args[0] and not audio.available
    with qtbot.waitSignal(audio.error):
        audio.play()


def test_seeking_while_paused_moves_the_position_without_playing(
    qtbot: QtBot, audio_root: Path, speakers: SilentSpeakers
) -> None:
    audio = ReviewAudio(player=speakers)
    audio.load(audio_root / "answer.wav")
    with qtbot.waitSignal(audio.position_changed) as moved:
        audio.seek(2.5)
    assert moved.args == [2.5] and speakers.played == []
    audio.seek(99)
    assert audio.position == SECONDS


def test_position_follows_the_clock_and_pause_holds_it(
    qtbot: QtBot, audio_root: Path, speakers: SilentSpeakers
) -> None:
    clock = Clock()
    audio = ReviewAudio(player=speakers, clock=clock)
    audio.load(audio_root / "answer.wav")
    with qtbot.waitSignal(audio.state_changed) as state:
        audio.play()
    assert state.args == [True] and speakers.played == [int(RATE * SECONDS)]
    clock.now += 1.5
    with qtbot.waitSignal(audio.position_changed, check_params_cb=lambda s: s == pytest.approx(1.5)):
        pass  # the 10 Hz timer reports it
    audio.pause()
    clock.now += 5
    assert not audio.playing and audio.position == pytest.approx(1.5)
    audio.play()  # resumes where it paused: the slice from 1.5 s
    assert speakers.played[-1] == int(RATE * SECONDS) - int(1.5 * RATE)


def test_seeking_while_playing_plays_from_there(
    qtbot: QtBot, audio_root: Path, speakers: SilentSpeakers
) -> None:
    audio = ReviewAudio(player=speakers)
    audio.load(audio_root / "answer.wav")
    audio.play()
    with qtbot.assertNotEmitted(audio.state_changed):
        audio.seek(4.0)
    assert audio.playing and speakers.played[-1] == int(RATE * SECONDS) - 4 * RATE


def test_playback_that_ends_stops_at_the_end_and_ignores_stale_ends(
    qtbot: QtBot, audio_root: Path, speakers: SilentSpeakers
) -> None:
    audio = ReviewAudio(player=speakers)
    audio.load(audio_root / "answer.wav")
    audio.play()
    speakers.on_done, stale = None, speakers.on_done
    audio.seek(3.0)  # a new playback; the first one's end must not stop it
    stale(True)
    qtbot.wait(20)
    assert audio.playing
    with qtbot.waitSignal(audio.state_changed) as state:
        speakers.finish()
    assert state.args == [False] and audio.position == SECONDS


# --- one attempt ------------------------------------------------------------------------------


def test_review_shows_coverage_points_and_red_flag_in_words(
    review: ReviewView, flagged: AttemptRecord, bank: Bank, audio_root: Path
) -> None:
    review.show_attempt(flagged, bank.question(LOCK), None, audio_root)
    judgement = flagged.judgement
    assert judgement is not None
    assert review.percent.text() == f"{round(judgement.coverage * 100)}%"
    assert review.covered_words.text() == f"covered {len(judgement.covered)} of 5 points"
    assert review.points.text().count("✗ <b>missed</b>") == len(judgement.missed)
    assert "⚠ <b>red flag</b>" in review.flags.text()
    assert bank.question(LOCK).red_flags[0].label in review.flags.text()
    assert review.since_box.isHidden()


def test_an_answer_about_another_stack_says_why_it_scores_nothing(
    review: ReviewView, bank: Bank, matcher: Matcher, audio_root: Path
) -> None:
    text = "In Java, the synchronized keyword gives you a monitor lock, and a ReentrantLock can time out."
    attempt = make_attempt(bank, matcher, LOCK, text, 3)
    review.show_attempt(attempt, bank.question(LOCK), None, audio_root)
    assert review.percent.text() == "0%"
    assert "⊘ <b>about Java</b>" in review.points.text()
    assert "never names the stack the question is about" in review.points.text()


def test_the_session_list_says_which_answer_was_about_another_stack(bank: Bank, matcher: Matcher) -> None:
    java = make_attempt(bank, matcher, LOCK, "In Java I'd put it in a synchronized block.", 4)
    assert "0% covered · ⊘ about Java" in attempt_line(1, java)
    own = make_attempt(bank, matcher, LOCK, ANSWERS[f"{LOCK}/strong-1"], 5)
    assert "about" not in attempt_line(2, own)


def test_an_answer_on_another_subject_says_why_it_scores_nothing(
    review: ReviewView, bank: Bank, audio_root: Path
) -> None:
    matcher = Matcher(bank, subject=SubjectModel.load())
    attempt = make_attempt(bank, matcher, "blocking-code-in-async", NEIGHBOURS["blocking-code-in-async"], 6)
    review.show_attempt(attempt, bank.question("blocking-code-in-async"), None, audio_root)
    assert review.percent.text() == "0%"
    assert "⊘ <b>off topic</b>" in review.points.text() and "different subject" in review.points.text()
    assert "0% covered · ⊘ off topic" in attempt_line(1, attempt)


def test_hesitations_not_measured_are_shown_as_such(
    review: ReviewView, flagged: AttemptRecord, bank: Bank, audio_root: Path
) -> None:
    assert flagged.metrics is not None and flagged.metrics["hesitations"] is None
    review.show_attempt(flagged, bank.question(LOCK), None, audio_root)
    value = review.metrics_form.itemAt(3, review.metrics_form.ItemRole.FieldRole).widget()
    assert isinstance(value, QLabel) and value.text() == "not measured"


def test_outline_and_model_answer_stay_hidden_until_asked(
    qtbot: QtBot, review: ReviewView, flagged: AttemptRecord, bank: Bank, audio_root: Path
) -> None:
    question = bank.question(LOCK)
    review.show_attempt(flagged, question, None, audio_root)
    assert review.outline.isHidden() and review.model_answer.isHidden()
    qtbot.mouseClick(review.outline_button, Qt.MouseButton.LeftButton)
    assert not review.outline.isHidden() and review.outline.text() == question.outline
    assert review.model_answer.isHidden()
    review.show_attempt(flagged, question, None, audio_root)  # the next attempt hides it again
    assert review.outline.isHidden()


def test_self_rating_emits_attempt_and_rating_by_click_and_key(
    qtbot: QtBot, review: ReviewView, flagged: AttemptRecord, bank: Bank, audio_root: Path
) -> None:
    review.show_attempt(flagged, bank.question(LOCK), None, audio_root)
    with qtbot.waitSignal(review.rating_changed) as rated:
        qtbot.mouseClick(review.rating_group.button(4), Qt.MouseButton.LeftButton)
    assert rated.args == [1, 4]
    review.next_button.setFocus()
    with qtbot.waitSignal(review.rating_changed) as rated:
        qtbot.keyClick(review.next_button, Qt.Key.Key_2)
    assert rated.args == [1, 2] and review.rating_group.checkedId() == 2


def test_retake_shows_what_changed_since_the_last_try(
    review: ReviewView, flagged: AttemptRecord, retake: AttemptRecord, bank: Bank, audio_root: Path
) -> None:
    review.show_attempt(retake, bank.question(LOCK), flagged, audio_root)
    assert not review.since_box.isHidden()
    text = review.since.text()
    assert "Newly covered" in text and "Red flags cleared" in text and "▲ coverage +" in text


def test_skipped_attempt_explains_instead_of_scoring(
    review: ReviewView, bank: Bank, matcher: Matcher, audio_root: Path
) -> None:
    skipped = make_attempt(bank, matcher, LOCK, "", 3, status="skipped")
    review.show_attempt(skipped, bank.question(LOCK), None, audio_root)
    assert review.status_note.text().startswith("Skipped") and "Retry (R)" in review.status_note.text()
    assert review.score.isHidden() and review.transcript.isHidden() and review.audio_box.isHidden()
    review.set_actions_visible(False)
    review.show_attempt(skipped, bank.question(LOCK), None, audio_root)
    assert "Retry" not in review.status_note.text()  # no Retry button in history


def test_retry_and_next_keys_work_until_hidden_for_history(
    qtbot: QtBot, review: ReviewView, flagged: AttemptRecord, bank: Bank, audio_root: Path
) -> None:
    review.show_attempt(flagged, bank.question(LOCK), None, audio_root)
    review.play_button.setFocus()
    with qtbot.waitSignal(review.retry_requested):
        qtbot.keyClick(review.play_button, Qt.Key.Key_R)
    for key in (Qt.Key.Key_N, Qt.Key.Key_Return):
        with qtbot.waitSignal(review.next_requested):
            qtbot.keyClick(review.play_button, key)
    review.set_actions_visible(False)
    assert review.actions.isHidden()
    with qtbot.assertNotEmitted(review.retry_requested, wait=50):
        qtbot.keyClick(review.play_button, Qt.Key.Key_R)


def test_clicking_a_word_plays_the_recording_from_it(
    qtbot: QtBot, review: ReviewView, speakers: SilentSpeakers, bank: Bank, matcher: Matcher, audio_root: Path
) -> None:
    attempt = make_attempt(bank, matcher, BLOCKING, BLOCKING_TEXT, 4)
    review.show_attempt(attempt, bank.question(BLOCKING), None, audio_root)
    view = review.transcript
    span = view.word_span(6)  # "blocks", at 2.4 s
    assert span is not None
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.document_position(span[0]))
    with qtbot.waitSignal(review.audio.state_changed):
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.cursorRect(cursor).center() + QPoint(3, 0)
        )
    assert speakers.played == [int(RATE * SECONDS) - int(2.4 * RATE)]
    assert review.play_button.text() == "⏸ Pause"
    review.hide()  # leaving the screen silences it
    assert not review.audio.playing


# --- the session ------------------------------------------------------------------------------


@pytest.fixture
def session(bank: Bank, matcher: Matcher, flagged: AttemptRecord, retake: AttemptRecord) -> SessionRecord:
    skipped = make_attempt(bank, matcher, BLOCKING, "", 3, status="skipped")
    blocking = make_attempt(bank, matcher, BLOCKING, BLOCKING_TEXT, 4)
    attempts = [flagged, retake, skipped, blocking]
    return SessionRecord(
        id=9, kind="mock", bank=bank.bank.id, started_at=datetime(2025, 5, 1, 10), attempts=attempts
    )


def test_session_summary_counts_answers_flags_and_pace(session: SessionRecord) -> None:
    summary = summarise(session)
    judged = [a.judgement for a in session.attempts if a.judgement is not None]
    assert (summary.questions, summary.answered, summary.skipped, summary.failed) == (4, 3, 1, 0)
    assert summary.red_flags == 1
    assert summary.mean_coverage == pytest.approx(sum(j.coverage for j in judged) / 3)
    metrics = [a.metrics for a in session.attempts if a.metrics]
    speaking = sum(m["speaking_time"] for m in metrics)
    assert summary.speaking_time == pytest.approx(speaking, abs=1e-3)
    assert summary.words_per_minute == pytest.approx(
        sum(m["word_count"] for m in metrics) / speaking * 60, abs=0.1
    )


def test_session_review_header_list_and_embedded_review(
    qtbot: QtBot, session: SessionRecord, bank: Bank, audio_root: Path, flagged: AttemptRecord
) -> None:
    view = SessionReviewView(review=ReviewView(audio=ReviewAudio(player=SilentSpeakers())))
    shown(qtbot, view)
    view.show_session(session, {q.id: q for q in bank.questions}, audio_root, {2: flagged})
    assert view.stat_values["answered"].text() == "3 of 4"
    assert view.stat_values["skipped"].text() == "1"
    assert view.stat_values["red flags raised"].text() == "⚠ 1"
    rows = [view.attempts.item(i).text() for i in range(view.attempts.count())]
    assert "⚠ 1 red flag · answered" in rows[0] and rows[2].endswith("no score · skipped")
    assert view.review.actions.isHidden()
    view.attempts.setCurrentRow(1)
    assert view.review.title.text() == bank.question(LOCK).title
    assert not view.review.since_box.isHidden()  # compared with the earlier try passed in
    with qtbot.waitSignal(view.rating_changed) as rated:
        qtbot.mouseClick(view.review.rating_group.button(5), Qt.MouseButton.LeftButton)
    assert rated.args == [2, 5]


def test_session_review_exports_and_leaves_with_escape(
    qtbot: QtBot, session: SessionRecord, bank: Bank, audio_root: Path
) -> None:
    view = SessionReviewView(review=ReviewView(audio=ReviewAudio(player=SilentSpeakers())))
    shown(qtbot, view)
    view.show_session(session, {q.id: q for q in bank.questions}, audio_root)
    with qtbot.waitSignal(view.export_requested) as export:
        qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert export.args == [9]
    with qtbot.waitSignal(view.done_requested):
        qtbot.keyClick(view.attempts, Qt.Key.Key_Escape)
