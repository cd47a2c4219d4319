"""Word error rate, for measuring transcription (tests and benchmarks).

Text is compared as spoken words: lower case, code split the way it is said ("ContextVar" ->
"context var", "asyncio.to_thread" -> "asyncio to thread"), punctuation and the spoken names of
code punctuation ("dot", "underscore") dropped, so "threading.local" and "threading dot local" meet.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

_CHUNK = re.compile(r"[A-Za-z0-9']+")
_PIECE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z']+|[A-Z]+|[0-9]+")
_SPOKEN_PUNCTUATION = frozenset({"dot", "underscore", "slash", "hyphen", "dash"})


def wer_words(text: str) -> list[str]:
    """The words of ``text`` as they would be spoken, for comparison."""
    words: list[str] = []
    for chunk in _CHUNK.findall(text.replace("’", "'")):
        for piece in _PIECE.findall(chunk):
            word = piece.lower().strip("'")
            if word and word not in _SPOKEN_PUNCTUATION:
                words.append(word)
    return words


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, number of reference words)."""
    ref, hyp = wer_words(reference), wer_words(hypothesis)
    return Levenshtein.distance(ref, hyp), len(ref)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word error rate of ``hypothesis`` against ``reference`` (0.0 is perfect; can exceed 1)."""
    errors, total = word_errors(reference, hypothesis)
    return errors / total if total else float(bool(wer_words(hypothesis)))
