"""Read and write the small learned models shipped as JSON beside the code (stance, misconception)."""

from __future__ import annotations

import json
from pathlib import Path


def read_model(path: Path) -> dict:
    """The model's JSON body; an empty dict when it is missing or unreadable (the caller then works
    without it)."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def write_model(path: Path, body: dict) -> None:
    """Write atomically (a temp file, then rename): a crash leaves the old model, never half a file."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(body, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
