"""The history store on real SQLite files: round trips, filters, statistics, deletion, damage."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from audio.transcript import Repair, Transcript, Word
from desktop.paths import audio_dir, database_path
from desktop.records import AttemptRecord, HistoryFilter, SessionRecord
from desktop.store import Store, StoreError
from questions.matching import Matcher

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
CANCEL = "call task.cancel and await it, catch CancelledError"


def _session(store: Store, at: datetime = T0, kind: str = "practice") -> int:
    return store.start_session(SessionRecord(kind=kind, bank="builtin", started_at=at))  # type: ignore[arg-type]


def _attempt(
    matcher: Matcher,
    session_id: int,
    question_id: str = "cancel-asyncio-task",
    text: str = CANCEL,
    at: datetime = T0,
    **fields: object,
) -> AttemptRecord:
    question = matcher.bank.question(question_id)
    values: dict[str, object] = {
        "transcript": Transcript(text=text, duration=4.0),
        "judgement": matcher.judge(question_id, text),
        **fields,
    }
    return AttemptRecord(
        session_id=session_id,
        question_id=question_id,
        question_title=question.title,
        topic=question.topic,
        bank="builtin",
        started_at=at,
        **values,  # type: ignore[arg-type]
    )


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path) as opened:
        yield opened


def test_attempt_round_trips_with_judgement_transcript_and_metrics(store: Store, matcher: Matcher) -> None:
    session_id = _session(store)
    transcript = Transcript(
        text=CANCEL,
        words=[Word(word="call", start=0.0, end=0.3, probability=0.9)],
        duration=4.25,
        model="tiny.en",
        repairs=[Repair(heard="a sink", as_="async", start=1.0)],
    )
    record = _attempt(matcher, session_id, audio_path=Path("audio/a.wav"), duration=4.25, note="felt rushed")
    metrics = {"hesitations": None, "words_per_minute": 151.5}
    record = record.model_copy(update={"transcript": transcript, "metrics": metrics})
    attempt_id = store.add_attempt(record)

    loaded = store.attempt(attempt_id)
    assert loaded == record.model_copy(update={"id": attempt_id})
    assert loaded is not None and loaded.judgement is not None
    assert loaded.judgement.covered[0].evidence.text == "call task.cancel"
    assert loaded.transcript is not None and loaded.transcript.repairs[0].as_ == "async"
    assert loaded.started_at == T0 and loaded.started_at.tzinfo is not None


def test_session_lists_its_attempts_oldest_first_and_finish_sets_end(store: Store, matcher: Matcher) -> None:
    session_id = _session(store)
    later = store.add_attempt(_attempt(matcher, session_id, at=T0 + timedelta(minutes=5)))
    earlier = store.add_attempt(_attempt(matcher, session_id, at=T0 + timedelta(minutes=1)))
    store.finish_session(session_id, aborted=True)

    session = store.session(session_id)
    assert session is not None
    assert [a.id for a in session.attempts] == [earlier, later]
    assert session.aborted and session.finished_at is not None
    assert session.finished_at.tzinfo is not None
    assert store.session(session_id + 99) is None


def test_update_attempt_and_self_rating_are_stored(store: Store, matcher: Matcher) -> None:
    session_id = _session(store)
    record = _attempt(matcher, session_id, status="recording", transcript=None, judgement=None)
    attempt_id = store.add_attempt(record)
    assert [a.id for a in store.unfinished_attempts()] == [attempt_id]

    judged = _attempt(matcher, session_id, duration=7.5).model_copy(update={"id": attempt_id})
    store.update_attempt(judged)
    store.set_self_rating(attempt_id, 4)

    loaded = store.attempt(attempt_id)
    assert loaded is not None and loaded.status == "complete" and loaded.duration == 7.5
    assert loaded.coverage == pytest.approx(judged.coverage)
    assert loaded.self_rating == 4
    assert store.unfinished_attempts() == []
    store.set_self_rating(attempt_id, None)
    assert store.attempt(attempt_id).self_rating is None  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="1 to 5"):
        store.set_self_rating(attempt_id, 6)
    store.delete_attempt(attempt_id)
    store.update_attempt(judged)  # a result arriving after deletion is dropped, not resurrected
    assert store.attempt(attempt_id) is None


def test_filters_by_question_topic_and_date(store: Store, matcher: Matcher) -> None:
    first = _session(store, T0)
    second = _session(store, T0 + timedelta(days=3))
    a1 = store.add_attempt(_attempt(matcher, first, at=T0))
    a2 = store.add_attempt(
        _attempt(matcher, first, "include-router", "app.include_router(router)", at=T0 + timedelta(minutes=2))
    )
    a3 = store.add_attempt(_attempt(matcher, second, at=T0 + timedelta(days=3)))

    assert [a.id for a in store.attempts()] == [a3, a2, a1]
    assert [a.id for a in store.attempts(HistoryFilter(question_id="cancel-asyncio-task"))] == [a3, a1]
    assert [a.id for a in store.attempts(HistoryFilter(topic="fastapi"))] == [a2]
    assert [a.id for a in store.attempts(HistoryFilter(since=T0 + timedelta(days=1)))] == [a3]
    assert [a.id for a in store.attempts(HistoryFilter(until=T0 + timedelta(days=1)))] == [a2, a1]

    # Sessions: newest first, each holding only its matching attempts; no-match sessions left out.
    by_topic = store.sessions(HistoryFilter(topic="fastapi"))
    assert [(s.id, [a.id for a in s.attempts]) for s in by_topic] == [(first, [a2])]
    everything = store.sessions()
    assert [(s.id, [a.id for a in s.attempts]) for s in everything] == [(second, [a3]), (first, [a1, a2])]


def test_sessions_without_attempts_are_listed_unless_a_question_is_asked_for(
    store: Store, matcher: Matcher
) -> None:
    empty = _session(store, T0 + timedelta(days=1))
    used = _session(store, T0)
    store.add_attempt(_attempt(matcher, used))
    assert [s.id for s in store.sessions()] == [empty, used]
    assert [s.id for s in store.sessions(HistoryFilter(since=T0 + timedelta(hours=12)))] == [empty]
    assert [s.id for s in store.sessions(HistoryFilter(question_id="cancel-asyncio-task"))] == [used]


def test_naive_times_are_taken_as_local_and_stored_in_utc(store: Store, matcher: Matcher) -> None:
    local = datetime(2024, 5, 1, 12, 0)
    attempt_id = store.add_attempt(_attempt(matcher, _session(store), at=local))
    loaded = store.attempt(attempt_id)
    assert loaded is not None and loaded.started_at == local.astimezone()
    assert loaded.started_at.utcoffset() == timedelta(0)


def test_stats_and_progress_count_only_complete_attempts(store: Store, matcher: Matcher) -> None:
    session_id = _session(store)
    good = _attempt(matcher, session_id, at=T0)
    weak = _attempt(matcher, session_id, text="I would kill the thread", at=T0 + timedelta(hours=1))
    store.add_attempt(good)
    store.add_attempt(weak)
    skipped = _attempt(matcher, session_id, at=T0 + timedelta(hours=2), status="skipped", judgement=None)
    store.add_attempt(skipped)
    store.add_attempt(_attempt(matcher, session_id, "include-router", "app.include_router(router)"))

    stats = store.question_stats()
    cancel = stats["cancel-asyncio-task"]
    assert cancel.attempts == 2
    assert cancel.last_coverage == pytest.approx(weak.coverage)
    assert cancel.best_coverage == pytest.approx(good.coverage)
    assert cancel.last_practised == T0 + timedelta(hours=1)
    assert set(stats) == {"cancel-asyncio-task", "include-router"}

    assert store.progress(question_id="cancel-asyncio-task") == [
        (T0, pytest.approx(good.coverage)),
        (T0 + timedelta(hours=1), pytest.approx(weak.coverage)),
    ]
    assert len(store.progress(topic="fastapi")) == 1
    assert len(store.progress()) == 3


def test_previous_attempt_is_the_latest_complete_one_before(store: Store, matcher: Matcher) -> None:
    session_id = _session(store)
    first = store.add_attempt(_attempt(matcher, session_id, at=T0))
    store.add_attempt(_attempt(matcher, session_id, at=T0 + timedelta(minutes=1), status="failed"))
    store.add_attempt(_attempt(matcher, session_id, "include-router", "x", at=T0 + timedelta(minutes=2)))
    retake = store.add_attempt(_attempt(matcher, session_id, at=T0 + timedelta(minutes=3)))

    previous = store.previous_attempt("cancel-asyncio-task", retake)
    assert previous is not None and previous.id == first
    assert store.previous_attempt("cancel-asyncio-task", first) is None


def test_deleting_removes_rows_and_recordings_but_nothing_outside_the_folder(
    tmp_path: Path, store: Store, matcher: Matcher
) -> None:
    session_id = _session(store)
    recordings = audio_dir(store.root)
    wavs = [recordings / f"{n}.wav" for n in range(3)]
    for wav in wavs:
        wav.write_bytes(b"RIFF")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.wav"
    outside.write_bytes(b"RIFF")
    ids = [
        store.add_attempt(_attempt(matcher, session_id, audio_path=w.relative_to(store.root))) for w in wavs
    ]
    # An absolute path inside the folder is kept relative; one outside must never be deleted by us.
    stray = store.add_attempt(_attempt(matcher, session_id, audio_path=outside))
    assert store.attempt(ids[0]).audio_path == Path("audio/0.wav")  # type: ignore[union-attr]

    store.delete_attempt(ids[0])
    assert store.attempt(ids[0]) is None and not wavs[0].exists() and wavs[1].exists()

    store.delete_session(session_id)
    assert store.session(session_id) is None
    assert store.attempt(ids[1]) is None and store.attempt(stray) is None
    assert not wavs[1].exists() and not wavs[2].exists()
    assert outside.exists()


def test_add_attempt_without_a_session_is_refused(store: Store, matcher: Matcher) -> None:
    with pytest.raises(ValueError, match="session_id"):
        store.add_attempt(_attempt(matcher, 1).model_copy(update={"session_id": None}))
    with pytest.raises(StoreError, match="history database"):
        store.add_attempt(_attempt(matcher, 12345))  # no such session: the foreign key holds


@pytest.mark.parametrize("damage", ["random bytes", "truncated"])
def test_corrupt_database_is_moved_aside_and_a_fresh_one_started(
    tmp_path: Path, matcher: Matcher, damage: str
) -> None:
    with Store(tmp_path) as store:
        session_id = _session(store)
        for n in range(40):
            store.add_attempt(_attempt(matcher, session_id, at=T0 + timedelta(minutes=n)))
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db = database_path(tmp_path)
    data = db.read_bytes()
    if damage == "random bytes":
        db.write_bytes(bytes(range(256)) * 64)
    else:
        db.write_bytes(data[: len(data) // 2])

    with Store(tmp_path) as store:
        assert store.recovered_from is not None
        assert str(db) in store.recovered_from and "new, empty history" in store.recovered_from
        assert store.sessions() == []
        _session(store)  # the fresh database works
    aside = list(tmp_path.glob("history.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].stat().st_size > 0


def test_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = database_path(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE future (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = db.read_bytes()

    with pytest.raises(StoreError, match=r"newer Viva Voce.*schema 99.*update Viva Voce"):
        Store(tmp_path)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("history.sqlite3.*"))


def test_database_is_in_wal_mode_with_foreign_keys(store: Store) -> None:
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_lists_can_skip_word_timings_and_keep_the_text(store: Store, matcher: Matcher) -> None:
    session_id = _session(store)
    judged = store.add_attempt(_attempt(matcher, session_id, at=T0))
    failed = store.add_attempt(_attempt(matcher, session_id, at=T0 + timedelta(minutes=1), judgement=None))
    light = {a.id: a for a in store.attempts(transcripts=False)}
    assert light[judged].transcript is None and light[judged].text == CANCEL
    assert light[failed].transcript is not None  # nothing else holds its text
    assert store.sessions(transcripts=False)[0].attempts[0].transcript is None
