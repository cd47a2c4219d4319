"""Embeddings of the bank's own texts (labels, forms, model answers), kept on disk between runs.

Embedding every concept of a bank takes tens of seconds on two cores; the texts change only when
the bank does, so their vectors are cached under the user's cache folder, keyed by model and text.
Only bank texts are stored here, never what the user said.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

import numpy as np
from platformdirs import user_cache_dir

from questions.embedding import SentenceEncoder


def cache_dir() -> Path:
    """``VIVAVOCE_CACHE_DIR`` if set (tests, portable installs), else the platform cache folder."""
    return Path(os.environ.get("VIVAVOCE_CACHE_DIR") or user_cache_dir("vivavoce", appauthor=False))


class PrototypeStore:
    """Encode bank texts through a persistent cache; safe to share between threads."""

    def __init__(self, encoder: SentenceEncoder, folder: Path | None = None) -> None:
        self.encoder = encoder
        stat = encoder.model_zip.stat()
        model_key = hashlib.sha1(f"{encoder.model_zip.name}:{stat.st_size}".encode()).hexdigest()[:12]
        self.path = (folder or cache_dir()) / f"prototypes-{model_key}.npz"
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        self._load()

    def _load(self) -> None:
        try:
            with np.load(self.path, allow_pickle=False) as data:
                texts, vectors = data["texts"], data["vectors"]
            self._vectors = {str(t): v for t, v in zip(texts, vectors, strict=True)}
        except (OSError, KeyError, ValueError):
            self._vectors = {}  # no cache yet, or an unreadable one: it is rebuilt

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            fresh = self.encoder.encode(missing)
            with self._lock:
                self._vectors.update(zip(missing, fresh, strict=True))
                self._dirty = True
        with self._lock:
            return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def save(self) -> None:
        """Write the cache atomically if it grew; a failure only costs speed next time."""
        with self._lock:
            if not self._dirty:
                return
            texts = np.array(list(self._vectors), dtype=str)
            vectors = np.stack(list(self._vectors.values())).astype(np.float32)
            self._dirty = False
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".npz.tmp")
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, texts=texts, vectors=vectors)
            os.replace(tmp, self.path)
        except OSError:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
