"""Numbered schema steps for the history database.

The schema version lives in SQLite's ``user_version``. Step N takes a database at version N-1 to N;
steps are never edited once released (old databases in the wild were made by them), only appended.
Each step runs in its own transaction together with the version bump, so a crash leaves the database
at the last complete version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from desktop.migrations import step_0001_initial, step_0002_self_rating_note

Step = Callable[[sqlite3.Connection], None]

# version reached -> the step that reaches it from the one before
STEPS: dict[int, Step] = {
    1: step_0001_initial.upgrade,
    2: step_0002_self_rating_note.upgrade,
}
LATEST = max(STEPS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> list[int]:
    """Run the steps from the stored version up to ``target``; returns the versions reached.

    The connection must be in Python's default transaction mode (not autocommit), so that the
    explicit BEGIN below covers the DDL and the version bump together.
    """
    reached: list[int] = []
    for version in range(schema_version(conn) + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            STEPS[version](conn)
            conn.execute(f"PRAGMA user_version = {int(version)}")
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        reached.append(version)
    return reached
