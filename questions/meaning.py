"""Credit a concept said in other words: sentence embeddings of the answer against the concept.

The spoken forms catch how a point is usually said; a person who explains it in their own words
("you get back a paused object and nothing in the body has run") shares few words with it. Each
stretch of the answer (a sentence, or a window of a long one) is embedded with a small local model
(all-MiniLM-L6-v2, run in numpy: see ``questions/embedding.py``) and compared with the concept's
label and longer spoken forms. Only concepts use this: embeddings barely tell "X is fine" from "X
is not fine", so red flags stay with the spoken forms and their negation rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from questions.embedding import SentenceEncoder
from questions.forms import Heard, compile_form
from questions.model import Bank, Concept, Question
from questions.prototype_store import PrototypeStore

MEANING_THRESHOLD = 0.55  # cosine; tuned on the dev set (see BENCHMARKS.md), checked on the holdout
# An answer nearest this question of all the bank's may also earn a concept at this lower similarity
# with a stretch whose closest concept, in the whole bank, is this one: plain everyday words ("push
# it through that stencil") sit near 0.5 from the concept's jargon, and nowhere nearer (session 12).
NEAREST_THRESHOLD = 0.47
MARGIN = 0.03  # a stretch may credit concepts this close to its best one in the question
BANK_MARGIN = 0.05  # ... and this close to its best one in the whole bank
# ... or this close, when the answer is nearer another question. The same by default: 0 settled
# ties between neighbouring questions but cost paraphrases ~0.01 on seven sets (session 13).
FAR_BANK_MARGIN = 0.05
# An answer nearer another question that says half of that question's points in its words answers
# that one: a stretch of it as close to one of that question's points as to this one's earns nothing
# here (0.05, the bank margin, turns this off). Ties between neighbours' strong answers (await vs
# async def, include_router vs APIRouter) went; of every set's paraphrases, written and spoken, one
# lost a point. Without the condition on words, paraphrases nearer a neighbour lost ~0.005 (session 14).
RIVAL_MARGIN = 0.0
RIVAL_SAID = 0.5
# Meaning credits only an answer about this question: one whose mean embedding is no further
# than this from this question's (title and model answer) than from the closest other question's.
TOPIC_MARGIN = 0.05
# ... and no further than this from it than from a subject the bank does not ask about (its
# ``elsewhere``). 0.03 when it was the main guard (session 9); 0.10 since the off-topic reader
# (questions/subject.py) keeps such answers out: at 0.03 it also blocked paraphrases, most of all
# garbled spoken ones (BENCHMARKS.md, session 10).
ELSEWHERE_MARGIN = 0.10
WINDOW = 14  # tokens in a window over a long sentence
STRIDE = 7
MIN_UNIT = 4  # shorter stretches carry too little meaning to judge


@dataclass(frozen=True, slots=True)
class Topics:
    """What the topic gate compares an answer with, one row per question (``index``) or subject."""

    index: dict[str, int]  # row of each question id
    in_words: np.ndarray  # each question's title and model answer
    plain: np.ndarray  # its concepts' plain-language statements
    elsewhere: np.ndarray  # the bank's elsewhere subjects


@dataclass(frozen=True, slots=True)
class Fit:
    """How an answer as a whole sits with a question: about it at all (meaning may credit its
    concepts), and nearest it of all the bank's questions (the lower similarity tier applies)."""

    on_topic: bool
    nearest: bool
    rivals: tuple[str, ...] = ()  # when not nearest: the question(s) it is nearest, in either register


@dataclass(frozen=True, slots=True)
class Unit:
    first: int  # token index
    last: int  # inclusive
    text: str


