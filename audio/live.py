"""Live transcription while the person speaks, so that stopping leaves only the tail to decode.

The recorder thread calls ``feed`` with each block (cheap: convert and queue). A worker thread
decodes: each time the speaker pauses after a few seconds of speech it decodes the stretch up to
the pause and *commits* it (words with timestamps, never decoded again); in between it refreshes
a *partial* decode of the uncommitted tail, for display. ``finish`` decodes only what is left —
often nothing, because the final pause was already committed, or the fresh partial already covers
every word said.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from audio.speech_activity import FRAME, FRAME_SECONDS, SAMPLE_RATE, frame_levels, next_cut, speech_threshold
from audio.speech_activity import to_float32 as _to_float32
from audio.transcriber import SEGMENT_SECONDS, Decoded, Transcriber, make_transcript
from audio.transcript import Repair, Transcript, Word
from audio.vocabulary_bias import clean_vocabulary

PartialCallback = Callable[[str], None]


class LiveTranscriber:
    """Incremental transcription of one answer. Feed audio, read ``partial_text``, then ``finish``.

    ``on_partial(text)`` is called from the worker thread with the whole text so far whenever it
    changes; a GUI must hand it over to its own thread.

    A stretch is committed at the first pause of ``min_pause`` once it holds ``min_seconds`` of
    audio (5 s: shorter pieces lose context and doubled the decoding work for more errors; longer
    ones leave more to decode at stop), or at its quietest point when it reaches ``max_seconds``.
    """

    def __init__(
        self,
        transcriber: Transcriber,
        vocabulary: Sequence[str] | None = None,
        *,
        on_partial: PartialCallback | None = None,
        min_seconds: float = 5.0,
        max_seconds: float = SEGMENT_SECONDS,
        min_pause: float = 0.3,
        partial_interval: float = 1.0,
    ) -> None:
        self._transcriber = transcriber
        self._vocabulary = clean_vocabulary(vocabulary)
        self._on_partial = on_partial
        self._min_seconds = min_seconds
        self._max_seconds = max_seconds
        self._min_pause = min_pause
        self._partial_interval = partial_interval

        self._cond = threading.Condition()
        self._pending: list[np.ndarray] = []  # fed, not yet taken by the worker
        self._finishing = False
        self._cancelled = False
        self._error: BaseException | None = None
        self._idle = False  # worker is waiting with nothing queued
        self._partial_cost = 0.0  # seconds the last partial decode took

        # Worker-owned audio state.
        self._audio = np.zeros(SAMPLE_RATE * 30, dtype=np.float32)
        self._length = 0  # samples in self._audio
        self._levels = np.zeros(0, dtype=np.float32)
        self._commit = 0  # first frame not yet committed

        # Shared results (under self._cond).
        self._words: list[Word] = []
        self._repairs: list[Repair] = []
        self._partial: Decoded | None = None
        self._partial_from = 0  # frames the partial covers: [_partial_from, _partial_to)
        self._partial_to = 0
        self._result: Transcript | None = None
        self.decode_seconds = 0.0  # worker time spent decoding, for real-time-factor reports
        self.final_decode_seconds = 0.0  # decoding done after finish() was called
        self.final_audio_seconds = 0.0  # how much audio was still undecoded at finish()
        self.final_model_calls = 0  # model runs needed after finish() (0: the tail was ready)

        self._thread = threading.Thread(target=self._run, name="live-transcriber", daemon=True)
        self._thread.start()

    # -- called from the recorder / UI -------------------------------------------------------------

    def feed(self, chunk: np.ndarray) -> None:
        """Queue a block of 16 kHz mono audio (float32 or int16). Safe from any thread; never blocks long."""
        samples = _to_float32(chunk).copy()
        with self._cond:
            if self._finishing or self._cancelled:
                return
            self._pending.append(samples)
            self._idle = False
            self._cond.notify_all()

    def drain(self, timeout: float | None = None) -> bool:
        """Block until the worker has processed everything fed so far (for file-fed sources and
        tests that run faster than real time). Returns False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: (self._idle and not self._pending) or self._thread_done(), timeout
            )

    def _thread_done(self) -> bool:
        return self._cancelled or self._result is not None or self._error is not None

    @property
    def partial_text(self) -> str:
        """Committed text plus the latest decode of the uncommitted tail."""
        with self._cond:
            return self._text_locked()

    @property
    def committed_words(self) -> list[Word]:
        with self._cond:
            return list(self._words)

    def finish(self, timeout: float | None = None) -> Transcript:
        """Stop accepting audio, decode what is left, and return the whole transcript."""
        with self._cond:
            self._finishing = True
            self._cond.notify_all()
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"live transcription did not finish within {timeout} s")
        if self._error is not None:
            raise RuntimeError(f"live transcription failed: {self._error}") from self._error
        if self._result is None:
            raise RuntimeError("live transcription was cancelled")
        return self._result

    def cancel(self) -> None:
        """Drop everything; the worker stops after the decode it is in (if any). Does not wait."""
        with self._cond:
            self._cancelled = True
            self._pending.clear()
            self._cond.notify_all()

    # -- worker ------------------------------------------------------------------------------------

    def _text_locked(self) -> str:
        words = self._words + (self._partial.words if self._partial else [])
        return "".join(w.word for w in words).strip()

    def _take_pending(self, wait: bool) -> tuple[bool, bool]:
        """Move queued audio into the buffer, waiting for some if ``wait``: (finishing, cancelled)."""
        with self._cond:
            while wait and not (self._pending or self._finishing or self._cancelled):
                self._idle = True
                self._cond.notify_all()
                self._cond.wait()
            self._idle = False
            chunks, self._pending = self._pending, []
            finishing, cancelled = self._finishing, self._cancelled
        for chunk in chunks:
            need = self._length + len(chunk)
            if need > len(self._audio):
                grown = np.zeros(max(need, 2 * len(self._audio)), dtype=np.float32)
                grown[: self._length] = self._audio[: self._length]
                self._audio = grown
            self._audio[self._length : need] = chunk
            self._length = need
        done = len(self._levels) * FRAME
        whole = (self._length - done) // FRAME * FRAME
        if whole:
            self._levels = np.concatenate((self._levels, frame_levels(self._audio[done : done + whole])))
        return finishing, cancelled

    def _decode(self, first: int, end_sample: int) -> Decoded:
        decoded = self._transcriber.decode(
            self._audio[first * FRAME : end_sample],
            self._vocabulary,
            offset=first * FRAME_SECONDS,
            threshold=speech_threshold(self._levels),
        )
        self.decode_seconds += decoded.seconds
        return decoded

    def _commit_to(self, cut: int, decoded: Decoded) -> None:
        with self._cond:
            self._words += decoded.words
            self._repairs += decoded.repairs
            self._commit = cut
            if self._partial is not None and self._partial_to <= cut:
                self._partial = None
            text = self._text_locked()
        self._notify(text)

    def _notify(self, text: str) -> None:
        if self._on_partial is not None:
            self._on_partial(text)

    def _run(self) -> None:
        try:
            last_partial = 0.0
            wait = True
            while True:
                finishing, cancelled = self._take_pending(wait)
                wait = True
                if cancelled:
                    return
                if finishing:
                    self._finish_tail()
                    return
                threshold = speech_threshold(self._levels)
                cut = next_cut(
                    self._levels,
                    threshold,
                    self._commit,
                    min_seconds=self._min_seconds,
                    max_seconds=self._max_seconds,
                    min_pause=self._min_pause,
                    latest=False,
                )
                if cut is not None:
                    self._commit_to(cut, self._decode(self._commit, cut * FRAME))
                    wait = False  # more may be ready to commit already
                    continue
                if self._partial_due(threshold, last_partial):
                    start, end = self._commit, len(self._levels)
                    partial = self._decode(start, end * FRAME)
                    last_partial = time.monotonic()
                    self._partial_cost = partial.seconds
                    with self._cond:
                        if self._commit == start:
                            self._partial, self._partial_from, self._partial_to = partial, start, end
                        text = self._text_locked()
                    self._notify(text)
        except BaseException as exc:  # surfaced to the caller by finish()
            self._error = exc
        finally:
            with self._cond:
                self._cond.notify_all()

    def _partial_due(self, threshold: float, last_partial: float) -> bool:
        """Refresh the partial when new speech (not silence) arrived: at once when the speaker
        pauses, otherwise at most every ``partial_interval`` and leaving the CPU idle at least
        twice as long as a decode takes."""
        fresh_from = max(self._partial_to, self._commit)
        if (len(self._levels) - fresh_from) * FRAME_SECONDS < 0.3:
            return False
        fresh = self._levels[fresh_from:] > threshold
        if not np.any(fresh):
            return False
        # The speaker just paused: decode now, so a stop here finds every word already heard.
        quiet = len(fresh) - 1 - int(np.flatnonzero(fresh)[-1])
        if quiet * FRAME_SECONDS >= self._min_pause:
            return True
        return time.monotonic() - last_partial >= max(self._partial_interval, 2 * self._partial_cost)

    def _finish_tail(self) -> None:
        started = time.perf_counter()
        threshold = speech_threshold(self._levels)
        total = len(self._levels)
        tail_has_speech = bool(np.any(self._levels[self._partial_to :] > threshold))
        partial = self._partial
        if partial is not None and self._partial_from == self._commit and not tail_has_speech:
            # The latest partial already heard every word: it is the final decode of the tail.
            self._commit_to(total, partial)
        else:
            self.final_audio_seconds = (self._length - self._commit * FRAME) / SAMPLE_RATE
            while self._commit < total:
                cut = next_cut(
                    self._levels,
                    threshold,
                    self._commit,
                    min_seconds=1.0,
                    max_seconds=self._max_seconds,
                    min_pause=self._min_pause,
                    latest=True,
                    final=True,
                )
                cut = total if cut is None else cut
                end = self._length if cut >= total else cut * FRAME
                decoded = self._decode(self._commit, end)
                self.final_model_calls += decoded.model_calls
                self._commit_to(cut, decoded)
        self.final_decode_seconds = time.perf_counter() - started
        with self._cond:
            duration = self._length / SAMPLE_RATE
            self._result = make_transcript(
                list(self._words), list(self._repairs), duration, self._transcriber.model_name
            )
