"""What the matcher says about one answer: the JSON contract of ``vivavoce score``.

Fields may be added; none may be renamed or removed (other tools read this output).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Evidence(BaseModel):
    """A span of the transcript: ``text == transcript[start:end]``."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class HeardAs(BaseModel):
    """A near-miss the matcher accepted: what the transcript says and the word it stands for."""

    model_config = ConfigDict(populate_by_name=True)

    heard: str
    as_: str = Field(alias="as")
    start: int
    end: int


class ConceptHit(BaseModel):
    concept: str
    label: str
    weight: float
    evidence: Evidence
    heard_as: list[HeardAs] = Field(default_factory=list)
    # "words": one of the concept's spoken forms was said; "meaning": said in other words,
    # judged by sentence similarity (then ``similarity`` holds the cosine, 0..1).
    match: Literal["words", "meaning"] = "words"
    similarity: float | None = None


class ConceptMiss(BaseModel):
    concept: str
    label: str
    weight: float


class RedFlagHit(BaseModel):
    id: str
    label: str
    evidence: Evidence
    # "words": the flag's spoken forms were said as a claim; "answer": the answer as a whole reads
    # as holding the misconception (questions/misconception.py), and the evidence is its strongest
    # sentence.
    match: Literal["words", "answer"] = "words"


class Judgement(BaseModel):
    """Coverage is the covered share of the question's concept weight, 0..1."""

    question: str
    transcript: str
    coverage: float = Field(ge=0, le=1)
    covered: list[ConceptHit]
    missed: list[ConceptMiss]
    red_flags: list[RedFlagHit]
    # Anti-patterns the speaker named only to reject them: shown as credit, never as a flag.
    rejected_red_flags: list[RedFlagHit] = Field(default_factory=list)
    # The other language or framework the answer is about ("Java"), when it names one and not the
    # bank's own stack: then nothing is covered (questions/stack.py). None: about this stack.
    other_stack: str | None = None
    # The answer, read as a whole, is about another subject than the question (questions/subject.py):
    # then nothing is covered and no flag raised.
    off_topic: bool = False

    def nothing_counts_note(self) -> str:
        """Why nothing was covered, when the answer is about another stack or subject; else ''."""
        return self.other_stack_note() or self.off_topic_note()

    def off_topic_note(self) -> str:
        """Why nothing was covered, when the answer reads as about another subject; else ''."""
        if not self.off_topic:
            return ""
        return (
            "This answer reads as about a different subject from the question, so none of its points"
            " count. If you meant to answer it, say what the question asks about in its own terms."
        )

    def other_stack_note(self) -> str:
        """Why nothing was covered, when the answer is about another stack; else ''."""
        if self.other_stack is None:
            return ""
        return (
            f"This answer talks about {self.other_stack} and never names the stack the question is"
            " about, so none of its points count."
        )
