"""The off-topic reader: an answer about another subject covers nothing; one about the question is
judged as usual."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from questions import logistic
from questions.evaluation import evaluate, load_answers
from questions.matching import Matcher, build_matcher
from questions.misconception import answer_features, for_question
from questions.model import Bank
from questions.normalize import tokenize
from questions.subject import MODEL_PATH, SubjectModel
from tests.conftest import DATA

# Written for these tests; in no labelled set.
NEIGHBOURS = {
    "blocking-code-in-async": (
        "I'd put it on a task queue. With Celery you decorate the function with app dot task, call"
        " delay from the handler, and a worker process picks it up from Redis, so the request returns"
        " straight away and you can poll for the result later."
    ),
    "default-vs-optional-field": (
        "For a list default I use Field with default_factory equals list, so each instance gets its own"
        " list, and for a timestamp default_factory can call datetime now. Pydantic copies plain"
        " defaults anyway, but the factory makes it explicit."
    ),
    "router-path-prefix": (
        "Static files are served by mounting them: app dot mount slash static with StaticFiles and a"
        " directory. Mount hands the whole sub path to another ASGI app, so it has no docs of its own"
        " in the main schema."
    ),
    "cancel-asyncio-task": (
        "When I need a deadline on a single call I wrap it in asyncio dot wait_for with a timeout, or in"
        " 3.11 the asyncio dot timeout context manager. If the time runs out it raises TimeoutError, and"
        " I catch that and return a 504 or a cached value."
    ),
    "response-model-output": (
        "To return HTML instead of JSON I set response_class to HTMLResponse in the decorator, and for"
        " large downloads a StreamingResponse or FileResponse, which skip the JSON encoder entirely."
    ),
}
ON_SUBJECT = {
    "blocking-code-in-async": (
        "Blocking calls inside async def freeze the event loop, so I wrap them with await asyncio dot"
        " to_thread, or run_in_executor for a process pool when it is CPU heavy, and I prefer async"
        " libraries like httpx."
    ),
    "default-vs-optional-field": (
        "A field with a default is simply not required, but it still rejects None unless the type"
        " allows it. Optional of str, or str or None, only says None is a valid value; without a"
        " default it is still required."
    ),
    "router-path-prefix": (
        "I keep the paths in each router relative and pass prefix equals slash api slash v1 to"
        " include_router, so no decorator hardcodes the full path and the module can be mounted anywhere."
    ),
}


@pytest.fixture(scope="module")
def shipped(bank: Bank) -> Matcher:
    model = SubjectModel.load()
    assert model is not None, f"{MODEL_PATH} must ship with the package"
    return Matcher(bank, subject=model)


def test_the_shipped_model_reads_every_builtin_question(bank: Bank) -> None:
    model = SubjectModel.load()
    assert model is not None and model.questions == {q.id for q in bank.questions}


@pytest.mark.parametrize("question", sorted(NEIGHBOURS))
def test_an_answer_on_a_neighbouring_subject_covers_nothing(
    bank: Bank, shipped: Matcher, question: str
) -> None:
    text = NEIGHBOURS[question]
    judged = shipped.judge(question, text)
    assert judged.off_topic and judged.coverage == 0 and judged.covered == [] and judged.red_flags == []
    assert len(judged.missed) == len(bank.question(question).concepts)
    assert "different subject" in judged.nothing_counts_note()


@pytest.mark.slow
@pytest.mark.parametrize("question", ["cancel-asyncio-task", "response-model-output"])
def test_without_it_a_neighbouring_subject_earns_points(bank: Bank, question: str) -> None:
    """What the reader is for: these answers share the question's words and meaning."""
    assert build_matcher(bank, use_learned=False).judge(question, NEIGHBOURS[question]).coverage > 0.2


@pytest.mark.parametrize("question", sorted(ON_SUBJECT))
def test_an_answer_about_the_question_is_judged_as_usual(shipped: Matcher, question: str) -> None:
    judged = shipped.judge(question, ON_SUBJECT[question])
    assert not judged.off_topic and judged.nothing_counts_note() == ""
    assert judged.coverage >= 0.4


