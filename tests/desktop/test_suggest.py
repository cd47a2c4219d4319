"""Practise-next: never-practised first, then weakest and stalest, each with a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desktop.records import QuestionStats
from desktop.suggest import practise_next
from questions.model import Bank

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)


def _stat(qid: str, best: float | None, days_ago: int | None, attempts: int = 1) -> QuestionStats:
    return QuestionStats(
        question_id=qid,
        attempts=attempts,
        last_coverage=best,
        best_coverage=best,
        last_practised=None if days_ago is None else NOW - timedelta(days=days_ago),
    )


def _all_practised(bank: Bank, best: float = 0.9, days_ago: int = 0) -> dict[str, QuestionStats]:
    return {q.id: _stat(q.id, best, days_ago) for q in bank.questions}


def test_never_practised_questions_come_first_in_bank_order(bank: Bank) -> None:
    stats = _all_practised(bank)
    for q in (bank.questions[7], bank.questions[3]):
        del stats[q.id]
    stats[bank.questions[5].id] = _stat(bank.questions[5].id, None, None, attempts=0)
    got = practise_next(bank.questions, stats, NOW, limit=3)
    assert [s.question_id for s in got] == [bank.questions[i].id for i in (3, 5, 7)]
    assert {s.reason for s in got} == {"never practised"}


def test_weakest_best_coverage_ranks_first_among_practised(bank: Bank) -> None:
    stats = _all_practised(bank)
    weak, weaker = bank.questions[10].id, bank.questions[12].id
    stats[weak] = _stat(weak, 0.5, 0)
    stats[weaker] = _stat(weaker, 0.35, 0)
    got = practise_next(bank.questions, stats, NOW, limit=2)
    assert [(s.question_id, s.reason) for s in got] == [(weaker, "best 35 %"), (weak, "best 50 %")]


def test_a_strong_answer_comes_back_once_it_is_stale(bank: Bank) -> None:
    stats = _all_practised(bank, best=0.9, days_ago=0)
    stale = bank.questions[2].id
    stats[stale] = _stat(stale, 0.9, 9)
    got = practise_next(bank.questions, stats, NOW, limit=1)
    assert got[0].question_id == stale
    assert got[0].reason == "last practised 9 days ago"


def test_score_combines_weakness_and_staleness(bank: Bank) -> None:
    stats = _all_practised(bank, best=1.0, days_ago=0)
    a, b, c = (bank.questions[i].id for i in (0, 1, 2))
    stats[a] = _stat(a, 0.35, 0)  # need 0.65
    stats[b] = _stat(b, 0.9, 30)  # need 0.1 + 0.5 = 0.6
    stats[c] = _stat(c, 0.6, 14)  # need 0.4 + 0.5 = 0.9
    got = practise_next(bank.questions, stats, NOW, limit=3)
    assert [s.question_id for s in got] == [c, a, b]


def test_skipped_only_question_counts_as_unanswered(bank: Bank) -> None:
    stats = _all_practised(bank)
    skipped = bank.questions[4].id
    stats[skipped] = _stat(skipped, None, 1, attempts=2)
    got = practise_next(bank.questions, stats, NOW, limit=1)
    assert (got[0].question_id, got[0].reason) == (skipped, "no scored answer yet")


def test_limit_and_ties_keep_bank_order(bank: Bank) -> None:
    got = practise_next(bank.questions, _all_practised(bank, best=0.5, days_ago=3), NOW)
    assert [s.question_id for s in got] == [q.id for q in bank.questions[:5]]
    assert practise_next(bank.questions, {}, NOW, limit=0) == []


def test_naive_and_aware_times_mix_without_error(bank: Bank) -> None:
    q = bank.questions[0].id
    stats = _all_practised(bank, best=1.0)
    stats[q] = QuestionStats(
        question_id=q,
        attempts=1,
        last_coverage=1.0,
        best_coverage=1.0,
        last_practised=datetime(2025, 3, 1, 12, 0),
    )
    got = practise_next(bank.questions, stats, NOW, limit=1)
    assert got[0].reason == "last practised 19 days ago"
