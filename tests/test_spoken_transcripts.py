"""The judge on labelled answers as Whisper wrote them: each answer synthesized by espeak-ng in two
voices and transcribed by the bundled tiny.en biased by its question (`bench/eval_spoken.py`), saved
in tests/data/spoken/VOICE/ by answer id. Judging them needs no audio, so these figures hold in CI."""

from __future__ import annotations

import json

import pytest

from questions import logistic
from questions.evaluation import LabelledAnswer, evaluate, load_answers
from questions.matching import Matcher
from questions.misconception import answer_features, for_question
from questions.model import Bank
from questions.subject import MODEL_PATH, SubjectModel
from tests.conftest import DATA

SPOKEN = DATA / "spoken"
VOICES = ("en-us", "en-gb")
# Sets the shipped off-topic reader was not trained on, written or spoken (bench/train_subject.py).
BLIND_TO_THE_READER = ("holdout7", "holdout8", "holdout9", "holdout10", "holdout11")


def spoken(name: str, voice: str) -> list[LabelledAnswer]:
    """The labelled set ``name`` with each answer's text as ``voice`` was heard saying it."""
    lines = (SPOKEN / voice / f"answers_{name}.jsonl").read_text(encoding="utf-8").splitlines()
    heard = {row["id"]: row["text"] for row in map(json.loads, lines)}
    return [a.model_copy(update={"text": heard[a.id]}) for a in load_answers(DATA / f"answers_{name}.jsonl")]


def test_every_saved_transcript_belongs_to_a_labelled_answer() -> None:
    for voice in VOICES:
        for file in sorted((SPOKEN / voice).glob("answers_*.jsonl")):
            ids = {a.id for a in load_answers(DATA / file.name)}
            rows = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]
            assert {r["id"] for r in rows} == ids and all(r["text"].strip() for r in rows), file


@pytest.mark.slow
@pytest.mark.parametrize("voice", VOICES)
def test_the_blind_set_as_heard_meets_the_speech_targets(full_matcher: Matcher, voice: str) -> None:
    """holdout11, written blind and transcribed fresh, judged before any answer was read: strong
    0.952 / 0.956, paraphrase 0.788 / 0.787, ranks first 1.0 / 0.925 (en-us / en-gb); en-gb ranks
    first 0.975 since an answer to the neighbour earns nothing by resemblance to its points
    (tests/test_rival_question.py)."""
    figures = evaluate(full_matcher, spoken("holdout11", voice))
    assert figures.strong_coverage >= 0.80
    assert figures.paraphrase_coverage >= 0.65
    assert figures.own_answer_ranks_first >= 0.95
    assert figures.red_flag_recall is not None and figures.red_flag_recall >= 0.85
    assert figures.false_red_flags <= 0.05
    assert figures.off_topic_coverage <= 0.05


def _zeroed(matcher: Matcher) -> tuple[int, int]:
    """Over the sets blind to the shipped reader, both voices: (answers about their question it
    calls off-topic, off-topic answers it calls off-topic)."""
    wrong = caught = 0
    for name in BLIND_TO_THE_READER:
        for voice in VOICES:
            for a in spoken(name, voice):
                called = matcher.judge(a.question, a.text).off_topic
                if a.kind == "off_topic":
                    caught += called
                elif a.kind in ("strong", "paraphrase", "partial"):
                    wrong += called
    return wrong, caught


@pytest.mark.slow
def test_trained_on_spoken_transcripts_the_reader_zeroes_fewer_garbled_answers(bank: Bank) -> None:
    """A reader trained on the written answers alone reads garbled jargon as another subject."""
    sets = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["about"]["trained_on"]
    assert not set(sets) & set(BLIND_TO_THE_READER)
    words_only = Matcher(bank)
    rows, labels = [], []
    for name in sets:
        for a in load_answers(DATA / f"answers_{name}.jsonl"):
            rows.append(for_question(a.question, answer_features(words_only._prepare(a.text).tokens)))
            labels.append(a.kind == "off_topic")
    questions = frozenset(q.id for q in bank.questions)
    written_only = SubjectModel(logistic.fit(rows, labels, smallest=0.01), questions)
    shipped = SubjectModel.load()
    assert shipped is not None
    wrong_written, caught_written = _zeroed(Matcher(bank, subject=written_only))
    wrong_shipped, caught_shipped = _zeroed(Matcher(bank, subject=shipped))
    assert wrong_shipped < wrong_written
    assert caught_shipped >= caught_written
