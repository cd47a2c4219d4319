"""Glue between a question and the speech pipeline: transcribe an answer biased by the question's
vocabulary, then measure how it was spoken. Lives here, not in audio/, because audio/ knows nothing
of questions."""

from __future__ import annotations

from pathlib import Path

from audio.metrics import compute_metrics
from audio.model_location import ModelError
from audio.transcriber import Transcriber
from audio.transcript import Transcript
from questions.model import Question
from vivavoce.output import UserError


def question_vocabulary(question: Question) -> list[str]:
    """The terms that bias recognition: the bank's jargon list for the question."""
    return list(dict.fromkeys(question.vocabulary))


class SpeechScorer:
    """Loads the speech model once; transcribes and measures answers to bank questions."""

    def __init__(self, model_dir: str | None = None) -> None:
        try:
            self.transcriber = Transcriber(model_dir)
        except ModelError as exc:
            raise UserError(str(exc)) from None

    def transcribe(self, wav: Path, vocabulary: list[str] | None = None) -> Transcript:
        if not wav.is_file():
            raise UserError(f"{wav}: no such audio file; give the path of a WAV recording")
        try:
            return self.transcriber.transcribe(wav, vocabulary)
        except (OSError, ValueError, RuntimeError) as exc:
            raise UserError(f"{wav}: cannot be read as audio ({exc}); give a WAV recording") from None

    def __call__(self, question: Question, wav: Path) -> tuple[Transcript, dict]:
        """Transcribe an answer to ``question`` and measure how it was spoken."""
        transcript = self.transcribe(wav, question_vocabulary(question))
        return transcript, compute_metrics(transcript, wav).model_dump(mode="json")
