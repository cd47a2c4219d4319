"""The practice history: sessions and their attempts in one SQLite file in the data folder.

Used from the UI thread only. Every write is one transaction. Judged results are stored whole as JSON
(the score contract); coverage, question, topic and start time are real, indexed columns for the
history screen's filters and statistics. Times are ISO-8601 UTC text of fixed width, so text order is
time order.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from audio.transcript import Transcript
from desktop.migrations import schema_version
from desktop.migrations.database import StoreError, open_database, sqlite_error
from desktop.paths import database_path
from desktop.records import AttemptRecord, HistoryFilter, QuestionStats, SessionRecord
from questions.judgement import Judgement

__all__ = ["Store", "StoreError", "from_db_time", "to_db_time"]

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

_ATTEMPT_COLUMNS = (
    "session_id, question_id, question_title, topic, bank, started_at, status, typed, audio_path, "
    "duration, transcript, judgement, metrics, coverage, self_rating, note"
)
_SESSION_COLUMNS = "id, kind, bank, started_at, finished_at, think_seconds, answer_seconds, aborted"


def to_db_time(moment: datetime) -> str:
    """ISO-8601 UTC with microseconds. A naive datetime is taken as the local clock."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Store:
    """Opens (or creates) ``history.sqlite3`` under ``root`` and brings it to the latest schema."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = database_path(self.root)
        # A message for the person when a damaged database had to be set aside at startup.
        self._conn, self.recovered_from = open_database(self.path)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction; a failure is rolled back and reported as a StoreError."""
        try:
            with self._conn:
                yield self._conn
        except sqlite3.Error as exc:
            raise sqlite_error(self.path, "could not save to", exc) from exc

    @property
    def schema_version(self) -> int:
        return schema_version(self._conn)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sessions ------------------------------------------------------------------------------

    def start_session(self, session: SessionRecord) -> int:
        """Insert the session (its ``attempts`` are ignored); returns its id."""
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (kind, bank, started_at, finished_at, think_seconds, "
                "answer_seconds, aborted) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    session.kind,
                    session.bank,
                    to_db_time(session.started_at),
                    to_db_time(session.finished_at) if session.finished_at else None,
                    session.think_seconds,
                    session.answer_seconds,
                    int(session.aborted),
                ),
            )
        return int(cursor.lastrowid or 0)

    def finish_session(self, session_id: int, *, aborted: bool = False) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE sessions SET finished_at = ?, aborted = ? WHERE id = ?",
                (to_db_time(datetime.now(UTC)), int(aborted), session_id),
            )

    def session(self, session_id: int) -> SessionRecord | None:
        """The session with all its attempts, oldest first."""
        row = self._conn.execute(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row is None:
            return None
        rows = self._conn.execute(
            f"SELECT id, {_ATTEMPT_COLUMNS} FROM attempts WHERE session_id = ? ORDER BY started_at, id",
            (session_id,),
        )
        return _session(row, [_attempt(r) for r in rows])

    def sessions(
        self, filter: HistoryFilter | None = None, *, transcripts: bool = True
    ) -> list[SessionRecord]:
        """Newest first, each with its attempts that match ``filter`` (oldest first).

        With a question or topic filter, sessions without a matching attempt are left out; with only
        dates, a session also counts when it started in the range. ``transcripts=False``: see ``attempts``.
        """
        f = filter or HistoryFilter()
        where, params = _where(f)
        select = f"SELECT {_SESSION_COLUMNS} FROM sessions"
        matching = f"SELECT session_id FROM attempts{where}"
        if f.question_id or f.topic:
            query = f"{select} WHERE id IN ({matching})"
        elif f.since or f.until:
            own, own_params = _where(HistoryFilter(since=f.since, until=f.until))
            query = f"{select}{own} OR id IN ({matching})"
            params = own_params + params
        else:
            query = select
        rows = self._conn.execute(query + " ORDER BY started_at DESC, id DESC", params).fetchall()
        by_session: dict[int, list[AttemptRecord]] = {}
        for attempt in reversed(self.attempts(f, transcripts=transcripts)):
            by_session.setdefault(attempt.session_id or 0, []).append(attempt)
        return [_session(row, by_session.get(row["id"], [])) for row in rows]

    def delete_session(self, session_id: int) -> None:
        """Remove the session, its attempts and their recordings."""
        rows = self._conn.execute(
            "SELECT audio_path FROM attempts WHERE session_id = ? AND audio_path IS NOT NULL", (session_id,)
        ).fetchall()
        with self._write() as conn:
            conn.execute("DELETE FROM attempts WHERE session_id = ?", (session_id,))
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        for row in rows:
            self._remove_audio(row["audio_path"])

    # -- attempts ------------------------------------------------------------------------------

    def add_attempt(self, attempt: AttemptRecord) -> int:
        """Insert the attempt (``session_id`` must be set); returns its id."""
        if attempt.session_id is None:
            raise ValueError("add_attempt needs attempt.session_id (from start_session)")
        values = self._attempt_values(attempt)
        marks = ", ".join("?" * len(values))
        with self._write() as conn:
            cursor = conn.execute(f"INSERT INTO attempts ({_ATTEMPT_COLUMNS}) VALUES ({marks})", values)
        return int(cursor.lastrowid or 0)

    def update_attempt(self, attempt: AttemptRecord) -> None:
        """Overwrite the stored attempt with ``attempt.id`` by this record."""
        if attempt.id is None:
            raise ValueError("update_attempt needs attempt.id (from add_attempt)")
        names = [c.strip() for c in _ATTEMPT_COLUMNS.split(",")]
        assignments = ", ".join(f"{name} = ?" for name in names)
        with self._write() as conn:
            cursor = conn.execute(
                f"UPDATE attempts SET {assignments} WHERE id = ?",
                (*self._attempt_values(attempt), attempt.id),
            )
        if cursor.rowcount == 0:  # deleted meanwhile (e.g. while it was being judged): nothing to keep
            log.info("attempt %s was deleted before its update; update dropped", attempt.id)

    def set_self_rating(self, attempt_id: int, rating: int | None) -> None:
        if rating is not None and not 1 <= rating <= 5:
            raise ValueError(f"a self-rating is 1 to 5, not {rating}")
        with self._write() as conn:
            conn.execute("UPDATE attempts SET self_rating = ? WHERE id = ?", (rating, attempt_id))

    def attempt(self, attempt_id: int) -> AttemptRecord | None:
        row = self._conn.execute(
            f"SELECT id, {_ATTEMPT_COLUMNS} FROM attempts WHERE id = ?", (attempt_id,)
        ).fetchone()
        return _attempt(row) if row else None

    def attempts(
        self, filter: HistoryFilter | None = None, *, transcripts: bool = True
    ) -> list[AttemptRecord]:
        """Attempts matching ``filter``, newest first.

        ``transcripts=False`` leaves ``transcript`` (the word timings: nine tenths of the reading time)
        unread on judged attempts, for fast lists; ``text`` still comes from the judgement.
        """
        where, params = _where(filter or HistoryFilter())
        rows = self._conn.execute(
            f"SELECT id, {_ATTEMPT_COLUMNS} FROM attempts{where} ORDER BY started_at DESC, id DESC", params
        )
        return [_attempt(row, transcripts) for row in rows]

    def previous_attempt(self, question_id: str, before_id: int) -> AttemptRecord | None:
        """The latest complete attempt at ``question_id`` older than attempt ``before_id``."""
        anchor = self._conn.execute("SELECT started_at FROM attempts WHERE id = ?", (before_id,)).fetchone()
        if anchor is None:
            order, params = "id < ?", [before_id]
        else:
            order, params = "(started_at, id) < (?, ?)", [anchor["started_at"], before_id]
        row = self._conn.execute(
            f"SELECT id, {_ATTEMPT_COLUMNS} FROM attempts WHERE question_id = ? AND status = 'complete' "
            f"AND {order} ORDER BY started_at DESC, id DESC LIMIT 1",
            [question_id, *params],
        ).fetchone()
        return _attempt(row) if row else None

    def unfinished_attempts(self) -> list[AttemptRecord]:
        """Attempts still marked "recording": left behind by a crash, their audio may be recoverable."""
        rows = self._conn.execute(
            f"SELECT id, {_ATTEMPT_COLUMNS} FROM attempts WHERE status = 'recording' ORDER BY started_at, id"
        )
        return [_attempt(row) for row in rows]

    def delete_attempt(self, attempt_id: int) -> None:
        """Remove the attempt and its recording."""
        row = self._conn.execute("SELECT audio_path FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
        with self._write() as conn:
            conn.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))
        if row is not None:
            self._remove_audio(row["audio_path"])

    # -- statistics ----------------------------------------------------------------------------

    def question_stats(self) -> dict[str, QuestionStats]:
        """Per question, over complete attempts: count, last and best coverage, last practised."""
        rows = self._conn.execute(
            """
            SELECT question_id, n, best, coverage, started_at FROM (
                SELECT question_id, coverage, started_at,
                    COUNT(*) OVER (PARTITION BY question_id) AS n,
                    MAX(coverage) OVER (PARTITION BY question_id) AS best,
                    ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY started_at DESC, id DESC) AS rn
                FROM attempts WHERE status = 'complete'
            ) WHERE rn = 1
            """
        )
        return {
            row["question_id"]: QuestionStats(
                question_id=row["question_id"],
                attempts=row["n"],
                last_coverage=row["coverage"],
                best_coverage=row["best"],
                last_practised=from_db_time(row["started_at"]),
            )
            for row in rows
        }

    def progress(
        self, *, question_id: str | None = None, topic: str | None = None
    ) -> list[tuple[datetime, float]]:
        """(start, coverage) of complete, judged attempts, oldest first."""
        where, params = _where(HistoryFilter(question_id=question_id, topic=topic))
        where += (" AND" if where else " WHERE") + " status = 'complete' AND coverage IS NOT NULL"
        rows = self._conn.execute(
            f"SELECT started_at, coverage FROM attempts{where} ORDER BY started_at, id", params
        )
        return [(from_db_time(row["started_at"]), row["coverage"]) for row in rows]

    # -- helpers -------------------------------------------------------------------------------

    def _attempt_values(self, a: AttemptRecord) -> tuple[Any, ...]:
        return (
            a.session_id,
            a.question_id,
            a.question_title,
            a.topic,
            a.bank,
            to_db_time(a.started_at),
            a.status,
            int(a.typed),
            self._relative(a.audio_path),
            a.duration,
            a.transcript.model_dump_json(by_alias=True) if a.transcript else None,
            a.judgement.model_dump_json(by_alias=True) if a.judgement else None,
            json.dumps(a.metrics, ensure_ascii=False) if a.metrics is not None else None,
            a.coverage,
            a.self_rating,
            a.note,
        )

    def _relative(self, path: Path | None) -> str | None:
        """Audio paths are kept relative to the data folder, so the folder can move."""
        if path is None:
            return None
        path = Path(path)
        if path.is_absolute() and path.is_relative_to(self.root):
            path = path.relative_to(self.root)
        return path.as_posix()

    def _remove_audio(self, stored: str | None) -> None:
        if not stored:
            return
        target = (self.root / stored).resolve()
        # Only ever delete inside the data folder, whatever a row says.
        if not target.is_relative_to(self.root.resolve()):
            log.warning("not deleting %s: outside the data folder %s", target, self.root)
            return
        try:
            target.unlink(missing_ok=True)
        except OSError as exc:  # the row is gone; a leftover file is only wasted space
            log.warning("could not delete the recording %s: %s", target, exc)


