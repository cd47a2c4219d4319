"""Judge a transcript against a question: coverage, evidence, missed concepts, red flags.

``Matcher`` compiles a bank once (spoken forms, the bank's vocabulary) and judges any number of
transcripts. Every credit and every flag points at the words that earned it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import partial

from questions.forms import Form, Found, Heard, compile_form
from questions.judgement import ConceptHit, ConceptMiss, Evidence, HeardAs, Judgement, RedFlagHit
from questions.meaning import MeaningMatcher
from questions.misconception import GATE, MisconceptionModel, subject_words
from questions.model import Bank, Question
from questions.negation import is_rejected
from questions.normalize import tokenize
from questions.stack import StackCheck
from questions.stance import StanceModel
from questions.subject import SubjectModel


@dataclass(frozen=True)
class _Compiled:
    id: str
    label: str
    weight: float
    forms: tuple[Form, ...]
    words: frozenset[str]  # the content stems of its label and forms


def _compile(items, weight_of) -> list[_Compiled]:
    compiled = []
    for item in items:
        forms = tuple(f for f in (compile_form(s) for s in item.say) if f is not None)
        words = subject_words([item.label, *item.say])
        compiled.append(_Compiled(item.id, item.label, weight_of(item), forms, words))
    return compiled


def bank_vocabulary(bank: Bank) -> frozenset[str]:
    """Stems of every word the bank uses: heard as such, they are never 'repaired'."""
    stems: set[str] = set()
    for q in bank.questions:
        texts = [*q.vocabulary, q.title]
        for item in [*q.concepts, *q.red_flags]:
            texts.extend(item.say)
        for text in texts:
            stems.update(t.stem for t in tokenize(text))
    return frozenset(stems)


class Matcher:
    """Scores transcripts against the questions of one bank."""

    def __init__(
        self,
        bank: Bank,
        meaning: MeaningMatcher | None = None,
        stance: StanceModel | None = None,
        misconception: MisconceptionModel | None = None,
        subject: SubjectModel | None = None,
    ) -> None:
        self.bank = bank
        self.meaning = meaning
        self.stance = stance
        self.misconception = misconception
        self.subject = subject
        self._guarded = bank_vocabulary(bank)
        self._stack = StackCheck.of(bank)
        self._recent: OrderedDict[str, Heard] = OrderedDict()
        self._questions: dict[str, tuple[Question, list[_Compiled], list[_Compiled]]] = {}
        self._flag_subject: dict[str, frozenset[str]] = {}  # what the misconception model's gate reads
        for q in bank.questions:
            red_flags = _compile(q.red_flags, lambda _: 0.0)
            self._questions[q.id] = (q, _compile(q.concepts, lambda c: c.weight), red_flags)
            self._flag_subject[q.id] = frozenset().union(*(f.words for f in red_flags))

    def judge(self, question_id: str, transcript: str) -> Judgement:
        """Judge one transcript against one question of the bank."""
        if question_id not in self._questions:
            self.bank.question(question_id)  # raises KeyError naming the known ids
        question, concepts, red_flags = self._questions[question_id]
        heard = self._prepare(transcript)
        other_stack = self._stack.other_stack(heard, question_id)
        covered: list[ConceptHit] = []
        unmatched = []
        for concept in concepts:
            # An answer about another stack earns nothing: its concepts are not searched.
            found = _first(heard, concept.forms) if other_stack is None else None
            if found is None:
                unmatched.append(concept)
                continue
            covered.append(
                _hit(concept, _evidence(heard, found.first, found.last), heard_as=_heard_as(heard, found))
            )
        off_topic = other_stack is None and self.subject is not None
        off_topic = off_topic and self.subject.off_topic(question_id, heard.tokens, said=len(covered))
        if off_topic:  # ... nor does one about another subject
            covered, unmatched = [], list(concepts)
        elsewhere = other_stack is not None or off_topic
        by_meaning = {}
        if self.meaning is not None and unmatched and not elsewhere:
            said = partial(self._said, heard)
            by_meaning = self.meaning.best(heard, question, {c.id for c in unmatched}, said)
        missed: list[ConceptMiss] = []
        for concept in unmatched:
            if concept.id in by_meaning:
                score, unit = by_meaning[concept.id]
                evidence = _evidence(heard, unit.first, unit.last)
                covered.append(_hit(concept, evidence, match="meaning", similarity=round(score, 3)))
            else:
                missed.append(ConceptMiss(concept=concept.id, label=concept.label, weight=concept.weight))
        order = {c.id: i for i, c in enumerate(question.concepts)}
        covered.sort(key=lambda hit: order[hit.concept])
        # What an answer about another stack or subject claims is not a claim about this one.
        flags, rejected = self._red_flags(heard, red_flags) if not elsewhere else ([], [])
        if self.misconception is not None and red_flags and not elsewhere:
            flags, rejected = self._read_whole(question.id, heard, red_flags, flags, rejected)
        total = question.total_weight
        coverage = sum(c.weight for c in covered) / total if total else 0.0
        return Judgement(
            question=question.id,
            transcript=transcript,
            coverage=round(min(1.0, coverage), 4),
            covered=covered,
            missed=missed,
            red_flags=flags,
            rejected_red_flags=rejected,
            other_stack=other_stack,
            off_topic=off_topic,
        )

    def _said(self, heard: Heard, question_id: str) -> float:
        """The share of a question's weight the answer says through its spoken forms."""
        question, concepts, _ = self._questions[question_id]
        said = sum(c.weight for c in concepts if _first(heard, c.forms) is not None)
        return said / question.total_weight if question.total_weight else 0.0

    def prepare(self, transcript: str) -> None:
        """Do the costly part of judging ``transcript`` ahead (embedding its sentences), e.g. on the
        partial transcript while the person is still speaking: the final judgement then finds the
        sentences already said in the encoder's cache. Thread-safe against a running ``judge``."""
        if self.meaning is not None:
            self.meaning.warm(Heard(transcript, self._guarded))

    def _prepare(self, transcript: str) -> Heard:
        """The transcript's search index, kept for the next questions judged on the same words."""
        heard = self._recent.pop(transcript, None) or Heard(transcript, self._guarded)
        self._recent[transcript] = heard
        while len(self._recent) > 32:
            self._recent.popitem(last=False)
        return heard

    def _red_flags(
        self, heard: Heard, red_flags: list[_Compiled]
    ) -> tuple[list[RedFlagHit], list[RedFlagHit]]:
        raised: list[RedFlagHit] = []
        rejected: list[RedFlagHit] = []
        for flag in red_flags:
            verdicts = self.claims(heard, flag)
            # A clause that rejects the misconception rejects the rest of it too ("I would not do
            # manual dict deletion, like del data password hash in every handler"); what was
            # claimed before the rejection stands ("Pydantic won't convert them, so you loop").
            rejected_from: dict[int, int] = {}
            for f, denied_here in verdicts:
                clause = heard.tokens[f.first].clause
                if denied_here:
                    rejected_from[clause] = min(f.first, rejected_from.get(clause, f.first))
            asserted = [
                f
                for f, denied_here in verdicts
                if not denied_here
                and f.first < rejected_from.get(heard.tokens[f.first].clause, len(heard.tokens))
            ]
            denied = [f for f, denied_here in verdicts if denied_here]
            # What the rules let stand, the words around it may still read as a rejection.
            if self.stance is not None:
                read = [(f, self.stance.asserted(heard.tokens, f.first, f.last, f.used)) for f in asserted]
                asserted = [f for f, kept in read if kept]
                denied += [f for f, kept in read if not kept]
            shown = min(asserted or denied, key=lambda f: f.first, default=None)
            if shown is not None:
                hit = RedFlagHit(
                    id=flag.id, label=flag.label, evidence=_evidence(heard, shown.first, shown.last)
                )
                (raised if asserted else rejected).append(hit)
        return raised, rejected

    def _read_whole(
        self,
        question_id: str,
        heard: Heard,
        red_flags: list[_Compiled],
        raised: list[RedFlagHit],
        rejected: list[RedFlagHit],
    ) -> tuple[list[RedFlagHit], list[RedFlagHit]]:
        """The misconception model's reading of the whole answer: it withdraws the rules' flags from
        an answer that reads as not holding the misconception, and raises one the forms missed in an
        answer that reads as holding it and speaks of the flag's subject."""
        model = self.misconception
        p = model.probability(question_id, heard.tokens)
        if p is None:
            return raised, rejected
        if raised and p < model.veto_below:
            return [], rejected + raised
        said = {t.stem for t in heard.tokens}
        if raised or p < model.raise_at or len(self._flag_subject[question_id] & said) < GATE:
            return raised, rejected
        clause = model.strongest_clause(question_id, heard.tokens)
        words = [i for i, t in enumerate(heard.tokens) if t.clause == clause]
        in_clause = {heard.tokens[i].stem for i in words}
        # The flag its words name most, in the sentence shown and then in the whole answer.
        flag = max(red_flags, key=lambda f: (len(f.words & in_clause), len(f.words & said)))
        evidence = _evidence(heard, words[0], words[-1])
        hit = RedFlagHit(id=flag.id, label=flag.label, evidence=evidence, match="answer")
        return [hit], [r for r in rejected if r.id != flag.id]

    @staticmethod
    def claims(heard: Heard, flag: _Compiled) -> list[tuple[Found, bool]]:
        """Every place a red flag's forms are said, each with whether the rules find it rejected.
        A claim is made in one sentence: its parts are not joined across two."""
        found = [f for form in flag.forms for f in heard.find(form, one_sentence=True)]
        return [(f, is_rejected(heard.tokens, f.first, f.last, f.used)) for f in found]


