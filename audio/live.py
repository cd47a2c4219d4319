"""Live transcription while the person speaks, so that stopping leaves only the tail to decode.

The recorder thread calls ``feed`` with each block (cheap: convert and queue). A worker thread
decodes: each time the speaker pauses after a few seconds of speech it decodes the stretch up to
the pause and *commits* it (words with timestamps, never decoded again); in between it refreshes
a *partial* decode of the uncommitted tail, for display. ``finish`` decodes only what is left —
often nothing, because the final pause was already committed, or the fresh partial already covers
every word said.

Partials are reused wherever they already heard the audio, because much of a decode's cost is
fixed (Whisper's encoder always sees 30 s; on 2 cores 2 s of audio took about half as long as
25 s): the partial taken when the speaker pauses becomes the commit at that pause, and at a stop
mid-sentence the latest partial's settled words are kept up to a pause (or, in a long run of
speech, a gap between words) and only the rest is decoded again (see ``audio.live_cuts``).
Commits are never cut at mere word gaps while the person speaks: measured, that lost the left
context Whisper needs and raised the word error rate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from audio.live_cuts import repairs_before, stable_cut
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
    The partial is refreshed as soon as the speaker has paused ``pause_partial`` (so a stop soon
    after the last word finds it done) and then serves as the commit at that pause.

    At stop, words within ``stable_margin`` of the latest partial's end are never taken as settled
    (Whisper revises them); ``word_gap`` is the shortest silence between words to cut at.
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
        stable_margin: float = 0.5,
        word_gap: float = 0.04,
        pause_partial: float = 0.2,
    ) -> None:
        self._transcriber = transcriber
        self._vocabulary = clean_vocabulary(vocabulary)
        self._on_partial = on_partial
        self._min_seconds = min_seconds
        self._max_seconds = max_seconds
        self._min_pause = min_pause
        self._partial_interval = partial_interval
        self._margin_frames = round(stable_margin / FRAME_SECONDS)
        self._word_gap = word_gap
        self._pause_partial = pause_partial

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
        self.partial_commits = 0  # commits that reused a partial's words instead of decoding again

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
            if self._partial is not None:
                if self._partial_to <= cut:
                    self._partial = None
                else:  # keep what the partial heard after the cut, for display and for finish()
                    at = cut * FRAME_SECONDS
                    _, rest = repairs_before(self._partial.repairs, at)
                    words = [w for w in self._partial.words if (w.start + w.end) / 2 >= at]
                    self._partial = Decoded(words, rest, self._partial.biased)
                    self._partial_from = cut
            text = self._text_locked()
        self._notify(text)

    def _settle_partial(self) -> None:
        """At stop: commit the latest partial's words up to its last pause (or, if that would leave
        more than ``min_seconds`` to decode, its last gap between words) that lies at least
        ``stable_margin`` before the end of the audio it heard, so only the rest is decoded again."""
        partial, end = self._partial, self._partial_to
        if partial is None or self._partial_from != self._commit:
            return
        threshold = speech_threshold(self._levels)

        def cut_at(gap: float) -> tuple[int, int] | None:
            last = end - self._margin_frames
            return stable_cut(partial.words, self._levels, threshold, self._commit, last, gap, 0.1)

        found = cut_at(self._min_pause)
        if found is None or (len(self._levels) - found[0]) * FRAME_SECONDS > self._min_seconds:
            found = cut_at(self._word_gap) or found
        if found is None:
            return
        cut, count = found
        head, _ = repairs_before(partial.repairs, cut * FRAME_SECONDS)
        self._commit_to(cut, Decoded(partial.words[:count], head, partial.biased))
        self.partial_commits += 1

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
                    heard = self._partial_through(cut)
                    self.partial_commits += heard is not None
                    self._commit_to(cut, heard or self._decode(self._commit, cut * FRAME))
                    wait = False  # more may be ready to commit already
                    continue
                if self._partial_due(threshold, last_partial):
                    start, end = self._commit, len(self._levels)
                    partial = self._decode(start, end * FRAME)
                    last_partial = time.monotonic()
                    self._partial_cost = partial.seconds
                    with self._cond:
                        self._partial, self._partial_from, self._partial_to = partial, start, end
                        text = self._text_locked()
                    self._notify(text)
        except BaseException as exc:  # surfaced to the caller by finish()
            self._error = exc
        finally:
            with self._cond:
                self._cond.notify_all()

    def _partial_through(self, cut: int) -> Decoded | None:
        """The latest partial's words before frame ``cut``, if it heard all the audio up to the cut
        (the pause-triggered partial usually has) and no word runs through the cut; else None."""
        partial = self._partial
        if partial is None or self._partial_from != self._commit or self._partial_to < cut:
            return None
        at = cut * FRAME_SECONDS
        head = [w for w in partial.words if (w.start + w.end) / 2 < at]
        rest = partial.words[len(head) :]
        if not head or head[-1].end > at + 0.1 or (rest and rest[0].start < at - 0.1):
            return None  # (no words: it may have failed to hear them; decode the stretch itself)
        return Decoded(head, repairs_before(partial.repairs, at)[0], partial.biased)

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
        if quiet * FRAME_SECONDS >= self._pause_partial:
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
            # Speech went on after the partial: keep its settled words, decode only what follows.
            self._settle_partial()
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
