"""The matcher on the behaviours the judging core promises, with the built-in bank's real forms."""

import pytest

from questions.forms import Heard, compile_form
from questions.matching import Matcher
from questions.model import Bank


def _covered(matcher: Matcher, qid: str, text: str) -> set[str]:
    return {c.concept for c in matcher.judge(qid, text).covered}


def _flags(matcher: Matcher, qid: str, text: str) -> list[str]:
    return [f.id for f in matcher.judge(qid, text).red_flags]


@pytest.fixture(scope="module")
def tiny() -> Matcher:
    bank = Bank.model_validate(
        {
            "bank": {"id": "tiny", "name": "Tiny", "version": "1"},
            "questions": [
                {
                    "id": "offload",
                    "title": "How do you run blocking code from async code?",
                    "topic": "asyncio",
                    "concepts": [
                        {"id": "to-thread", "label": "asyncio.to_thread", "say": ["asyncio.to_thread"]},
                        {"id": "router", "label": "APIRouter", "say": ["APIRouter"]},
                        {"id": "gt", "label": "Field(gt=0)", "say": ["Field(gt=0)"]},
                        {"id": "prefix", "label": "prefix /api/v1", "say": ["prefix /api/v1"]},
                        {"id": "pydantic", "label": "Pydantic", "say": ["Pydantic model"]},
                        {"id": "ctx", "label": "ContextVar", "say": ["ContextVar"]},
                        {"id": "own-copy", "label": "per task", "say": ["own copy + each task"]},
                    ],
                    "red_flags": [
                        {
                            "id": "any-lock",
                            "label": "Any lock will do: wrong, a threading lock blocks the loop",
                            "say": ["any lock will do", "threading lock is fine", "just use a thread lock"],
                        }
                    ],
                }
            ],
        }
    )
    return Matcher(bank)


@pytest.mark.parametrize(
    ("heard", "concept"),
    [
        ("you call asyncio dot to thread with the function", "to-thread"),
        ("I'd use async IO to thread here", "to-thread"),
        ("make an API router per module", "router"),
        ("an APIrouter per module", "router"),
        ("price is field with gt equals zero", "gt"),
        ("price is filled with gt equals zero", "gt"),
        ("mount it with prefix slash API slash v one", "prefix"),
        ("mount it with prefix /api/v1", "prefix"),
        ("you define a Pidantic model", "pydantic"),
        ("the context bar holds the request id", "ctx"),
        ("so each task basically gets its own copy", "own-copy"),
        ("you get your own copy of it in each task", "own-copy"),
    ],
)
def test_spoken_and_misheard_code_is_credited(tiny: Matcher, heard: str, concept: str) -> None:
    assert concept in _covered(tiny, "offload", heard)


@pytest.mark.parametrize(
    "heard",
    [
        "we walked along the field with great care",
        "I took the thread pool to a new town",
        "the rooster and the context of the bar",
        "my own copy of the book, and a pedal",
    ],
)
def test_ordinary_words_are_not_taken_for_jargon(tiny: Matcher, heard: str) -> None:
    assert _covered(tiny, "offload", heard) == set()


def test_evidence_points_at_the_words_that_earned_it(tiny: Matcher) -> None:
    text = "Well, honestly I would reach for asyncio.to_thread first."
    hit = next(c for c in tiny.judge("offload", text).covered if c.concept == "to-thread")
    assert text[hit.evidence.start : hit.evidence.end] == hit.evidence.text == "asyncio.to_thread"


def test_near_misses_are_reported_as_heard_as(tiny: Matcher) -> None:
    hit = next(c for c in tiny.judge("offload", "a Pidantic model").covered if c.concept == "pydantic")
    assert [(h.heard, h.as_) for h in hit.heard_as] == [("Pidantic", "pydantic")]


@pytest.mark.parametrize(
    "text",
    [
        "Any lock will do, I just use a thread lock.",
        "Honestly, a threading lock is fine here.",
    ],
)
def test_asserted_misconception_raises_the_red_flag(tiny: Matcher, text: str) -> None:
    assert _flags(tiny, "offload", text) == ["any-lock"]


@pytest.mark.parametrize(
    "text",
    [
        "A common mistake is to think a threading lock is fine.",
        "I would never just use a thread lock, it freezes the event loop.",
        "People say any lock will do, but you need an asyncio lock.",
        "Don't just use a thread lock in a coroutine.",
        "You could just use a thread lock, which is wrong because it blocks the loop.",
    ],
)
def test_rejected_misconception_is_not_a_red_flag(tiny: Matcher, text: str) -> None:
    judged = tiny.judge("offload", text)
    assert judged.red_flags == []
    assert [f.id for f in judged.rejected_red_flags] == ["any-lock"]


def test_a_turn_of_the_sentence_ends_the_rejection(tiny: Matcher) -> None:
    assert _flags(tiny, "offload", "People worry about it, but honestly any lock will do.") == ["any-lock"]


