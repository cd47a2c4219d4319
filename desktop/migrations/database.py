"""Opening the history file: integrity check, recovery from damage, backup, then the schema steps.

A damaged file (not SQLite, truncated, failing ``quick_check``) is moved aside and a fresh one started;
a file from a newer schema is refused untouched; a locked or unwritable one is an error naming the fix.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from desktop.migrations import LATEST, migrate, schema_version

log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The history cannot be read or written; the message names the file, the cause and the fix."""


class _Corrupt(Exception):
    """The file is not a readable SQLite database."""


def open_database(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """A connection at the latest schema, and a message for the person if a damaged file was set aside."""
    try:
        return _connect(path), None
    except _Corrupt as exc:
        aside = _move_aside(path)
        message = (
            f"The history database {path} could not be read ({exc}). It was moved to {aside} "
            "and a new, empty history was started. Recordings in the audio folder were not touched."
        )
        log.warning("%s", message)
        return _connect(path), message


def sqlite_error(path: Path, doing: str, exc: sqlite3.Error) -> StoreError:
    cause = str(exc)
    if "locked" in cause or "busy" in cause:
        fix = "another program is using it (is Viva Voce already open?); close it and try again"
    else:
        fix = "check that the folder exists, is writable and the disk has free space, then try again"
    return StoreError(f"{doing} the history database {path} ({cause}): {fix}.")


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=5)
    except sqlite3.Error as exc:
        raise sqlite_error(path, "could not open", exc) from exc
    try:
        version = _readable_version(conn)
        if version > LATEST:
            raise StoreError(
                f"{path} was written by a newer Viva Voce (history schema {version}; this version knows "
                f"up to {LATEST}). It was left untouched: update Viva Voce, or choose another data folder "
                "(Settings, or VIVAVOCE_DATA_DIR)."
            )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        if 0 < version < LATEST:
            _backup(conn, path, version)
        migrate(conn)
    except sqlite3.OperationalError as exc:
        conn.close()
        raise sqlite_error(path, "could not open", exc) from exc
    except sqlite3.DatabaseError as exc:  # e.g. pages damaged beyond what quick_check read
        conn.close()
        raise _Corrupt(str(exc)) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _readable_version(conn: sqlite3.Connection) -> int:
    """The stored schema version, after a quick integrity check (milliseconds on a history-sized file)."""
    try:
        version = schema_version(conn)
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.OperationalError:
        raise  # locked or unreadable: not damage, leave the file alone
    except sqlite3.DatabaseError as exc:
        raise _Corrupt(str(exc)) from exc
    if problems != ["ok"]:
        raise _Corrupt("; ".join(problems[:3]))
    return version


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Keep a copy of an older-schema database before upgrading it, once."""
    target = path.with_name(f"{path.name}.v{version}-backup")
    if target.exists():
        return
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
    finally:
        copy.close()


def _move_aside(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        path.replace(aside)
        # The journal files belong to the damaged file; keep them paired with it.
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.replace(aside.with_name(aside.name + suffix))
    except OSError as exc:
        raise StoreError(
            f"{path} is damaged and could not be moved aside ({exc}). Move or delete it yourself, "
            "then start Viva Voce again."
        ) from exc
    return aside
