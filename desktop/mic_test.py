"""Live microphone level for the settings dialog: a source's blocks turned into meter readings.

The source calls back on its own thread; readings cross to the UI thread through a queued signal,
tagged with a run number so that readings still in flight after ``stop()`` are dropped.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal, Slot

from audio.dsp import dbfs, rms_peak
from audio.sources import AudioSource, MicrophoneLost, MicrophoneSource, MicrophoneUnavailable

CLIP_PEAK = 0.999  # same threshold as the recorder's Level


class MicTest(QObject):
    """Opens a microphone (or any ``AudioSource``) and reports its level until stopped.

    Signals (always delivered on the thread this object lives in, the UI thread):
    ``level(rms_dbfs, peak_dbfs, clipped)`` per block; ``error(message)`` when the microphone cannot
    be opened or is lost; ``finished()`` when a source ends by itself (end of a file, or after a lost
    microphone's ``error``).
    """

    level = Signal(float, float, bool)
    error = Signal(str)
    finished = Signal()

    _reading = Signal(int, float, float, bool)  # run, rms, peak, clipped; emitted on the audio thread
    _ended = Signal(int, str, bool)  # run, message, is_error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: AudioSource | None = None
        self._run = 0
        # Queued explicitly: these are emitted from the source's thread.
        self._reading.connect(self._on_reading, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self._source is not None

    def start(self, device: int | str | AudioSource | None = None) -> bool:
        """Start reporting levels from ``device`` (index, name, None = default, or a source).

        Returns False (after emitting ``error``) when the microphone cannot be opened.
        """
        self.stop()
        self._run += 1
        run = self._run
        source = device if isinstance(device, AudioSource) else MicrophoneSource(device)

        def on_block(block: np.ndarray) -> None:
            rms, peak = rms_peak(block)
            self._reading.emit(run, dbfs(rms), dbfs(peak), peak >= CLIP_PEAK)

        def on_end(exc: BaseException | None) -> None:
            self._ended.emit(run, "" if exc is None else self._message(exc), exc is not None)

        try:
            source.start(on_block, on_end)
        except (MicrophoneUnavailable, MicrophoneLost, OSError) as exc:
            self.error.emit(self._message(exc))
            return False
        self._source = source
        return True

    def stop(self) -> None:
        """Stop at once (abort: never wait for buffers to drain); pending readings are dropped."""
        self._run += 1
        source, self._source = self._source, None
        if source is not None:
            source.abort()

    @staticmethod
    def _message(exc: BaseException) -> str:
        if isinstance(exc, (MicrophoneUnavailable, MicrophoneLost)):
            return str(exc)
        return f"The microphone test failed ({type(exc).__name__}: {exc}). Choose another microphone."

    @Slot(int, float, float, bool)
    def _on_reading(self, run: int, rms_dbfs: float, peak_dbfs: float, clipped: bool) -> None:
        if run == self._run:
            self.level.emit(rms_dbfs, peak_dbfs, clipped)

    @Slot(int, str, bool)
    def _on_ended(self, run: int, message: str, is_error: bool) -> None:
        if run != self._run:
            return
        self._source = None
        if is_error:
            self.error.emit(message)
        self.finished.emit()