def test_coverage_is_the_weighted_share(tiny: Matcher) -> None:
    judged = tiny.judge("offload", "asyncio.to_thread and an APIRouter")
    assert judged.coverage == pytest.approx(2 / 7, abs=1e-3)
    assert {m.concept for m in judged.missed} == {"gt", "prefix", "pydantic", "ctx", "own-copy"}


# The issue's own examples, on the built-in bank.


def test_hardcoding_rejected_is_not_flagged(matcher: Matcher) -> None:
    text = (
        "I would not hardcode the path in every decorator. I'd create an APIRouter with relative paths "
        "and mount it with app.include_router(router, prefix='/api/v1')."
    )
    judged = matcher.judge("router-path-prefix", text)
    assert judged.red_flags == []
    assert judged.coverage >= 0.5


def test_threading_lock_mistake_named_is_not_flagged_but_claimed_is(matcher: Matcher) -> None:
    qid = "asyncio-lock-vs-threading-lock"
    assert _flags(matcher, qid, "A common mistake is to think a threading lock is fine in async code.") == []
    assert _flags(matcher, qid, "Any lock will do, I just use a thread lock.") != []


def test_off_topic_speech_scores_near_zero(matcher: Matcher, bank: Bank) -> None:
    text = (
        "So in my last job I mostly worked on the frontend, React with hooks, and we had a big "
        "migration from class components. I also set up our CI pipeline and wrote a lot of SQL reports."
    )
    for q in bank.questions:
        assert matcher.judge(q.id, text).coverage <= 0.05, q.id


