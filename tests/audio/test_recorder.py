"""The recorder, fed by real sources, writing real WAV files."""

from __future__ import annotations

import subprocess
import sys
import threading
import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audio.dsp import SAMPLE_RATE
from audio.recorder import Level, Recorder, RecordingResult
from audio.sources import (
    AudioSource,
    BlockCallback,
    EndCallback,
    FileSource,
    MicrophoneLost,
    MicrophoneSource,
)

REPO = Path(__file__).resolve().parents[2]
PCM16_STEP = 1 / 32768


def frames_in_header(path: Path) -> int:
    """What a strict reader (Python's wave module trusts the header) believes the file holds."""
    with wave.open(str(path)) as w:
        return w.getnframes()


class UnpluggedAfter(AudioSource):
    """A source whose device fails after ``blocks`` blocks, as an unplugged USB microphone does.

    A stand-in for hardware we do not have; the audio itself is real (from a FileSource).
    """

    def __init__(self, inner: FileSource, blocks: int) -> None:
        super().__init__()
        self.inner, self.blocks, self.sent = inner, blocks, 0

    def start(self, on_block: BlockCallback, on_end: EndCallback | None = None) -> None:
        def forward(block: np.ndarray) -> None:
            if self.sent == self.blocks:
                self.inner._stop.set()  # the device is gone: nothing more arrives
                if on_end is not None:
                    on_end(MicrophoneLost("The microphone stopped (was it unplugged?)."))
                return
            self.sent += 1
            on_block(block)

        self.inner.start(forward, on_end)

    def stop(self) -> None:
        self.inner.stop()


def test_records_a_file_source_to_disk_exactly(speech_wav: Path, tmp_path: Path) -> None:
    source = FileSource(speech_wav, speed=0)
    chunks: list[np.ndarray] = []
    levels: list[Level] = []
    finished: list[RecordingResult] = []
    recorder = Recorder(
        source,
        tmp_path / "a.wav",
        on_level=levels.append,
        on_chunk=chunks.append,
        on_finished=finished.append,
    )
    recorder.start()
    result = recorder.wait(30)
    assert result is not None and finished == [result]
    assert result.reason == "end_of_source" and result.error is None
    assert result.frames == len(source.audio)
    assert result.duration == pytest.approx(source.duration)
    written, rate = sf.read(str(result.path), dtype="float32")
    assert rate == SAMPLE_RATE and frames_in_header(result.path) == len(source.audio)
    np.testing.assert_allclose(written, source.audio, atol=PCM16_STEP)
    np.testing.assert_array_equal(np.concatenate(chunks), source.audio)  # a live transcriber sees it all
    assert len(levels) == len(chunks)
    assert all(lv.peak >= lv.rms and lv.peak_dbfs >= lv.rms_dbfs for lv in levels)
    assert min(lv.rms_dbfs for lv in levels) < -60 < max(lv.rms_dbfs for lv in levels)


def test_float_wav_keeps_samples_bit_exact(speech_wav: Path, tmp_path: Path) -> None:
    source = FileSource(speech_wav, speed=0)
    recorder = Recorder(source, tmp_path / "f.wav", subtype="FLOAT")
    recorder.start()
    result = recorder.wait(30)
    assert result is not None
    np.testing.assert_array_equal(sf.read(str(result.path), dtype="float32")[0], source.audio)


def test_audio_is_on_disk_with_a_valid_header_while_recording(speech_wav: Path, tmp_path: Path) -> None:
    """Checked from inside the recorder's chunk callback: the file is not closed, and no write races."""
    path = tmp_path / "live.wav"
    on_disk: list[tuple[float, int]] = []
    recorder: Recorder

    def check(block: np.ndarray) -> None:
        if recorder.elapsed >= 2.5 and not on_disk:
            on_disk.append((recorder.elapsed, frames_in_header(path)))
            assert sf.info(str(path)).frames == on_disk[0][1]

    recorder = Recorder(FileSource(speech_wav, speed=0), path, on_chunk=check)
    recorder.start()
    assert recorder.wait(30) is not None
    elapsed, frames = on_disk[0]
    assert frames == 2 * SAMPLE_RATE  # the last flush, on the second boundary
    assert elapsed - frames / SAMPLE_RATE <= 1.0


CRASH = """
import os, sys
from audio.recorder import Recorder
from audio.sources import FileSource

def crash(block):
    if recorder.elapsed >= 3.3:
        os._exit(3)  # no close, no atexit, no flush: as if killed

recorder = Recorder(FileSource(sys.argv[1], speed=0), sys.argv[2], on_chunk=crash)
recorder.start()
recorder.wait(60)
"""


