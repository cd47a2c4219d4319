"""The person's settings: one typed object, saved atomically as JSON in the data folder."""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from questions.loader import write_text_atomic

log = logging.getLogger(__name__)


class AppSettings(BaseModel):
    microphone: int | str | None = None  # device index or name; None: the system default
    voice: str | None = None  # eSpeak NG voice id; None: the engine's default
    speech_rate: int = Field(default=170, ge=80, le=450)
    speak_questions: bool = True
    model_dir: str | None = None  # a local CTranslate2 Whisper folder; None: the bundled tiny.en
    think_seconds: int = Field(default=15, ge=0, le=600)
    answer_seconds: int = Field(default=120, ge=10, le=1800)
    mock_question_count: int = Field(default=5, ge=1, le=50)
    data_dir: str | None = None  # takes effect on the next start


def load_settings(path: Path) -> AppSettings:
    """Read settings; a missing or damaged file gives defaults (the damaged one is kept aside)."""
    if not path.exists():
        return AppSettings()
    try:
        return AppSettings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        aside = path.with_suffix(".damaged.json")
        log.warning("settings file %s is unreadable (%s); using defaults, kept it as %s", path, exc, aside)
        with contextlib.suppress(OSError):
            path.replace(aside)
        return AppSettings()


def save_settings(settings: AppSettings, path: Path) -> None:
    """Written atomically: a crash leaves the old settings or the new ones."""
    write_text_atomic(path, settings.model_dump_json(indent=2))
