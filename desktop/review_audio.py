"""Play back one attempt's recording with play, pause and seek, for the review screens.

``audio.player.Player`` plays a whole array and stops at once; seeking is playing the slice from
the offset. The position is computed from when playback (re)started, ticked by a timer at 10 Hz.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile as sf
from PySide6.QtCore import QObject, QTimer, Signal

from audio.dsp import to_mono
from audio.player import DoneCallback, PlaybackUnavailable, Player

TICK_MS = 100


class _Player(Protocol):
    def play(
        self, sound: np.ndarray, sample_rate: int | None = None, on_done: DoneCallback | None = None
    ) -> None: ...

    def stop(self) -> None: ...


def _playback_errors() -> tuple[type[BaseException], ...]:
    try:
        from sounddevice import PortAudioError
    except OSError:  # PortAudio itself is missing: Player turns that into PlaybackUnavailable
        return (PlaybackUnavailable,)
    return (PlaybackUnavailable, PortAudioError)


class ReviewAudio(QObject):
    """One recording's playback; never raises into Qt: failures arrive as ``error(message)``."""

    position_changed = Signal(float)
    state_changed = Signal(bool)
    error = Signal(str)
    _ended = Signal(int)  # from the player's helper thread, carrying the playback's generation

    def __init__(
        self,
        player: _Player | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._player = player if player is not None else Player()
        self._clock = clock
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._ended.connect(self._on_ended)
        self._path: Path | None = None
        self._data: np.ndarray | None = None
        self._rate = 0
        self._duration = 0.0
        self._offset = 0.0  # the position when playback last started, or where it is paused
        self._started_at: float | None = None  # clock() when playback last started; None: not playing
        self._generation = 0  # bumped on every start/stop so a late "ended" from old playback is ignored

    @property
    def duration(self) -> float:
        return self._duration

    @property
    def playing(self) -> bool:
        return self._started_at is not None

    @property
    def available(self) -> bool:
        """True when a recording is loaded (it may still fail to play without a sound card)."""
        return self._path is not None and self._duration > 0

    @property
    def position(self) -> float:
        if self._started_at is None:
            return self._offset
        return min(self._duration, self._offset + self._clock() - self._started_at)

    def load(self, path: Path | None) -> None:
        """Take a recording (or none); reads only its length now, the samples on first play."""
        self.stop()
        self._path, self._data, self._rate, self._duration = None, None, 0, 0.0
        if path is None:
            return
        try:
            info = sf.info(str(path))
        except (OSError, RuntimeError) as exc:  # soundfile raises LibsndfileError (a RuntimeError)
            self.error.emit(
                f"Cannot open the recording {path.name} ({exc}). It may have been moved or deleted; "
                "the transcript and score are kept."
            )
            return
        self._path, self._duration = path, float(info.duration)
        self.position_changed.emit(0.0)

    def play(self) -> None:
        """Play from the current position (from the start when at the end)."""
        if not self._ensure_samples():
            return
        if self._offset >= self._duration - 0.05:
            self._offset = 0.0
        self._start()

    def pause(self) -> None:
        if self._started_at is None:
            return
        self._offset = self.position
        self._halt()
        self.position_changed.emit(self._offset)

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def seek(self, seconds: float) -> None:
        """Move to ``seconds``; keeps playing from there when playing."""
        self._offset = max(0.0, min(float(seconds), self._duration))
        if self.playing:
            self._start()
        else:
            self.position_changed.emit(self._offset)

    def stop(self) -> None:
        """Silence at once and go back to the start (leaving the screen)."""
        if self._started_at is not None:
            self._halt()
        self._offset = 0.0

    def _ensure_samples(self) -> bool:
        if self._data is not None:
            return True
        if self._path is None:
            self.error.emit("This attempt has no recording to play: it was typed, or its audio was not kept.")
            return False
        try:
            raw, self._rate = sf.read(str(self._path), dtype="float32", always_2d=True)
        except (OSError, RuntimeError) as exc:
            self.error.emit(f"Cannot read the recording {self._path.name} ({exc}); the transcript is kept.")
            return False
        self._data = to_mono(raw)
        return True

    def _start(self) -> None:
        assert self._data is not None
        self._generation += 1
        generation = self._generation
        first = int(self._offset * self._rate)

        def on_done(completed: bool) -> None:
            if completed:  # called on a helper thread: hop to the UI thread through a queued signal
                self._ended.emit(generation)

        try:
            self._player.play(self._data[first:], self._rate, on_done=on_done)
        except _playback_errors() as exc:
            was_playing = self._started_at is not None
            self._started_at = None
            self._timer.stop()
            if was_playing:
                self.state_changed.emit(False)
            # Player's own message speaks of the question on screen; here it is the recording.
            cause = exc.__cause__ if isinstance(exc, PlaybackUnavailable) and exc.__cause__ else exc
            self.error.emit(
                f"Cannot play the recording: no sound output could be opened ({cause}). "
                "Check speakers or headphones and the sound server."
            )
            return
        was_playing = self._started_at is not None
        self._started_at = self._clock()
        self._timer.start()
        if not was_playing:
            self.state_changed.emit(True)
        self.position_changed.emit(self._offset)

    def _halt(self) -> None:
        self._generation += 1
        self._started_at = None
        self._timer.stop()
        try:
            self._player.stop()
        except _playback_errors() as exc:  # stopping a broken stream: it is silent either way
            self.error.emit(f"The sound output misbehaved while stopping ({exc}).")
        self.state_changed.emit(False)

    def _tick(self) -> None:
        self.position_changed.emit(self.position)

    def _on_ended(self, generation: int) -> None:
        if generation != self._generation or self._started_at is None:
            return
        self._started_at = None
        self._timer.stop()
        self._offset = self._duration
        self.position_changed.emit(self._duration)
        self.state_changed.emit(False)
