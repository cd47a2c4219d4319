"""Meaning's lower tier: an answer nearest this question of all the bank's may earn a concept at a
lower similarity, from a stretch whose closest concept in the whole bank is that one. Everyday
words ("a packing slip") sit near 0.5 from a concept's jargon, under the main threshold."""

from __future__ import annotations

import pytest

from questions.matching import Matcher
from tests.conftest import by_meaning

# Both written for these tests; in no labelled set.
PACKING_SLIP = (
    "It is like a packing slip. First you describe one line of it: a thing with a name and a price,"
    " and the price must be a number. Then you describe the slip itself, which has its own number and"
    " a list of those lines. Once the library knows the list holds that line shape, you give it the"
    " raw data and it walks through everything, making each chunk a proper line and fixing a price"
    " that came as text. If one line is broken, the whole slip is refused, and the message says which"
    " line and which part was wrong."
)
# Asked about response_model, it speaks of secrets: nearer the hide-password-hash question.
CUSTOMS = (
    "Think of a customs officer at the border with a list of what may leave the country. Inside the"
    " service you keep a full record of each person, secrets included, and you don't want to rely on"
    " memory to strip it every single time. So you write down, on its own, the exact form the public"
    " is allowed to receive, with only the harmless parts. Then you tell the endpoint that whatever it"
    " returns goes through that form first. The framework strips anything not on the list and checks"
    " each value is of the right kind before it leaves, and the published docs show that same form."
)


@pytest.mark.slow
def test_an_everyday_answer_earns_by_the_lower_tier_on_its_nearest_question(
    meaning_matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_tier = {
        (q, name): by_meaning(meaning_matcher, q, text)
        for q, name, text in (
            ("nested-order-products", "slip", PACKING_SLIP),
            ("hide-password-hash", "customs", CUSTOMS),
            ("response-model-output", "customs", CUSTOMS),
        )
    }
    monkeypatch.setattr(meaning_matcher.meaning, "nearest_threshold", 1.0)  # the lower tier off
    assert with_tier["nested-order-products", "slip"] == {"recursive-coercion"}
    assert by_meaning(meaning_matcher, "nested-order-products", PACKING_SLIP) == set()
    # Nearest hide-password-hash, it earns there by the lower tier ...
    assert "separate-db-from-api" in with_tier["hide-password-hash", "customs"]
    assert by_meaning(meaning_matcher, "hide-password-hash", CUSTOMS) == set()
    # ... and not on response_model, which it is about too but not nearest: only the main tier.
    assert with_tier["response-model-output", "customs"] == by_meaning(
        meaning_matcher, "response-model-output", CUSTOMS
    )
