"""When does a heard word count as a word of the question's vocabulary?

Speech recognition mangles jargon in two ways: it misspells it ("Pidantic", "filled" for Field,
"quarantines" for coroutines) and it splits or glues it ("a sync IO", "APIrouter", "context bar").
Spelling similarity (rapidfuzz) and sound similarity (metaphone, jellyfish) together catch the
first; comparing words joined without spaces catches the second. A heard word that is itself a
word the bank uses is taken at face value, so "module" never turns into "model".
"""

from __future__ import annotations

from functools import lru_cache

import jellyfish
from rapidfuzz import fuzz


@lru_cache(maxsize=262144)
def sounds_like(expected: str, heard: str) -> bool:
    """Whether ``heard`` is a plausible mis-recognition of the vocabulary word ``expected``.

    Both are lower-case normalized words (or several joined without spaces). Short words
    must match exactly: with four letters or fewer, one changed letter is another word.
    """
    if expected == heard:
        return True
    if _digits(expected) != _digits(heard):
        return False  # numbers are said as digits already: "returns" is not "return 400"
    if len(expected) < 5 or len(heard) < 4 or expected.isdigit() or heard.isdigit():
        return False
    if min(len(expected), len(heard)) / max(len(expected), len(heard)) < 0.75:
        return False  # a whole syllable missing or added is another word ("context" vs "ContextVar")
    spelling = fuzz.ratio(expected, heard)
    if spelling >= 85:
        return True
    code_e, code_h = jellyfish.metaphone(expected), jellyfish.metaphone(heard)
    if code_e == code_h:
        # Same sound, different letters: "filled"/"field", "a senseo"/"asyncio".
        return spelling >= (55 if len(expected) >= 7 else 70)
    # Long words keep their shape through a mishearing: "quarantines"/"coroutines".
    return len(expected) >= 8 and spelling >= 50 and fuzz.ratio(code_e, code_h) >= 85


def _digits(word: str) -> str:
    return "".join(c for c in word if c.isdigit())


def glue_fits(target: str, pieces: list[str]) -> bool:
    """Whether heard ``pieces`` glued together stand for ``target`` ("a sync io" for asyncio).

    Every piece must earn its place: if the window without its first or last piece is at least
    as close, the glue is an accident of a neighbouring word ("it freezes" is not "freezes").
    """
    heard = "".join(pieces)
    if heard == target:
        return True
    if len(target) < 6 or not sounds_like(target, heard):
        return False
    score = fuzz.ratio(target, heard)
    trimmed = ["".join(pieces[1:]), "".join(pieces[:-1])] if len(pieces) > 1 else []
    return all(fuzz.ratio(target, t) < score for t in trimmed if t)
