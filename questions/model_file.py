"""Read and write the small learned models shipped as JSON beside the code (stance, misconception,
subject)."""

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


def read_question_model(
    path: Path, *settings: str
) -> tuple[dict[str, float], frozenset[str], list[float]] | None:
    """Weights, the questions trained on and the named settings of a per-question model (the
    misconception and subject readers); None when the file is missing, unreadable or malformed."""
    data = read_model(path)
    try:
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        return weights, frozenset(map(str, data["questions"])), [float(data[name]) for name in settings]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def write_question_model(
    path: Path, about: dict, questions: frozenset[str], weights: dict[str, float], **settings: float
) -> None:
    body = {
        "about": about,
        "questions": sorted(questions),
        **settings,
        "weights": dict(sorted(weights.items())),
    }
    write_model(path, body)
