"""The stance model shipped with the package: it withdraws red flags whose context rejects them,
keeps plain claims, and never raises a flag the rules did not."""

from pathlib import Path

import pytest

from questions.evaluation import load_answers
from questions.matching import Matcher
from questions.model import Bank
from questions.normalize import tokenize
from questions.stance import MODEL_PATH, StanceModel, context_features

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def model() -> StanceModel:
    loaded = StanceModel.load()
    assert loaded is not None, f"{MODEL_PATH} is missing or unreadable: run bench/train_stance.py --write"
    return loaded


@pytest.fixture(scope="module")
def judged(bank: Bank, model: StanceModel) -> tuple[Matcher, Matcher]:
    return Matcher(bank), Matcher(bank, stance=model)


def _flags(matcher: Matcher, qid: str, text: str) -> list[str]:
    return [f.id for f in matcher.judge(qid, text).red_flags]


@pytest.mark.parametrize(
    ("qid", "text"),
    [
        (
            "router-path-prefix",
            "On one project the team kept the full path in every decorator until version two came along.",
        ),
        ("include-router", "Some teams copy the handlers into main, but then the two copies drift apart."),
    ],
)
def test_a_claim_told_as_someone_elses_story_is_withdrawn(judged, qid: str, text: str) -> None:
    rules, with_stance = judged
    assert _flags(rules, qid, text) != []  # the rules alone take it as a claim
    assert _flags(with_stance, qid, text) == []
    assert with_stance.judge(qid, text).rejected_red_flags != []  # reported as named, not held


@pytest.mark.parametrize(
    ("qid", "text"),
    [
        ("asyncio-lock-vs-threading-lock", "Honestly I just use a threading lock, it works fine for me."),
        ("router-path-prefix", "I just write the full path in every decorator, so routes stand alone."),
    ],
)
def test_a_plain_claim_stands(judged, qid: str, text: str) -> None:
    _, with_stance = judged
    assert _flags(with_stance, qid, text) != []


@pytest.mark.parametrize("name", ["answers_redflags4.jsonl", "answers_dev3.jsonl"])
def test_the_model_only_withdraws_flags(judged, name: str) -> None:
    rules, with_stance = judged
    for answer in load_answers(DATA / name):
        kept = set(_flags(with_stance, answer.question, answer.text))
        assert kept <= set(_flags(rules, answer.question, answer.text)), answer.id


def test_context_features_say_where_each_word_stands() -> None:
    tokens = tokenize("Honestly, that was old. People just use a thread lock here, sadly.")
    first = next(i for i, t in enumerate(tokens) if t.text == "thread")
    used = frozenset({first, first + 1})
    features = context_features(tokens, first, first + 1, used)
    assert {"bias", "L:peopl", "L:just", "P:old", "R:here", "R:sad"} <= features
    assert not any(f.endswith(":thread") for f in features)  # the claim's own words are not context


def test_a_missing_or_broken_model_leaves_the_rules_alone(tmp_path: Path) -> None:
    assert StanceModel.load(tmp_path / "absent.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text('{"weights": [1, 2]}')
    assert StanceModel.load(broken) is None


def test_a_saved_model_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "stance.json"
    StanceModel({"bias": 0.5, "L:not": -2.0}, 0.4).save(path, {"trained_on": ["test"]})
    loaded = StanceModel.load(path)
    assert loaded == StanceModel({"L:not": -2.0, "bias": 0.5}, 0.4)
    assert loaded.probability({"bias"}) > 0.5 > loaded.probability({"bias", "L:not"})
