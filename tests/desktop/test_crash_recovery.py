"""kill -9 in the middle of an answer: the next start finds it, offers it, and keeps what was said."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audio.dsp import SAMPLE_RATE

pytestmark = pytest.mark.slow

BYTES_PER_SECOND = SAMPLE_RATE * 2  # the recorder writes 16-bit mono


def _kill_mid_answer(data: Path, wav: Path, seconds: float) -> float:
    """Run the real app (the mock harness) answering from ``wav``; SIGKILL it once ``seconds`` of
    the answer are on disk. Returns the seconds of audio the file held at the kill."""
    env = {**os.environ, "VIVAVOCE_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "vivavoce.cli", "mock", "--questions", "cancel-asyncio-task"]
    command += ["--answer-audio", str(wav), "--think-seconds", "0", "--no-voice"]
    child = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            recordings = list((data / "audio").glob("*.wav")) if (data / "audio").is_dir() else []
            held = recordings[0].stat().st_size / BYTES_PER_SECOND if recordings else 0.0
            if held >= seconds:
                child.send_signal(signal.SIGKILL)
                child.wait(10)
                return held
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
            time.sleep(0.05)
        pytest.fail("the answer never reached the disk")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    raise AssertionError("unreachable")


def test_answer_killed_mid_recording_is_recovered_on_next_start(qtbot, make_app, tmp_path, answer_wavs):
    held = _kill_mid_answer(tmp_path / "data", answer_wavs["cancel-asyncio-task"], seconds=6.0)
    offered = []

    def accept(attempts):  # the person says yes to the offer
        offered.extend(attempts)
        return True

    app = make_app(ask_recovery=accept)
    assert [a.question_id for a in offered] == ["cancel-asyncio-task"]
    with qtbot.waitSignal(app.recovered, timeout=120_000) as recovered:
        pass
    record = recovered.args[0]
    stored = app.services.store.attempt(record.id)
    assert stored.status == "complete"
    assert stored.duration >= held - 1.0  # at most a second of what reached the disk is lost
    assert "cancel" in stored.transcript.text.lower()
    assert stored.judgement.coverage > 0
    session = app.services.store.session(stored.session_id)
    assert session.aborted and session.finished_at is not None
    # Asked once: a second check finds nothing left to recover.
    offered.clear()
    app.offer_recovery()
    assert offered == []


def test_declined_recovery_keeps_the_audio_and_stops_asking(qtbot, make_app, tmp_path, answer_wavs):
    _kill_mid_answer(tmp_path / "data", answer_wavs["blocking-code-in-async"], seconds=3.0)
    app = make_app(ask_recovery=lambda attempts: False)
    attempts = app.services.store.attempts()
    assert [a.status for a in attempts] == ["failed"]
    assert (app.services.root / attempts[0].audio_path).is_file()
    assert app.services.store.unfinished_attempts() == []
