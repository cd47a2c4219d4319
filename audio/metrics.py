"""Speech metrics of one spoken answer: pace, pauses, hesitations and discourse fillers."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from audio.dsp import SAMPLE_RATE, load_mono, resample, to_mono
from audio.hesitations import detect_hesitations
from audio.transcript import Transcript, Word

PAUSE_SECONDS = 0.6  # a silence longer than this is a pause
LONG_PAUSE_SECONDS = 3.0  # pauses this long are listed with their position
DUPLICATE_SLACK = 0.3  # an audio detection this close to a transcribed "uh" is that "uh"
BOUNDARY_GAP = 0.3  # a silence this long acts as a comma when Whisper wrote none

HESITATIONS = frozenset("um umm ummm uhm uh uhh uhhh er err erm ah ahh eh hm hmm hmmm mm mmm".split())
_PUNCT_AFTER = re.compile(r"[,.;:!?…—–-]$")
_SENTENCE_END = re.compile(r"[.!?…]$")

# Context words for the heuristics in ``_discourse_fillers`` (see its docstring).
_LIKE_AS_VERB = frozenset(
    "i you we they people i'd you'd we'd they'd would wouldn't don't doesn't didn't do does did to "
    "really also might will 'd who".split()
)
_LIKE_AS_PREPOSITION = frozenset(
    "look looks looked looking seem seems seemed sound sounds sounded feel feels felt something "
    "anything nothing just much more exactly is it's was that's be being are were things stuff".split()
)
_CLAUSE_JOINERS = frozenset("and but so or because then well yeah okay".split())
_KNOW_OBJECTS = frozenset(
    "what how that the a an it this these those about why when where who which whether if him her "
    "them me us my your his their our its".split()
)
_MEAN_OBJECTS = frozenset("that it the to this what".split())
_KIND_DETERMINERS = frozenset(
    "a an the this that what which any some every each one another same different other no its "
    "their our my your his her".split()
)
_ALWAYS_FILLERS = frozenset("basically actually literally honestly".split())


class Pause(BaseModel):
    start: float  # seconds from the start of the recording
    duration: float
    after_word: str | None = None  # the word the pause follows


class Hesitation(BaseModel):
    start: float
    end: float
    source: Literal["transcript", "audio"]
    word: str | None = None  # as transcribed, when it was


class Filler(BaseModel):
    phrase: str  # canonical form: "like", "you know", "sort of", ...
    start: float


class SpeechMetrics(BaseModel):
    """Pace, pauses and fillers of one answer.

    *Speaking time* runs from the first word to the last, less pauses (silences over 0.6 s);
    *words per minute* divides the words (hesitations excluded) by it. With the audio, pauses
    are measured on the waveform; without it, from gaps between word timestamps.

    *Hesitations* (um, uh, er, hmm): Whisper drops most of them, so a transcript alone cannot show
    their absence. With the audio, ``audio.hesitations`` adds filled pauses found on the waveform
    (steady voiced sound that no word accounts for); ``hesitations_measured_by`` says so. Without
    audio and with none transcribed, ``hesitations`` is ``None``: not measured, never a false 0.
    Measured with ``bench/bench_hesitations.py``: answers synthesized by espeak-ng (5 voices,
    140-195 wpm, light noise) with um/uh/er/erm/hmm inserted at known places (half drawn out),
    transcribed by Whisper tiny.en. A found hesitation matches a true one within 0.25 s.

    ========================  =========  ======  =======================================
    corpus (fillers)          precision  recall  fluent answers given a false hesitation
    ========================  =========  ======  =======================================
    seed 7, tuned on (73)     0.92       0.63    2 of 18
    seed 11, looked at (86)   0.93       0.65    1 of 18
    seed 23, held out (80)    0.90       0.69    2 of 18
    Whisper's text alone      0.93-1.00  0.17-0.24  --
    ========================  =========  ======  =======================================

    So the count is a floor that misses about a third: short (< 0.2 s) or gliding fillers, and
    fillers run into a word. Synthetic speech is steadier than a person's; expect lower figures
    on real recordings until measured on some.
    """

    duration: float
    speaking_time: float
    word_count: int
    words_per_minute: float | None = None
    pause_count: int
    long_pauses: list[Pause] = Field(default_factory=list)
    pauses_measured_by: Literal["audio", "transcript"]
    hesitations: int | None = None
    hesitations_measured_by: Literal["transcript", "transcript+audio", "not measured"]
    hesitation_list: list[Hesitation] = Field(default_factory=list)
    discourse_fillers: int
    discourse_filler_counts: dict[str, int] = Field(default_factory=dict)
    discourse_filler_list: list[Filler] = Field(default_factory=list)


def normalise(word: str) -> str:
    """Lower case without surrounding punctuation; inner apostrophes kept ("it's")."""
    return re.sub(r"^[^\w']+|[^\w']+$", "", word.lower().replace("’", "'"))


def compute_metrics(
    transcript: Transcript, audio: np.ndarray | str | Path | None = None, sample_rate: int = SAMPLE_RATE
) -> SpeechMetrics:
    """Metrics of a transcript; pass the recording (16 kHz array, or a file) for the audio measures."""
    if audio is not None and not isinstance(audio, np.ndarray):
        audio = load_mono(audio)
    elif audio is not None and sample_rate != SAMPLE_RATE:
        audio = resample(to_mono(audio), sample_rate, SAMPLE_RATE)
    words = [w for w in transcript.words if normalise(w.word)]
    spoken = [w for w in words if normalise(w.word) not in HESITATIONS]
    duration = max(transcript.duration, len(audio) / SAMPLE_RATE if audio is not None else 0.0)
    if audio is not None and words:
        pauses, by = _pauses_in_audio(audio, words), "audio"
    else:
        pauses, by = _pauses_between_words(words), "transcript"
    span = (words[-1].end - words[0].start) if words else 0.0
    speaking = max(0.0, span - sum(p.duration for p in pauses))
    hesitations, measured_by, listed = _hesitations(words, audio)
    fillers = _discourse_fillers(words)
    return SpeechMetrics(
        duration=round(duration, 3),
        speaking_time=round(speaking, 3),
        word_count=len(spoken),
        words_per_minute=round(len(spoken) / speaking * 60, 1) if speaking > 0 and spoken else None,
        pause_count=len(pauses),
        long_pauses=[p for p in pauses if p.duration >= LONG_PAUSE_SECONDS],
        pauses_measured_by=by,
        hesitations=hesitations,
        hesitations_measured_by=measured_by,
        hesitation_list=listed,
        discourse_fillers=len(fillers),
        discourse_filler_counts=dict(Counter(f.phrase for f in fillers)),
        discourse_filler_list=fillers,
    )


def _word_before(words: list[Word], t: float) -> str | None:
    before = [w for w in words if w.start < t]
    return normalise(before[-1].word) if before else None


def _pauses_between_words(words: list[Word]) -> list[Pause]:
    return [
        Pause(start=round(a.end, 2), duration=round(b.start - a.end, 2), after_word=normalise(a.word))
        for a, b in itertools.pairwise(words)
        if b.start - a.end > PAUSE_SECONDS
    ]


def _pauses_in_audio(audio: np.ndarray, words: list[Word]) -> list[Pause]:
    """Silences over 0.6 s between the first and the last word, from 10 ms frame energies."""
    hop = SAMPLE_RATE // 100
    n = len(audio) // hop
    if n == 0:
        return []
    energy = 10 * np.log10(np.mean(audio[: n * hop].reshape(n, hop).astype(np.float64) ** 2, axis=1) + 1e-12)
    speech_floor = np.percentile(energy, 10)
    silent = energy < max(speech_floor + 12, np.percentile(energy, 95) - 40)
    first, last = int(words[0].start * 100), min(n, int(np.ceil(words[-1].end * 100)))
    pauses: list[Pause] = []
    i = first
    while i < last:
        if silent[i]:
            j = i
            while j < last and silent[j]:
                j += 1
            if (j - i) / 100 > PAUSE_SECONDS:
                pauses.append(
                    Pause(start=i / 100, duration=(j - i) / 100, after_word=_word_before(words, i / 100))
                )
            i = j
        else:
            i += 1
    return pauses


def _hesitations(
    words: list[Word], audio: np.ndarray | None
) -> tuple[int | None, Literal["transcript", "transcript+audio", "not measured"], list[Hesitation]]:
    listed = [
        Hesitation(start=w.start, end=w.end, source="transcript", word=w.word)
        for w in words
        if normalise(w.word) in HESITATIONS
    ]
    if audio is not None:
        for start, end in detect_hesitations(audio, words):
            # Whisper's timestamps for an "uh" it did write can be off by a few tenths of a second.
            if not any(h.start < end + DUPLICATE_SLACK and h.end > start - DUPLICATE_SLACK for h in listed):
                listed.append(Hesitation(start=round(start, 2), end=round(end, 2), source="audio"))
        listed.sort(key=lambda h: h.start)
        return len(listed), "transcript+audio", listed
    if listed:
        return len(listed), "transcript", listed  # a lower bound: Whisper drops most of them
    return None, "not measured", []


def _discourse_fillers(words: list[Word]) -> list[Filler]:
    """Discourse fillers by context, erring towards *not* counting a word that carries meaning.

    A *boundary* is punctuation Whisper wrote, or a silence of 0.3 s or more.
    * like -- a filler when set off on both sides ("it's, like, slow"); otherwise never after a
      subject, modal or "to" (verb: "I like", "would like") nor after look/seem/sound/feel,
      something, just, more, is/it's/was (comparison: "looks like", "it's like a queue"); a filler
      after a boundary or a joining word ("and like the scheduler ..."), before a boundary, when
      repeated, or before a hesitation. Anything else is taken as meaningful.
    * you know -- not when an object or clause follows without a pause ("you know how X works").
    * I mean -- not after what/which/that/do/if, nor before that/it/the/to/this/what.
    * sort of / kind of -- not after a determiner ("a kind of lock", "what sort of index").
    * so -- only opening a sentence and followed by a boundary ("So, ..."), or closing the answer.
    * right -- only as a tag ("right?") or opening a sentence followed by a boundary.
    * well -- only opening a sentence and followed by a boundary.
    * basically, actually, literally, honestly -- always.
    """
    toks = [normalise(w.word) for w in words]
    n = len(toks)

    def boundary_after(i: int) -> bool:
        if i >= n - 1:
            return True
        return (
            bool(_PUNCT_AFTER.search(words[i].word.strip()))
            or words[i + 1].start - words[i].end >= BOUNDARY_GAP
        )

    def sentence_start(i: int) -> bool:
        return i == 0 or bool(_SENTENCE_END.search(words[i - 1].word.strip()))

    def prev(i: int) -> str:
        return toks[i - 1] if i > 0 else ""

    def nxt(i: int) -> str:
        return toks[i + 1] if i + 1 < n else ""

    found: list[Filler] = []
    i = 0
    while i < n:
        tok, phrase, width = toks[i], None, 1
        if tok == "you" and nxt(i) == "know":
            width = 2
            if boundary_after(i + 1) or nxt(i + 1) not in _KNOW_OBJECTS:
                phrase = "you know" if prev(i) not in {"do", "did", "if", "as", "whether"} else None
        elif tok == "i" and nxt(i) == "mean":
            width = 2
            blocked = prev(i) in {"what", "which", "that", "do", "did", "don't", "didn't", "if"}
            if not blocked and (boundary_after(i + 1) or nxt(i + 1) not in _MEAN_OBJECTS):
                phrase = "I mean"
        elif tok in {"sort", "kind"} and nxt(i) == "of":
            width = 2
            phrase = None if prev(i) in _KIND_DETERMINERS else f"{tok} of"
        elif tok == "like":
            phrase = "like" if _like_is_filler(i, toks, boundary_after, sentence_start) else None
        elif tok == "so":
            opening = sentence_start(i) and boundary_after(i) and i < n - 1
            phrase = "so" if opening or (i == n - 1 and n > 1) else None
        elif tok == "right":
            tag = words[i].word.strip().endswith("?")
            phrase = "right" if tag or (sentence_start(i) and boundary_after(i) and i < n - 1) else None
        elif tok == "well":
            phrase = "well" if sentence_start(i) and boundary_after(i) and i < n - 1 else None
        elif tok in _ALWAYS_FILLERS:
            phrase = tok
        if phrase is not None:
            found.append(Filler(phrase=phrase, start=words[i].start))
        i += width if phrase is not None else 1
    return found


def _like_is_filler(
    i: int, toks: list[str], boundary_after: Callable[[int], bool], sentence_start: Callable[[int], bool]
) -> bool:
    before = toks[i - 1] if i > 0 else ""
    after = toks[i + 1] if i + 1 < len(toks) else ""
    boundary_before = i == 0 or boundary_after(i - 1)
    if boundary_before and boundary_after(i) and i > 0:
        return True
    if before in _LIKE_AS_VERB or before in _LIKE_AS_PREPOSITION:
        return False
    if after == "like" or before == "like" or after in HESITATIONS:
        return True
    if sentence_start(i):
        return boundary_after(i)  # "Like, ..." yes; "Like threads, processes ..." no
    return boundary_before or before in _CLAUSE_JOINERS or boundary_after(i)
