"""Measure the matcher on a labelled set of answers (JSONL: id, question, kind, text).

Kinds: strong, paraphrase, partial, red_flag, red_flag_paraphrase, rejection, off_topic. The same
figures are printed by ``bench/eval_matching.py`` and asserted by the tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from statistics import mean

from pydantic import BaseModel

from questions.judgement import Judgement
from questions.matching import Matcher

RED_FLAG_KINDS = frozenset({"red_flag", "red_flag_paraphrase"})


class LabelledAnswer(BaseModel):
    id: str
    question: str
    kind: str
    text: str


class Figures(BaseModel):
    """The issue's acceptance figures for one labelled set."""

    answers: int
    strong_coverage: float
    paraphrase_coverage: float
    partial_coverage: float | None
    own_answer_ranks_first: float  # share of strong answers beating every other question's strong answer
    red_flag_recall: float | None
    false_red_flags: float  # share of answers without the misconception that were flagged
    rejection_false_red_flags: float | None
    off_topic_coverage: float  # mean
    off_topic_max: float
    misses: list[str]  # ids that fail a per-answer expectation, for inspection


def load_answers(path: Path) -> list[LabelledAnswer]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [LabelledAnswer.model_validate_json(line) for line in lines if line.strip()]


def evaluate(
    matcher: Matcher,
    answers: Iterable[LabelledAnswer],
    judge: Callable[[str, str], Judgement] | None = None,
) -> Figures:
    """Judge every answer on its own question (and strong ones on every question) and summarise."""
    judge = judge or matcher.judge
    answers = list(answers)
    verdicts = {a.id: judge(a.question, a.text) for a in answers}
    by_kind: dict[str, list[float]] = {}
    misses: list[str] = []
    for a in answers:
        by_kind.setdefault(a.kind, []).append(verdicts[a.id].coverage)

    flagged = {a.id: bool(verdicts[a.id].red_flags) for a in answers}
    has_flag = {q.id for q in matcher.bank.questions if q.red_flags}
    rf = [a for a in answers if a.kind in RED_FLAG_KINDS and a.question in has_flag]
    clean = [a for a in answers if a.kind not in RED_FLAG_KINDS]
    rejections = [a for a in clean if a.kind == "rejection"]
    misses += [f"{a.id}: red flag not raised" for a in rf if not flagged[a.id]]
    misses += [f"{a.id}: false red flag" for a in clean if flagged[a.id]]

    strong = [a for a in answers if a.kind == "strong"]
    # Judge each strong text on every question in turn: the matcher reuses the text's index.
    on_question = {
        (b.id, q): matcher.judge(q, b.text).coverage for b in strong for q in {a.question for a in strong}
    }
    wins = 0
    for a in strong:
        own = verdicts[a.id].coverage
        rivals = [on_question[(b.id, a.question)] for b in strong if b.question != a.question]
        if all(own > r for r in rivals):
            wins += 1
        else:
            misses.append(f"{a.id}: ranked below another question's strong answer")
    off = by_kind.get("off_topic", [0.0])
    for a in answers:
        if a.kind in ("strong", "paraphrase") and verdicts[a.id].coverage < 0.6:
            missed = ", ".join(m.concept for m in verdicts[a.id].missed)
            misses.append(f"{a.id}: coverage {verdicts[a.id].coverage:.2f}, missed {missed}")
        if a.kind == "off_topic" and verdicts[a.id].coverage > 0.05:
            misses.append(f"{a.id}: off-topic coverage {verdicts[a.id].coverage:.2f}")

    def avg(kind: str) -> float | None:
        return round(mean(by_kind[kind]), 3) if by_kind.get(kind) else None

    return Figures(
        answers=len(answers),
        strong_coverage=avg("strong") or 0.0,
        paraphrase_coverage=avg("paraphrase") or 0.0,
        partial_coverage=avg("partial"),
        own_answer_ranks_first=round(wins / len(strong), 3) if strong else 0.0,
        red_flag_recall=round(sum(flagged[a.id] for a in rf) / len(rf), 3) if rf else None,
        false_red_flags=round(sum(flagged[a.id] for a in clean) / len(clean), 3) if clean else 0.0,
        rejection_false_red_flags=(
            round(sum(flagged[a.id] for a in rejections) / len(rejections), 3) if rejections else None
        ),
        off_topic_coverage=round(mean(off), 3),
        off_topic_max=round(max(off), 3),
        misses=misses,
    )


def dump(figures: Figures) -> str:
    return json.dumps(figures.model_dump(exclude={"misses"}), indent=2)
