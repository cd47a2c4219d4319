"""Judge an answer and measure how it was spoken (headless; runs in a background job)."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

from audio.dsp import SAMPLE_RATE
from audio.metrics import compute_metrics
from audio.transcript import Transcript, Word
from questions.judgement import Judgement
from questions.matching import Matcher

log = logging.getLogger(__name__)


def measure(transcript: Transcript, wav: Path | None) -> dict[str, Any] | None:
    """Speech metrics as stored (JSON), or ``None`` when nothing was said."""
    if not transcript.words:
        return None
    started = time.perf_counter()
    metrics = compute_metrics(transcript, wav).model_dump(mode="json")
    log.info("measured in %.3f s", time.perf_counter() - started)
    return metrics


def judge_spoken(
    matcher: Matcher, question_id: str, transcript: Transcript, wav: Path | None
) -> tuple[Judgement, dict[str, Any]]:
    started = time.perf_counter()
    judgement = matcher.judge(question_id, transcript.text)
    judged = time.perf_counter()
    metrics = compute_metrics(transcript, wav) if transcript.words else None
    log.info("judged in %.3f s, measured in %.3f s", judged - started, time.perf_counter() - judged)
    return judgement, (metrics.model_dump(mode="json") if metrics is not None else None)


def warm_up(matcher: Matcher, question_id: str) -> None:
    """Judge and measure a made-up answer once, so the first real answer is not the one that pays
    for loading the sentence model's bank embeddings and the metrics' first run (seconds)."""
    words = [Word(word=" warm", start=0.1, end=0.4), Word(word=" up.", start=0.5, end=0.9)]
    transcript = Transcript(text="warm up.", words=words, duration=1.0)
    # Long enough to be embedded (a few content words), so every concept's prototypes get loaded.
    matcher.judge(question_id, "Warming up the judge with a sentence about tasks, threads and requests.")
    compute_metrics(transcript, np.zeros(SAMPLE_RATE, dtype=np.float32))
