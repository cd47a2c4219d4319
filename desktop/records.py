"""What the history stores: sessions and their attempts, as typed records.

These models are the boundary between the store (SQLite), the screens, the exports and
``vivavoce history --json``. Fields may be added, never renamed or removed: the JSON is a contract.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from audio.transcript import Transcript
from questions.judgement import Judgement

SessionKind = Literal["practice", "mock"]
# "recording": audio is still being written (after a crash: recoverable);
# "complete": transcribed and judged; "skipped": the person moved on without answering;
# "failed": transcription failed, the audio is kept and can be retried.
AttemptStatus = Literal["recording", "complete", "skipped", "failed"]


class AttemptRecord(BaseModel):
    id: int | None = None  # set by the store
    session_id: int | None = None
    question_id: str
    question_title: str
    topic: str
    bank: str
    started_at: datetime
    status: AttemptStatus = "complete"
    typed: bool = False  # answered by typing rather than speaking
    audio_path: Path | None = None  # relative to the data folder
    duration: float = 0.0  # seconds of audio (0 for typed answers)
    transcript: Transcript | None = None
    judgement: Judgement | None = None
    metrics: dict[str, Any] | None = None  # audio.metrics.SpeechMetrics as JSON
    self_rating: int | None = Field(default=None, ge=1, le=5)
    note: str = ""

    @property
    def coverage(self) -> float | None:
        return self.judgement.coverage if self.judgement else None

    @property
    def text(self) -> str:
        if self.transcript is not None:
            return self.transcript.text
        return self.judgement.transcript if self.judgement else ""


class SessionRecord(BaseModel):
    id: int | None = None
    kind: SessionKind
    bank: str
    started_at: datetime
    finished_at: datetime | None = None
    think_seconds: int | None = None  # mock interviews only
    answer_seconds: int | None = None
    aborted: bool = False
    attempts: list[AttemptRecord] = Field(default_factory=list)


class QuestionStats(BaseModel):
    """Per question, for the home screen and the practise-next suggestion."""

    question_id: str
    attempts: int
    last_coverage: float | None
    best_coverage: float | None
    last_practised: datetime | None


class HistoryFilter(BaseModel):
    question_id: str | None = None
    topic: str | None = None
    since: datetime | None = None
    until: datetime | None = None
