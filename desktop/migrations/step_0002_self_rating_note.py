"""Schema 2: the person's own rating of an attempt (1-5) and a free note."""

from __future__ import annotations

import sqlite3

STATEMENTS = (
    "ALTER TABLE attempts ADD COLUMN self_rating INTEGER CHECK (self_rating BETWEEN 1 AND 5)",
    "ALTER TABLE attempts ADD COLUMN note TEXT NOT NULL DEFAULT ''",
)


def upgrade(conn: sqlite3.Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
