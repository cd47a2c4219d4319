"""Per-question vocabulary: bias the decoder towards the question's terms, catch the ways biasing
goes wrong, and repair near-misses afterwards.

Biasing is an ``initial_prompt`` ("Glossary: ContextVar, asyncio, ...") given to every piece of
audio; faster-whisper's ``hotwords`` were measured too and looped far more often on tiny.en (bench
notes in bench/bench_wer.py). Biasing helps Whisper spell jargon, but it can also make it loop
("ThreadPoolExecutor, ThreadPoolExecutor, ..."), stop early, glue words together, recite the
glossary or invent a sign-off ("Thank you."). ``find_problems`` looks for those symptoms against
the audio itself (speech regions, words per second, repetition, compression) so the caller can
fall back to an unbiased decode.
``repair`` then fixes what is still a near-miss ("Pidantic" -> "Pydantic", "context bar" ->
"ContextVar"), only for distinctive terms and close matches, and records what was heard.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import jellyfish
from rapidfuzz import fuzz

from audio.transcript import Repair, Word
from audio.wer import wer_words

MAX_PROMPT_TERMS = 40
# Whisper's own fallback threshold for looping output.
COMPRESSION_LIMIT = 2.4
# Read or spontaneous speech runs at 1.5-4 words per second of speaking time.
MIN_WORDS_PER_SECOND = 0.8
MAX_WORDS_PER_SECOND = 6.0


def clean_vocabulary(vocabulary: Sequence[str] | None) -> list[str]:
    """Distinct non-empty terms in their first spelling, at most MAX_PROMPT_TERMS."""
    seen: set[str] = set()
    terms: list[str] = []
    for term in vocabulary or ():
        term = " ".join(str(term).split())
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            terms.append(term)
    return terms[:MAX_PROMPT_TERMS]


def bias_prompt(vocabulary: Sequence[str]) -> str | None:
    """An ``initial_prompt`` listing the terms, in the style Whisper continues from ("Glossary: ...")."""
    terms = clean_vocabulary(vocabulary)
    return f"Glossary: {', '.join(terms)}." if terms else None


# --- detecting a bad biased decode ------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def repeated_phrase(tokens: Sequence[str], max_n: int = 4) -> str | None:
    """A phrase of 1..max_n words said three or more times in a row, as a decoding loop produces.

    Very short single words ("no no no") need five repeats: people do say those.
    """
    keys = [_key(t) for t in tokens]
    keys = [k for k in keys if k]
    for n in range(1, max_n + 1):
        for i in range(len(keys) - 2 * n):
            phrase = keys[i : i + n]
            repeats = 1
            j = i + n
            while keys[j : j + n] == phrase:
                repeats += 1
                j += n
            needed = 5 if n == 1 and len(phrase[0]) < 4 else 3
            if repeats >= needed:
                return " ".join(phrase)
    return None


def glued_words(words: Sequence[str], vocabulary: Sequence[str]) -> list[str]:
    """Words that contain a whole vocabulary term with three or more extra letters stuck on.

    "classmethodrases" or "field_validatorlocking" come from biasing; an inflection of the term
    ("coroutines") is fine, and so are ordinary words that merely share a part with a term
    ("cancellation" next to ``task.cancel``), so only whole terms of six letters or more count.
    """
    keys = {_key(term) for term in vocabulary if len(_key(term)) >= 6}
    glued = []
    for word in words:
        key = _key(word)
        for term in keys:
            at = key.find(term)
            if at < 0 or key == term:
                continue
            extra = key[:at] + key[at + len(term) :]
            if len(extra) >= 3 and extra not in _SUFFIXES:
                glued.append(word)
                break
    return glued


_SUFFIXES = frozenset({"ing", "ers", "ies", "ed", "es", "s", "er", "ses", "ness", "able", "ables"})


def copied_glossary(words: Sequence[str], vocabulary: Sequence[str]) -> str | None:
    """Two prompt terms in a row with only a comma between them ("Pydantic, contextvars,"): the
    decoder is reciting the prompt rather than transcribing."""
    keys = {_key(term) for term in vocabulary if _key(term)}
    for first, second in pairwise(words):
        if first.rstrip().endswith(",") and _key(first) in keys and _key(second) in keys:
            return f"{first.strip()} {second.strip()}"
    return None


# What Whisper writes over silence or a trailing breath (learned from subtitles), not what was said.
_SIGN_OFFS = ("thank you", "thanks for watching", "thank you for watching", "bye")


@dataclass(frozen=True)
class DecodeView:
    """What the detectors need to judge one decode of one stretch of audio."""

    words: Sequence[Word]
    text: str
    duration: float
    speech: Sequence[tuple[float, float]]  # speech regions, seconds from the start of this audio


def find_problems(view: DecodeView, vocabulary: Sequence[str] = ()) -> list[str]:
    """Symptoms of a failed decode; empty when the decode is plausible for the audio."""
    problems: list[str] = []
    tokens = [w.word for w in view.words] or view.text.split()
    phrase = repeated_phrase(tokens)
    if phrase:
        problems.append(f"loop: '{phrase}' repeated")
    if len(view.text) >= 60 and compression_ratio(view.text) > COMPRESSION_LIMIT:
        problems.append(f"loop: compression ratio {compression_ratio(view.text):.1f}")
    ending = " ".join(_key(t) for t in tokens[-4:])
    if any(ending.endswith(phrase) for phrase in _SIGN_OFFS):
        problems.append(f"sign-off Whisper invents at the end: {ending}")
    recited = copied_glossary(tokens, vocabulary)
    if recited:
        problems.append(f"prompt recited: {recited}")
    glued = glued_words(tokens, vocabulary)
    if glued:
        problems.append(f"glued words: {', '.join(glued[:3])}")
    speaking = sum(end - start for start, end in view.speech)
    if speaking >= 2.0:
        rate = len(tokens) / speaking
        if rate < MIN_WORDS_PER_SECOND:
            problems.append(f"truncated: {rate:.1f} words per second of speech")
        elif rate > MAX_WORDS_PER_SECOND:
            problems.append(f"too many words: {rate:.1f} per second of speech")
    if view.words and view.speech:
        last_word = max(w.end for w in view.words)
        unheard = sum(max(0.0, end - max(start, last_word + 1.0)) for start, end in view.speech)
        if unheard >= 1.5:
            problems.append(f"truncated: {unheard:.1f} s of speech after the last word")
        speech_end = max(end for _, end in view.speech)
        late = [w.word for w in view.words if w.start > speech_end + 1.0]
        if late:
            problems.append(f"words after the speech ended: {' '.join(late[:4])}")
    elif not view.words and speaking >= 2.0:
        problems.append("truncated: no words for the speech")
    return problems


# --- repairing near-misses --------------------------------------------------------------------


def _default_is_common(word: str) -> bool:
    return len(word) <= 3


@dataclass(frozen=True)
class _Term:
    text: str
    key: str
    sound: str


class Repairer:
    """Rewrites transcript words that nearly spell a distinctive vocabulary term.

    Conservative by design: terms shorter than 5 letters, or that are ordinary English words
    (``is_common``, e.g. "Field", "Order"), are never targets; a window of ordinary words must both
    spell and sound (metaphone) almost like the term, so "request is" never becomes "request ID".
    """

    def __init__(
        self,
        vocabulary: Sequence[str],
        is_common: Callable[[str], bool] | None = None,
        max_window: int = 4,
    ) -> None:
        self._is_common = is_common or _default_is_common
        self._max_window = max_window
        self._terms = [
            _Term(term, _key(term), jellyfish.metaphone(_key(term)))
            for term in clean_vocabulary(vocabulary)
            if len(_key(term)) >= 5 and not (" " not in term and self._is_common(term.lower()))
        ]

    def _score(self, heard: Sequence[str], term: _Term) -> float:
        key = _key("".join(heard))
        if not key:
            return 0.0
        if key == term.key:
            # Same letters: a repair only when it changes the words ("a sync IO" -> "asyncio"),
            # not just spacing or case ("context var", "field validator" already match).
            return 100.0 if wer_words(" ".join(heard)) != wer_words(term.text) else 0.0
        if key.startswith(term.key) and len(key) - len(term.key) <= 2:
            return 0.0  # an inflection of the term ("coroutines", "Pydantic's") is already right
        if abs(len(key) - len(term.key)) > max(1, len(term.key) // 8):
            return 0.0  # part of a word is not the word ("dantic")
        spelled = fuzz.ratio(key, term.key)
        if len(heard) > 1 and any(
            fuzz.ratio(_key("".join(part)), term.key) >= spelled for part in (heard[1:], heard[:-1])
        ):
            return 0.0  # an edge word adds nothing ("a field -validator"): it is not part of the term
        sounded = fuzz.ratio(jellyfish.metaphone(key), term.sound)
        needed = 85.0 if len(term.key) >= 8 else 88.0
        if all(self._is_common(_key(w)) for w in heard):
            # ordinary words must spell *and* sound like the term
            return spelled if spelled >= 90.0 and sounded >= 80.0 else 0.0
        if spelled >= needed or (sounded == 100.0 and spelled >= 75.0):
            return spelled
        return 0.0

    def repair(self, words: Sequence[Word]) -> tuple[list[Word], list[Repair]]:
        """Words with near-misses replaced by the term (timed over the words it replaces)."""
        if not self._terms or not words:
            return list(words), []
        texts = [w.word.strip() for w in words]
        candidates: list[tuple[float, int, int, _Term]] = []
        for i in range(len(words)):
            for n in range(1, self._max_window + 1):
                if i + n > len(words):
                    break
                for term in self._terms:
                    score = self._score(texts[i : i + n], term)
                    if score:
                        candidates.append((score, i, n, term))
        taken: dict[int, tuple[int, _Term]] = {}
        used: set[int] = set()
        for _score, i, n, term in sorted(candidates, key=lambda c: (-c[0], c[2])):
            span = set(range(i, i + n))
            if span & used:
                continue
            used |= span
            taken[i] = (n, term)
        out: list[Word] = []
        repairs: list[Repair] = []
        i = 0
        while i < len(words):
            if i not in taken:
                out.append(words[i])
                i += 1
                continue
            n, term = taken[i]
            span = words[i : i + n]
            heard = " ".join(texts[i : i + n])
            trailing = re.search(r"[.,!?;:]+$", texts[i + n - 1])
            lead = " " if span[0].word.startswith(" ") else ""
            out.append(
                Word(
                    word=f"{lead}{term.text}{trailing.group() if trailing else ''}",
                    start=span[0].start,
                    end=span[-1].end,
                    probability=min(w.probability for w in span),
                )
            )
            repairs.append(Repair(heard=heard.strip(".,!?;:"), as_=term.text, start=span[0].start))
            i += n
        return out, repairs
