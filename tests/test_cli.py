"""The `vivavoce` CLI's JSON is a contract: these tests pin its shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA
from tests.test_subject import NEIGHBOURS


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vivavoce.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )


def _score(question: str, text: str) -> tuple[dict, str]:
    """`score --json`'s result and the same answer's output for a person."""
    done = _run("score", "--question", question, "--text", text, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), _run("score", "--question", question, "--text", text).stdout


def test_questions_json_lists_the_built_in_bank() -> None:
    done = _run("questions", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert len(payload["questions"]) == 20
    first = payload["questions"][0]
    assert {"id", "title", "topic", "concepts", "red_flags"} <= first.keys()
    assert first["title"] == "Why are contextvars better than threading.local in async Python?"
    assert sum(1 for q in payload["questions"] if q["red_flags"]) == 9


def test_score_json_has_the_contract_fields_and_true_evidence() -> None:
    text = (
        "You create an APIRouter in another file, import it into main.py, "
        "then call app.include_router(router). I would not rewrite the endpoints by hand in main."
    )
    done = _run("score", "--question", "include-router", "--text", text, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"question", "transcript", "coverage", "covered", "missed", "red_flags"} <= result.keys()
    assert result["question"] == "include-router" and result["transcript"] == text
    assert result["other_stack"] is None and result["off_topic"] is False
    assert 0.5 <= result["coverage"] <= 1
    assert result["red_flags"] == []
    for hit in result["covered"]:
        assert {"concept", "label", "evidence"} <= hit.keys()
        ev = hit["evidence"]
        assert text[ev["start"] : ev["end"]] == ev["text"]


def test_score_names_the_other_stack_an_answer_is_about() -> None:
    text = "In Flask I'd register the blueprint on the app with a url prefix, and that's the router included."
    result, human = _score("include-router", text)
    assert result["other_stack"] == "Flask" and result["coverage"] == 0
    assert "[other stack]" in human and "Flask" in human


def test_score_says_when_an_answer_is_about_another_subject() -> None:
    result, human = _score("blocking-code-in-async", NEIGHBOURS["blocking-code-in-async"])
    assert result["off_topic"] is True and result["other_stack"] is None and result["coverage"] == 0
    assert "[off topic]" in human and "different subject" in human


def test_score_reads_a_transcript_file_and_prints_for_a_person(tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text("Honestly I'd just rewrite every endpoint manually in main.py.", encoding="utf-8")
    done = _run("score", "--question", "include-router", "--transcript-file", str(answer))
    assert done.returncode == 0, done.stderr
    assert "RED FLAG" in done.stdout and "coverage" in done.stdout


def test_batch_keeps_order_and_isolates_failures(tmp_path: Path) -> None:
    lines = [
        {"question": "include-router", "text": "app.include_router(router)"},
        {"question": "no-such-question", "text": "anything"},
        "this is not json",
        {"question": "include-router"},
        {"question": "await-and-awaitables", "text": "coroutines, tasks and futures are awaitable"},
    ]
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines), encoding="utf-8")
    done = _run("score", "--batch", str(batch), "--json")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 5
    assert out[0]["question"] == "include-router" and out[0]["coverage"] > 0
    assert "no-such-question" in out[1]["error"] and "known ids" in out[1]["error"]
    assert "not valid JSON" in out[2]["error"]
    assert '"text"' in out[3]["error"]
    assert out[4]["question"] == "await-and-awaitables" and out[4]["coverage"] > 0


def test_unknown_question_is_a_clear_error() -> None:
    done = _run("score", "--question", "nope", "--text", "hi", "--json")
    assert done.returncode == 2
    assert "nope" in json.loads(done.stdout)["error"]
    assert "Traceback" not in done.stderr


def test_import_round_trips_the_users_question_file(tmp_path: Path) -> None:
    out = tmp_path / "bank.toml"
    done = _run("import", str(DATA / "python-async-fastapi-pydantic.txt"), "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["questions"] == 20 and summary["red_flags"] == 9
    listed = json.loads(_run("questions", "--bank", str(out), "--json").stdout)
    source_titles = [
        block.strip().splitlines()[0]
        for block in (DATA / "python-async-fastapi-pydantic.txt").read_text().split("\n\n")
        if block.strip()
    ]
    assert [q["title"] for q in listed["questions"]] == source_titles
    again = _run("import", str(DATA / "python-async-fastapi-pydantic.txt"), "-o", str(out))
    assert again.returncode == 2 and "--force" in again.stderr
