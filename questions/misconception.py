"""A second reader of the whole answer: does it, taken as a whole, hold the question's misconception?

The spoken forms find a red flag only where it is said in words somebody wrote down, and every blind
set of new wording found 66-78% of the claims that way. This model reads the answer as a whole:
a logistic model over its word stems and pairs of stems, each marked when a negation or a framing
word ("avoid", "people think") stands before it in its sentence, with one weight per word for every
question and one per word and question. It is learned from the labelled answers
(``bench/train_misconception.py``) and measured leave-one-set-out and on blind sets (BENCHMARKS.md).

The matcher uses it two ways, for the questions it was trained on only:
- it raises a red flag the forms missed when it is confident (``raise_at``) and the answer speaks of
  the flag's subject (at least ``GATE`` of the red flags' own words);
- it withdraws a flag the rules raised when the answer as a whole reads as not holding it
  (below ``veto_below``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from questions.logistic import sigmoid
from questions.model_file import read_question_model, write_question_model
from questions.negation import REJECTION_CUES
from questions.normalize import Token, tokenize

RAISE_AT = 0.7  # a flag the forms missed is raised at this probability or above
VETO_BELOW = 0.2  # a flag the rules raised is withdrawn below this probability
GATE = 5  # distinct stems of the question's red flags the answer must say before one is raised
MODEL_PATH = Path(__file__).with_name("misconception_model.json")
_KEPT_STOPWORDS = frozenset({"i", "we", "not"})  # who claims it, and whether: they carry stance


def answer_features(tokens: list[Token]) -> set[str]:
    """Stems and pairs of adjacent content stems; a stem after a rejection cue in its sentence is
    marked ``N_`` ("don't loop over the items" reads differently from "loop over the items")."""
    features: set[str] = set()
    scoped_clause = -1
    previous = None
    for t in tokens:
        if t.stem in REJECTION_CUES:
            scoped_clause = t.clause
        if t.is_stop and t.text not in _KEPT_STOPWORDS:
            previous = None
            continue
        features.add(("N_" if scoped_clause == t.clause else "") + t.stem)
        if previous is not None:
            features.add(f"{previous}_{t.stem}")
        previous = t.stem
    return features


def subject_words(texts: list[str]) -> frozenset[str]:
    """The content stems of a question's red flags (their labels and spoken forms): an answer must
    say ``GATE`` of them before the model may raise a flag on it."""
    return frozenset(t.stem for text in texts for t in tokenize(text) if not t.is_stop)


def for_question(question_id: str, features: set[str]) -> set[str]:
    """Each feature once for every question ("g:") and once for this one."""
    return (
        {"bias", f"{question_id}:bias"}
        | {"g:" + f for f in features}
        | {f"{question_id}:{f}" for f in features}
    )


@dataclass(frozen=True)
class MisconceptionModel:
    """Feature weights of a logistic model: P(the answer holds the misconception | its words)."""

    weights: dict[str, float]
    questions: frozenset[str]  # the questions it was trained on; it says nothing about others
    raise_at: float = RAISE_AT
    veto_below: float = VETO_BELOW

    def probability(self, question_id: str, tokens: list[Token]) -> float | None:
        if question_id not in self.questions:
            return None
        return sigmoid(self._score(for_question(question_id, answer_features(tokens))))

    def strongest_clause(self, question_id: str, tokens: list[Token]) -> int | None:
        """The sentence whose own words weigh most toward the misconception: the evidence shown."""
        clauses: dict[int, list[Token]] = {}
        for t in tokens:
            clauses.setdefault(t.clause, []).append(t)
        bias = {"bias", f"{question_id}:bias"}
        scored = {
            clause: self._score(for_question(question_id, answer_features(words)) - bias)
            for clause, words in clauses.items()
        }
        return max(scored, key=scored.__getitem__, default=None)

    def _score(self, features: set[str]) -> float:
        return sum(self.weights.get(f, 0.0) for f in features)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> MisconceptionModel | None:
        """The model shipped with the package; None if it is missing or unreadable (rules alone)."""
        read = read_question_model(path, "raise_at", "veto_below")
        return None if read is None else cls(read[0], read[1], *read[2])

    def save(self, path: Path, about: dict) -> None:
        write_question_model(
            path, about, self.questions, self.weights, raise_at=self.raise_at, veto_below=self.veto_below
        )
