"""An answer nearer another question that says that question's points in its words is an answer to
it: a stretch of it as close to one of that question's points as to this one's earns nothing here.
A strong answer to "async def vs a regular function" earned await's completion signalling from "you
get a coroutine object, a suspended computation", and tied with await's own strong answers."""

from __future__ import annotations

import pytest

from questions.forms import Heard
from questions.matching import Matcher
from tests.conftest import by_meaning

# Written for these tests; in no labelled set.
TERSE_ASYNC_DEF = (
    "Plain function: you call it, the body runs right then, you get the value back. Async def: you"
    " call it and nothing happens. You get a coroutine object, think of it as a suspended computation"
    " that hasn't begun. It runs only once something drives it. You await it from another coroutine,"
    " or wrap it in create task so the loop schedules it alongside the others, or asyncio dot run at"
    " the entry point. Do none of that and it never runs, Python just warns coroutine was never"
    " awaited. Also, await, async with and async for only work inside async def."
)


@pytest.mark.slow
def test_an_answer_to_the_neighbour_does_not_earn_its_points_here(
    full_matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert full_matcher.judge("async-def-vs-regular-function", TERSE_ASYNC_DEF).coverage == 1.0
    assert "completion-signaling" not in by_meaning(full_matcher, "await-and-awaitables", TERSE_ASYNC_DEF)
    meaning = full_matcher.meaning
    monkeypatch.setattr(meaning, "rival_margin", meaning.bank_margin)  # the rule off
    assert "completion-signaling" in by_meaning(full_matcher, "await-and-awaitables", TERSE_ASYNC_DEF)


@pytest.mark.slow
def test_only_an_answer_that_says_the_neighbours_points_in_words(full_matcher: Matcher) -> None:
    """A paraphrase of this question can sit nearer its neighbour too; naming none of the
    neighbour's points, it keeps what it says here in other words."""
    heard = Heard(TERSE_ASYNC_DEF, full_matcher._guarded)
    question = full_matcher.bank.question("await-and-awaitables")
    wanted = {c.id for c in question.concepts}
    nothing_said = full_matcher.meaning.best(heard, question, wanted, said=lambda _: 0.0)
    all_said = full_matcher.meaning.best(heard, question, wanted, said=lambda _: 1.0)
    assert "completion-signaling" in nothing_said
    assert "completion-signaling" not in all_said
    assert set(all_said) < set(nothing_said)
