"""Record an answer to a WAV file that is safe on disk while it grows.

The file is written as the audio arrives, and every second the WAV header is rewritten and the file
synced, so a crash or power cut loses at most the last second. (libsndfile's own flush does not
touch the header: a WAV that was never closed says it holds 0 frames, and strict readers such as
Python's ``wave`` or sox believe it. Hence the explicit header update below.)

Cancelling keeps the file unless asked to discard it: nothing a person said is lost by a misclick.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
import soundfile as sf
from pydantic import BaseModel

from audio.dsp import SAMPLE_RATE, dbfs, rms_peak
from audio.sources import AudioSource

_SFC_UPDATE_HEADER_NOW = 0x1060  # libsndfile's sf_command code; soundfile does not wrap it

StopReason = Literal["stopped", "cancelled", "max_length", "end_of_source", "source_error"]


class Level(BaseModel):
    """Loudness of one block, for a meter: amplitudes 0..1 and the same in dBFS."""

    rms: float
    peak: float
    rms_dbfs: float
    peak_dbfs: float
    clipped: bool


class RecordingResult(BaseModel):
    path: Path
    duration: float
    frames: int
    sample_rate: int = SAMPLE_RATE
    reason: StopReason
    error: str | None = None  # what went wrong when reason is "source_error"
    discarded: bool = False  # the file was deleted (cancel(discard=True))


class Recorder:
    """Writes a source to ``path`` (which must not exist yet) until stopped or ``max_seconds``.

    ``on_level(Level)`` and ``on_chunk(block)`` are called from the recorder's writer thread for
    each block, after it is written; ``on_finished(RecordingResult)`` once, however it ended.
    A slow callback delays writing, never capture: blocks queue up in between.
    """

    def __init__(
        self,
        source: AudioSource,
        path: str | Path,
        max_seconds: float = 600.0,
        on_level: Callable[[Level], None] | None = None,
        on_chunk: Callable[[np.ndarray], None] | None = None,
        on_finished: Callable[[RecordingResult], None] | None = None,
        subtype: Literal["PCM_16", "FLOAT"] = "PCM_16",
        flush_seconds: float = 1.0,
    ) -> None:
        if source.sample_rate != SAMPLE_RATE:
            raise ValueError(f"the recorder expects {SAMPLE_RATE} Hz sources")
        self.source = source
        self.path = Path(path)
        self.max_frames = int(max_seconds * SAMPLE_RATE)
        self.on_level, self.on_chunk, self.on_finished = on_level, on_chunk, on_finished
        self.subtype = subtype
        self.flush_frames = max(1, int(flush_seconds * SAMPLE_RATE))
        self.frames = 0
        self.result: RecordingResult | None = None
        self.done = threading.Event()
        self._queue: queue.Queue[tuple[str, object]] = queue.Queue()
        self._file: sf.SoundFile | None = None
        self._writer: threading.Thread | None = None
        self._requested: StopReason | None = None
        self._lock = threading.Lock()

    @property
    def elapsed(self) -> float:
        """Seconds written so far."""
        return self.frames / SAMPLE_RATE

    def start(self) -> None:
        if self._writer is not None:
            raise RuntimeError("a Recorder records once; make a new one")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Claim the name atomically (O_EXCL): never overwrite an earlier recording.
        os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        try:
            self._file = sf.SoundFile(
                self.path, "w", samplerate=SAMPLE_RATE, channels=1, format="WAV", subtype=self.subtype
            )
        except Exception:
            self.path.unlink(missing_ok=True)
            raise
        self._sync()
        self._writer = threading.Thread(target=self._write_loop, name="recorder-writer", daemon=True)
        self._writer.start()
        try:
            self.source.start(
                lambda block: self._queue.put(("block", block)), lambda err: self._queue.put(("end", err))
            )
        except BaseException:
            self._queue.put(("end", None))
            self._writer.join()
            self.path.unlink(missing_ok=True)  # nothing was recorded: leave no empty file behind
            raise

    def stop(self, timeout: float | None = None) -> RecordingResult:
        """Stop now, keep everything captured so far, and return what was recorded."""
        return self._finish("stopped", timeout)

    def cancel(self, discard: bool = False, timeout: float | None = None) -> RecordingResult:
        """Stop as if abandoned; the audio stays on disk unless ``discard`` is true."""
        result = self._finish("cancelled", timeout)
        if discard:
            self.path.unlink(missing_ok=True)
            result = result.model_copy(update={"discarded": True})
            self.result = result
        return result

    def wait(self, timeout: float | None = None) -> RecordingResult | None:
        """Wait for the recording to end by itself (maximum length, end of source, source error)."""
        return self.result if self.done.wait(timeout) else None

    def _finish(self, reason: StopReason, timeout: float | None) -> RecordingResult:
        if self._writer is None:
            raise RuntimeError("the recorder was not started")
        if threading.current_thread() is self._writer:
            raise RuntimeError("stop the recorder from another thread than its own callbacks")
        with self._lock:
            if self._requested is None:
                self._requested = reason
        self.source.stop()  # no block arrives after this returns
        self._queue.put(("end", None))
        if not self.done.wait(timeout):
            raise TimeoutError("the recorder did not finish writing")
        assert self.result is not None
        return self.result

    def _write_loop(self) -> None:
        assert self._file is not None
        error: BaseException | None = None
        since_flush = 0
        reason: StopReason = "end_of_source"
        try:
            while True:
                kind, item = self._queue.get()
                if kind == "end":
                    error = item if isinstance(item, BaseException) else None
                    break
                block = np.asarray(item, dtype=np.float32)[: self.max_frames - self.frames]
                self._file.write(block)
                self.frames += len(block)
                since_flush += len(block)
                if since_flush >= self.flush_frames:
                    self._sync()
                    since_flush = 0
                self._notify(block)
                if self.frames >= self.max_frames:
                    with self._lock:
                        self._requested = self._requested or "max_length"
                    # Stopping the source from here is safe: sources never wait on this thread.
                    self.source.stop()
                    break
        except Exception as exc:  # a full disk or a failing callback must still close the file
            error = exc
            self.source.stop()  # nobody would write what it delivers from now on
        finally:
            self._file.close()  # closing writes the final header
        with self._lock:
            reason = self._requested or ("source_error" if error else "end_of_source")
        self.result = RecordingResult(
            path=self.path,
            duration=self.frames / SAMPLE_RATE,
            frames=self.frames,
            reason=reason,
            error=None if error is None else f"{type(error).__name__}: {error}",
        )
        self.done.set()
        if self.on_finished is not None:
            self.on_finished(self.result)

    def _sync(self) -> None:
        """Rewrite the WAV header for the frames written so far and push the file to disk."""
        assert self._file is not None
        sf._snd.sf_command(self._file._file, _SFC_UPDATE_HEADER_NOW, sf._ffi.NULL, 0)
        self._file.flush()  # sf_write_sync: fsync on POSIX

    def _notify(self, block: np.ndarray) -> None:
        if self.on_level is not None:
            rms, peak = rms_peak(block)
            self.on_level(
                Level(rms=rms, peak=peak, rms_dbfs=dbfs(rms), peak_dbfs=dbfs(peak), clipped=peak >= 0.999)
            )
        if self.on_chunk is not None:
            self.on_chunk(block)


def record_file(source: AudioSource, path: str | Path, max_seconds: float = 600.0) -> RecordingResult:
    """Record a source until it ends by itself (for files and demos); returns the result."""
    recorder = Recorder(source, path, max_seconds=max_seconds)
    recorder.start()
    result = recorder.wait()
    assert result is not None
    return result
