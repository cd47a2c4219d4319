"""Synthetic speech from espeak-ng, for tests, benchmarks and demos (never needed at run time).

Technical text is first turned into what a person would *say* ("asyncio.to_thread" -> "async I O
dot to thread", "ContextVar" -> "Context Var"): espeak-ng reads identifiers letter by letter or
not at all, which would measure espeak rather than the transcriber.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

SAMPLE_RATE = 16000

# How people pronounce words espeak-ng gets wrong or that are spelled unlike they sound.
_SAY = {
    "asyncio": "async I O",
    "pydantic": "pie dantic",
    "contextvars": "context vars",
    "httpx": "H T T P X",
    "asyncpg": "async P G",
    "epoll": "E poll",
    "json": "jason",
    "kwargs": "keyword args",
    "cls": "class",
    "lru": "L R U",
    "os": "O S",
    "gil": "gil",
    "v1": "v one",
    "v2": "v two",
    "db": "D B",
    "str": "string",
    "int": "int",
    "async": "async",
    "def": "def",
    "gt": "G T",
    "classmethod": "class method",
}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_PIECE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def _say_piece(piece: str) -> str:
    said = _SAY.get(piece.lower())
    if said:
        return said
    if piece.isupper() and 1 < len(piece) <= 4:
        return " ".join(piece)  # acronyms are spelled out: "API" -> "A P I"
    return piece


def _say_identifier(match: re.Match[str]) -> str:
    parts = []
    for dotted in match.group().split("."):
        words = [w for w in dotted.split("_") if w]
        said = []
        for word in words:
            whole = _SAY.get(word.lower())
            said.append(whole if whole else " ".join(_say_piece(p) for p in _PIECE.findall(word)))
        parts.append(" ".join(said))
    return " dot ".join(parts)


def spoken_form(text: str) -> str:
    """``text`` with code written the way people say it, for a speech synthesizer."""
    text = text.replace("/", " slash ").replace("->", " returns ")
    return _IDENT.sub(_say_identifier, text)


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def synthesize(text: str, voice: str = "en-us", rate: int = 160, *, speak_code: bool = True) -> np.ndarray:
    """Speak ``text`` with espeak-ng; returns 16 kHz mono float32 samples.

    Resampling is done by espeak-ng's own output rate through soundfile + numpy interpolation, so
    only the ``espeak-ng`` binary is needed (sox is not).
    """
    if not espeak_available():
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    said = spoken_form(text) if speak_code else text
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speech.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(out), said],
            check=True,
            capture_output=True,
        )
        samples, rate_in = sf.read(out, dtype="float32", always_2d=True)
    mono = samples.mean(axis=1)
    return resample(mono, rate_in, SAMPLE_RATE)


def resample(samples: np.ndarray, rate_in: int, rate_out: int = SAMPLE_RATE) -> np.ndarray:
    """Linear-interpolation resampling; adequate for speech going into Whisper's 8 kHz band."""
    if rate_in == rate_out or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    n_out = round(len(samples) * rate_out / rate_in)
    positions = np.arange(n_out) * (rate_in / rate_out)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32)
