"""Build the fixture databases of earlier history schemas (run once; the output is committed).

    .venv/bin/python tests/data/db/make_fixtures.py

``history_v1.sqlite3``: schema 1 (no self_rating/note), as Viva Voce 0.1 wrote it: a practice session
with a judged spoken attempt, a judged attempt with a red flag and a skipped one, and an aborted mock
interview whose attempt was left "recording" by a crash. Written with raw SQL against schema 1, not
through today's Store, so it stays what an old version left on disk.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from audio.transcript import Transcript, Word
from desktop.migrations import migrate
from questions.loader import builtin_bank_path, load_bank
from questions.matching import Matcher

HERE = Path(__file__).parent

SESSIONS = [
    # id, kind, bank, started_at, finished_at, think, answer, aborted
    (1, "practice", "python-async-fastapi-pydantic", "2024-03-01T09:00:00.000000+00:00",
     "2024-03-01T09:20:00.000000+00:00", None, None, 0),
    (2, "mock", "python-async-fastapi-pydantic", "2024-03-05T18:30:00.000000+00:00",
     None, 15, 120, 1),
]  # fmt: skip

ANSWERS = [
    # id, session, question, started_at, status, audio, duration, text
    (1, 1, "cancel-asyncio-task", "2024-03-01T09:01:00.000000+00:00", "complete",
     "audio/attempt-0001.wav", 6.5, "call task.cancel and await it, catch CancelledError"),
    (2, 1, "event-loop-cooperative-multitasking", "2024-03-01T09:10:00.000000+00:00", "complete",
     "audio/attempt-0002.wav", 9.0,
     "The event loop runs tasks in parallel on many threads. Tasks give up control at each await."),
    (3, 1, "include-router", "2024-03-01T09:15:00.000000+00:00", "skipped", None, 0.0, None),
    (4, 2, "cancel-asyncio-task", "2024-03-05T18:31:00.000000+00:00", "recording",
     "audio/attempt-0004.wav", 0.0, None),
]  # fmt: skip


def _transcript(text: str, duration: float) -> Transcript:
    words = text.split()
    step = duration / max(1, len(words))
    return Transcript(
        text=text,
        words=[
            Word(word=w, start=round(i * step, 2), end=round((i + 0.8) * step, 2))
            for i, w in enumerate(words)
        ],
        duration=duration,
        model="tiny.en",
    )


def make_v1(path: Path) -> None:
    path.unlink(missing_ok=True)
    bank = load_bank(builtin_bank_path())
    matcher = Matcher(bank)
    conn = sqlite3.connect(path)
    migrate(conn, target=1)
    with conn:
        conn.executemany("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", SESSIONS)
        for attempt_id, session_id, qid, started, status, audio, duration, text in ANSWERS:
            question = bank.question(qid)
            transcript = judgement = metrics = None
            coverage = None
            if text is not None:
                transcript = _transcript(text, duration).model_dump_json(by_alias=True)
                judged = matcher.judge(qid, text)
                judgement, coverage = judged.model_dump_json(by_alias=True), judged.coverage
                metrics = json.dumps({"words_per_minute": 150.0, "pause_count": 1, "hesitations": None})
            conn.execute(
                "INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (attempt_id, session_id, qid, question.title, question.topic, "python-async-fastapi-pydantic",
                 started, status, 0, audio, duration, transcript, judgement, metrics, coverage),
            )  # fmt: skip
    conn.execute("VACUUM")
    conn.close()


if __name__ == "__main__":
    make_v1(HERE / "history_v1.sqlite3")
    print(f"wrote {HERE / 'history_v1.sqlite3'}")
