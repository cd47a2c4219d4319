"""Spoken forms: compile a bank's ``say`` strings and find them in a transcript.

A form is one or more parts joined by ``+``. A part is an ordered run of words that must appear
in order, with a few other words allowed in between; all parts must fall within one window of
speech. See ``questions/model.py`` for the syntax as a bank author sees it, and
``docs/matching.md`` for the method.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz

from questions.normalize import STOPWORDS, Token, tokenize
from questions.similarity import glue_fits, sounds_like

MAX_GAP_TOKENS = 6  # all tokens (glue words included) allowed between two words of a part


def max_gap_words(part_length: int) -> int:
    """Content words allowed between two words of a part: short forms must stay tight, or
    "a lock is a lock" would match any two locks in a sentence."""
    return 1 if part_length <= 3 else min(3, part_length - 2)


# Words that sharpen a form ("just use a thread lock") but cannot carry one alone.
_WEAK = frozenset({"just", "not", "no"})
_JOINS = frozenset({"so", "and", "but", "because"})  # after a comma: a new thought
_ARTICLES = frozenset({"a", "an", "the"})
PART_WINDOW = 25  # tokens spanned by all parts of a ``+`` form
MAX_GLUE = 3  # tokens that may be glued into, or split out of, one word
SPELLED_ALIKE = 85  # rapidfuzz ratio for form words heard glued in another number of words
WORD_FOR_WORD = 60  # rapidfuzz ratio each heard word needs to its form word in a same-length glue
SHORT_WORD = 80  # ... and a short word heard shorter (of three letters at least, "lok" for "lock")


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
    if all(t.text in _WEAK for t in content):
        return None  # only glue words ("just slash"): it would match everywhere
    if sum(t.text not in _WEAK for t in content) >= 2:
        kept = content
    elif len(content) >= 2:
        # "just do it in the route" is not "just ... route": with a weak word as one of two, the
        # glue words count too ("just a rename" still meets "just renamed").
        kept = [t for t in tokens if t.text not in _ARTICLES]
    else:
        kept = tokens
    return Part(tuple(t.text for t in kept), tuple(t.stem for t in kept))


def compile_form(text: str) -> Form | None:
    """Compile one ``say`` string; None when nothing matchable is left (only glue words)."""
    # A part made only of glue words ("raised + at + await") says nothing: it is left out.
    parts = tuple(p for p in (compile_part(t) for t in text.split("+")) if p is not None)
    return Form(text, parts) if parts else None


@dataclass(frozen=True, slots=True)
class Found:
    """Where a form was found: token range, and the near-misses it relied on."""

    first: int
    last: int  # inclusive
    used: frozenset[int]  # token indices consumed by the form's words
    repairs: tuple[tuple[int, int, str], ...] = ()  # (first token, last token, expected word)


class Heard:
    """A transcript prepared for searching, with an index of where each vocabulary word occurs.

    ``guarded`` holds the stems the bank uses: a heard word that is one of them is taken as said
    and never stretched to mean another. Lookups are memoised, so judging one transcript against
    every question of a bank costs little more than judging it once.
    """

    def __init__(self, text: str, guarded: frozenset[str] = frozenset()) -> None:
        self.text = text
        self.guarded = guarded
        self.tokens: list[Token] = tokenize(text)
        n = len(self.tokens)
        self._exact: dict[str, list[tuple[int, int]]] = {}  # joined text or stem -> (position, tokens)
        # Windows holding a word the bank does not use: where a mishearing can hide.
        self._fuzzy: list[tuple[int, int, tuple[str, ...], int]] = []
        for a in range(1, MAX_GLUE + 1):
            for q in range(n - a + 1):
                window = self.tokens[q : q + a]
                if window[0].clause != window[-1].clause:
                    continue  # one word is not glued from the end of a sentence and the next one
                pieces = tuple(t.text for t in window)
                self._exact.setdefault("".join(pieces), []).append((q, a))
                if a == 1 and window[0].stem != window[0].text:
                    self._exact.setdefault(window[0].stem, []).append((q, 1))
                if any(not t.is_stop and t.stem not in guarded for t in window):
                    self._fuzzy.append((q, a, pieces, sum(map(len, pieces))))
        self._where: dict[tuple[str, str], dict[int, list[tuple[int, bool]]]] = {}

    def where(self, target: str, target_stem: str) -> dict[int, list[tuple[int, bool]]]:
        """Positions where ``target`` (one form word, or several glued) was heard.

        Maps a token position to [(tokens consumed, exact)].
        """
        key = (target, target_stem)
        if key in self._where:
            return self._where[key]
        found: dict[int, list[tuple[int, bool]]] = {}
        seen: set[tuple[int, int]] = set()
        for q, a in self._exact.get(target, []) + self._exact.get(target_stem, []):
            if (q, a) not in seen:
                seen.add((q, a))
                found.setdefault(q, []).append((a, True))
        if target not in STOPWORDS and len(target) >= 5:
            low, high = 0.75 * len(target), len(target) / 0.75  # sounds_like's length bound
            for q, a, pieces, size in self._fuzzy:
                if not low <= size <= high or (q, a) in seen:
                    continue
                if a == 1 and pieces[0] in STOPWORDS:
                    continue
                if sounds_like(target, pieces[0]) if a == 1 else glue_fits(target, pieces):
                    found.setdefault(q, []).append((a, False))
        for options in found.values():
            options.sort(key=lambda o: (not o[1], o[0]))
        self._where[key] = found
        return found

    def _step(self, part: Part, j: int, q: int) -> Iterator[tuple[int, int, bool]]:
        """Ways form word ``j`` (maybe glued with the next ones) matches at token ``q``.

        Yields (form words consumed, tokens consumed, exact).
        """
        for b in range(1, min(MAX_GLUE, len(part.words) - j) + 1):
            target = "".join(part.words[j : j + b])
            for a, exact in self.where(target, part.stems[j] if b == 1 else target).get(q, ()):
                if not exact and a == b > 1 and not self._word_for_word(part.words[j : j + b], q):
                    continue
                if not exact and a > 1 and b > 1 and a != b and not self._spelled_alike(target, q, a):
                    continue
                yield b, a, exact

    def _word_for_word(self, words: tuple[str, ...], q: int) -> bool:
        """As many heard words as form words, glued alike: one of them may be misheard ("context
        bar" for "context var"), not more ("now the" is not "not bother"), and not into another
        word ("free raw request" is not "need raw request"). A short word may swap a letter
        ("bar" for "var") or drop one ("lok" for "lock"), not more ("un-parallel" is not "runs
        parallel")."""
        heard = [self.tokens[q + i].text for i in range(len(words))]
        changed = [(w, h) for w, h in zip(words, heard, strict=True) if w != h]
        return len(changed) <= 1 and all(
            fuzz.ratio(w, h) >= WORD_FOR_WORD
            and (
                min(len(w), len(h)) > 4
                or len(w) == len(h)
                or (len(h) >= 3 and fuzz.ratio(w, h) >= SHORT_WORD)
            )
            for w, h in changed
        )

    def _spelled_alike(self, target: str, q: int, a: int) -> bool:
        """Several form words glued differently from the words heard must still be spelled
        alike: "constrained decimal" is not "constraints this simple", however it sounds."""
        return fuzz.ratio(target, "".join(t.text for t in self.tokens[q : q + a])) >= SPELLED_ALIKE

    def _extend(self, part: Part, j: int, q: int, used: list[int], repairs: list) -> int | None:
        """Match form words ``j..`` starting at or after token ``q``; return the last token used."""
        if j == len(part.words):
            return used[-1]
        n = len(self.tokens)
        skipped_words = 0
        for pos in range(q, min(n, q + MAX_GAP_TOKENS + 1)):
            # A run of words is said in one sentence: "router. So you get" is not "router.get";
            # nor across a new thought: "endpoint params, so the combining" is not "endpoint does
            # the combining".
            tok = self.tokens[pos]
            new_thought = tok.after_comma and tok.text in _JOINS
            if used and (tok.clause != self.tokens[used[0]].clause or new_thought):
                return None
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
                if skipped_words > max_gap_words(len(part.words)):
                    return None
        return None

    def _starts(self, part: Part) -> list[int]:
        starts: set[int] = set()
        for b in range(1, min(MAX_GLUE, len(part.words)) + 1):
            target = "".join(part.words[:b])
            starts.update(self.where(target, part.stems[0] if b == 1 else target))
        return sorted(starts)

    def find_part(self, part: Part) -> Iterator[Found]:
        """Every place the part occurs, earliest first, non-overlapping."""
        after = -1
        for start in self._starts(part):
            if start <= after:
                continue
            used: list[int] = []
            repairs: list[tuple[int, int, str]] = []
            end = self._extend(part, 0, start, used, repairs)
            if end is not None:
                yield Found(used[0], end, frozenset(used), tuple(repairs))
                after = end

    def find(self, form: Form, one_sentence: bool = False) -> Iterator[Found]:
        """Every place the whole form occurs (all parts within one window), earliest first.

        ``one_sentence`` also keeps all parts in one sentence (a claim is made in one sentence; a
        form that joins words from two is often joining two claims)."""
        if len(form.parts) == 1:
            yield from self.find_part(form.parts[0])
            return
        hits = [list(self.find_part(p)) for p in form.parts]
        if any(not h for h in hits):
            return
        for anchor in hits[0]:
            chosen = [anchor]
            for others in hits[1:]:
                near = [
                    f
                    for f in others
                    if abs(f.first - anchor.first) <= PART_WINDOW
                    and (not one_sentence or self.tokens[f.first].clause == self.tokens[anchor.first].clause)
                ]
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
