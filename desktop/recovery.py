"""Answers interrupted by a crash: find them, and transcribe, judge and store what was recorded.

An attempt is stored with status "recording" when its recording starts; if the app dies before the
answer is judged, the row and its WAV (flushed every second) survive. No Qt here: the app asks the
person and runs ``recover`` in a background job.
"""

from __future__ import annotations

from pathlib import Path

from audio.transcriber import Transcriber
from audio.wav_repair import UnrecoverableAudio, repair_wav
from desktop.records import AttemptRecord
from desktop.scoring import judge_spoken
from questions.matching import Matcher
from questions.model import Question
from vivavoce.speech import question_vocabulary


def recoverable(attempt: AttemptRecord, root: Path) -> bool:
    """The attempt's recording exists and holds more than its header."""
    if attempt.audio_path is None:
        return False
    path = root / attempt.audio_path
    return path.is_file() and path.stat().st_size > 1024


def recover(
    attempt: AttemptRecord, question: Question, root: Path, transcriber: Transcriber, matcher: Matcher
) -> AttemptRecord:
    """Repair the WAV, transcribe it with the question's vocabulary, judge it; returns the record
    (status "complete"), not yet stored. Raises ``UnrecoverableAudio`` when nothing can be read."""
    if attempt.audio_path is None:
        raise UnrecoverableAudio("the attempt has no recording")
    wav = root / attempt.audio_path
    duration = repair_wav(wav)
    transcript = transcriber.transcribe(wav, question_vocabulary(question))
    judgement, metrics = judge_spoken(matcher, question.id, transcript, wav)
    return attempt.model_copy(
        update={
            "status": "complete",
            "duration": duration,
            "transcript": transcript,
            "judgement": judgement,
            "metrics": metrics,
            "note": (attempt.note + " Recovered after the app closed mid-answer.").strip(),
        }
    )