# Written for this test the way Whisper garbles a spoken strong answer ("faster BI" is FastAPI).
GARBLED = (
    "Defining it is just a class. You inherit from BaseModel and list the field annotations. Title in"
    " the string, count and you can add defaults if you need them. Using it in faster BI, you type hint"
    " a parameter with that class, like def create item, item, colon item, as the foe wiring,"
    " honestly, faster BI sees the type. Treats it as the request body, Derealizes the JSON and"
    " validate it. Bad data never gets to my code. It's rejected with a 4.122 under clearer message."
)


def test_a_garbled_answer_that_says_its_points_in_the_questions_words_stays_on_topic(
    shipped: Matcher,
) -> None:
    question = "pydantic-model-in-fastapi"
    assert shipped.subject is not None
    # Its misheard words alone read as another subject ...
    assert shipped.subject.off_topic(question, tokenize(GARBLED))
    # ... but it says three of the question's points in the question's own words.
    judged = shipped.judge(question, GARBLED)
    assert not judged.off_topic
    assert judged.coverage >= 0.6


def test_it_says_nothing_about_questions_it_was_not_trained_on(bank: Bank) -> None:
    question = "blocking-code-in-async"
    certain = SubjectModel({"bias": 30.0}, frozenset({"another-question"}))
    assert certain.probability(question, tokenize(NEIGHBOURS[question])) is None
    assert not Matcher(bank, subject=certain).judge(question, NEIGHBOURS[question]).off_topic


def test_the_json_says_off_topic_and_older_readers_still_parse_it(shipped: Matcher) -> None:
    question = "default-vs-optional-field"
    body = json.loads(shipped.judge(question, NEIGHBOURS[question]).model_dump_json(by_alias=True))
    assert body["off_topic"] is True and body["other_stack"] is None and body["coverage"] == 0
    assert {"question", "transcript", "coverage", "covered", "missed", "red_flags"} <= body.keys()


def test_a_missing_or_broken_model_file_loads_as_none(tmp_path: Path) -> None:
    assert SubjectModel.load(tmp_path / "absent.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text('{"weights": {"bias": "x"}, "questions": [], "off_topic_at": 0.3}', encoding="utf-8")
    assert SubjectModel.load(broken) is None


def test_saved_model_loads_back_the_same(tmp_path: Path) -> None:
    question = "router-path-prefix"
    model = SubjectModel({"bias": -1.5, f"{question}:mount": 2.25}, frozenset({question}), 0.4)
    model.save(tmp_path / "m.json", {"note": "test"})
    assert SubjectModel.load(tmp_path / "m.json") == model


@pytest.mark.slow
def test_trained_without_a_blind_set_it_keeps_that_sets_off_topic_answers_out(bank: Bank) -> None:
    """holdout6 was written blind, with three off-topic answers per question (two on neighbouring
    subjects of the same stack, one on another stack that seldom names itself): as written they
    covered 0.176 on average. A model trained on every other set must bring that under 0.05 and
    cost no strong or paraphrased answer its points (words only here; with meaning, BENCHMARKS.md)."""
    held = "answers_holdout6.jsonl"
    rows, labels = [], []
    for file in sorted(DATA.glob("answers_*.jsonl")):
        for a in load_answers(file) if file.name != held else []:
            rows.append(for_question(a.question, answer_features(tokenize(a.text))))
            labels.append(a.kind == "off_topic")
    model = SubjectModel(logistic.fit(rows, labels, smallest=0.01), frozenset(q.id for q in bank.questions))
    answers = load_answers(DATA / held)
    without, with_model = evaluate(Matcher(bank), answers), evaluate(Matcher(bank, subject=model), answers)
    assert without.off_topic_coverage > 0.05
    assert with_model.off_topic_coverage <= 0.05
    assert with_model.strong_coverage == without.strong_coverage
    assert with_model.paraphrase_coverage == without.paraphrase_coverage
