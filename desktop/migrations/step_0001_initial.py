"""Schema 1: sessions and their attempts.

Judged results are kept whole as JSON (they are the score contract and grow fields); the few values the
history screens filter and sort on are real columns with indexes beside them.
"""

from __future__ import annotations

import sqlite3

STATEMENTS = (
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('practice', 'mock')),
        bank TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        think_seconds INTEGER,
        answer_seconds INTEGER,
        aborted INTEGER NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX sessions_started_at ON sessions (started_at)",
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        question_title TEXT NOT NULL,
        topic TEXT NOT NULL,
        bank TEXT NOT NULL,
        started_at TEXT NOT NULL,
        status TEXT NOT NULL,
        typed INTEGER NOT NULL DEFAULT 0,
        audio_path TEXT,
        duration REAL NOT NULL DEFAULT 0,
        transcript TEXT,
        judgement TEXT,
        metrics TEXT,
        coverage REAL
    )
    """,
    "CREATE INDEX attempts_session ON attempts (session_id)",
    "CREATE INDEX attempts_question ON attempts (question_id, started_at)",
    "CREATE INDEX attempts_topic ON attempts (topic, started_at)",
    "CREATE INDEX attempts_started_at ON attempts (started_at)",
)


def upgrade(conn: sqlite3.Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
