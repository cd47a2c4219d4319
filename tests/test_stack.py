"""An answer given for another stack earns nothing; one that only compares is judged as usual."""

from __future__ import annotations

import pytest

from questions.matching import Matcher
from questions.model import Bank
from questions.stack import other_stacks_named, stack_of_text
from tests.conftest import DATA

EXPRESS = (
    "In Express you create a router with express dot Router, then define routes on it, like router dot "
    "get slash colon id. In your main app file you mount it with app dot use, slash api slash users, and "
    "every route inside gets that prefix, so each route stays relative."
)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("In Java, ThreadLocal gives each thread its own copy.", ["Java"]),
        ("In Go you mostly don't worry, goroutines are cheap.", ["Go"]),
        ("Go to the docs first. You can express the constraint in the model.", []),
        ("So Node's event loop runs in phases, then Spring Boot does it with beans.", ["JavaScript", "Java"]),
        ("It's a bit like Kotlin, where String question mark is about nullability.", []),
        ("This is very similar to Node's event loop.", []),
        ("Unlike a Flask blueprint, the router carries its dependencies.", []),
        # A senior from another stack maps the idea onto terms they know.
        ("If you know Node, it's the same architecture: one thread runs the loop.", []),
        ("In Java terms it's an outbound DTO, bound to the handler.", []),
        ("In TypeScript terms it's an optional property versus a nullable type.", []),
        ("A Spring-style provider function, resolved per request.", []),
        ("In Java you'd write a DTO and map it by hand.", ["Java"]),
        ("Field constraints run in the Rust core, so they're fast.", []),
        ("Its validation is written in Rust, so it's fast.", []),
        ("With a CHECK constraint in Postgres the database enforces it.", ["PostgreSQL"]),
        ("Spring is my favourite season.", []),
        # Another stack's own API names it, as a person of that stack says it.
        ("You register the service in program dot cs with builder dot services dot AddScoped.", ["C#"]),
        ("Group the views in a blueprint and register it with a url underscore prefix.", ["Flask"]),
        ("Then app dot use mounts it under slash api.", ["JavaScript"]),
        ("The path variable and the query string each declare their source.", []),
        # ... or its written name, dots and all, and its idioms when it never names itself.
        ("On ASP.NET Core the binder fills it.", ["C#"]),
        ("The handler takes a parameter marked FromHeader and another marked FromQuery.", ["C#"]),
        ("It returns Poll colon colon Pending and stores the waker.", ["Rust"]),
        ("The callback waits in the microtask queue, then dot then runs it.", ["JavaScript"]),
        ("Bind it with c dot ShouldBindJSON and check if err not equal nil.", ["Go"]),
        ("I promise the async function returns a request body from the query.", []),
    ],
)
def test_other_stacks_are_named_only_when_the_answer_talks_in_them(text: str, named: list[str]) -> None:
    assert other_stacks_named(text) == named


def test_the_bank_stack_is_never_another_stack() -> None:
    assert other_stacks_named("With Flask I'd use a blueprint.", own=frozenset({"flask"})) == []


def test_an_answer_about_another_framework_covers_nothing(matcher: Matcher) -> None:
    judged = matcher.judge("router-path-prefix", EXPRESS)
    assert judged.other_stack == "JavaScript"
    assert judged.coverage == 0 and judged.covered == []
    assert len(judged.missed) == len(matcher.bank.question("router-path-prefix").concepts)
    assert "JavaScript" in judged.other_stack_note()


def test_the_same_words_about_fastapi_are_judged_as_usual(matcher: Matcher) -> None:
    """The judgement turns on the stack the answer names, not on its words: the Express answer's
    own words, said of FastAPI with the comparison kept, earn their points."""
    about_fastapi = EXPRESS.replace(
        "In Express you create a router with express dot Router",
        ("In FastAPI, a bit like in Express, you create an APIRouter"),
    )
    judged = matcher.judge("router-path-prefix", about_fastapi)
    assert judged.other_stack is None
    assert judged.coverage >= 0.3