def test_a_crash_mid_recording_loses_at_most_a_second(speech_wav: Path, tmp_path: Path) -> None:
    path = tmp_path / "crashed.wav"
    run = subprocess.run([sys.executable, "-c", CRASH, str(speech_wav), str(path)], cwd=REPO, timeout=60)
    assert run.returncode == 3
    recorded = 3.3
    for frames in (frames_in_header(path), sf.info(str(path)).frames):
        assert recorded - 1.0 <= frames / SAMPLE_RATE <= recorded
    original = FileSource(speech_wav, speed=0).audio
    kept, _ = sf.read(str(path), dtype="float32")
    np.testing.assert_allclose(kept, original[: len(kept)], atol=PCM16_STEP)


def test_stops_by_itself_at_the_maximum_length(speech_wav: Path, tmp_path: Path) -> None:
    recorder = Recorder(FileSource(speech_wav, speed=0), tmp_path / "max.wav", max_seconds=1.55)
    recorder.start()
    result = recorder.wait(30)
    assert result is not None and result.reason == "max_length"
    assert result.frames == int(1.55 * SAMPLE_RATE) == frames_in_header(result.path)


def _record_until(recorder: Recorder, seconds: float) -> None:
    """Start and return once ``seconds`` of audio have been written (an event, not a sleep)."""
    reached = threading.Event()
    previous = recorder.on_chunk
    recorder.on_chunk = lambda block: (
        previous and previous(block),
        recorder.elapsed >= seconds and reached.set(),
    )
    recorder.start()
    assert reached.wait(30)


def test_stop_keeps_everything_heard_so_far(speech_wav: Path, tmp_path: Path) -> None:
    source = FileSource(speech_wav, speed=4)
    recorder = Recorder(source, tmp_path / "stop.wav")
    _record_until(recorder, 1.0)
    result = recorder.stop()
    assert result.reason == "stopped" and 1.0 <= result.duration < source.duration
    assert frames_in_header(result.path) == result.frames
    assert recorder.stop() == result  # a second stop changes nothing


def test_cancel_keeps_the_audio_unless_told_to_discard(speech_wav: Path, tmp_path: Path) -> None:
    kept = Recorder(FileSource(speech_wav, speed=4), tmp_path / "kept.wav")
    _record_until(kept, 1.0)
    result = kept.cancel()
    assert result.reason == "cancelled" and not result.discarded
    assert result.frames >= SAMPLE_RATE and frames_in_header(result.path) == result.frames

    dropped = Recorder(FileSource(speech_wav, speed=4), tmp_path / "dropped.wav")
    _record_until(dropped, 1.0)
    result = dropped.cancel(discard=True)
    assert result.discarded and not result.path.exists()


def test_a_source_failing_midway_keeps_what_was_recorded_and_reports_it(
    speech_wav: Path, tmp_path: Path
) -> None:
    finished: list[RecordingResult] = []
    source = UnpluggedAfter(FileSource(speech_wav, speed=0), blocks=17)
    recorder = Recorder(source, tmp_path / "lost.wav", on_finished=finished.append)
    recorder.start()
    result = recorder.wait(30)
    assert result is not None and finished == [result]
    assert result.reason == "source_error" and "unplugged" in (result.error or "")
    assert result.frames == 17 * 1600 == frames_in_header(result.path)


def test_never_overwrites_an_existing_recording(speech_wav: Path, tmp_path: Path) -> None:
    path = tmp_path / "earlier.wav"
    path.write_bytes(b"an earlier answer")
    with pytest.raises(FileExistsError):
        Recorder(FileSource(speech_wav, speed=0), path).start()
    assert path.read_bytes() == b"an earlier answer"


def test_a_source_that_cannot_start_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "none.wav"
    with pytest.raises(RuntimeError):
        Recorder(MicrophoneSource(device=4242), path).start()
    assert not path.exists()


@pytest.mark.e2e
def test_records_the_virtual_microphone_and_survives_it_vanishing(
    pulse, speech_wav: Path, tmp_path: Path
) -> None:
    done = threading.Event()
    recorder = Recorder(
        MicrophoneSource(device="pulse"), tmp_path / "mic.wav", on_finished=lambda r: done.set()
    )
    _record_until(recorder, 0.3)
    try:
        pulse.play(speech_wav)
        pulse.unplug()
        assert done.wait(10)
    finally:
        recorder.stop()
        pulse.plug()
    result = recorder.result
    assert result is not None and result.reason == "source_error"
    audio, _ = sf.read(str(result.path), dtype="float32")
    assert len(audio) == result.frames == frames_in_header(result.path)
    assert result.duration >= 0.9 * FileSource(speech_wav, speed=0).duration
    assert float(np.sqrt(np.mean(audio**2))) > 0.01  # the speech is in the file
