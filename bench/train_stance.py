"""Train the red-flag stance model (questions/stance.py) on the labelled answer sets.

Usage: python bench/train_stance.py [--write] [--threshold 0.4]
Every red-flag claim the spoken forms find in an answer to a red-flag question is one example:
its context words, labelled asserted when the answer holds the misconception. Prints, for each
set held out in turn, red-flag recall and false flags on rejections with the rules alone and with
the model's veto trained on the other sets; --write then trains on every set and writes
questions/stance_model.json.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval_matching import SETS  # noqa: E402

from questions import logistic  # noqa: E402
from questions.evaluation import RED_FLAG_KINDS, load_answers  # noqa: E402
from questions.loader import builtin_bank_path, load_bank  # noqa: E402
from questions.matching import Matcher  # noqa: E402
from questions.stance import MODEL_PATH, THRESHOLD, StanceModel, context_features  # noqa: E402


@dataclass
class Example:
    set: str
    holds: bool  # the answer holds the misconception
    rejection: bool  # the answer names it only to reject it
    rules_flag: bool  # the rules alone raise a red flag
    claims: list[tuple[set[str], bool]]  # each claim found: its features, asserted by the rules


def examples(matcher: Matcher) -> list[Example]:
    out = []
    for name, file in SETS.items():
        for a in load_answers(ROOT / "tests" / "data" / file):
            _, _, red_flags = matcher._questions[a.question]
            if not red_flags:
                continue
            heard = matcher._prepare(a.text)
            claims = [
                (context_features(heard.tokens, f.first, f.last, f.used), not rejected)
                for flag in red_flags
                for f, rejected in matcher.claims(heard, flag)
            ]
            rules_flag = bool(matcher.judge(a.question, a.text).red_flags)
            out.append(Example(name, a.kind in RED_FLAG_KINDS, a.kind == "rejection", rules_flag, claims))
    return out


def train(data: list[Example], threshold: float) -> StanceModel:
    """One example per claim of every answer, labelled by whether the answer holds the misconception."""
    rows = [features for e in data for features, _ in e.claims]
    labels = [e.holds for e in data for _ in e.claims]
    return StanceModel(logistic.fit(rows, labels), threshold)


def vetoed_flag(e: Example, model: StanceModel) -> bool:
    kept = [f for f, asserted in e.claims if asserted]
    return e.rules_flag and any(model.probability(f) >= model.threshold for f in kept)


def rates(data: list[Example], flagged) -> tuple[float, float]:
    holds = [e for e in data if e.holds]
    rejections = [e for e in data if e.rejection]
    recall = sum(map(flagged, holds)) / len(holds) if holds else float("nan")
    false = sum(map(flagged, rejections)) / len(rejections) if rejections else float("nan")
    return recall, false


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--write", action="store_true", help="train on every set and write the model")
    args = parser.parse_args()
    matcher = Matcher(load_bank(builtin_bank_path()), meaning=None, stance=None)
    data = examples(matcher)
    print("held-out set: recall / false flags on rejections, rules alone -> rules + stance veto")
    for name in SETS:
        held = [e for e in data if e.set == name]
        if not any(e.holds or e.rejection for e in held):
            continue
        model = train([e for e in data if e.set != name], args.threshold)
        before = rates(held, lambda e: e.rules_flag)
        after = rates(held, lambda e, m=model: vetoed_flag(e, m))
        print(f"  {name:12s} {before[0]:.3f} / {before[1]:.3f} -> {after[0]:.3f} / {after[1]:.3f}")
    if args.write:
        model = train(data, args.threshold)
        about = {"trained_on": list(SETS), "claims": sum(len(e.claims) for e in data), "l2": logistic.L2}
        model.save(MODEL_PATH, about)
        print(f"wrote {MODEL_PATH.relative_to(ROOT)}: {len(model.weights)} weights")
    return 0


if __name__ == "__main__":
    sys.exit(main())