@pytest.mark.parametrize(
    ("question", "own"),
    [
        ("default-vs-optional-field", "In Pidantic a default and Optional differ, in Java they don't."),
        ("include-router", "In Java you'd wire it differently; here you call include underscore router."),
        ("contextvars-vs-threading-local", "Java's ThreadLocal is like this but a ContextVar is per task."),
    ],
)
def test_own_stack_counts_misheard_or_as_an_identifier(matcher: Matcher, question: str, own: str) -> None:
    assert matcher.judge(question, own).other_stack is None


@pytest.mark.parametrize(
    "turn",
    [
        "In Go you'd put validate tags on the struct fields. Same idea here: constraints sit on the field.",
        "In Node I'd write a serializer that omits it. Here the idiomatic way is a separate output schema.",
    ],
)
def test_an_answer_that_turns_from_another_stack_to_this_one_is_about_this_one(
    matcher: Matcher, turn: str
) -> None:
    assert matcher.judge("field-constraints-price-sku", turn).other_stack is None
    # Without the turn, the same first sentence is about the other stack.
    assert matcher.judge("field-constraints-price-sku", turn.split(". ")[0] + ".").other_stack


def test_a_java_thread_local_is_not_pythons_threading_local(matcher: Matcher) -> None:
    """Identifiers meet word for word: 'ThreadLocal' is 'thread local', not 'threading local'."""
    text = "In Java, ThreadLocal gives each thread its own copy, and it leaks into the next request."
    assert matcher.judge("contextvars-vs-threading-local", text).other_stack == "Java"


def test_a_bank_without_a_stack_judges_every_answer(bank: Bank) -> None:
    info = bank.bank.model_copy(update={"stack": []})
    judged = Matcher(bank.model_copy(update={"bank": info})).judge("router-path-prefix", EXPRESS)
    assert judged.other_stack is None and judged.coverage > 0


def test_an_imported_bank_knows_its_stack_from_its_text() -> None:
    """So an imported bank gets the same check: its text names what it is about."""
    stack = stack_of_text((DATA / "python-async-fastapi-pydantic.txt").read_text(encoding="utf-8"))
    assert {"Python", "asyncio", "FastAPI", "Pydantic"} <= set(stack)
    assert "Java" not in stack and "JavaScript" not in stack
    assert stack_of_text("How do Spring beans get injected?\nA bean is ...") == ["Java"]


def test_identifiers_count_as_a_python_programmer_says_them(matcher: Matcher) -> None:
    """Anyone says "password hash"; only Python code says "password underscore hash"."""
    node = "In Sequelize I'd add a default scope that excludes the password hash from every query."
    assert matcher.judge("hide-password-hash", node).other_stack == "JavaScript"
    python = node.replace("the password hash", "password underscore hash")
    assert matcher.judge("hide-password-hash", python).other_stack is None


def test_an_answer_about_another_stack_raises_no_red_flag(matcher: Matcher) -> None:
    text = "In Rails I validate the email in the controller before saving, outside the model, with a regex."
    judged = matcher.judge("custom-field-validator", text)
    assert judged.other_stack == "Ruby" and judged.red_flags == []


def test_a_stack_name_counts_for_its_whole_family(bank: Bank) -> None:
    """A bank about FastAPI is about Python: an answer saying only "Python" is its own."""
    info = bank.bank.model_copy(update={"stack": ["FastAPI"]})
    matcher = Matcher(bank.model_copy(update={"bank": info}))
    text = "In Python you'd mount the router with a prefix, so each route stays relative."
    assert matcher.judge("router-path-prefix", text).other_stack is None


def test_a_django_answer_is_not_saved_by_python_words_or_a_qualified_class(matcher: Matcher) -> None:
    """Django is Python: its ``to_python`` and its ``forms.ValidationError`` do not make a
    Django forms answer one about Pydantic; the bare class name, as Pydantic code says it, does."""
    django = (
        "In Django forms you add a method clean underscore email. It runs after the field's to python,"
        " and you raise forms dot ValidationError if the value is bad."
    )
    assert matcher.judge("custom-field-validator", django).other_stack == "Django"
    pydantic = django.replace("forms dot ValidationError", "a ValidationError")
    assert matcher.judge("custom-field-validator", pydantic).other_stack is None
