"""Turn spoken or written technical English into comparable tokens.

One normalizer serves the transcript, the bank's spoken forms and the importer, so that
"asyncio.to_thread", "asyncio to thread" and "async IO dot to thread" meet as the same words.
Every token keeps its character span in the original text, for evidence highlighting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# A word, optionally with a contraction ("don't", "it's"); code punctuation splits words.
_CHUNK = re.compile(r"[A-Za-z0-9_]+(?:['’][A-Za-z]+)?")
# camelCase / PascalCase / acronym / digit boundaries inside one chunk.
_PIECE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
# Spoken punctuation of code: said aloud, meaning nothing to the matcher.
_SPOKEN_PUNCTUATION = frozenset({"dot", "underscore", "slash", "equals", "colon", "parenthesis", "paren"})
# Sentence or clause ends that scope negation.
_CLAUSE_END = re.compile(r"[.!?;]+(?=\s|$)")
# "..., right?" asks for agreement with what was just claimed: the clause still claims it.
_TAG_QUESTION = re.compile(r"[,\s](?:right|yeah|correct|no|huh|yes)$", re.IGNORECASE)
# A sentence ending in "?" asks ("Could you just use a thread lock?", "Hardcoding the full path on
# every route? No."), unless it is a hedged statement said with a rising voice: "I think the loop
# is multithreaded?".
_ASKING = re.compile(
    r"(?:^|[,:])\s*(?:(?:so|and|but|well|now|okay|ok|um|uh|then|like)\W+)*"
    r"(?:can|could|do|does|did|is|are|was|were|should|would|will|shall|must|have|has|why|what|how|"
    r"where|which|who|isn't|aren't|doesn't|don't|didn't|wouldn't|shouldn't|couldn't|can't)\b",
    re.IGNORECASE,
)
_UPTALK = re.compile(
    r"\b(?:i think|i believe|i guess|i suppose|i'd say|i would say|i feel like|maybe|probably|kind of|"
    r"sort of)\b",
    re.IGNORECASE,
)

_NUMBERS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "hundred": "100",
    "thousand": "1000",
    "first": "1",
    "second": "2",
    "third": "3",
}
_NOT_CONTRACTIONS = {"can": "can", "won": "will", "shan": "shall", "ain": "is"}

STOPWORDS = frozenset(
    """a an the of to in on for is are was were be been being it its it's this that these those and or
    with as by at so i you we they he she my your our their then there here can will would could
    should do does did have has had me us them from into about which what when how also very really
    kind sort like um uh er hmm basically actually yeah okay ok well right some all get gets got
    s one""".split()
)

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem of a lower-case word; digits and very short words are kept as they are."""
    if len(word) <= 3 or word.isdigit():
        return word
    return _stemmer.stemWord(word)


@dataclass(frozen=True, slots=True)
class Token:
    """One normalized word with the span of original text it came from."""

    text: str  # lower-case canonical form ("thread", "0", "not")
    stem: str
    start: int
    end: int
    clause: int  # index of the clause/sentence the token is in
    asked: bool = False  # the clause ends with "?": what it says is asked, not claimed
    after_comma: bool = False  # a comma stands between this token and the one before

    @property
    def is_stop(self) -> bool:
        return self.text in STOPWORDS


def _split_chunk(chunk: str) -> list[tuple[str, int, int]]:
    """Split one chunk into (lower-case piece, start, end) relative to the chunk."""
    body, apostrophe, suffix = chunk.replace("’", "'").partition("'")
    pieces: list[tuple[str, int, int]] = []
    for part in re.finditer(r"[^_]+", body):
        for m in _PIECE.finditer(part.group()):
            pieces.append((m.group().lower(), part.start() + m.start(), part.start() + m.end()))
    if not apostrophe or not pieces:
        return pieces
    suffix = suffix.lower()
    if suffix == "t" and pieces[-1][0].endswith("n"):  # don't, can't, won't, isn't
        word, s, e = pieces[-1]
        base = _NOT_CONTRACTIONS.get(word, word[:-1])
        pieces[-1] = (base, s, e)
        pieces.append(("not", e, len(chunk)))
    # 's, 're, 'll, 've, 'd, 'm carry nothing the matcher needs.
    return pieces


def _uptalk(sentence: str) -> bool:
    return bool(_UPTALK.search(sentence)) and not _ASKING.search(sentence)


def tokenize(text: str) -> list[Token]:
    """Normalize ``text`` into tokens: lower case, code split into words, numbers as digits."""
    ends = list(_CLAUSE_END.finditer(text))
    clause_starts = [m.end() for m in ends]
    asked = [
        "?" in m.group()
        and not _TAG_QUESTION.search(text[max(0, m.start() - 12) : m.start()])
        and not _uptalk(text[ends[k - 1].end() if k else 0 : m.start()])
        for k, m in enumerate(ends)
    ]
    asked.append(False)
    tokens: list[Token] = []
    clause = 0
    previous_end = 0
    for m in _CHUNK.finditer(text):
        comma = "," in text[previous_end : m.start()]
        previous_end = m.end()
        while clause < len(clause_starts) and clause_starts[clause] <= m.start():
            clause += 1
        for word, s, e in _split_chunk(m.group()):
            if word in _SPOKEN_PUNCTUATION:
                continue
            word = _NUMBERS.get(word, word)
            start, end = m.start() + s, m.start() + e
            tokens.append(Token(word, stem(word), start, end, clause, asked[clause], comma))
            comma = False
    return tokens


def normalized_text(text: str) -> str:
    """The normalized words of ``text`` joined by spaces (for display, ids and tests)."""
    return " ".join(t.text for t in tokenize(text))
