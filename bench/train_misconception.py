"""Train the answer-level misconception model (questions/misconception.py) on the labelled sets.

Usage: python bench/train_misconception.py [--write] [--raise-at 0.7] [--veto-below 0.1]
Every answer to a question with red flags is one example, labelled by whether it holds the
misconception. Prints, for each set held out in turn, red-flag recall, false flags on rejections
and false flags on every answer that does not hold it: with the rules (and stance) alone, then with
the model trained on the other sets; --write trains on every set and writes
questions/misconception_model.json.
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
from questions.misconception import (  # noqa: E402
    MODEL_PATH,
    RAISE_AT,
    VETO_BELOW,
    MisconceptionModel,
    answer_features,
    for_question,
)
from questions.stance import StanceModel  # noqa: E402


@dataclass
class Example:
    set: str
    question: str
    text: str
    holds: bool  # the answer holds the misconception
    rejection: bool  # the answer names it only to reject it
    rules_flag: bool  # the rules and the stance model raise a red flag
    features: set[str]


def examples(matcher: Matcher) -> list[Example]:
    out = []
    for name, file in SETS.items():
        for a in load_answers(ROOT / "tests" / "data" / file):
            if not matcher.bank.question(a.question).red_flags:
                continue
            heard = matcher._prepare(a.text)
            rules_flag = bool(matcher.judge(a.question, a.text).red_flags)
            out.append(
                Example(
                    name,
                    a.question,
                    a.text,
                    a.kind in RED_FLAG_KINDS,
                    a.kind == "rejection",
                    rules_flag,
                    for_question(a.question, answer_features(heard.tokens)),
                )
            )
    return out


def train(data: list[Example], raise_at: float, veto_below: float) -> MisconceptionModel:
    # Most of the per-question weights are tiny: dropping those under 0.01 halves the file.
    weights = logistic.fit([e.features for e in data], [e.holds for e in data], smallest=0.01)
    return MisconceptionModel(weights, frozenset(e.question for e in data), raise_at, veto_below)


def rates(data: list[Example], flagged) -> str:
    def share(rows):
        return f"{sum(map(flagged, rows)) / len(rows):.3f}" if rows else "  -  "

    holds = [e for e in data if e.holds]
    return " / ".join(
        [share(holds), share([e for e in data if e.rejection]), share([e for e in data if not e.holds])]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raise-at", type=float, default=RAISE_AT)
    parser.add_argument("--veto-below", type=float, default=VETO_BELOW)
    parser.add_argument("--write", action="store_true", help="train on every set and write the model")
    args = parser.parse_args()
    bank = load_bank(builtin_bank_path())
    data = examples(Matcher(bank, stance=StanceModel.load()))
    print("held-out set: recall / false on rejections / false on all others; rules -> rules + model")
    for name in SETS:
        held = [e for e in data if e.set == name]
        if not held:
            continue
        model = train([e for e in data if e.set != name], args.raise_at, args.veto_below)
        judged = Matcher(bank, stance=StanceModel.load(), misconception=model)

        def flagged(e: Example, m: Matcher = judged) -> bool:
            return bool(m.judge(e.question, e.text).red_flags)

        print(f"  {name:12s} {rates(held, lambda e: e.rules_flag)} -> {rates(held, flagged)}")
    if args.write:
        model = train(data, args.raise_at, args.veto_below)
        about = {"trained_on": list(SETS), "answers": len(data), "l2": logistic.L2}
        model.save(MODEL_PATH, about)
        print(f"wrote {MODEL_PATH.relative_to(ROOT)}: {len(model.weights)} weights")
    return 0


if __name__ == "__main__":
    sys.exit(main())
