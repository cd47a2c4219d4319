"""Is the answer about the question's subject at all? A reader of the whole answer's words.

An answer on a neighbouring subject of the same stack (``app.mount`` asked about router prefixes,
Celery asked how to run blocking code, ``asyncio.wait_for`` asked how to cancel a task) says many of
the question's own words ("prefix", "worker process", "timeout") and reads, to a sentence-embedding
model, much like a paraphrase; an interviewer gives it nothing. Spoken forms,
embeddings and the bank's ``elsewhere`` subjects left such answers a tenth of the points on every
blind set. This model reads the answer's words instead: a logistic model over its word stems and
pairs of stems (the features of ``questions/misconception.py``), with one weight per word for every
question and one per word and question, learned from the labelled answers (``bench/train_subject.py``)
as off-topic against every other kind (strong, paraphrase, partial, red flag, rejection), each both
as written and as Whisper wrote it from two synthetic voices (tests/data/spoken/): trained on the
written words alone, it read garbled jargon as another subject. It is measured leave-one-set-out
and on blind sets (BENCHMARKS.md).

The matcher uses it for the questions it was trained on only: at ``off_topic_at`` or above the
answer covers nothing and raises no red flag, and the judgement says so (``off_topic``). It cannot
say which words: its weights are spread thin over many words, and what it misses in an off-topic
answer (the question's own words) weighs as much as what it finds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from questions.logistic import sigmoid
from questions.misconception import answer_features, for_question
from questions.model_file import read_question_model, write_question_model
from questions.normalize import Token

OFF_TOPIC_AT = 0.3  # chosen leave-one-set-out on the sets before holdout6 (BENCHMARKS.md)
# ... plus this for each of the question's points the answer says in the question's own words. A
# bag of words misreads a garbled transcript ("a glass mat in her it's from BaseModel"): spoken strong
# answers that said four or five points by their forms read 0.37-0.59. Answers really on another
# subject that say several points in the question's words read surer: 0.52 and up (session 13).
OFF_TOPIC_STEP = 0.1
MODEL_PATH = Path(__file__).with_name("subject_model.json")


@dataclass(frozen=True)
class SubjectModel:
    """Feature weights of a logistic model: P(the answer is about another subject | its words)."""

    weights: dict[str, float]
    questions: frozenset[str]  # the questions it was trained on; it says nothing about others
    off_topic_at: float = OFF_TOPIC_AT

    def probability(self, question_id: str, tokens: list[Token]) -> float | None:
        if question_id not in self.questions:
            return None
        features = for_question(question_id, answer_features(tokens))
        return sigmoid(sum(self.weights.get(f, 0.0) for f in features))

    def off_topic(self, question_id: str, tokens: list[Token], said: int = 0) -> bool:
        """Whether the answer is about another subject; ``said``: how many of the question's points
        its words say (by their spoken forms), each of which asks the model to be surer."""
        p = self.probability(question_id, tokens)
        return p is not None and p >= self.off_topic_at + OFF_TOPIC_STEP * said

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> SubjectModel | None:
        """The model shipped with the package; None if it is missing or unreadable (not used)."""
        read = read_question_model(path, "off_topic_at")
        return None if read is None else cls(read[0], read[1], *read[2])

    def save(self, path: Path, about: dict) -> None:
        write_question_model(path, about, self.questions, self.weights, off_topic_at=self.off_topic_at)
