"""``vivavoce doctor``: the real checks on this machine, and what it says when something is broken."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vivavoce.cli import main

ROOT = Path(__file__).resolve().parents[1]
CHECK_NAMES = (
    "data folder", "settings", "history database", "speech model", "sentence model", "red-flag models",
    "off-topic model", "speech engine", "microphone", "audio files (libsndfile)", "Qt system libraries",
    "fonts",
)  # fmt: skip

# Runs the command in a fresh interpreter, then reports whether Qt got imported along the way.
_PROBE = """
import sys
from vivavoce.cli import main
code = main(["doctor", "--json"])
print(f"exit={code} qt={'PySide6' in sys.modules}", file=sys.stderr)
"""


def _doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, dict]]:
    code = main(["doctor", "--json", *args])
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) >= {"checks", "ok"} and payload["ok"] is (code == 0)
    return code, {check["name"]: check for check in payload["checks"]}


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("VIVAVOCE_DATA_DIR", str(folder))
    return folder


def test_every_check_passes_on_this_machine_without_importing_qt(tmp_path: Path) -> None:
    env = {**os.environ, "VIVAVOCE_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert "exit=0 qt=False" in done.stderr, done.stderr
    payload = json.loads(done.stdout)
    assert payload["ok"] is True
    checks = {c["name"]: c for c in payload["checks"]}
    for name in CHECK_NAMES:
        assert name in checks, name
        assert set(checks[name]) == {"name", "status", "detail", "fix"}
    # This machine has every library; only a microphone may be absent (CI has no sound card).
    not_ok = {name: c for name, c in checks.items() if c["status"] != "ok"}
    assert set(not_ok) <= {"microphone"}, not_ok
    if "microphone" in not_ok:
        assert not_ok["microphone"]["status"] == "warning" and not_ok["microphone"]["fix"]
    assert "tiny.en" in checks["speech model"]["detail"]
    assert not (tmp_path / "data").exists()  # looking changes nothing: the folder is not created


def test_a_missing_model_folder_in_the_settings_is_missing_with_the_fix(data: Path, capsys) -> None:
    data.mkdir(mode=0o700)
    gone = data.parent / "no-such-model"
    (data / "settings.json").write_text(json.dumps({"model_dir": str(gone)}), encoding="utf-8")

    code, checks = _doctor(capsys)

    assert code == 1
    model = checks["speech model"]
    assert model["status"] == "missing"
    assert str(gone) in model["detail"] and "not found" in model["detail"]
    assert "model_dir" in model["fix"] and str(data / "settings.json") in model["fix"]
    assert checks["settings"]["status"] == "ok"  # the file itself is fine; what it points at is not


def test_a_data_folder_that_is_a_file_is_missing_with_the_fix(data: Path, capsys) -> None:
    data.write_text("not a folder", encoding="utf-8")

    code, checks = _doctor(capsys)

    assert code == 1
    folder = checks["data folder"]
    assert folder["status"] == "missing" and "is a file" in folder["detail"]
    assert f"mv {data}" in folder["fix"]
    assert data.read_text(encoding="utf-8") == "not a folder"  # left as it was
    # The checks that need the folder do not crash on it either.
    assert checks["settings"]["status"] == "warning"
    assert checks["history database"]["status"] == "ok"


def test_a_folder_others_can_read_is_a_warning_with_chmod(data: Path, capsys) -> None:
    data.mkdir()
    data.chmod(0o755)

    code, checks = _doctor(capsys)

    assert code == 0
    assert checks["data folder"]["status"] == "warning"
    assert checks["data folder"]["fix"] == f"chmod 700 {data}"


def test_damaged_settings_and_history_are_reported_and_left_untouched(data: Path, capsys) -> None:
    data.mkdir(mode=0o700)
    (data / "settings.json").write_text('{"speech_rate": "fast"', encoding="utf-8")
    (data / "history.sqlite3").write_bytes(b"this is not SQLite" * 100)

    code, checks = _doctor(capsys)

    assert code == 0  # the app copes with both (defaults; a fresh history), so they are warnings
    assert checks["settings"]["status"] == "warning" and "settings.json" in checks["settings"]["fix"]
    assert checks["history database"]["status"] == "warning"
    assert "damaged" in checks["history database"]["detail"]
    assert sorted(p.name for p in data.iterdir()) == ["history.sqlite3", "settings.json"]  # nothing moved


def test_an_existing_history_is_opened_and_its_schema_named(data: Path, capsys) -> None:
    from desktop.store import Store

    data.mkdir(mode=0o700)
    Store(data).close()

    code, checks = _doctor(capsys)

    assert code == 0
    assert checks["history database"]["status"] == "ok"
    assert "schema" in checks["history database"]["detail"]


def test_the_text_report_shows_each_fix(data: Path, capsys) -> None:
    data.write_text("", encoding="utf-8")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "missing  data folder" in out and f"fix: move the file {data}" in out
    assert "run the fix commands above" in out


def test_a_missing_red_flag_model_is_a_warning_naming_it(data: Path, capsys, monkeypatch) -> None:
    from questions.misconception import MisconceptionModel

    monkeypatch.setattr(MisconceptionModel, "load", classmethod(lambda cls, path=None: None))
    code, checks = _doctor(capsys)
    assert code == 0  # a warning: red flags are still judged, on spoken forms
    flagged = checks["red-flag models"]
    assert flagged["status"] == "warning" and "misconception_model.json" in flagged["detail"]
    assert "stance_model.json" not in flagged["detail"] and flagged["fix"]


def test_a_missing_off_topic_model_is_a_warning_naming_it(data: Path, capsys, monkeypatch) -> None:
    from questions.subject import SubjectModel

    monkeypatch.setattr(SubjectModel, "load", classmethod(lambda cls, path=None: None))
    code, checks = _doctor(capsys)
    assert code == 0  # a warning: answers are still judged
    flagged = checks["off-topic model"]
    assert flagged["status"] == "warning" and "subject_model.json" in flagged["detail"] and flagged["fix"]
    assert checks["red-flag models"]["status"] == "ok"
