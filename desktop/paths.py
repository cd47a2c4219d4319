"""Where Viva Voce keeps a person's data: one folder, private to them.

``VIVAVOCE_DATA_DIR`` overrides the platform folder (tests, portable installs). The folder is created
0700: it holds recordings of someone's voice.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "vivavoce"


def data_dir(override: str | Path | None = None) -> Path:
    """The data folder, created (mode 0700) if missing."""
    chosen = override or os.environ.get("VIVAVOCE_DATA_DIR") or platformdirs.user_data_dir(APP_NAME)
    path = Path(chosen).expanduser()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def database_path(root: Path) -> Path:
    return root / "history.sqlite3"


def audio_dir(root: Path) -> Path:
    """Recordings live beside the database, one WAV per attempt."""
    path = root / "audio"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def settings_path(root: Path) -> Path:
    return root / "settings.json"


def banks_dir(root: Path) -> Path:
    """Banks the person imported; the built-in bank stays in the package."""
    path = root / "banks"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