@pytest.mark.parametrize(
    ("qid", "text", "flagged"),
    [
        (
            "router-path-prefix",
            "You could hardcode the full path in every decorator, but that's brittle.",
            False,
        ),
        ("router-path-prefix", "Hardcoding the full path in every decorator is an anti-pattern.", False),
        ("hide-password-hash", "Deleting the password hash from the dict by hand is fragile.", False),
        ("hide-password-hash", "I'd just delete the password hash from the dict before returning it.", True),
        ("field-constraints-price-sku", "I'd just use conint for the price, it works.", True),
        ("field-constraints-price-sku", "You don't need conint or constr anymore.", False),
        (
            "custom-field-validator",
            "In v1, which is deprecated now, you wrote pre=True on a validator.",
            False,
        ),
        (
            "event-loop-cooperative-multitasking",
            "The event loop runs the tasks in parallel on multiple threads.",
            True,
        ),
        ("include-router", "Rather than copying every endpoint into main.py, you include the router.", False),
        # A habit given up, a verdict after the claim, a frame naming where the claim comes from.
        ("hide-password-hash", "I used to pop the hash off in each route until a review caught it.", False),
        ("hide-password-hash", "I pop the hash off in each route before returning it.", True),
        (
            "router-path-prefix",
            "Hardcoding the full absolute path in every route decorator, that's a maintenance nightmare.",
            False,
        ),
        (
            "event-loop-cooperative-multitasking",
            "Describing it as parallel execution is misleading, tasks share one thread.",
            False,
        ),
        ("field-constraints-price-sku", "Some older tutorials show constr with regex, but use Field.", False),
        # "rather"/"instead" reject only what follows "than"/"of"; a negator's reach ends at ", and".
        ("nested-order-products", "I'd rather iterate explicitly over the products myself.", True),
        (
            "include-router",
            "I've never really needed that, and re-declaring them with at app dot get keeps it simple.",
            True,
        ),
        (
            "include-router",
            "I redefine the endpoints in main dot py instead of calling include router.",
            True,
        ),
        # A condition is not a verdict; "not how it works" is; "you could, but then" is a downside.
        (
            "custom-field-validator",
            "I'd validate outside the model: check the field in the endpoint and raise an "
            "HTTPException if it's wrong.",
            True,
        ),
        (
            "event-loop-cooperative-multitasking",
            "Thinking that tasks run in parallel on multiple threads, that's just not how it works.",
            False,
        ),
        (
            "custom-field-validator",
            "You could, but then the validation lives outside the model and nothing reuses it.",
            False,
        ),
        # "..., right?" seeks agreement with a claim; "what I would not do is" rejects one.
        (
            "hide-password-hash",
            "You'd turn the user into a dictionary and then remove the password hash key, right?",
            True,
        ),
        (
            "nested-order-products",
            "What I would not do is hand-roll the per-item conversion with a for loop.",
            False,
        ),
        # A claim is made in one sentence: a form's parts are not joined across sentences.
        (
            "include-router",
            "Import the router into main, and call app dot include router. FastAPI copies the routes "
            "onto the app for you.",
            False,
        ),
        # A glue is one word said in pieces, in one sentence, with at most one piece misheard.
        (
            "multi-source-dependency",
            "You get type conversion and error responses for free. Raw Request access is for edge cases.",
            False,
        ),
        ("include-router", "FastAPI will inject Header and Query just like it does for the route.", False),
        ("custom-field-validator", "Pydantic raises, and FastAPI returns a four twenty two.", False),
        # Reviewers' framing, habits given up, verdicts and purposes after the claim.
        (
            "router-path-prefix",
            "In code review I'd flag any decorator that spells out slash api slash v1.",
            False,
        ),
        ("field-constraints-price-sku", "I used to write a field validator for every rule like this.", False),
        ("include-router", "Early on I'd copy handlers into main dot py, until main was huge.", False),
        ("event-loop-cooperative-multitasking", "Nothing runs at the same time, one task at a time.", False),
        ("field-constraints-price-sku", "Using constr in v2 code is kind of a smell now.", False),
        (
            "custom-field-validator",
            "Validating outside the model, in the route, is the thing to avoid.",
            False,
        ),
        (
            "field-constraints-price-sku",
            "I'd write price colon conint gt zero, as cents to avoid float issues.",
            True,
        ),
        ("custom-field-validator", "The old pre equals True is now mode equals before.", False),
        # A rising voice on a hedged claim still claims; a question worded as one asks.
        (
            "event-loop-cooperative-multitasking",
            "I think the event loop is basically multithreaded under the hood?",
            True,
        ),
        ("router-path-prefix", "Hardcoding the full path on every route? No, the router takes it.", False),
        # "others" say; "the other tasks" are tasks.
        (
            "event-loop-cooperative-multitasking",
            "While one task waits, the other tasks run in parallel on the other cores.",
            True,
        ),
        # Someone else's habit, unless the speaker takes it up.
        (
            "asyncio-lock-vs-threading-lock",
            "A teammate put a threading lock around the token refresh in our async client.",
            False,
        ),
        ("include-router", "If a colleague writes endpoints elsewhere, I copy the handlers into main.", True),
        (
            "include-router",
            "Someone had a good users router but then rewrote each endpoint in main with app dot get.",
            False,
        ),
        # Code said aloud is not a negation; a negator reaches over a few words, not past a comma.
        (
            "custom-field-validator",
            "In the endpoint I check if not username dot isalnum and raise an HTTPException.",
            True,
        ),
        (
            "field-constraints-price-sku",
            "A custom validator is for cross-field rules, not for a range check and a regex.",
            False,
        ),
        (
            "asyncio-lock-vs-threading-lock",
            "You can use threading dot Lock in a coroutine without trouble, it's a perfectly safe choice.",
            True,
        ),
        # Habits left and names replaced; concessions, warnings and verdicts.
        ("custom-field-validator", "The v1 way was at validator with pre equals True.", False),
        ("field-constraints-price-sku", "Back in Pydantic one we used constr everywhere.", False),
        (
            "router-path-prefix",
            "In my first project I typed the full path into every decorator; now the router has a prefix.",
            False,
        ),
        ("custom-field-validator", "In v2, always equals True became validate default on Field.", False),
        ("multi-source-dependency", "Parsing headers by hand is possible, but you lose validation.", False),
        ("include-router", "Rewriting the endpoints in main is the thing to stay away from.", False),
        ("multi-source-dependency", "With a dependency, nobody parses the raw request by hand.", False),
        ("asyncio-lock-vs-threading-lock", "I'd warn against taking a threading lock in a coroutine.", False),
        (
            "custom-field-validator",
            "I use at validator with each item equals True and raise ValueError for bad ones.",
            True,
        ),
        # "un-", an assumption named, students' habits, what came before.
        (
            "event-loop-cooperative-multitasking",
            "Put a CPU loop in a coroutine and you see how un-parallel it is.",
            False,
        ),
        (
            "event-loop-cooperative-multitasking",
            "Many people assume the event loop is a form of multithreading; it is one thread.",
            False,
        ),
        ("include-router", "Students often rewrite the endpoints in main dot py instead.", False),
        (
            "custom-field-validator",
            "Before that, the check lived in a helper called from two endpoints.",
            False,
        ),
    ],
)
def test_claims_are_told_from_their_rejection(matcher: Matcher, qid: str, text: str, flagged: bool) -> None:
    assert bool(_flags(matcher, qid, text)) is flagged


def test_form_words_glued_differently_must_be_spelled_alike() -> None:
    """Two form words heard as three must be the same letters, not merely a similar sound."""
    heard = Heard("Field constraints this simple belong in Field, and a constrained decimal is fine.")
    found = list(heard.find(compile_form("constrained decimal")))
    assert [heard.text[heard.tokens[f.first].start : heard.tokens[f.last].end] for f in found] == [
        "constrained decimal"
    ]


def test_a_run_of_form_words_does_not_cross_a_new_thought() -> None:
    heard = Heard("It resolves them like endpoint params, so the combining happens in the dependency.")
    assert list(heard.find(compile_form("endpoint does the combining"))) == []
    assert list(Heard("The endpoint does the combining.").find(compile_form("endpoint does the combining")))
