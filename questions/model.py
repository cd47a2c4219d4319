"""Typed question-bank models: what a bank file holds and what the matcher reads.

A bank is a human-editable TOML file (see ``questions/banks/``). Each concept and red flag
carries the ways a person may *say* it; the matcher (``questions.matching``) looks for those
spoken forms in a transcript. Form syntax, kept deliberately small so a person can edit it:

* ``"task local storage"`` — the words in this order, a few other words allowed between them;
  short glue words (the, a, of, ...) in the form are optional when the form has two or more
  content words.
* ``"own copy + each task"`` — every ``+``-separated part somewhere within one window of speech,
  in any order (for paraphrases whose word order varies).

A concept may also list ``means``: the point in plain words, as full sentences. They are not
searched for; an answer's sentences that mean the same credit the concept. ``by_meaning = false``
keeps a concept to its spoken forms: a point made only by naming it (an import), whose plain
statements resemble sentences about a neighbouring step as much as sentences that make it.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _check_forms(forms: list[str]) -> list[str]:
    cleaned = [" ".join(f.split()) for f in forms]
    for form in cleaned:
        if not form or any(not part.strip() for part in form.split("+")):
            raise ValueError(f"empty spoken form or empty '+' part in {form!r}")
    return cleaned


class Concept(_Strict):
    """One point of the answer outline, with the ways a person may say it."""

    id: str = Field(pattern=SLUG.pattern)
    label: str = Field(min_length=1, description="Shown to the user, e.g. 'Names asyncio.to_thread'.")
    say: list[str] = Field(min_length=1, description="Spoken forms; any one of them covers the concept.")
    weight: float = Field(default=1.0, gt=0, le=10)
    # The point in plain words, as someone avoiding the jargon would put it. Not searched for as
    # words: sentences of an answer that mean the same credit the concept (questions/meaning.py).
    means: list[str] = Field(default_factory=list, description="Plain-language statements of the point.")
    # False for a point made only by naming it (an import): sentences about a neighbouring step
    # resemble its plain statements as much as sentences that make it.
    by_meaning: bool = Field(default=True, description="Whether meaning may credit it, or only its forms.")

    @field_validator("say")
    @classmethod
    def _forms(cls, forms: list[str]) -> list[str]:
        return _check_forms(forms)


class RedFlag(_Strict):
    """A misconception: what is wrong and why (shown to the user), and what signals it."""

    id: str = Field(pattern=SLUG.pattern)
    label: str = Field(min_length=1)
    say: list[str] = Field(min_length=1, description="Spoken forms of the wrong claim.")

    @field_validator("say")
    @classmethod
    def _forms(cls, forms: list[str]) -> list[str]:
        return _check_forms(forms)


class Question(_Strict):
    """One interview question with its outline, concepts and red flags."""

    id: str = Field(pattern=SLUG.pattern, description="Stable slug; attempts are stored under it.")
    title: str = Field(min_length=1)
    topic: str = Field(min_length=1)
    tests: str = Field(default="", description="What the question tests.")
    outline: str = Field(default="", description="The answer outline as given by the bank's author.")
    concepts: list[Concept] = Field(min_length=1)
    red_flags: list[RedFlag] = Field(default_factory=list)
    model_answer: str = ""
    vocabulary: list[str] = Field(
        default_factory=list,
        description="Jargon to bias speech recognition with; concepts' forms are added automatically.",
    )
    think_seconds: int = Field(default=15, ge=0, le=600)
    answer_seconds: int = Field(default=120, ge=5, le=1800)

    @model_validator(mode="after")
    def _unique_ids(self) -> Question:
        for kind, items in (("concept", self.concepts), ("red flag", self.red_flags)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"duplicate {kind} id {item.id!r} in question {self.id!r}")
                seen.add(item.id)
        return self

    @property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.concepts)


class BankInfo(_Strict):
    id: str = Field(pattern=SLUG.pattern)
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    description: str = ""
    # The technologies the questions are about, as a person names them. An answer that names
    # another stack and none of these earns no points (questions/stack.py); empty: no such check.
    stack: list[str] = Field(default_factory=list)


class Elsewhere(_Strict):
    """A subject near the bank's that none of its questions asks about (Celery, password hashing,
    Django forms): an answer closer to one of these than to its question earns no credit for
    resemblance (questions/meaning.py), only for what it says in the question's own words."""

    topic: str = Field(min_length=1)
    text: str = Field(min_length=1, description="The subject explained as a candidate would, 2-3 sentences.")


class Bank(_Strict):
    """A named, versioned set of questions."""

    bank: BankInfo
    questions: list[Question] = Field(min_length=1)
    elsewhere: list[Elsewhere] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_questions(self) -> Bank:
        ids: set[str] = set()
        titles: set[str] = set()
        for q in self.questions:
            if q.id in ids:
                raise ValueError(f"duplicate question id {q.id!r}")
            if q.title.casefold() in titles:
                raise ValueError(f"duplicate question title {q.title!r}")
            ids.add(q.id)
            titles.add(q.title.casefold())
        return self

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        known = ", ".join(q.id for q in self.questions)
        raise KeyError(f"no question {question_id!r} in bank {self.bank.id!r}; known ids: {known}")

    @property
    def topics(self) -> list[str]:
        return sorted({q.topic for q in self.questions})
