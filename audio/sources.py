"""Where recorded audio comes from: a microphone, or a WAV file played as if it were one.

Every source delivers 16 kHz mono float32 blocks (100 ms by default) to ``on_block`` from a thread
of its own, and calls ``on_end`` once when it stops by itself: ``None`` at the end of a file, an
exception when the device failed. ``stop()`` ends it at once and calls neither.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from pydantic import BaseModel

from audio.dsp import SAMPLE_RATE, StreamResampler, load_mono

BLOCK_SECONDS = 0.1
BlockCallback = Callable[[np.ndarray], None]
EndCallback = Callable[[BaseException | None], None]

_PORTAUDIO_FIX = (
    "Install the PortAudio library (on Debian or Ubuntu: sudo apt-get install libportaudio2) "
    "and start Viva Voce again."
)


class MicrophoneUnavailable(RuntimeError):
    """No microphone can be opened; the message says why and what to do, in plain words."""


class MicrophoneLost(RuntimeError):
    """The microphone stopped delivering audio in the middle of a recording."""


class InputDevice(BaseModel):
    index: int
    name: str
    host_api: str
    channels: int
    default_samplerate: float
    is_default: bool = False


class AudioSource(ABC):
    """A stream of 16 kHz mono float32 blocks."""

    sample_rate: int = SAMPLE_RATE

    def __init__(self, block_seconds: float = BLOCK_SECONDS) -> None:
        self.block_frames = max(1, round(block_seconds * SAMPLE_RATE))

    @abstractmethod
    def start(self, on_block: BlockCallback, on_end: EndCallback | None = None) -> None:
        """Begin delivering blocks; returns at once."""

    @abstractmethod
    def stop(self) -> None:
        """Stop immediately (drop anything not yet delivered); safe to call twice or from a callback."""

    def abort(self) -> None:
        """Same as ``stop``: sources never wait for buffers to drain."""
        self.stop()


def _sounddevice() -> ModuleType:
    """Import sounddevice, turning a missing PortAudio into a message a person can act on."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio cannot be loaded
        raise MicrophoneUnavailable(
            f"Cannot use a microphone: PortAudio is missing ({exc}). {_PORTAUDIO_FIX}"
        ) from exc
    return sounddevice


def list_input_devices() -> list[InputDevice]:
    """Every device PortAudio can record from (empty when there is none, or no PortAudio)."""
    try:
        sd = _sounddevice()
    except MicrophoneUnavailable:
        return []
    apis = sd.query_hostapis()
    default_in = sd.default.device[0]
    return [
        InputDevice(
            index=i,
            name=d["name"],
            host_api=apis[d["hostapi"]]["name"],
            channels=d["max_input_channels"],
            default_samplerate=d["default_samplerate"],
            is_default=(i == default_in),
        )
        for i, d in enumerate(sd.query_devices())
        if d["max_input_channels"] > 0
    ]


def rescan_devices() -> None:
    """Make PortAudio enumerate devices again (it lists them once, when first loaded).

    Needed after a headset is plugged in or a sound server starts; only safe while no stream is open.
    """
    sd = _sounddevice()
    sd._terminate()  # sounddevice has no public rescan; this pair is its documented workaround
    sd._initialize()


def _describe(devices: list[InputDevice]) -> str:
    if not devices:
        return "No input device is visible at all."
    return "Available inputs: " + ", ".join(f"{d.index} '{d.name}'" for d in devices) + "."


