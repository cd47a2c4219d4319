"""Shared fixtures: the built-in bank and its matcher, loaded once per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Bank-text embeddings are cached across the session (and CLI subprocesses), never in the user's folder.
os.environ.setdefault("VIVAVOCE_CACHE_DIR", tempfile.mkdtemp(prefix="vivavoce-cache-"))

from questions.loader import builtin_bank_path, load_bank
from questions.matching import Matcher
from questions.model import Bank

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank(builtin_bank_path())


@pytest.fixture(scope="session")
def matcher(bank: Bank) -> Matcher:
    return Matcher(bank)


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real data folder."""
    monkeypatch.setenv("VIVAVOCE_DATA_DIR", str(tmp_path_factory.mktemp("vivavoce-data")))
