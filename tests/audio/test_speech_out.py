"""Spoken questions: real pyttsx3 synthesis, and playback through the private PulseAudio server."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audio.player import PlaybackUnavailable, Player
from audio.speech_out import Pyttsx3Speaker, SpeakerUnavailable, SpeechSettings

REPO = Path(__file__).resolve().parents[2]
QUESTION = "What is the difference between a process and a thread?"


@pytest.fixture(scope="module")
def espeak_present() -> None:
    if ctypes.util.find_library("espeak-ng") is None:
        pytest.skip("libespeak-ng is not installed (sudo apt-get install libespeak-ng1)")


@pytest.fixture
def speaker(espeak_present: None, tmp_path: Path) -> Pyttsx3Speaker:
    speaker = Pyttsx3Speaker(SpeechSettings(voice="gmw/en-us", rate=170), cache_dir=tmp_path / "tts")
    assert speaker.available, speaker.reason
    return speaker


def test_synthesizes_a_complete_wav_before_signalling_done(speaker: Pyttsx3Speaker) -> None:
    seen_at_done: list[bool] = []
    called = threading.Event()
    future = speaker.prepare(QUESTION)
    future.add_done_callback(lambda f: (seen_at_done.append(f.result().exists()), called.set()))
    path = future.result(timeout=30)
    assert called.wait(10)  # done-callbacks run after result() wakes up
    info = sf.info(str(path))
    audio, _ = sf.read(str(path), dtype="float32")
    assert seen_at_done == [True]
    assert info.samplerate == 22050 and info.frames == len(audio)
    assert 2.0 < info.duration < 8.0
    assert float(np.sqrt(np.mean(audio**2))) > 0.02  # speech, not silence
    assert not list(path.parent.glob("*.partial.wav"))  # written aside, then renamed into place


def test_repeated_and_prepared_texts_come_from_the_cache(speaker: Pyttsx3Speaker, tmp_path: Path) -> None:
    first = speaker.prepare(QUESTION)
    assert speaker.prepare(QUESTION) is first
    path = first.result(timeout=30)
    again = Pyttsx3Speaker(speaker.settings, cache_dir=speaker.cache_dir)  # next run of the app
    cached = again.prepare(QUESTION)
    assert cached.done() and cached.result() == path


def test_rate_and_voice_change_the_audio(speaker: Pyttsx3Speaker) -> None:
    normal = speaker.prepare(QUESTION).result(timeout=30)
    speaker.settings = SpeechSettings(voice="gmw/en-us", rate=110)
    slow = speaker.prepare(QUESTION).result(timeout=30)
    speaker.settings = SpeechSettings(voice="gmw/en-gb-scotland", rate=170)
    other_voice = speaker.prepare(QUESTION).result(timeout=30)
    assert len({normal, slow, other_voice}) == 3
    assert sf.info(str(slow)).duration > 1.3 * sf.info(str(normal)).duration
    a, _ = sf.read(str(normal), dtype="float32")
    b, _ = sf.read(str(other_voice), dtype="float32")
    assert len(a) != len(b) or not np.array_equal(a, b)


def test_lists_voices_and_refuses_unknown_ones(speaker: Pyttsx3Speaker) -> None:
    voices = speaker.voices()
    assert any(v.id == "gmw/en-us" for v in voices)
    with pytest.raises(ValueError, match="gmw/en-us"):
        speaker.settings = SpeechSettings(voice="klingon")


def test_no_speech_engine_is_reported_not_raised(tmp_path: Path) -> None:
    # A fresh process where libespeak-ng cannot be loaded, as on a machine without libespeak-ng1.
    code = (
        "import ctypes, json, threading\n"
        "real = ctypes.CDLL.__init__\n"
        "def refuse(self, name, *a, **k):\n"
        "    if name and 'espeak' in str(name): raise OSError(f'{name}: cannot open shared object file')\n"
        "    real(self, name, *a, **k)\n"
        "ctypes.CDLL.__init__ = refuse\n"
        "import sys\n"
        "from audio.speech_out import Pyttsx3Speaker\n"
        "speaker = Pyttsx3Speaker(cache_dir=sys.argv[1])\n"
        "errors = []\n"
        "speaker.speak('Hello', on_error=errors.append)\n"
        "print(json.dumps({'available': speaker.available, 'reason': speaker.reason,\n"
        "    'error': type(errors[0]).__name__, 'voices': len(speaker.voices())}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["available"] is False and result["voices"] == 0
    assert "sudo apt-get install libespeak-ng1" in result["reason"]
    assert result["error"] == SpeakerUnavailable.__name__


def test_synthesis_prints_nothing_on_stdout(espeak_present: None, tmp_path: Path) -> None:
    # pyttsx3 2.99 prints "Audio saved to ..." for each file; a CLI's JSON output must stay clean.
    code = (
        "import sys\n"
        "from audio.speech_out import Pyttsx3Speaker\n"
        f"Pyttsx3Speaker(cache_dir=sys.argv[1]).prepare({QUESTION!r}).result(timeout=30)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""


def test_a_missing_output_device_is_a_clear_error(tmp_path: Path) -> None:
    tone = np.zeros(1600, np.float32)
    with pytest.raises(PlaybackUnavailable, match="4242"):
        Player(device=4242).play(tone, sample_rate=16000)


@pytest.mark.e2e
def test_player_plays_to_the_end(pulse) -> None:
    done: list[bool] = []
    ended = threading.Event()
    player = Player()
    player.play(
        np.zeros(3200, np.float32), sample_rate=16000, on_done=lambda ok: (done.append(ok), ended.set())
    )
    assert ended.wait(10)
    assert done == [True] and not player.playing


@pytest.mark.e2e
def test_player_stop_is_immediate(pulse, record_property) -> None:
    t = np.arange(30 * 22050) / 22050
    tone = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)  # 30 s: stopping must not wait for it
    done: list[bool] = []
    player = Player()
    player.play(tone, sample_rate=22050, on_done=done.append)
    assert player.started.wait(10)
    finished = player.finished
    began = time.perf_counter()
    player.stop()
    latency = time.perf_counter() - began
    # Synchronous: when stop() returns the stream is aborted and the caller already knows.
    assert finished.is_set() and done == [False] and not player.playing
    record_property("player_stop_seconds", round(latency, 4))
    print(f"player stop latency: {latency * 1000:.1f} ms")


@pytest.mark.e2e
def test_a_spoken_question_reaches_the_speakers_and_stops_on_request(pulse, speaker: Pyttsx3Speaker) -> None:
    from audio.sources import MicrophoneSource

    heard: list[np.ndarray] = []
    errors: list[BaseException] = []
    monitor = MicrophoneSource(device="pulse")  # records what the sink plays, i.e. the "speakers"
    monitor.start(heard.append)
    try:
        done: list[bool] = []
        ended = threading.Event()
        speaker.speak(QUESTION, on_done=lambda ok: (done.append(ok), ended.set()), on_error=errors.append)
        assert ended.wait(30)
        assert done == [True]
        follow_up = "Now explain the global interpreter lock in CPython, in detail."
        speaker.prepare(follow_up).result(timeout=30)  # synthesized ahead: speak() starts playback itself
        speaker.speak(follow_up, on_error=errors.append)
        assert speaker.player.started.wait(10)
        speaker.stop()
        assert not speaker.player.playing
    finally:
        monitor.stop()
    assert errors == []
    audio = np.concatenate(heard)
    assert float(np.sqrt(np.mean(audio**2))) > 0.01