def units(heard: Heard) -> list[Unit]:
    """The answer cut into sentences, long sentences also into overlapping windows."""
    tokens = heard.tokens
    out: list[Unit] = []

    def add(first: int, last: int) -> None:
        if last - first + 1 >= MIN_UNIT:
            out.append(Unit(first, last, heard.text[tokens[first].start : tokens[last].end]))

    start = 0
    for i in range(1, len(tokens) + 1):
        if i == len(tokens) or tokens[i].clause != tokens[start].clause:
            add(start, i - 1)
            if i - start > WINDOW:
                for w in range(start, i - WINDOW // 2, STRIDE):
                    add(w, min(i, w + WINDOW) - 1)
            start = i
    return out


def prototypes(concept: Concept, examples: list[str] = ()) -> list[str]:
    """What a concept means, in sentences: its label, its plain-language statements, its spoken
    forms of three words or more, and the model answer's sentences that make the point."""
    forms = [f.replace("+", " ") for f in concept.say if len(f.replace("+", " ").split()) >= 3]
    return [concept.label, *concept.means, *forms, *examples]


def sentences(text: str) -> list[str]:
    """The non-empty sentences of a written text (a model answer)."""
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def model_answer_examples(question: Question) -> dict[str, list[str]]:
    """The model answer's sentences, each filed under the concepts whose spoken forms it says."""
    examples: dict[str, list[str]] = {}
    for sentence in sentences(question.model_answer):
        heard = Heard(sentence)
        for concept in question.concepts:
            forms = (compile_form(f) for f in concept.say)
            if any(f is not None and next(heard.find(f), None) for f in forms):
                examples.setdefault(concept.id, []).append(sentence.strip())
    return examples


class MeaningMatcher:
    """Best-matching stretch of an answer for each concept, by sentence-embedding similarity."""

    def __init__(
        self,
        encoder: SentenceEncoder,
        bank: Bank | None = None,
        threshold: float = MEANING_THRESHOLD,
        margin: float = MARGIN,
        bank_margin: float = BANK_MARGIN,
    ) -> None:
        self.encoder = encoder
        self.store = PrototypeStore(encoder)
        self._bank = bank
        self.bank_margin = bank_margin
        self.far_bank_margin = FAR_BANK_MARGIN
        self.rival_margin = RIVAL_MARGIN
        self.threshold = threshold
        self.margin = margin
        self.nearest_threshold = NEAREST_THRESHOLD
        self._prototypes: dict[tuple[str, str], np.ndarray] = {}
        self._recent: dict[str, tuple[list[Unit], np.ndarray, np.ndarray | None]] = {}
        self._examples: dict[str, dict[str, list[str]]] = {}
        self.topic_margin = TOPIC_MARGIN
        self.elsewhere_margin = ELSEWHERE_MARGIN
        self._topics: Topics | None = None

    def best(
        self,
        heard: Heard,
        question: Question,
        wanted: set[str],
        said: Callable[[str], float] = lambda _: 0.0,
    ) -> dict[str, tuple[float, Unit]]:
        """For each wanted concept said in other words: (similarity, the stretch that says it).

        A stretch of the answer credits only the concept(s) of the question it is closest to: a
        sentence about one point is usually somewhat similar to its neighbours too, and must not
        earn them all. ``said(question_id)``: how much of a question the answer says in its words.
        """
        pieces, answer, everywhere = self._answer(heard)
        if not pieces or not wanted:
            return {}
        fit = self._fit(answer, question)
        if not fit.on_topic:
            return {}
        # A concept made only by naming it (``by_meaning = false``) takes no part here at all.
        judged = [c for c in question.concepts if c.by_meaning]
        if not judged:
            return {}
        scores = np.stack([self._similarity(question, c, answer) for c in judged])
        closest = scores.max(axis=0)  # per unit: its best concept's similarity
        if everywhere is not None:
            # ...and a stretch about another question's point does not earn this one's.
            bank_margin = self.bank_margin if fit.nearest else self.far_bank_margin
            closest = np.maximum(closest, everywhere - bank_margin + self.margin)
        answered = [q for q in fit.rivals if said(q) >= RIVAL_SAID] if self._bank is not None else []
        if answered and self.rival_margin < self.bank_margin:
            rival = np.stack(
                [
                    self._similarity(q, c, answer)
                    for q in map(self._bank.question, answered)
                    for c in q.concepts
                    if c.by_meaning
                ]
            ).max(axis=0)
            closest = np.maximum(closest, rival - self.rival_margin + self.margin)
        found: dict[str, tuple[float, Unit]] = {}
        for row, concept in enumerate(judged):
            if concept.id not in wanted:
                continue
            eligible = np.where(scores[row] >= closest - self.margin, scores[row], -1.0)
            best_unit = int(eligible.argmax())
            if eligible[best_unit] >= self.threshold:
                found[concept.id] = (float(eligible[best_unit]), pieces[best_unit])
            elif fit.nearest and everywhere is not None:
                # The lower tier: only stretches whose closest concept in the whole bank is this one.
                nearest = np.where(scores[row] >= everywhere, scores[row], -1.0)
                best_unit = int(nearest.argmax())
                if nearest[best_unit] >= self.nearest_threshold:
                    found[concept.id] = (float(nearest[best_unit]), pieces[best_unit])
        self.store.save()
        return found

    def _fit(self, answer: np.ndarray, question: Question) -> Fit:
        """How the answer as a whole sits with ``question``. On topic: about it rather than another
        question of the bank:
        an answer to a neighbouring question ("how does include_router work?" judged on "why set
        the prefix on the router?") shares its ideas loosely, and must not earn this one's points
        by resemblance; what it says in the bank's words still counts. Nor may an answer about a
        subject the bank does not ask about (its ``elsewhere``: Celery, asked how to run blocking
        code) earn points for sounding like this question's. Nearest: no other question is closer
        in either register (the lower tier applies)."""
        if self._bank is None:
            return Fit(True, False)
        if self._topics is None:
            self._topics = self._topic_vectors(self._bank)
        topics = self._topics
        i = topics.index.get(question.id)
        if i is None:
            return Fit(True, False)
        direction = _unit(answer.mean(axis=0))
        in_words = topics.in_words @ direction
        # An answer told in analogies ("a recipe card, nothing cooked yet") sits far from the model
        # answer's jargon: it may also pass by the nearer of each question's two registers, its own
        # words and its concepts' plain-language statements.
        either = np.maximum(in_words, topics.plain @ direction)
        if not (
            in_words.max() - in_words[i] <= self.topic_margin or either.max() - either[i] <= self.topic_margin
        ):
            return Fit(False, False)
        elsewhere = topics.elsewhere @ direction
        if len(elsewhere) and elsewhere.max() - either[i] > self.elsewhere_margin:
            return Fit(False, False)
        nearest = {int(in_words.argmax()), int(either.argmax())}
        if i in nearest:
            return Fit(True, True)
        ids = list(topics.index)
        return Fit(True, False, tuple(ids[k] for k in sorted(nearest)))

    def _topic_vectors(self, bank: Bank) -> Topics:
        """Each question's topic in its own words (title and model answer) and in plain ones (its
        concepts' plain-language statements), and each elsewhere subject's, as the mean direction
        of their sentences."""

        def topic(texts: list[str]) -> np.ndarray:
            return _unit(self.store.encode(texts).mean(axis=0))

        ids = [q.id for q in bank.questions]
        questions = np.stack([topic([q.title, *sentences(q.model_answer)]) for q in bank.questions])
        plain = np.stack(
            [topic([m for c in q.concepts for m in c.means] or [q.title]) for q in bank.questions]
        )
        elsewhere = [topic(sentences(e.text) or [e.text]) for e in bank.elsewhere]
        none = np.zeros((0, questions.shape[1]))
        index = {qid: i for i, qid in enumerate(ids)}
        return Topics(index, questions, plain, np.stack(elsewhere) if elsewhere else none)

    def warm(self, heard: Heard) -> None:
        """Embed the answer's stretches now, into the encoder's cache (which is thread-safe)."""
        pieces = units(heard)
        if pieces:
            self.encoder.encode([u.text for u in pieces])

    def _answer(self, heard: Heard) -> tuple[list[Unit], np.ndarray, np.ndarray | None]:
        """Units, their embeddings and their best similarity to any concept of the bank, kept
        for the next question judged on the same transcript."""
        if heard.text in self._recent:
            return self._recent[heard.text]
        pieces = units(heard)
        answer = self.encoder.encode([u.text for u in pieces])
        everywhere = None
        if self._bank is not None and pieces:
            everywhere = np.stack(
                [
                    self._similarity(q, c, answer)
                    for q in self._bank.questions
                    for c in q.concepts
                    if c.by_meaning
                ]
            ).max(axis=0)
        self._recent[heard.text] = (pieces, answer, everywhere)
        if len(self._recent) > 32:
            self._recent.pop(next(iter(self._recent)))
        return pieces, answer, everywhere

    def _similarity(self, question: Question, concept: Concept, answer: np.ndarray) -> np.ndarray:
        key = (question.id, concept.id)
        if key not in self._prototypes:
            if question.id not in self._examples:
                self._examples[question.id] = model_answer_examples(question)
            examples = self._examples[question.id].get(concept.id, [])
            self._prototypes[key] = self.store.encode(prototypes(concept, examples))
        return (self._prototypes[key] @ answer.T).max(axis=0)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
