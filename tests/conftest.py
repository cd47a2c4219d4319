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
from questions.matching import Matcher, build_matcher
from questions.model import Bank

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank(builtin_bank_path())


@pytest.fixture(scope="session")
def matcher(bank: Bank) -> Matcher:
    """Spoken forms only."""
    return Matcher(bank)


@pytest.fixture(scope="session")
def full_matcher(bank: Bank) -> Matcher:
    """The judge the app ships: spoken forms, meaning and the learned readers."""
    matcher = build_matcher(bank)
    assert matcher.meaning is not None, "the sentence model must be installed for these tests"
    return matcher


@pytest.fixture(scope="session")
def meaning_matcher(bank: Bank) -> Matcher:
    """Spoken forms and meaning without the learned readers, which judge whole answers on their own
    terms and would hide the gates under test. Tests that retune it do so through ``monkeypatch``."""
    matcher = build_matcher(bank, use_learned=False)
    assert matcher.meaning is not None, "the sentence model must be installed for these tests"
    return matcher


def by_meaning(matcher: Matcher, question: str, text: str) -> set[str]:
    """The concepts ``text`` earns on ``question`` by meaning rather than by its spoken forms."""
    return {c.concept for c in matcher.judge(question, text).covered if c.match == "meaning"}


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real data folder."""
    monkeypatch.setenv("VIVAVOCE_DATA_DIR", str(tmp_path_factory.mktemp("vivavoce-data")))
