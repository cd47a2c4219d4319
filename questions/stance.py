"""A second opinion on a red-flag claim the rules take as asserted: the words around it.

The rules of ``questions/negation.py`` catch the usual ways of rejecting a claim; people find more
("In review I flagged it", "that approach bit us"). A logistic model over the words around a
matched claim, learned from the labelled claim and rejection answers (``bench/train_stance.py``),
vetoes a claim whose context reads as a rejection. It only ever withdraws a flag the rules raised,
never raises one: measured leave-one-set-out, it halves false flags on unseen wording at almost no
cost in recall (BENCHMARKS.md). Features are the stems of the words before the claim in its
sentence, in the sentence before, inside its span but not part of the form, and after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from questions.model_file import read_model, write_model
from questions.normalize import Token

WINDOW = 12  # tokens looked at on each side of a claim
THRESHOLD = 0.4  # below this probability of a claim being asserted, it is withdrawn
MODEL_PATH = Path(__file__).with_name("stance_model.json")


def context_features(tokens: list[Token], first: int, last: int, used: frozenset[int]) -> set[str]:
    """The words around a claim spanning ``first..last``, tagged by where they stand."""
    clause = tokens[first].clause
    features = {"bias"}
    for i in range(max(0, first - WINDOW), first):
        if tokens[i].clause == clause:
            features.add("L:" + tokens[i].stem)
        elif tokens[i].clause == clause - 1:
            features.add("P:" + tokens[i].stem)
    features.update("I:" + tokens[i].stem for i in range(first, last + 1) if i not in used)
    for i in range(last + 1, min(len(tokens), last + 1 + WINDOW)):
        if tokens[i].clause <= clause + 1:
            features.add("R:" + tokens[i].stem)
    return features


@dataclass(frozen=True)
class StanceModel:
    """Feature weights of a logistic model: P(claim asserted | the words around it)."""

    weights: dict[str, float]
    threshold: float = THRESHOLD

    def probability(self, features: set[str]) -> float:
        z = sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def asserted(self, tokens: list[Token], first: int, last: int, used: frozenset[int]) -> bool:
        return self.probability(context_features(tokens, first, last, used)) >= self.threshold

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> StanceModel | None:
        """The model shipped with the package; None if it is missing or unreadable (rules alone)."""
        data = read_model(path)
        try:
            return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["threshold"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def save(self, path: Path, about: dict) -> None:
        """Write the model with a note of how it was trained."""
        weights = dict(sorted(self.weights.items()))
        write_model(path, {"about": about, "threshold": self.threshold, "weights": weights})
