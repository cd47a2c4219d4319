"""Records one spoken answer while transcribing it live, as a Qt worker.

The recorder writes the WAV on its own thread and feeds each block to the live transcriber, which
decodes on another; this object only relays their news to the UI thread as signals. Stopping (which
waits for the last words to be decoded) runs as a background job, so the UI never waits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from audio.live import LiveTranscriber
from audio.recorder import Level, Recorder, RecordingResult
from audio.sources import AudioSource
from audio.transcriber import Transcriber
from audio.transcript import Transcript
from desktop.jobs import Jobs


@dataclass(frozen=True)
class CapturedAnswer:
    recording: RecordingResult
    transcript: Transcript
    stop_to_final: float  # seconds from the stop request to the final transcript


class AnswerCapture(QObject):
    """One answer: ``start`` it, watch ``level``/``partial``, ``stop`` it, get ``finished``.

    ``ended(reason)`` says the recording stopped by itself (maximum length, the end of a file-fed
    source, a microphone lost mid-answer); the capture then finishes on its own. What was
    recorded is always kept on disk.
    """

    level = Signal(float, float, bool)  # rms dBFS, peak dBFS, clipped
    partial = Signal(str)
    ended = Signal(str)
    finished = Signal(object)  # CapturedAnswer
    failed = Signal(str)
    _recorder_done = Signal(object)  # from the writer thread, queued to the UI thread

    def __init__(self, jobs: Jobs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._recorder: Recorder | None = None
        self._live: LiveTranscriber | None = None
        self._stopping = False
        self._started_at = 0.0
        self._recorder_done.connect(self._on_recorder_done)

    @property
    def recording(self) -> bool:
        return self._recorder is not None and not self._stopping

    @property
    def elapsed(self) -> float:
        return self._recorder.elapsed if self._recorder is not None else 0.0

    @property
    def path(self) -> Path | None:
        return self._recorder.path if self._recorder is not None else None

    def start(
        self,
        source: AudioSource,
        path: Path,
        transcriber: Transcriber,
        vocabulary: list[str],
        max_seconds: float,
    ) -> None:
        """Start recording to ``path``; raises ``MicrophoneUnavailable`` at once if there is no device."""
        live = LiveTranscriber(transcriber, vocabulary, on_partial=self.partial.emit)
        recorder = Recorder(
            source,
            path,
            max_seconds=max_seconds,
            on_level=self._relay_level,
            on_chunk=live.feed,
            on_finished=self._recorder_done.emit,
        )
        try:
            recorder.start()
        except BaseException:
            live.cancel()
            raise
        self._recorder, self._live, self._stopping = recorder, live, False
        self._started_at = time.monotonic()

    def stop(self) -> None:
        """Stop recording and finish the transcript in the background; ``finished`` follows."""
        if self._recorder is None or self._stopping:
            return
        self._stopping = True
        recorder, live = self._recorder, self._live
        assert live is not None
        requested = time.perf_counter()

        def finish() -> CapturedAnswer:
            recording = recorder.stop(timeout=10)
            transcript = live.finish(timeout=300)
            return CapturedAnswer(recording, transcript, time.perf_counter() - requested)

        self._jobs.run(finish, self._deliver, lambda exc: self._fail(exc, recorder))

    def cancel(self) -> None:
        """Abandon the answer; its audio stays on disk (nothing said is thrown away by a misclick)."""
        if self._recorder is None:
            return
        recorder, live = self._recorder, self._live
        self._recorder, self._live, self._stopping = None, None, False
        if live is not None:
            live.cancel()
        self._jobs.run(lambda: recorder.cancel(timeout=10))

    def _relay_level(self, level: Level) -> None:
        self.level.emit(level.rms_dbfs, level.peak_dbfs, level.clipped)

    def _on_recorder_done(self, result: RecordingResult) -> None:
        if self._recorder is None or self._stopping or result.path != self._recorder.path:
            return
        self.ended.emit(result.reason)
        self.stop()

    def _deliver(self, answer: CapturedAnswer) -> None:
        self._recorder, self._live, self._stopping = None, None, False
        self.finished.emit(answer)

    def _fail(self, exc: BaseException, recorder: Recorder) -> None:
        self._recorder, self._live, self._stopping = None, None, False
        self.failed.emit(
            f"The answer could not be transcribed ({exc}). The recording is kept in {recorder.path}."
        )
