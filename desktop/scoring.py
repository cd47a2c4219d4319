"""Judge an answer and measure how it was spoken (headless; runs in a background job)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from audio.metrics import compute_metrics
from audio.transcript import Transcript
from questions.judgement import Judgement
from questions.matching import Matcher


def judge_spoken(
    matcher: Matcher, question_id: str, transcript: Transcript, wav: Path | None
) -> tuple[Judgement, dict[str, Any]]:
    judgement = matcher.judge(question_id, transcript.text)
    metrics = compute_metrics(transcript, wav) if transcript.words else None
    return judgement, (metrics.model_dump(mode="json") if metrics is not None else None)
