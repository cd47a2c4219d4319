"""Spoken forms: compile a bank's ``say`` strings and find them in a transcript.

A form is one or more parts joined by ``+``. A part is an ordered run of words that must appear
in order, with a few other words allowed in between; all parts must fall within one window of
speech. See ``questions/model.py`` for the syntax as a bank author sees it, and
``docs/matching.md`` for the method.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from questions.normalize import STOPWORDS, Token, tokenize
from questions.similarity import glue_fits, sounds_like

MAX_GAP_WORDS = 3  # content words allowed between two words of a part
MAX_GAP_TOKENS = 6  # all tokens (glue words included) allowed between two words of a part
PART_WINDOW = 25  # tokens spanned by all parts of a ``+`` form
MAX_GLUE = 3  # tokens that may be glued into, or split out of, one word


@dataclass(frozen=True, slots=True)
class Part:
    words: tuple[str, ...]
    stems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Form:
    source: str
    parts: tuple[Part, ...]

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(s for p in self.parts for s in p.stems)


def compile_part(text: str) -> Part | None:
    tokens = tokenize(text)
    content = [t for t in tokens if not t.is_stop]
    # Glue words are optional, unless the form is little more than glue ("to thread").
    kept = content if len(content) >= 2 else tokens
    if not kept:
        return None
    return Part(tuple(t.text for t in kept), tuple(t.stem for t in kept))


def compile_form(text: str) -> Form | None:
    """Compile one ``say`` string; None when nothing matchable is left (only glue words)."""
    parts = [compile_part(p) for p in text.split("+")]
    if not parts or any(p is None for p in parts):
        return None
    return Form(text, tuple(p for p in parts if p is not None))


@dataclass(frozen=True, slots=True)
class Found:
    """Where a form was found: token range, and the near-misses it relied on."""

    first: int
    last: int  # inclusive
    used: frozenset[int]  # token indices consumed by the form's words
    repairs: tuple[tuple[int, int, str], ...] = ()  # (first token, last token, expected word)


@dataclass
class Heard:
    """A transcript prepared for searching: tokens plus the bank's guarded vocabulary."""

    text: str
    guarded: frozenset[str] = frozenset()  # stems the bank uses: such heard words are taken as said
    tokens: list[Token] = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = tokenize(self.text)
        self._joined: dict[tuple[int, int], str] = {}

    def joined(self, start: int, count: int) -> str:
        key = (start, count)
        if key not in self._joined:
            self._joined[key] = "".join(t.text for t in self.tokens[start : start + count])
        return self._joined[key]

    def word_matches(self, index: int, word: str, word_stem: str) -> bool:
        tok = self.tokens[index]
        if tok.stem == word_stem or tok.text == word:
            return True
        if tok.stem in self.guarded or word in STOPWORDS or tok.is_stop:
            return False
        return sounds_like(word, tok.text)

    def _step(self, part: Part, j: int, q: int) -> Iterator[tuple[int, int, bool]]:
        """Ways form word ``j`` (maybe glued with the next) matches at token ``q``.

        Yields (form words consumed, tokens consumed, exact).
        """
        n = len(self.tokens)
        if self.word_matches(q, part.words[j], part.stems[j]):
            tok = self.tokens[q]
            yield 1, 1, tok.stem == part.stems[j] or tok.text == part.words[j]
        for b in range(1, min(MAX_GLUE, len(part.words) - j) + 1):
            target = "".join(part.words[j : j + b])
            for a in range(1, min(MAX_GLUE, n - q) + 1):
                if a == b == 1:
                    continue
                heard = self.joined(q, a)
                if heard[0] != target[0] and len(target) < 7:
                    continue
                if heard == target:
                    yield b, a, True
                elif glue_fits(target, [t.text for t in self.tokens[q : q + a]]):
                    yield b, a, False

    def _extend(self, part: Part, j: int, q: int, used: list[int], repairs: list) -> int | None:
        """Match form words ``j..`` starting at or after token ``q``; return the last token used."""
        if j == len(part.words):
            return used[-1]
        n = len(self.tokens)
        skipped_words = 0
        for pos in range(q, min(n, q + MAX_GAP_TOKENS + 1)):
            for words, toks, exact in self._step(part, j, pos):
                used.extend(range(pos, pos + toks))
                if not exact:
                    repairs.append((pos, pos + toks - 1, " ".join(part.words[j : j + words])))
                end = self._extend(part, j + words, pos + toks, used, repairs)
                if end is not None:
                    return end
                del used[len(used) - toks :]
                if not exact:
                    repairs.pop()
            if j == 0:
                return None  # the first word anchors the match where the search started
            if not self.tokens[pos].is_stop:
                skipped_words += 1
                if skipped_words > MAX_GAP_WORDS:
                    return None
        return None

    def find_part(self, part: Part) -> Iterator[Found]:
        """Every place the part occurs, earliest first, non-overlapping."""
        start = 0
        while start < len(self.tokens):
            used: list[int] = []
            repairs: list[tuple[int, int, str]] = []
            end = self._extend(part, 0, start, used, repairs)
            if end is None:
                start += 1
                continue
            yield Found(used[0], end, frozenset(used), tuple(repairs))
            start = end + 1

    def find(self, form: Form) -> Iterator[Found]:
        """Every place the whole form occurs (all parts within one window), earliest first."""
        if len(form.parts) == 1:
            yield from self.find_part(form.parts[0])
            return
        hits = [list(self.find_part(p)) for p in form.parts]
        if any(not h for h in hits):
            return
        for anchor in hits[0]:
            chosen = [anchor]
            for others in hits[1:]:
                near = [f for f in others if abs(f.first - anchor.first) <= PART_WINDOW]
                if not near:
                    break
                chosen.append(min(near, key=lambda f: abs(f.first - anchor.first)))
            else:
                first = min(f.first for f in chosen)
                last = max(f.last for f in chosen)
                if last - first <= PART_WINDOW + 8:
                    yield Found(
                        first,
                        last,
                        frozenset().union(*(f.used for f in chosen)),
                        tuple(r for f in chosen for r in f.repairs),
                    )
