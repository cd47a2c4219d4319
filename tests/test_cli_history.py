"""`vivavoce history`: the stored practice history as a JSON contract and a readable table, without Qt."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from audio.transcript import Transcript
from desktop.paths import audio_dir, database_path
from desktop.records import AttemptRecord, SessionRecord
from desktop.store import Store
from questions.matching import Matcher
from vivavoce.cli import main

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
CANCEL = "call task.cancel and await it, catch CancelledError"


def _run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vivavoce.cli", "history", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "VIVAVOCE_DATA_DIR": str(data)},
    )


def _add(
    store: Store, matcher: Matcher, session_id: int, question_id: str, text: str, at: datetime, **kw: object
) -> int:
    question = matcher.bank.question(question_id)
    return store.add_attempt(
        AttemptRecord(
            session_id=session_id,
            question_id=question_id,
            question_title=question.title,
            topic=question.topic,
            bank="builtin",
            started_at=at,
            transcript=Transcript(text=text, duration=5.0),
            judgement=matcher.judge(question_id, text),
            **kw,
        )
    )


@pytest.fixture
def history(tmp_path: Path, matcher: Matcher) -> Path:
    """A data folder holding a practice session (two attempts) and a later mock interview (one)."""
    with Store(tmp_path) as store:
        practice = store.start_session(SessionRecord(kind="practice", bank="builtin", started_at=T0))
        (audio_dir(tmp_path) / "a1.wav").write_bytes(b"RIFF")
        _add(
            store, matcher, practice, "cancel-asyncio-task", CANCEL, T0,
            audio_path=Path("audio/a1.wav"), duration=5.0, self_rating=4,
            metrics={"words_per_minute": 140.0, "hesitations": None},
        )  # fmt: skip
        _add(
            store, matcher, practice, "event-loop-cooperative-multitasking",
            "The event loop runs tasks in parallel on many threads.", T0 + timedelta(minutes=3), typed=True,
        )  # fmt: skip
        store.finish_session(practice)
        later = T0 + timedelta(days=5)
        mock = store.start_session(
            SessionRecord(kind="mock", bank="builtin", started_at=later, think_seconds=15, answer_seconds=120)
        )
        _add(store, matcher, mock, "include-router", "app.include_router(router)", later)
        store.finish_session(mock, aborted=True)
    return tmp_path


def test_history_json_has_the_contract_fields(history: Path) -> None:
    done = _run(history, "--json")
    assert done.returncode == 0, done.stderr
    sessions = json.loads(done.stdout)["sessions"]
    assert [(s["kind"], s["aborted"]) for s in sessions] == [("mock", True), ("practice", False)]
    mock, practice = sessions
    assert set(mock) == {
        "id", "kind", "bank", "started_at", "finished_at", "aborted",
        "think_seconds", "answer_seconds", "attempts",
    }  # fmt: skip
    assert (mock["think_seconds"], mock["answer_seconds"]) == (15, 120)
    assert practice["started_at"] == "2024-05-01T09:00:00.000000+00:00" and practice["finished_at"]

    cancel, loop = practice["attempts"]
    assert {
        "id", "question", "title", "topic", "status", "typed", "started_at", "duration", "audio",
        "transcript", "coverage", "covered", "missed", "red_flags", "metrics", "self_rating",
    } <= set(cancel)  # fmt: skip
    assert cancel["question"] == "cancel-asyncio-task" and cancel["topic"] == "asyncio"
    assert cancel["audio"] == str((history / "audio" / "a1.wav").resolve())
    assert Path(cancel["audio"]).is_absolute() and Path(cancel["audio"]).exists()
    assert cancel["transcript"] == CANCEL and cancel["status"] == "complete"
    assert set(cancel["covered"]) == {"request-cancel-and-await", "cancelled-error-at-await"}
    assert "reraise-cancelled-error" in cancel["missed"]
    assert cancel["metrics"] == {"words_per_minute": 140.0, "hesitations": None}
    assert cancel["self_rating"] == 4 and cancel["duration"] == 5.0 and 0 < cancel["coverage"] < 1
    assert loop["typed"] is True and loop["audio"] is None and loop["metrics"] is None
    assert loop["red_flags"] == ["event-loop-is-parallel"]


def test_history_never_imports_qt(history: Path) -> None:
    code = (
        "import sys\n"
        "from vivavoce.cli import main\n"
        "import desktop.store, desktop.export\n"
        "assert main(['history', '--json']) == 0\n"
        "assert 'PySide6' not in sys.modules, sorted(m for m in sys.modules if 'PySide6' in m)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "VIVAVOCE_DATA_DIR": str(history)},
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["sessions"]) == 2


def test_empty_history_prints_no_sessions_and_creates_no_database(tmp_path: Path) -> None:
    done = _run(tmp_path, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"sessions": []}
    assert not database_path(tmp_path).exists()


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["history", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _questions(payload: dict) -> list[list[str]]:
    return [[a["question"] for a in s["attempts"]] for s in payload["sessions"]]


def test_filters_by_question_topic_and_day(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = ("--data-dir", str(history))
    assert _questions(_json(capsys, *folder, "--question", "include-router")) == [["include-router"]]
    assert _questions(_json(capsys, *folder, "--topic", "asyncio")) == [
        ["cancel-asyncio-task", "event-loop-cooperative-multitasking"]
    ]
    assert _questions(_json(capsys, *folder, "--since", "2024-05-04")) == [["include-router"]]
    assert _questions(_json(capsys, *folder, "--topic", "pydantic")) == []


def test_readable_table_names_sessions_questions_and_coverage(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "--data-dir", str(history)]) == 0
    out = capsys.readouterr().out
    assert "mock" in out and "ended early" in out and "practice" in out
    assert "cancel-asyncio-task" in out and "43%" in out and "self 4/5" in out
    assert "1 red flag" in out


def test_bad_date_is_a_user_error_with_the_expected_form(tmp_path: Path, capsys) -> None:
    assert main(["history", "--json", "--data-dir", str(tmp_path), "--since", "May 1st"]) == 2
    captured = capsys.readouterr()
    assert "2024-05-01" in json.loads(captured.out)["error"]
    assert "--since" in captured.err


def test_database_from_a_newer_version_is_reported_not_touched(tmp_path: Path, capsys) -> None:
    conn = sqlite3.connect(database_path(tmp_path))
    conn.execute("PRAGMA user_version = 42")
    conn.close()
    assert main(["history", "--data-dir", str(tmp_path)]) == 2
    assert "newer Viva Voce" in capsys.readouterr().err


def test_damaged_database_is_set_aside_and_reported(tmp_path: Path, capsys) -> None:
    database_path(tmp_path).write_bytes(b"not a database at all" * 100)
    assert main(["history", "--json", "--data-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"sessions": []}
    assert "could not be read" in captured.err and "moved to" in captured.err
    assert len(list(tmp_path.glob("history.sqlite3.corrupt-*"))) == 1
