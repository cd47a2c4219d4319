"""Play a sound file (a spoken question) and stop it at once when asked.

Playback runs in a sounddevice ``OutputStream`` callback; ``stop()`` aborts the stream, which
discards what is buffered instead of draining it, so the voice stops mid-word.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import soundfile as sf

from audio.dsp import resample, to_mono

DoneCallback = Callable[[bool], None]  # called with True when played to the end, False when stopped


class PlaybackUnavailable(RuntimeError):
    """No sound output can be opened; the message says why and what to do."""


def _sounddevice() -> ModuleType:
    try:
        import sounddevice
    except OSError as exc:
        raise PlaybackUnavailable(
            f"Cannot play sound: PortAudio is missing ({exc}). Install it (on Debian or Ubuntu: "
            "sudo apt-get install libportaudio2); the question stays on screen meanwhile."
        ) from exc
    return sounddevice


@dataclass
class _Playback:
    data: np.ndarray
    on_done: DoneCallback | None
    stream: Any = None
    pos: int = 0
    started: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    stopped: bool = False


class Player:
    """Plays one sound at a time on ``device`` (index, name or ``None`` for the default output)."""

    def __init__(self, device: int | str | None = None, latency: str | float = "low") -> None:
        self.device = device
        self.latency = latency
        self._lock = threading.Lock()
        self._current: _Playback | None = None

    @property
    def playing(self) -> bool:
        current = self._current
        return current is not None and not current.finished.is_set()

    @property
    def started(self) -> threading.Event:
        """Set once the sound card has asked for the first samples of the current sound."""
        current = self._current
        return current.started if current is not None else threading.Event()

    @property
    def finished(self) -> threading.Event:
        """Set when the current sound has ended or was stopped (set when nothing was played)."""
        current = self._current
        if current is None:
            event = threading.Event()
            event.set()
            return event
        return current.finished

    def play(
        self,
        sound: str | Path | np.ndarray,
        sample_rate: int | None = None,
        on_done: DoneCallback | None = None,
    ) -> None:
        """Start playing a file (or a float array at ``sample_rate``), replacing what is playing.

        Returns at once; ``on_done`` is called from a helper thread. Raises ``PlaybackUnavailable``.
        """
        sd = _sounddevice()
        if isinstance(sound, np.ndarray):
            if sample_rate is None:
                raise ValueError("sample_rate is needed with an array")
            data, rate = to_mono(sound), sample_rate
        else:
            raw, rate = sf.read(str(sound), dtype="float32", always_2d=True)
            data = to_mono(raw)
        self.stop()
        device, rate, data = self._open_settings(sd, rate, data)
        playback = _Playback(data=np.ascontiguousarray(data, dtype=np.float32), on_done=on_done)

        def callback(outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
            playback.started.set()
            chunk = playback.data[playback.pos : playback.pos + frames]
            outdata[: len(chunk), 0] = chunk
            outdata[len(chunk) :, 0] = 0.0
            playback.pos += frames
            if playback.pos >= len(playback.data):
                raise sd.CallbackStop  # play what is queued, then finish

        def finished() -> None:
            # Runs on PortAudio's thread, possibly inside abort(): take no lock, close nothing here.
            playback.finished.set()
            if not playback.stopped:
                threading.Thread(target=self._complete, args=(playback,), daemon=True).start()

        try:
            stream = sd.OutputStream(
                device=device, samplerate=rate, channels=1, dtype="float32", latency=self.latency,
                callback=callback, finished_callback=finished,
            )  # fmt: skip
        except (sd.PortAudioError, ValueError) as exc:
            raise PlaybackUnavailable(
                f"Cannot open the sound output ({exc}). The question stays on screen."
            ) from exc
        playback.stream = stream
        with self._lock:
            self._current = playback
        try:
            stream.start()
        except sd.PortAudioError as exc:
            with self._lock:
                self._current = None
            stream.close(ignore_errors=True)
            raise PlaybackUnavailable(
                f"Cannot start the sound output ({exc}). The question stays on screen."
            ) from exc

    def _open_settings(self, sd: ModuleType, rate: int, data: np.ndarray) -> tuple[int, int, np.ndarray]:
        try:
            info = sd.query_devices(self.device, kind="output")
        except (ValueError, sd.PortAudioError) as exc:
            what = (
                "No sound output found"
                if self.device is None
                else f"Sound output {self.device!r} is not available"
            )
            raise PlaybackUnavailable(
                f"{what} ({exc}). Check speakers or headphones and the sound server; "
                "the question stays on screen."
            ) from exc
        index = int(info["index"])
        try:
            sd.check_output_settings(device=index, samplerate=rate, channels=1, dtype="float32")
        except (ValueError, sd.PortAudioError):
            native = int(info["default_samplerate"])  # the device refuses this rate: convert ourselves
            data, rate = resample(data, rate, native), native
        return index, rate, data

    def _complete(self, playback: _Playback) -> None:
        playback.stream.close(ignore_errors=True)
        if playback.on_done is not None:
            playback.on_done(True)

    def stop(self) -> None:
        """Silence now; returns once the stream is aborted, after calling ``on_done(False)``.

        Does nothing if the sound had already ended.
        """
        with self._lock:
            playback, self._current = self._current, None
        if playback is None or playback.finished.is_set():
            return
        playback.stopped = True
        playback.stream.abort(ignore_errors=True)
        playback.stream.close(ignore_errors=True)
        playback.finished.set()
        if playback.on_done is not None:
            playback.on_done(False)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the current sound ends; False on timeout."""
        return self.finished.wait(timeout)
