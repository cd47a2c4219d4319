"""The topic gate on meaning credit reads each question in two registers: the model answer's words
and the concepts' plain-language statements. An answer told in analogies is nearer the second."""

from __future__ import annotations

from dataclasses import replace

import pytest

from questions.matching import Matcher
from questions.model import Bank

# Written for this test; in no labelled set. No async vocabulary at all: the model answer's words
# put it nearer the event-loop question than its own.
VENDING_MACHINE = (
    "Think of a normal function as a vending machine: you press the button and the snack drops out"
    " right there. The other kind, the one marked with the special keyword, hands you a voucher"
    " instead. Nothing has been made yet, the voucher is just a promise of work. It only gets made"
    " when you stand there waiting for it, or when you pass the voucher to the scheduler so it gets"
    " done in the background. If you just pocket the voucher and walk off, the work never happens."
)


@pytest.mark.slow
def test_an_answer_told_in_analogies_passes_by_the_plain_register(
    bank: Bank, meaning_matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    judged = meaning_matcher.judge("async-def-vs-regular-function", VENDING_MACHINE)
    assert [c.match for c in judged.covered] and {c.match for c in judged.covered} == {"meaning"}

    # With the plain register made the same as the model answer's words, the gate shuts.
    topics = meaning_matcher.meaning._topic_vectors(bank)
    monkeypatch.setattr(meaning_matcher.meaning, "_topics", replace(topics, plain=topics.in_words))
    assert meaning_matcher.judge("async-def-vs-regular-function", VENDING_MACHINE).covered == []


@pytest.mark.slow
def test_a_neighbouring_questions_answer_still_earns_nothing_by_meaning(
    meaning_matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why use an APIRouter, judged on how to include one or on how to declare a dependency: what it
    says in those questions' words counts; resemblance does not (without the gate, "each with its own
    tags and dependencies" earns declare-dependency's points). On include-router it once earned the
    import into main by meaning; that point is now credited by its words only (`by_meaning`)."""
    answer = (
        "An APIRouter is a mini application for one part of the API. Instead of one huge main file with"
        " every endpoint, the user endpoints live in their own module, the order endpoints in another,"
        " each with its own tags and dependencies. That keeps modules small, teams can work on them"
        " separately, and you avoid circular imports because the routes never need the app object."
    )
    for question in ("include-router", "declare-dependency"):
        assert "meaning" not in {c.match for c in meaning_matcher.judge(question, answer).covered}
    monkeypatch.setattr(meaning_matcher.meaning, "topic_margin", 1.0)  # the gate off
    assert "meaning" in {c.match for c in meaning_matcher.judge("declare-dependency", answer).covered}
