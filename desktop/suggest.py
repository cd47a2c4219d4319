"""Which questions to practise next, and why, from the per-question history.

The order:

1. Questions with no scored answer yet, in bank order (never practised before only skipped).
2. The rest by a need score, highest first, ties in bank order::

       need = (1 - best coverage) + STALE_WEIGHT * min(days since last practised / STALE_DAYS, 1)

   Weakness counts fully (0..1); staleness adds up to ``STALE_WEIGHT`` once a question has not been
   practised for ``STALE_DAYS`` days, so a well-known question comes back after a fortnight while a
   weak one practised today still ranks above a strong one practised last week.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from desktop.records import QuestionStats
from questions.model import Question

STALE_DAYS = 14
STALE_WEIGHT = 0.5


class Suggestion(BaseModel):
    question_id: str
    reason: str  # short and human: "never practised", "best 35 %", "last practised 9 days ago"


def practise_next(
    questions: list[Question], stats: dict[str, QuestionStats], now: datetime, limit: int = 5
) -> list[Suggestion]:
    """Up to ``limit`` questions to practise next, each with the reason it was chosen."""
    fresh: list[Suggestion] = []
    scored: list[tuple[float, int, Suggestion]] = []
    for order, question in enumerate(questions):
        stat = stats.get(question.id)
        if stat is None or stat.attempts == 0:
            fresh.append(Suggestion(question_id=question.id, reason="never practised"))
            continue
        if stat.best_coverage is None:
            fresh.append(Suggestion(question_id=question.id, reason="no scored answer yet"))
            continue
        weakness = 1.0 - stat.best_coverage
        days = _days_since(stat.last_practised, now)
        staleness = STALE_WEIGHT * min(days / STALE_DAYS, 1.0) if days is not None else STALE_WEIGHT
        # Name whichever part weighs more, so the reason explains the rank.
        if staleness > weakness and days is not None:
            reason = f"last practised {_ago(days)}"
        else:
            reason = f"best {round(stat.best_coverage * 100)} %"
        scored.append((weakness + staleness, order, Suggestion(question_id=question.id, reason=reason)))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [*fresh, *(s for _, _, s in scored)][: max(limit, 0)]


def _days_since(when: datetime | None, now: datetime) -> int | None:
    if when is None:
        return None
    if (when.tzinfo is None) != (now.tzinfo is None):
        # Mixed naive and aware times: compare wall clocks rather than fail.
        when, now = when.replace(tzinfo=None), now.replace(tzinfo=None)
    return max((now - when).days, 0)


def _ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"