class MicrophoneSource(AudioSource):
    """Records from a sounddevice ``InputStream`` at 16 kHz mono (resampling if the device insists).

    ``device`` is an index, a (part of a) name, or ``None`` for the system default. A device that
    delivers nothing for ``stall_seconds`` is reported through ``on_end`` as ``MicrophoneLost``:
    PortAudio does not always signal an unplugged device, it just stops calling back.
    """

    def __init__(
        self,
        device: int | str | None = None,
        block_seconds: float = BLOCK_SECONDS,
        stall_seconds: float = 2.0,
    ) -> None:
        super().__init__(block_seconds)
        self.device = device
        self.stall_seconds = stall_seconds
        self._stream: Any = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ended = False
        self._last_block = 0.0

    def _resolve(self, sd: ModuleType) -> tuple[int, float]:
        """Find the device and a sample rate it accepts, or raise ``MicrophoneUnavailable``."""
        devices = list_input_devices()
        try:
            info = sd.query_devices(self.device, kind="input")
        except (ValueError, sd.PortAudioError) as exc:
            if self.device is None:
                msg = (
                    "No microphone found. Plug one in (or check that the sound server, PulseAudio "
                    "or PipeWire, is running and the microphone is not disabled), then try again."
                )
            else:
                msg = f"Microphone {self.device!r} is not available ({exc}). Choose another one."
            raise MicrophoneUnavailable(f"{msg} {_describe(devices)}") from exc
        index = int(info["index"])
        try:
            sd.check_input_settings(device=index, samplerate=SAMPLE_RATE, channels=1, dtype="float32")
            return index, float(SAMPLE_RATE)
        except (ValueError, sd.PortAudioError):
            # Typical of hardware devices and WASAPI shared mode: record at the native rate instead.
            return index, float(info["default_samplerate"])

    def start(self, on_block: BlockCallback, on_end: EndCallback | None = None) -> None:
        sd = _sounddevice()
        index, rate = self._resolve(sd)
        resampler = StreamResampler(int(rate), SAMPLE_RATE) if rate != SAMPLE_RATE else None
        pending = np.zeros(0, np.float32)

        def callback(indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
            nonlocal pending
            self._last_block = time.monotonic()
            mono = indata[:, 0].copy()
            if resampler is not None:
                mono = resampler.process(mono)
            pending = np.concatenate([pending, mono]) if len(pending) else mono
            while len(pending) >= self.block_frames:
                on_block(pending[: self.block_frames])
                pending = pending[self.block_frames :]

        def finished() -> None:
            if not self._stopping.is_set():
                self._end(on_end, MicrophoneLost("The microphone stopped (was it unplugged?)."))

        blocksize = round(self.block_frames * rate / SAMPLE_RATE)
        try:
            stream = sd.InputStream(
                device=index, samplerate=rate, channels=1, dtype="float32", blocksize=blocksize,
                callback=callback, finished_callback=finished,
            )  # fmt: skip
            self._last_block = time.monotonic()
            stream.start()
        except sd.PortAudioError as exc:
            raise MicrophoneUnavailable(
                f"Could not open the microphone {index} ({exc}). Is another program using it? "
                + _describe(list_input_devices())
            ) from exc
        with self._lock:
            self._stream = stream
        threading.Thread(target=self._watch, args=(on_end,), name="mic-watchdog", daemon=True).start()

    def _watch(self, on_end: EndCallback | None) -> None:
        # Wakes twice a second to check the callback is still running; stop() wakes it at once.
        # The first block gets longer: a Bluetooth headset or a sound server can take seconds to wake.
        started = self._last_block
        while not self._stopping.wait(0.5):
            allowed = self.stall_seconds if self._last_block > started else max(5.0, self.stall_seconds)
            if time.monotonic() - self._last_block > allowed:
                self._end(on_end, MicrophoneLost(f"The microphone delivered no audio for {allowed:g} s."))
                self._close()
                return

    def _end(self, on_end: EndCallback | None, error: BaseException | None) -> None:
        with self._lock:
            if self._ended or self._stopping.is_set():
                return
            self._ended = True
        self._stopping.set()
        if on_end is not None:
            on_end(error)

    def _close(self) -> None:
        with self._lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            # abort(), not stop(): stop() waits for buffers to drain and can hang on a starved stream.
            stream.abort(ignore_errors=True)
            stream.close(ignore_errors=True)

    def stop(self) -> None:
        self._stopping.set()
        self._close()


class FileSource(AudioSource):
    """Plays a sound file through the ``AudioSource`` interface, in real time or ``speed`` times faster.

    ``speed=0`` delivers as fast as the consumer takes it. The file is mixed to mono and resampled
    to 16 kHz up front. ``finished`` is set when the last block has been delivered or on stop.
    """

    def __init__(self, path: str | Path, speed: float = 1.0, block_seconds: float = BLOCK_SECONDS) -> None:
        super().__init__(block_seconds)
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self.path = Path(path)
        self.speed = speed
        self.audio = load_mono(self.path)
        self.finished = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def duration(self) -> float:
        return len(self.audio) / SAMPLE_RATE

    def start(self, on_block: BlockCallback, on_end: EndCallback | None = None) -> None:
        if self._thread is not None:
            raise RuntimeError("a FileSource plays once; make a new one")
        self._thread = threading.Thread(
            target=self._run, args=(on_block, on_end), name="file-source", daemon=True
        )
        self._thread.start()

    def _run(self, on_block: BlockCallback, on_end: EndCallback | None) -> None:
        t0 = time.monotonic()
        error: BaseException | None = None
        try:
            for i, begin in enumerate(range(0, len(self.audio), self.block_frames)):
                if self.speed > 0:
                    # Like a microphone, a block is due once it has been "heard" in full. Waiting on the
                    # stop event paces playback and still lets stop() cut it short.
                    due = t0 + (i + 1) * self.block_frames / SAMPLE_RATE / self.speed
                    if self._stop.wait(max(0.0, due - time.monotonic())):
                        break
                elif self._stop.is_set():
                    break
                on_block(self.audio[begin : begin + self.block_frames].copy())
        except Exception as exc:  # a failing consumer ends the source; it must not die silently
            error = exc
        stopped = self._stop.is_set()
        self.finished.set()
        if on_end is not None and not stopped:
            on_end(error)

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self.finished.set()
