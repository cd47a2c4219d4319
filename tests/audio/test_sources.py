"""Audio sources: the file-fed source for real, the microphone through a private PulseAudio server."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audio.dsp import SAMPLE_RATE, load_mono
from audio.sources import (
    FileSource,
    MicrophoneLost,
    MicrophoneSource,
    MicrophoneUnavailable,
    list_input_devices,
)

REPO = Path(__file__).resolve().parents[2]


class Collector:
    """Gathers blocks and the end signal of a source."""

    def __init__(self) -> None:
        self.blocks: list[np.ndarray] = []
        self.ended = threading.Event()
        self.end_error: BaseException | None = None
        self.end_calls = 0

    def on_block(self, block: np.ndarray) -> None:
        self.blocks.append(block)

    def on_end(self, error: BaseException | None) -> None:
        self.end_calls += 1
        self.end_error = error
        self.ended.set()

    @property
    def audio(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros(0, np.float32)


def test_file_source_delivers_the_whole_file_at_16k_mono_in_100ms_blocks(speech_wav: Path) -> None:
    assert sf.info(str(speech_wav)).samplerate == 22050  # so the source has to resample
    source = FileSource(speech_wav, speed=0)
    got = Collector()
    source.start(got.on_block, got.on_end)
    assert got.ended.wait(30)
    expected = load_mono(speech_wav)
    assert source.finished.is_set() and got.end_error is None and got.end_calls == 1
    assert all(len(b) == 1600 and b.dtype == np.float32 for b in got.blocks[:-1])
    assert len(got.audio) == len(expected) == round(sf.info(str(speech_wav)).duration * SAMPLE_RATE)
    np.testing.assert_array_equal(got.audio, expected)


def test_file_source_mixes_stereo_to_mono_and_resamples(tmp_path: Path) -> None:
    t = np.arange(44100) / 44100
    left = 0.5 * np.sin(2 * np.pi * 300 * t)
    path = tmp_path / "stereo.wav"
    sf.write(str(path), np.stack([left, np.zeros_like(left)], axis=1), 44100, subtype="FLOAT")
    got = Collector()
    FileSource(path, speed=0).start(got.on_block, got.on_end)
    assert got.ended.wait(10)
    assert len(got.audio) == SAMPLE_RATE
    rms = float(np.sqrt(np.mean(got.audio[800:-800] ** 2)))
    assert rms == pytest.approx(0.25 / np.sqrt(2), rel=0.02)  # half the left channel's amplitude


def test_file_source_plays_in_real_time_scaled_by_speed(speech_wav: Path) -> None:
    source = FileSource(speech_wav, speed=4)
    got = Collector()
    began = time.monotonic()
    source.start(got.on_block, got.on_end)
    assert got.ended.wait(30)
    elapsed = time.monotonic() - began
    assert elapsed >= 0.95 * source.duration / 4  # paced, not dumped at once
    assert len(got.audio) == len(source.audio)


def test_file_source_stop_is_immediate_and_silent(speech_wav: Path) -> None:
    source = FileSource(speech_wav, speed=1)
    got = Collector()
    first = threading.Event()
    source.start(lambda b: (got.on_block(b), first.set()), got.on_end)
    assert first.wait(5)
    source.stop()  # joins the thread: nothing is delivered after this returns
    delivered = len(got.blocks)
    assert source.finished.is_set() and not got.ended.is_set()
    assert delivered < len(source.audio) // source.block_frames
    assert len(got.blocks) == delivered


def _run_isolated(code: str, env_extra: dict[str, str] | None = None) -> dict:
    """Run code in a fresh interpreter (PortAudio state is per process) and return its JSON output."""
    import os

    env = {**os.environ, **(env_extra or {})}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_device_index_that_does_not_exist_is_a_clear_error() -> None:
    with pytest.raises(MicrophoneUnavailable) as caught:
        MicrophoneSource(device=4242).start(lambda block: None)
    assert "4242" in str(caught.value) and "not available" in str(caught.value)


def test_a_device_name_that_does_not_exist_is_a_clear_error() -> None:
    with pytest.raises(MicrophoneUnavailable, match="no-such-microphone"):
        MicrophoneSource(device="no-such-microphone").start(lambda block: None)


def test_no_microphone_at_all_is_reported_with_the_fix() -> None:
    # A fresh process that cannot reach any sound server sees no input device, as on CI.
    result = _run_isolated(
        "import json\n"
        "from audio.sources import MicrophoneSource, MicrophoneUnavailable, list_input_devices\n"
        "devices = list_input_devices()\n"
        "try:\n"
        "    MicrophoneSource().start(lambda b: None)\n"
        "    print(json.dumps({'devices': len(devices), 'error': None}))\n"
        "except MicrophoneUnavailable as exc:\n"
        "    print(json.dumps({'devices': len(devices), 'error': str(exc)}))\n",
        {"PULSE_SERVER": "unix:/nonexistent/native", "PULSE_RUNTIME_PATH": "/nonexistent"},
    )
    if result["devices"]:
        pytest.skip("this machine has a real microphone")
    assert result["error"].startswith("No microphone found")
    assert "No input device is visible" in result["error"]


def test_missing_portaudio_is_reported_with_the_package_to_install() -> None:
    # Make the PortAudio library unfindable, exactly as on a machine without libportaudio2.
    result = _run_isolated(
        "import ctypes.util, json\n"
        "real = ctypes.util.find_library\n"
        "ctypes.util.find_library = lambda name: None if 'portaudio' in name else real(name)\n"
        "from audio.sources import MicrophoneSource, MicrophoneUnavailable, list_input_devices\n"
        "try:\n"
        "    MicrophoneSource().start(lambda b: None)\n"
        "    print(json.dumps({'error': None}))\n"
        "except MicrophoneUnavailable as exc:\n"
        "    print(json.dumps({'error': str(exc), 'devices': len(list_input_devices())}))\n"
    )
    assert result["error"] is not None and "sudo apt-get install libportaudio2" in result["error"]
    assert result["devices"] == 0


@pytest.mark.e2e
def test_microphone_records_speech_played_into_the_virtual_microphone(pulse, speech_wav: Path) -> None:
    names = [d.name for d in list_input_devices()]
    assert "pulse" in names, f"PortAudio does not see PulseAudio through ALSA: {names}"
    source = MicrophoneSource(device="pulse")
    got = Collector()
    source.start(got.on_block, got.on_end)
    try:
        pulse.play(speech_wav)  # returns once played
    finally:
        source.stop()
    audio = got.audio
    expected = load_mono(speech_wav)
    assert not got.ended.is_set(), got.end_error  # stop() is not an error
    assert len(audio) >= 0.9 * len(expected)  # stopped as soon as paplay returned
    loud = np.abs(audio) > 0.02
    assert loud.sum() >= 0.3 * (np.abs(expected) > 0.02).sum()
    frames = audio[: len(audio) // 160 * 160].reshape(-1, 160)
    voiced_seconds = (np.sqrt((frames**2).mean(axis=1)) > 0.01).sum() / 100
    assert voiced_seconds >= 0.5 * (len(expected) / SAMPLE_RATE)


@pytest.mark.e2e
def test_a_microphone_that_vanishes_is_reported_through_on_end(pulse) -> None:
    source = MicrophoneSource(device="pulse")
    got = Collector()
    first = threading.Event()
    source.start(lambda b: (got.on_block(b), first.set()), got.on_end)
    try:
        assert first.wait(10), "the virtual microphone delivered nothing"
        pulse.unplug()
        assert got.ended.wait(10)
    finally:
        source.stop()
        pulse.plug()
    assert isinstance(got.end_error, MicrophoneLost) and got.end_calls == 1
    assert "unplugged" in str(got.end_error)


@pytest.mark.parametrize("rate", [48000, 44100, 8000])
def test_block_resampling_for_microphones_that_refuse_16k(rate: int) -> None:
    from audio.dsp import StreamResampler

    t = np.arange(2 * rate) / rate
    tone = np.sin(2 * np.pi * 440 * t).astype(np.float32)
    resampler = StreamResampler(rate)
    out = np.concatenate([resampler.process(tone[i : i + 1234]) for i in range(0, len(tone), 1234)])
    assert abs(len(out) - 2 * SAMPLE_RATE) <= 2
    delay = 31 / rate if rate > SAMPLE_RATE else 0.0  # half the anti-alias filter
    expected = np.sin(2 * np.pi * 440 * (np.arange(len(out)) / SAMPLE_RATE - delay))
    assert np.abs(out[200:-200] - expected[200:-200]).max() < 0.02  # no clicks at block edges
