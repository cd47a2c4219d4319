"""What every ``vivavoce doctor`` check shares: its result, and the data folder and settings it looks at."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ValidationError

from desktop.paths import APP_NAME, settings_path
from desktop.settings import AppSettings

Status = Literal["ok", "warning", "missing"]


class Check(BaseModel):
    name: str
    status: Status
    detail: str
    fix: str | None = None  # a command or a step; None when there is nothing to do


@dataclass
class DoctorContext:
    """What the checks share: the data folder the app would use and its settings (None if unreadable)."""

    base: Path  # where settings.json lives (VIVAVOCE_DATA_DIR or the platform folder)
    root: Path  # the data folder in use: the settings' data_dir if set, else ``base``
    settings: AppSettings | None
    settings_problem: str | None


def base_folder(override: str | None) -> Path:
    # desktop.paths.data_dir() resolves the same way but creates the folder; a check must not.
    chosen = override or os.environ.get("VIVAVOCE_DATA_DIR") or platformdirs.user_data_dir(APP_NAME)
    return Path(chosen).expanduser()


def doctor_context(override: str | None) -> DoctorContext:
    base = base_folder(override)
    settings, problem = None, None
    path = settings_path(base)
    if not base.exists():
        settings = AppSettings()
    elif not base.is_dir():
        problem = f"the data folder {base} is not a folder"
    elif not path.exists():
        settings = AppSettings()
    else:
        try:
            settings = AppSettings.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError, ValidationError) as exc:
            problem = f"{path} cannot be used ({one_line(exc)})"
    root = base
    if settings is not None and settings.data_dir and not override:
        root = Path(settings.data_dir).expanduser()
    return DoctorContext(base, root, settings, problem)


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]
