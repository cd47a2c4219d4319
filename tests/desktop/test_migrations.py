"""Numbered schema steps: every old fixture database upgrades to today's schema with its data."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.migrations import LATEST, STEPS, migrate, schema_version
from desktop.paths import database_path
from desktop.store import Store
from tests.conftest import DATA

V1_FIXTURE = DATA / "db" / "history_v1.sqlite3"


def _columns(db: Path) -> dict[str, list[tuple[str, str, int]]]:
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: [(r[1], r[2], r[3]) for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    finally:
        conn.close()


def _indexes(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        conn.close()


@pytest.fixture
def v1_root(tmp_path: Path) -> Path:
    shutil.copy(V1_FIXTURE, database_path(tmp_path))
    return tmp_path


def test_steps_are_numbered_one_per_version_without_gaps() -> None:
    assert sorted(STEPS) == list(range(1, LATEST + 1))
    assert LATEST >= 2


def test_fixture_is_still_a_schema_1_database() -> None:
    conn = sqlite3.connect(V1_FIXTURE)
    try:
        assert schema_version(conn) == 1
        assert "self_rating" not in [r[1] for r in conn.execute("PRAGMA table_info(attempts)")]
    finally:
        conn.close()


def test_fresh_store_is_at_the_latest_version(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        assert store.schema_version == LATEST


def test_v1_database_upgrades_to_the_same_schema_as_a_fresh_one(v1_root: Path, tmp_path_factory) -> None:
    with Store(v1_root) as store:
        assert store.schema_version == LATEST
    fresh = tmp_path_factory.mktemp("fresh")
    Store(fresh).close()
    assert _columns(database_path(v1_root)) == _columns(database_path(fresh))
    assert _indexes(database_path(v1_root)) == _indexes(database_path(fresh))


def test_v1_data_survives_the_upgrade(v1_root: Path) -> None:
    with Store(v1_root) as store:
        sessions = store.sessions()
        assert [(s.id, s.kind, s.aborted) for s in sessions] == [(2, "mock", True), (1, "practice", False)]
        practice = store.session(1)
        assert practice is not None
        assert [a.question_id for a in practice.attempts] == [
            "cancel-asyncio-task",
            "event-loop-cooperative-multitasking",
            "include-router",
        ]
        cancel = practice.attempts[0]
        assert cancel.judgement is not None and cancel.judgement.coverage == pytest.approx(0.4286)
        assert {c.concept for c in cancel.judgement.covered} == {
            "request-cancel-and-await",
            "cancelled-error-at-await",
        }
        assert cancel.transcript is not None and cancel.transcript.words
        assert cancel.audio_path == Path("audio/attempt-0001.wav")
        assert cancel.metrics == {"words_per_minute": 150.0, "pause_count": 1, "hesitations": None}
        # The new columns start empty and are writable.
        assert cancel.self_rating is None and cancel.note == ""
        store.set_self_rating(cancel.id or 0, 3)
        assert store.attempt(cancel.id or 0).self_rating == 3  # type: ignore[union-attr]

        assert practice.attempts[1].judgement.red_flags[0].id == "event-loop-is-parallel"  # type: ignore[union-attr]
        assert [a.id for a in store.unfinished_attempts()] == [4]
        assert store.question_stats()["cancel-asyncio-task"].attempts == 1


def test_upgrade_keeps_a_backup_of_the_old_database(v1_root: Path) -> None:
    Store(v1_root).close()
    backup = v1_root / "history.sqlite3.v1-backup"
    conn = sqlite3.connect(backup)
    try:
        assert schema_version(conn) == 1
        assert conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 4
    finally:
        conn.close()


def test_a_failing_step_leaves_the_database_at_the_last_complete_version(v1_root: Path) -> None:
    db = database_path(v1_root)
    conn = sqlite3.connect(db)
    # A column step 2 is about to add: the step fails half-way, after adding self_rating.
    conn.execute("ALTER TABLE attempts ADD COLUMN note TEXT")
    conn.commit()
    with pytest.raises(sqlite3.OperationalError, match="duplicate column"):
        migrate(conn)
    assert schema_version(conn) == 1
    assert "self_rating" not in [r[1] for r in conn.execute("PRAGMA table_info(attempts)")]
    conn.close()
