"""Property-based fuzzing of what people feed Viva Voce: TOML banks and plain-text question files.

The property, for every generated input: it loads (or imports) into a valid bank, or it raises
``BankError`` naming the file and saying what to fix. Any other exception is a crash a person would
see as a traceback. Derandomized, so CI runs the same ~700 inputs every time.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from questions.errors import BankError
from questions.importer import import_text_file
from questions.loader import builtin_bank_path, load_bank
from questions.model import Bank

DATA = Path(__file__).parent / "data"
BANK_BYTES = builtin_bank_path().read_bytes()
BANK_DATA = tomllib.loads(BANK_BYTES.decode("utf-8"))
TEXT_BYTES = (DATA / "python-async-fastapi-pydantic.txt").read_bytes()

# Examples per property; together well over 500 generated inputs a run.
EXAMPLES = {
    "random-bank": 100, "damaged-bank": 120, "mutated-bank": 150, "small-bank": 60,
    "random-text": 80, "damaged-text": 100, "generated-text": 150,
}  # fmt: skip
FUZZ = settings(
    derandomize=True,  # the same inputs on every run: CI stays stable, a failure reproduces
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# The schema's catch-all fix: fine for a TOML bank a person wrote, meaningless for an import, whose
# TOML values the importer generated (the person can only change their text).
SCHEMA_FIX = "correct the value as described"


def _holds(load: Callable[[Path], Bank], path: Path, data: bytes) -> None:
    """The property: a valid bank, or a BankError that names the file and the fix."""
    path.write_bytes(data)
    try:
        bank = load(path)
    except BankError as exc:
        event("refused")  # the outcome mix shows with --hypothesis-show-statistics
        message = str(exc)
        assert str(path) in message, message
        assert exc.fix.strip(), f"no fix in: {message}"
        assert exc.problem.strip(), message
        if load is import_text_file:
            assert exc.fix != SCHEMA_FIX, f"the importer made a bank it could not load: {message}"
        return
    event("loaded")
    assert isinstance(bank, Bank) and bank.questions


# -- inputs ----------------------------------------------------------------------------------------

BAD_SLUGS = st.sampled_from(["", "Bad Id", "UPPER", "with_underscore", "-lead", "trail-", "a--b", "é", "a b"])
HUGE_NUMBERS = st.sampled_from(
    [2**63 - 1, -(2**63), 10**18, -1, 0, float("inf"), float("-inf"), float("nan")]
)
# Any value TOML can hold, for "wrong type" mutations.
TOML_SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(),
    BAD_SLUGS,
    HUGE_NUMBERS,
)
TOML_VALUES = st.recursive(
    TOML_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    """Every key or index path inside the parsed bank, for picking what to break."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


BANK_PATHS = _paths(BANK_DATA)


def _parent(data: dict, path: tuple) -> tuple[dict | list, object]:
    node = data
    for part in path[:-1]:
        node = node[part]
    return node, path[-1]


@st.composite
def mutated_banks(draw: st.DrawFn) -> bytes:
    """The built-in bank with one to three schema-breaking changes, written back as TOML."""
    data = copy.deepcopy(BANK_DATA)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(BANK_PATHS))
        try:
            parent, key = _parent(data, path)
            parent[key]  # an earlier mutation may have removed or replaced this part
        except (KeyError, IndexError, TypeError):
            continue
        kind = draw(st.sampled_from(["remove", "wrong-type", "empty", "bad-slug", "duplicate", "huge"]))
        if kind == "remove":
            del parent[key]
        elif kind == "wrong-type":
            parent[key] = draw(TOML_VALUES)
        elif kind == "empty":
            parent[key] = draw(st.sampled_from([[], {}, "", "   "]))
        elif kind == "bad-slug":
            parent[key] = draw(BAD_SLUGS)
        elif kind == "huge":
            parent[key] = draw(HUGE_NUMBERS)
        elif isinstance(parent, list):  # duplicate: the same question, concept or form twice
            parent.append(copy.deepcopy(parent[key]))
        elif isinstance(parent[key], list) and parent[key]:
            parent[key].append(copy.deepcopy(parent[key][0]))
    return tomli_w.dumps(data).encode("utf-8")


