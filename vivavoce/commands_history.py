"""``vivavoce history``: the practice history of the data folder, for people and for tools.

Reads the same database as the desktop app, without Qt. A data folder with no database yet has an
empty history; none is created just to say so.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from desktop.export import mean_coverage
from desktop.paths import data_dir, database_path
from desktop.records import AttemptRecord, HistoryFilter, SessionRecord
from desktop.store import Store, StoreError, to_db_time
from vivavoce.output import UserError, emit


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        # Midnight of that day on the local clock: what a person means by "since Monday".
        return datetime.strptime(text, "%Y-%m-%d").astimezone()
    except ValueError:
        raise UserError(f"--since takes a date like 2024-05-01, not {text!r}") from None


def run_history(args: argparse.Namespace) -> int:
    # An explicit folder is only read: a mistyped path shows an empty history, not a new folder.
    root = Path(args.data_dir).expanduser() if args.data_dir else data_dir()
    history_filter = HistoryFilter(question_id=args.question, topic=args.topic, since=_since(args.since))
    sessions: list[SessionRecord] = []
    if database_path(root).exists():
        try:
            store = Store(root)
        except StoreError as exc:
            raise UserError(str(exc)) from None
        try:
            if store.recovered_from:
                print(store.recovered_from, file=sys.stderr)
            sessions = store.sessions(history_filter)
        finally:
            store.close()
    payload = {"sessions": [_session_json(s, root) for s in sessions]}
    emit(args, payload, _human(sessions, root))
    return 0


def _session_json(session: SessionRecord, root: Path) -> dict:
    return {
        "id": session.id,
        "kind": session.kind,
        "bank": session.bank,
        "started_at": to_db_time(session.started_at),
        "finished_at": to_db_time(session.finished_at) if session.finished_at else None,
        "aborted": session.aborted,
        "think_seconds": session.think_seconds,
        "answer_seconds": session.answer_seconds,
        "attempts": [_attempt_json(a, root) for a in session.attempts],
    }


def _attempt_json(attempt: AttemptRecord, root: Path) -> dict:
    j = attempt.judgement
    return {
        "id": attempt.id,
        "question": attempt.question_id,
        "title": attempt.question_title,
        "topic": attempt.topic,
        "status": attempt.status,
        "typed": attempt.typed,
        "started_at": to_db_time(attempt.started_at),
        "duration": attempt.duration,
        "audio": str((root / attempt.audio_path).resolve()) if attempt.audio_path else None,
        "transcript": attempt.text,
        "coverage": attempt.coverage,
        "covered": [hit.concept for hit in j.covered] if j else [],
        "missed": [miss.concept for miss in j.missed] if j else [],
        "red_flags": [flag.id for flag in j.red_flags] if j else [],
        "metrics": attempt.metrics,
        "self_rating": attempt.self_rating,
        "note": attempt.note,
    }


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def _human(sessions: list[SessionRecord], root: Path) -> str:
    if not sessions:
        return f"No practice yet in {root}."
    lines: list[str] = []
    for s in sessions:
        when = s.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        ended = ", ended early" if s.aborted else ""
        count = f"{len(s.attempts)} attempt{'' if len(s.attempts) == 1 else 's'}"
        lines.append(
            f"session {s.id}  {s.kind}  {when}  {count}  mean coverage {_percent(mean_coverage(s))}{ended}"
        )
        for a in s.attempts:
            flags = len(a.judgement.red_flags) if a.judgement else 0
            flag_text = f"  {flags} red flag{'s' if flags != 1 else ''}" if flags else ""
            rating = f"  self {a.self_rating}/5" if a.self_rating else ""
            lines.append(
                f"  {a.id:>5}  {a.started_at.astimezone():%H:%M}  {a.question_id:40} {a.status:9} "
                f"{_percent(a.coverage):>5}{flag_text}{rating}"
            )
        lines.append("")
    return "\n".join(lines).rstrip()
