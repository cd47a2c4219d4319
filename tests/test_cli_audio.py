"""`vivavoce transcribe` and `score --audio` on real speech with the real bundled model."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.test_cli import _run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spoken_answer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (scripts/bootstrap.sh installs it)")
    wav = tmp_path_factory.mktemp("speech") / "answer.wav"
    text = (
        "You create an API router in another file, import it into main dot py, "
        "and then call app dot include router with the router."
    )
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), text], check=True)
    return wav


def test_transcribe_json_has_words_with_times() -> None:
    done = _run("transcribe", str(DATA / "audio" / "jfk.wav"), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"text", "words", "duration", "model"} <= result.keys()
    assert "ask not what your country can do for you" in result["text"].lower()
    assert result["words"][0]["start"] <= result["words"][-1]["end"] <= result["duration"] + 0.5
    assert {"word", "start", "end", "probability"} <= result["words"][0].keys()


def test_score_audio_judges_the_spoken_answer_with_metrics(spoken_answer: Path) -> None:
    done = _run("score", "--question", "include-router", "--audio", str(spoken_answer), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["coverage"] >= 0.5
    assert {"create-router-in-module", "call-include-router"} <= {c["concept"] for c in result["covered"]}
    assert result["metrics"]["words_per_minute"] > 60
    assert result["metrics"]["duration"] > 3


def test_batch_mixes_audio_and_text_items(spoken_answer: Path, tmp_path: Path) -> None:
    batch = tmp_path / "in.jsonl"
    items = [
        {"question": "include-router", "audio": str(spoken_answer)},
        {"question": "include-router", "audio": str(tmp_path / "missing.wav")},
        {"question": "include-router", "text": "app.include_router(router)"},
    ]
    batch.write_text("\n".join(json.dumps(i) for i in items), encoding="utf-8")
    done = _run("score", "--batch", str(batch), "--json")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert "metrics" in out[0] and out[0]["coverage"] >= 0.5
    assert "missing.wav" in out[1]["error"]
    assert out[2]["coverage"] > 0


def test_not_audio_is_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "notes.wav"
    fake.write_text("not audio", encoding="utf-8")
    done = _run("transcribe", str(fake))
    assert done.returncode == 2 and "cannot be read as audio" in done.stderr
    assert "Traceback" not in done.stderr
