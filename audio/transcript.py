"""The transcript of one recording: the shared type between transcription, metrics and scoring."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Word(BaseModel):
    """One recognised word with its timing in seconds from the start of the recording."""

    word: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    probability: float = Field(default=1.0, ge=0, le=1)


class Repair(BaseModel):
    """A near-miss the transcriber corrected against the question's vocabulary."""

    model_config = ConfigDict(populate_by_name=True)

    heard: str
    as_: str = Field(alias="as")
    start: float | None = None


class Transcript(BaseModel):
    """Recognised text with word timings; ``model`` names the speech model that produced it."""

    text: str
    words: list[Word] = Field(default_factory=list)
    duration: float = Field(default=0.0, ge=0)
    model: str = ""
    repairs: list[Repair] = Field(default_factory=list)