def _hit(concept: _Compiled, evidence: Evidence, **found) -> ConceptHit:
    return ConceptHit(
        concept=concept.id, label=concept.label, weight=concept.weight, evidence=evidence, **found
    )


def _first(heard: Heard, forms: tuple[Form, ...]) -> Found | None:
    best: Found | None = None
    for form in forms:
        found = next(heard.find(form), None)
        if found is not None and (best is None or found.first < best.first):
            best = found
    return best


def _evidence(heard: Heard, first: int, last: int) -> Evidence:
    start = heard.tokens[first].start
    end = heard.tokens[last].end
    return Evidence(text=heard.text[start:end], start=start, end=end)


def _heard_as(heard: Heard, found: Found) -> list[HeardAs]:
    out = []
    for first, last, expected in found.repairs:
        start, end = heard.tokens[first].start, heard.tokens[last].end
        out.append(HeardAs(heard=heard.text[start:end], as_=expected, start=start, end=end))
    return out


def build_matcher(bank: Bank, use_meaning: bool = True, use_learned: bool = True) -> Matcher:
    """The matcher the app and CLI use: spoken forms, plus meaning when the local model is there,
    plus the stance, misconception and subject models shipped with the package."""
    meaning = None
    if use_meaning:
        from questions.embedding import SentenceEncoder, encoder_available

        if encoder_available():
            meaning = MeaningMatcher(SentenceEncoder(), bank)
    if not use_learned:
        return Matcher(bank, meaning)
    return Matcher(bank, meaning, StanceModel.load(), MisconceptionModel.load(), SubjectModel.load())
