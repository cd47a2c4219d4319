"""What changed since the last try: concepts and red flags sorted by how they moved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.retake import compare
from questions.matching import Matcher

LOCK = "asyncio-lock-vs-threading-lock"
DEV = Path(__file__).parents[1] / "data" / "answers_dev.jsonl"
ANSWERS = {row["id"]: row["text"] for row in map(json.loads, DEV.read_text(encoding="utf-8").splitlines())}


def test_a_better_retake_lists_new_points_and_cleared_flags(matcher: Matcher) -> None:
    before = matcher.judge(LOCK, ANSWERS[f"{LOCK}/red_flag-1"])
    after = matcher.judge(LOCK, ANSWERS[f"{LOCK}/rejection-1"])
    diff = compare(before, after)
    covered_before = {hit.label for hit in before.covered}
    assert set(diff.newly_covered) == {hit.label for hit in after.covered} - covered_before
    assert diff.newly_covered and diff.lost == []
    assert diff.still_missing == [miss.label for miss in after.missed]
    assert diff.red_flags_cleared == [flag.label for flag in before.red_flags]
    assert diff.red_flags_new == []
    assert diff.coverage_delta == pytest.approx(after.coverage - before.coverage, abs=1e-4)
    assert diff.coverage_delta > 0 and not diff.unchanged


def test_a_worse_retake_lists_lost_points_and_new_flags(matcher: Matcher) -> None:
    good = matcher.judge(LOCK, ANSWERS[f"{LOCK}/rejection-1"])
    bad = matcher.judge(LOCK, ANSWERS[f"{LOCK}/red_flag-1"])
    diff = compare(good, bad)
    assert set(diff.lost) == {hit.label for hit in good.covered} - {hit.label for hit in bad.covered}
    assert diff.newly_covered == []
    assert diff.still_missing == []  # what is missed now was covered before: lost, not still missing
    assert diff.red_flags_new == [flag.label for flag in bad.red_flags]
    assert diff.coverage_delta < 0


def test_the_same_answer_twice_is_unchanged(matcher: Matcher) -> None:
    judgement = matcher.judge(LOCK, ANSWERS[f"{LOCK}/partial-1"])
    diff = compare(judgement, judgement)
    assert diff.unchanged
    assert diff.still_missing == [miss.label for miss in judgement.missed]


def test_attempts_at_different_questions_are_not_compared(matcher: Matcher) -> None:
    lock = matcher.judge(LOCK, ANSWERS[f"{LOCK}/partial-1"])
    other = matcher.judge("blocking-code-in-async", "time.sleep blocks the event loop")
    with pytest.raises(ValueError, match="different questions"):
        compare(lock, other)