@st.composite
def damaged_bytes(draw: st.DrawFn, original: bytes) -> bytes:
    """A valid file cut short, with lines dropped or repeated, or with foreign bytes spliced in."""
    data = original
    kind = draw(st.sampled_from(["truncate", "drop-lines", "repeat-line", "splice", "non-utf8"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    lines = data.splitlines(keepends=True)
    if kind == "drop-lines":
        start = draw(st.integers(0, len(lines) - 1))
        return b"".join(lines[:start] + lines[start + draw(st.integers(1, 20)) :])
    if kind == "repeat-line":
        i = draw(st.integers(0, len(lines) - 1))
        return b"".join(lines[: i + 1] + [lines[i]] * draw(st.integers(1, 3)) + lines[i + 1 :])
    at = draw(st.integers(0, len(data)))
    if kind == "non-utf8":
        junk = draw(
            st.sampled_from([b"\xff", b"\xc3", b"\xe9t\xe9", b"\xed\xa0\x80", b"\x80\x80", b"\xfe\xff"])
        )
    else:
        junk = draw(st.binary(min_size=1, max_size=16))
    return data[:at] + junk + data[at:]


@st.composite
def nested_values(draw: st.DrawFn) -> bytes:
    """Arrays or inline tables nested deeper than any parser's recursion limit, in a valid bank."""
    depth = draw(st.integers(1, 3000))
    opening, closing = draw(st.sampled_from([("[", "]"), ("{a = ", "}")]))
    key = draw(st.sampled_from(["questions", "description", "extra"]))
    head = b'[bank]\nid = "b"\nname = "B"\nversion = "1"\n'
    return head + f"{key} = {opening * depth}1{closing * depth}\n".encode()


@st.composite
def bank_texts(draw: st.DrawFn) -> bytes:
    """Small TOML banks written from parts, right and wrong, for the schema checks' own corners."""
    head = '[bank]\nid = "{}"\nname = "{}"\nversion = "1"\n\n'.format(
        draw(st.sampled_from(["b", "bad id", ""])), draw(st.sampled_from(["B", ""]))
    )
    parts = [head]
    for _ in range(draw(st.integers(0, 3))):
        parts.append(
            '[[questions]]\nid = "{}"\ntitle = "{}"\ntopic = "t"\n'.format(
                draw(st.sampled_from(["q", "q2", "Q"])), draw(st.sampled_from(["T?", "t?", ""]))
            )
        )
        for _ in range(draw(st.integers(0, 3))):
            say = draw(st.sampled_from(['["some words"]', "[]", '[" + x"]', '["a +  + b"]', '"words"', "1"]))
            weight = draw(
                st.sampled_from(["", "weight = 0\n", "weight = 1e400\n", "weight = 11\n", "weight = 2\n"])
            )
            cid = draw(st.sampled_from(["c", "c2", "C"]))
            parts.append(f'[[questions.concepts]]\nid = "{cid}"\nlabel = "L"\nsay = {say}\n{weight}')
    return "\n".join(parts).encode("utf-8")


TITLES = st.sampled_from(
    [
        "What is a coroutine?",
        "How do you cancel an asyncio.Task?",
        "Why use FastAPI's Depends()?",
        "????",
        "x" * 400,
        "a",
        "WHAT IT TESTS:",
        "Red flag: everything",
        "élan vital?",
        "🙂🙂 emoji?",
    ]
)
BODY_PIECES = st.sampled_from(
    [
        "This tests cancellation.",
        "Tests whether you know asyncio.to_thread and run_in_executor.",
        "A strong answer covers try/finally, re-raising CancelledError, and awaiting the task.",
        "WHAT IT TESTS:",
        "ANSWER OUTLINE:",
        "RED FLAG:",
        "Red flag:",
        "Red flag: no.",
        "A red flag is",
        "A red flag is sync.",
        "Field(gt=0, le=10) and model_validator(mode='after').",
        "; , then and then while",
        ".",
        "(((",
        "the a of",
        "@app.get('/x') def f(): ...",
        "ß İ ﬁ ẞ",
        "\u200b\u00a0\t",
        "",
    ]
)


@st.composite
def question_texts(draw: st.DrawFn) -> bytes:
    """Plain-text question files from titles and description pieces, right and wrong."""
    blocks = []
    for _ in range(draw(st.integers(0, 5))):
        title = draw(TITLES | st.text(min_size=1, max_size=40))
        body = [" ".join(draw(st.lists(BODY_PIECES | st.text(max_size=30), max_size=5))) for _ in range(2)]
        lines = [title, *body[: draw(st.integers(0, 2))]]
        blocks.append("\n".join(lines))
    separator = draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\n \n", "\n\n\n"]))
    return separator.join(blocks).encode("utf-8")


# -- the properties --------------------------------------------------------------------------------


@settings(FUZZ, max_examples=EXAMPLES["random-bank"])
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_a_bank(folder: Path, data: bytes) -> None:
    _holds(load_bank, folder / "random.toml", data)


@settings(FUZZ, max_examples=EXAMPLES["damaged-bank"])
@given(data=damaged_bytes(BANK_BYTES))
def test_damaged_builtin_bank_text(folder: Path, data: bytes) -> None:
    _holds(load_bank, folder / "damaged.toml", data)


@settings(FUZZ, max_examples=EXAMPLES["mutated-bank"])
@given(data=mutated_banks())
def test_schema_breaking_changes_to_the_builtin_bank(folder: Path, data: bytes) -> None:
    _holds(load_bank, folder / "mutated.toml", data)


@settings(FUZZ, max_examples=EXAMPLES["small-bank"])
@given(data=bank_texts() | nested_values())
def test_small_banks_and_deep_nesting(folder: Path, data: bytes) -> None:
    _holds(load_bank, folder / "small.toml", data)


@settings(FUZZ, max_examples=EXAMPLES["random-text"])
@given(data=st.binary(max_size=2000) | st.text(max_size=500).map(str.encode))
def test_random_input_as_a_question_file(folder: Path, data: bytes) -> None:
    _holds(import_text_file, folder / "random.txt", data)


@settings(FUZZ, max_examples=EXAMPLES["damaged-text"])
@given(data=damaged_bytes(TEXT_BYTES))
def test_damaged_question_file(folder: Path, data: bytes) -> None:
    _holds(import_text_file, folder / "damaged.txt", data)


@settings(FUZZ, max_examples=EXAMPLES["generated-text"])
@given(data=question_texts())
def test_generated_question_files(folder: Path, data: bytes) -> None:
    _holds(import_text_file, folder / "generated.txt", data)


def test_the_fuzzing_covers_at_least_500_inputs() -> None:
    assert sum(EXAMPLES.values()) >= 500


# -- what the fuzzing found, kept as plain regression tests ---------------------------------------


def test_arrays_nested_past_the_recursion_limit_are_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text('[bank]\nid = "b"\nname = "B"\nversion = "1"\nquestions = ' + "[" * 5000 + "]" * 5000)
    with pytest.raises(BankError, match="too deeply") as caught:
        load_bank(path)
    assert str(path) in str(caught.value) and caught.value.fix


def test_a_red_flag_too_short_to_say_stays_in_the_outline(tmp_path: Path) -> None:
    path = tmp_path / "questions.txt"
    path.write_text(
        "What does async def return?\n"
        "This tests coroutines. A strong answer says it returns a coroutine object. Red flag: no.\n",
        encoding="utf-8",
    )
    question = import_text_file(path).questions[0]
    assert question.red_flags == [] and "Red flag: no." in question.outline
