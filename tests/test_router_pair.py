"""Two neighbouring questions: "What is APIRouter and why use it?" and "How do you include a router in
your main app?". Their strong answers say nearly the same things, and tied at full coverage on each
other's question in most blind sets. What tells them apart is what each question asks for alone:
why to use a router (a growing app stays organized), and the import of the router into main."""

from __future__ import annotations

import pytest

from questions.matching import Matcher

# Both written for these tests; in no labelled set.
WHAT_AND_WHY = (
    "An API router is like a small FastAPI app for one group of related endpoints, with the same"
    " decorators. Each module owns its routes, and in main you just include them with app dot include"
    " router, adding a prefix, tags and shared dependencies there. The point is that the code stays"
    " organized as the project grows."
)
HOW_TO_INCLUDE = (
    "In routers slash users dot py I create router equals API router and put the endpoints on it"
    " with at router dot get. Then in main dot py I import that router and call app dot include"
    " router with it, optionally passing a prefix, tags or dependencies."
)


def _covered(matcher: Matcher, question: str, text: str) -> set[str]:
    return {c.concept for c in matcher.judge(question, text).covered}


@pytest.mark.slow
def test_including_in_main_is_not_importing_into_main(full_matcher: Matcher) -> None:
    # "in main you include them with app.include_router" resembles the import by meaning, but is
    # the next step: only the words credit the import (by_meaning = false).
    said = _covered(full_matcher, "include-router", WHAT_AND_WHY)
    assert "call-include-router" in said
    assert "import-into-main" not in said
    assert "import-into-main" in _covered(full_matcher, "include-router", HOW_TO_INCLUDE)


@pytest.mark.slow
def test_each_answer_ranks_first_on_its_own_question(full_matcher: Matcher) -> None:
    # The how-to answer gives no reason to use a router: the why is missed on that question.
    assert "keeps-app-maintainable" not in _covered(full_matcher, "apirouter-purpose", HOW_TO_INCLUDE)
    assert "keeps-app-maintainable" in _covered(full_matcher, "apirouter-purpose", WHAT_AND_WHY)
    answers = (WHAT_AND_WHY, HOW_TO_INCLUDE)
    on_purpose = {t: full_matcher.judge("apirouter-purpose", t).coverage for t in answers}
    on_include = {t: full_matcher.judge("include-router", t).coverage for t in answers}
    assert on_purpose[WHAT_AND_WHY] > on_purpose[HOW_TO_INCLUDE]
    assert on_include[HOW_TO_INCLUDE] > on_include[WHAT_AND_WHY]