def _where(f: HistoryFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.question_id:
        clauses.append("question_id = ?")
        params.append(f.question_id)
    if f.topic:
        clauses.append("topic = ?")
        params.append(f.topic)
    if f.since:
        clauses.append("started_at >= ?")
        params.append(to_db_time(f.since))
    if f.until:
        clauses.append("started_at <= ?")
        params.append(to_db_time(f.until))
    return (" WHERE " + " AND ".join(clauses), params) if clauses else ("", params)


def _model(model: type[M], text: str | None, what: str, attempt_id: int) -> M | None:
    """A stored JSON model; an unreadable one is dropped (logged) rather than hiding the whole history."""
    if text is None:
        return None
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        log.warning("attempt %s: stored %s unreadable, shown without it: %s", attempt_id, what, exc)
        return None


def _attempt(row: sqlite3.Row, transcripts: bool = True) -> AttemptRecord:
    read_transcript = transcripts or row["judgement"] is None
    metrics = json.loads(row["metrics"]) if row["metrics"] else None
    return AttemptRecord(
        id=row["id"],
        session_id=row["session_id"],
        question_id=row["question_id"],
        question_title=row["question_title"],
        topic=row["topic"],
        bank=row["bank"],
        started_at=from_db_time(row["started_at"]),
        status=row["status"],
        typed=bool(row["typed"]),
        audio_path=Path(row["audio_path"]) if row["audio_path"] else None,
        duration=row["duration"],
        transcript=_model(Transcript, row["transcript"], "transcript", row["id"])
        if read_transcript
        else None,
        judgement=_model(Judgement, row["judgement"], "judgement", row["id"]),
        metrics=metrics if isinstance(metrics, dict) else None,
        self_rating=row["self_rating"],
        note=row["note"],
    )


def _session(row: sqlite3.Row, attempts: list[AttemptRecord]) -> SessionRecord:
    return SessionRecord(
        id=row["id"],
        kind=row["kind"],
        bank=row["bank"],
        started_at=from_db_time(row["started_at"]),
        finished_at=from_db_time(row["finished_at"]) if row["finished_at"] else None,
        think_seconds=row["think_seconds"],
        answer_seconds=row["answer_seconds"],
        aborted=bool(row["aborted"]),
        attempts=attempts,
    )
