"""``vivavoce transcribe``: a recording to text with word timings, offline."""

from __future__ import annotations

import argparse
from pathlib import Path

from vivavoce.commands_bank import open_bank
from vivavoce.output import UserError, emit


def run_transcribe(args: argparse.Namespace) -> int:
    try:
        from vivavoce.speech import SpeechScorer, question_vocabulary
    except ImportError as exc:
        raise UserError(
            f"the speech pipeline is not installed here ({exc}); run scripts/bootstrap.sh"
        ) from None
    vocabulary = question_vocabulary(open_bank(args.bank).question(args.question)) if args.question else None
    transcript = SpeechScorer(args.model).transcribe(Path(args.wav), vocabulary)
    payload = transcript.model_dump(mode="json", by_alias=True)
    emit(args, payload, transcript.text)
    return 0
