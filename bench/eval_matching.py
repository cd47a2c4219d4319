"""Print the matcher's acceptance figures on the labelled answer sets.

Usage: python bench/eval_matching.py [--set dev|holdout|all] [--misses] [--bank PATH]
The dev set is used to tune spoken forms; the holdout set, written by someone who never saw the
bank's forms, only to measure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from questions.evaluation import dump, evaluate, load_answers  # noqa: E402
from questions.loader import builtin_bank_path, load_bank  # noqa: E402
from questions.matching import build_matcher  # noqa: E402

SETS = {
    "dev": "answers_dev.jsonl",
    "redflags": "answers_redflags.jsonl",
    "redflags2": "answers_redflags2.jsonl",
    "dev2": "answers_dev2.jsonl",
    "redflags3_a": "answers_redflags3_a.jsonl",
    "redflags3_b": "answers_redflags3_b.jsonl",
    "dev3": "answers_dev3.jsonl",
    "redflags4": "answers_redflags4.jsonl",
    "offtopic2": "answers_offtopic2.jsonl",
    "redflags5": "answers_redflags5.jsonl",
    "offtopic3": "answers_offtopic3.jsonl",
    "redflags6": "answers_redflags6.jsonl",
    "holdout2": "answers_holdout2.jsonl",
    "redflags7": "answers_redflags7.jsonl",
    "redflags8": "answers_redflags8.jsonl",
    "holdout3": "answers_holdout3.jsonl",
    "holdout4": "answers_holdout4.jsonl",
    "holdout5": "answers_holdout5.jsonl",
    "holdout6": "answers_holdout6.jsonl",
    "holdout7": "answers_holdout7.jsonl",
    "holdout8": "answers_holdout8.jsonl",
    "holdout9": "answers_holdout9.jsonl",
    "holdout10": "answers_holdout10.jsonl",
    "holdout11": "answers_holdout11.jsonl",
    "holdout": "answers_holdout.jsonl",
}
TARGETS = (
    "targets: strong >= 0.85, paraphrase >= 0.70, ranks first >= 0.97, red-flag recall >= 0.90, "
    "false red flags <= 0.03, off-topic <= 0.05"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=[*SETS, "all"], default="all")
    parser.add_argument("--misses", action="store_true", help="list the answers that miss a target")
    parser.add_argument("--bank", default=None)
    parser.add_argument("--words-only", action="store_true", help="spoken forms only, no meaning model")
    parser.add_argument("--threshold", type=float, default=None, help="meaning similarity threshold")
    parser.add_argument("--margin", type=float, default=None, help="meaning margin to a stretch's best")
    parser.add_argument("--bank-margin", type=float, default=None)
    parser.add_argument("--far-bank-margin", type=float, default=None, help="answers nearer another question")
    parser.add_argument(
        "--rival-margin", type=float, default=None, help="stretches near the question the answer is nearest"
    )
    parser.add_argument("--topic-margin", type=float, default=None, help="1 turns the topic gate off")
    parser.add_argument("--no-elsewhere", action="store_true", help="ignore the bank's elsewhere subjects")
    parser.add_argument("--elsewhere-margin", type=float, default=None)
    parser.add_argument(
        "--nearest-threshold", type=float, default=None, help="the lower tier's; 1 turns it off"
    )
    args = parser.parse_args()
    bank = load_bank(args.bank or builtin_bank_path())
    if args.no_elsewhere:
        bank = bank.model_copy(update={"elsewhere": []})
    matcher = build_matcher(bank, use_meaning=not args.words_only)
    tuning = (
        "threshold",
        "margin",
        "bank_margin",
        "far_bank_margin",
        "rival_margin",
        "topic_margin",
        "elsewhere_margin",
        "nearest_threshold",
    )
    for name in tuning:
        if getattr(args, name) is not None and matcher.meaning is not None:
            setattr(matcher.meaning, name, getattr(args, name))
    names = list(SETS) if args.set == "all" else [args.set]
    for name in names:
        answers = load_answers(ROOT / "tests" / "data" / SETS[name])
        started = time.perf_counter()
        figures = evaluate(matcher, answers)
        elapsed = time.perf_counter() - started
        print(f"== {name} set ({len(answers)} answers, judged in {elapsed:.1f} s)")
        print(dump(figures))
        if args.misses:
            print("\n".join(f"  - {m}" for m in figures.misses))
    print(TARGETS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
