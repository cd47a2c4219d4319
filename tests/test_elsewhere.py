"""A bank's ``elsewhere``: subjects near it that none of its questions asks about. An answer
about one of them earns no credit for resemblance; an answer about the question keeps it."""

from __future__ import annotations

import pytest

from questions.matching import Matcher, build_matcher
from questions.model import Bank

# Written for these tests; in no labelled set.
PASSWORD_STORAGE = (
    "You should never keep passwords in plain text or with a quick hash like MD5. I hash them with"
    " bcrypt or argon2, which are slow on purpose and salt every password, and the salt lives inside"
    " the stored string. At login I verify the typed password against what is stored, and I raise the"
    " cost factor every few years as hardware gets faster."
)
OFFLOADING = (
    "If you call something slow and synchronous inside an async handler, the whole server stalls,"
    " because that one thread is busy. So I hand that call off to a helper thread and await the"
    " result, and for heavy number crunching I use a separate process instead."
)


def test_the_builtin_bank_names_subjects_it_does_not_ask(bank: Bank) -> None:
    topics = {e.topic for e in bank.elsewhere}
    assert {"password hashing algorithms", "Celery task queue", "Django forms"} <= topics


@pytest.mark.slow
def test_an_answer_on_a_subject_the_bank_does_not_ask_earns_nothing_by_resemblance(
    bank: Bank, meaning_matcher: Matcher
) -> None:
    """Asked how to keep the hash out of a response, a candidate explains how to store passwords."""
    judged = meaning_matcher.judge("hide-password-hash", PASSWORD_STORAGE)
    assert judged.coverage == 0, judged.covered
    # The same answer, judged by a bank that lists nothing elsewhere, earns a point by resemblance.
    bare = build_matcher(bank.model_copy(update={"elsewhere": []}), use_learned=False)
    assert [c.match for c in bare.judge("hide-password-hash", PASSWORD_STORAGE).covered] == ["meaning"]


@pytest.mark.slow
def test_an_answer_about_the_question_keeps_its_credit_by_meaning(meaning_matcher: Matcher) -> None:
    judged = meaning_matcher.judge("blocking-code-in-async", OFFLOADING)
    by_meaning = [c.concept for c in judged.covered if c.match == "meaning"]
    assert by_meaning == ["blocking-freezes-loop"]
    assert judged.coverage >= 0.6
