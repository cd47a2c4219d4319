"""What a timed mock interview will ask, and how long each phase lasts."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MockPlan(BaseModel):
    question_ids: list[str] = Field(min_length=1)
    think_seconds: int = Field(default=15, ge=0, le=600)
    answer_seconds: int = Field(default=120, ge=5, le=1800)
