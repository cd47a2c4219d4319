"""The answer-level misconception model: how the matcher uses it (with hand-set weights), and what
the shipped model does on answers written for these tests, in no labelled set."""

from pathlib import Path

import pytest

from questions import logistic
from questions.evaluation import RED_FLAG_KINDS, evaluate, load_answers
from questions.matching import Matcher
from questions.misconception import MODEL_PATH, MisconceptionModel, answer_features, for_question
from questions.model import Bank
from questions.normalize import tokenize
from questions.stance import StanceModel
from tests.conftest import DATA

NESTED = "nested-order-products"
# The misconception, in words none of the spoken forms hold.
LOOPED = (
    "I define Product with name and price, and Order with a products list. When the JSON comes in I go "
    "through payload products one by one and build a Product from each dict, then pass that list into "
    "Order. Pydantic does not look inside lists on its own, so that step is needed."
)
CHESS = (
    "I played a lot of chess last year, mostly blitz, and joined a club at work on Fridays. My rating "
    "went up a lot once I started reviewing my losses instead of memorising openings."
)


def _certain(holds: bool, question: str = NESTED) -> MisconceptionModel:
    return MisconceptionModel({"bias": 8.0 if holds else -8.0}, frozenset({question}))


@pytest.fixture(scope="module")
def shipped(bank: Bank) -> Matcher:
    model = MisconceptionModel.load()
    assert model is not None, f"{MODEL_PATH} is missing: run bench/train_misconception.py --write"
    return Matcher(bank, stance=StanceModel.load(), misconception=model)


def test_it_raises_a_flag_the_forms_missed_with_its_strongest_sentence(bank: Bank) -> None:
    assert Matcher(bank).judge(NESTED, LOOPED).red_flags == []
    judged = Matcher(bank, misconception=_certain(True)).judge(NESTED, LOOPED)
    [flag] = judged.red_flags
    assert (flag.id, flag.match) == ("manual-iteration", "answer")
    assert flag.evidence.text == LOOPED[flag.evidence.start : flag.evidence.end]
    assert ". " not in flag.evidence.text  # one sentence


def test_it_raises_nothing_on_an_answer_that_does_not_speak_of_the_flag(bank: Bank) -> None:
    """However sure the model is, an answer must say the red flags' own words (the gate)."""
    assert Matcher(bank, misconception=_certain(True)).judge(NESTED, CHESS).red_flags == []


def test_it_withdraws_the_rules_flag_from_an_answer_that_reads_as_not_holding_it(bank: Bank) -> None:
    text = "I just write the full path in every decorator, so routes stand alone."
    question = "router-path-prefix"
    assert [f.id for f in Matcher(bank).judge(question, text).red_flags] == ["hardcoded-absolute-paths"]
    judged = Matcher(bank, misconception=_certain(False, question)).judge(question, text)
    assert judged.red_flags == []
    assert [f.id for f in judged.rejected_red_flags] == ["hardcoded-absolute-paths"]


def test_it_says_nothing_about_questions_it_was_not_trained_on(bank: Bank) -> None:
    text = "I just write the full path in every decorator, so routes stand alone."
    unknown = Matcher(bank, misconception=_certain(False, "another-bank-question"))
    assert [f.id for f in unknown.judge("router-path-prefix", text).red_flags] == ["hardcoded-absolute-paths"]


def test_shipped_model_catches_a_claim_in_new_words(shipped: Matcher) -> None:
    [flag] = shipped.judge(NESTED, LOOPED).red_flags
    assert flag.match == "answer"
    assert "one by one" in flag.evidence.text
    text = (
        "I keep an APIRouter per feature while developing, but for production main dot py declares every "
        "path again with app dot get and app dot post, each one calling the function from the feature "
        "module. That way the whole API surface is in one file."
    )
    assert [f.id for f in shipped.judge("include-router", text).red_flags] == ["endpoints-rewritten-in-main"]


@pytest.mark.parametrize(
    ("question", "text"),
    [
        (
            "asyncio-lock-vs-threading-lock",
            "Inside coroutines I use asyncio dot Lock with async with. A threading dot Lock would block the "
            "whole event loop thread while waiting, so every other task freezes. Threading locks are for "
            "code running in real threads, like work sent to to thread.",
        ),
        (
            "hide-password-hash",
            "I define a UserOut schema without password hash and set response model equals UserOut on the "
            "route. Deleting the key from a dict in every handler is exactly what we stopped doing after "
            "one endpoint forgot.",
        ),
        (NESTED, CHESS),
    ],
)
def test_shipped_model_leaves_correct_and_unrelated_answers_alone(
    shipped: Matcher, question: str, text: str
) -> None:
    assert shipped.judge(question, text).red_flags == []


def test_a_missing_or_broken_model_file_loads_as_none(tmp_path: Path) -> None:
    assert MisconceptionModel.load(tmp_path / "absent.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text('{"weights": {"bias": "x"}', encoding="utf-8")
    assert MisconceptionModel.load(broken) is None
    wrong_shape = tmp_path / "list.json"
    wrong_shape.write_text("[1, 2]", encoding="utf-8")
    assert MisconceptionModel.load(wrong_shape) is None


def test_saved_model_loads_back_the_same(tmp_path: Path) -> None:
    model = MisconceptionModel({"bias": -1.5, f"{NESTED}:loop": 2.25}, frozenset({NESTED}), 0.65, 0.2)
    model.save(tmp_path / "m.json", {"note": "test"})
    assert MisconceptionModel.load(tmp_path / "m.json") == model


def test_review_says_when_a_flag_was_read_from_the_whole_answer(bank: Bank) -> None:
    from desktop.ui.review_text import flags_html

    by_answer = flags_html(Matcher(bank, misconception=_certain(True)).judge(NESTED, LOOPED))
    assert "the answer as a whole reads this way; most of all: “I define Product" in by_answer
    claim = "I write the full path in every decorator."
    by_words = flags_html(Matcher(bank).judge("router-path-prefix", claim))
    assert "you said: “" in by_words and "as a whole" not in by_words


@pytest.mark.slow
def test_trained_without_a_blind_set_it_finds_that_sets_claims(bank: Bank) -> None:
    """redflags8 was written blind (claims and rejections in new words): as written, the forms and
    rules found 0.708 of its claims and flagged 0.153 of its rejections. A model trained on every
    other set must find its claims and keep its rejections clear (measured: 0.944 / 0.014 then; 0.903
    / 0.014 with the sets up to holdout9 among the others, 0.889 / 0.014 since holdout10 joined)."""
    held = "answers_redflags8.jsonl"
    rows, labels = [], []
    for file in sorted(DATA.glob("answers_*.jsonl")):
        for a in load_answers(file) if file.name != held else []:
            if bank.question(a.question).red_flags:
                rows.append(for_question(a.question, answer_features(tokenize(a.text))))
                labels.append(a.kind in RED_FLAG_KINDS)
    trained = {q.id for q in bank.questions if q.red_flags}
    model = MisconceptionModel(logistic.fit(rows, labels, smallest=0.01), frozenset(trained))
    figures = evaluate(
        Matcher(bank, stance=StanceModel.load(), misconception=model), load_answers(DATA / held)
    )
    assert figures.red_flag_recall is not None and figures.red_flag_recall >= 0.88
    assert figures.rejection_false_red_flags is not None and figures.rejection_false_red_flags <= 0.03
