"""The bank library: built-in plus imported banks, unique ids, damaged files reported not fatal."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.bank_library import BankLibrary
from desktop.paths import banks_dir
from questions.errors import BankError

DATA = Path(__file__).parent.parent / "data"

TWO_QUESTIONS = """\
What does a Python generator do?
This tests lazy iteration. A strong answer says a generator yields values one at a time, keeps its \
local state between calls, and raises StopIteration when exhausted.

Why use functools.lru_cache?
It tests memoization. A good answer says lru_cache stores results keyed by the arguments, \
evicts the least recently used entries, and needs hashable arguments.
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_library_starts_with_the_builtin_bank(tmp_path: Path) -> None:
    library = BankLibrary(tmp_path)
    assert len(library.banks) == 1
    assert len(library.all_questions()) == 20
    assert library.topics() == ["asyncio", "fastapi", "pydantic"]
    assert library.problems == []
    assert library.question("include-router").topic == "fastapi"
    assert library.bank_of("include-router") is library.builtin


def test_unknown_question_id_is_a_key_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="no-such-question"):
        BankLibrary(tmp_path).question("no-such-question")


def test_imported_text_bank_is_saved_and_found_again_after_restart(tmp_path: Path) -> None:
    source = _write(tmp_path, "python-basics.txt", TWO_QUESTIONS)
    library = BankLibrary(tmp_path / "data")
    bank = library.import_file(source)
    assert bank.bank.id == "python-basics"
    assert len(bank.questions) == 2
    assert (banks_dir(tmp_path / "data") / "python-basics.toml").exists()
    assert [b.bank.id for b in library.banks] == ["python-async-fastapi-pydantic", "python-basics"]

    again = BankLibrary(tmp_path / "data")
    assert [b.bank.id for b in again.banks] == ["python-async-fastapi-pydantic", "python-basics"]
    first = bank.questions[0].id
    assert again.bank_of(first).bank.id == "python-basics"
    assert len(again.all_questions()) == 22
    assert "general" in again.topics()


def test_reimporting_an_edited_bank_replaces_it(tmp_path: Path) -> None:
    library = BankLibrary(tmp_path / "data")
    library.import_file(_write(tmp_path, "python-basics.txt", TWO_QUESTIONS))
    edited = TWO_QUESTIONS.split("\n\n")[0] + "\n"
    library.import_file(_write(tmp_path, "python-basics.txt", edited))
    assert len(library.banks) == 2
    assert len(library.banks[1].questions) == 1
    assert len(BankLibrary(tmp_path / "data").all_questions()) == 21


def test_question_id_clash_across_banks_names_the_question_line_and_fix(tmp_path: Path) -> None:
    library = BankLibrary(tmp_path / "data")
    library.import_file(_write(tmp_path, "python-basics.txt", TWO_QUESTIONS))
    copy = _write(tmp_path, "more-python.txt", "Intro line to skip\nA description.\n\n" + TWO_QUESTIONS)
    with pytest.raises(BankError) as caught:
        library.import_file(copy)
    message = str(caught.value)
    assert "more-python.txt:4" in message  # the clashing title's line
    assert "already used by the bank 'python basics'" in message
    assert "reword this title" in message
    assert len(library.banks) == 2  # nothing half-imported
    assert not (banks_dir(tmp_path / "data") / "more-python.toml").exists()


def test_toml_question_id_clash_with_builtin_names_the_id_line(tmp_path: Path, bank) -> None:
    from questions.loader import save_bank

    clashing = bank.model_copy(deep=True)
    clashing.bank.id = "my-copy"
    clashing.questions = clashing.questions[:1]
    source = tmp_path / "my-copy.toml"
    save_bank(clashing, source)
    with pytest.raises(BankError) as caught:
        BankLibrary(tmp_path / "data").import_file(source)
    assert "'contextvars-vs-threading-local'" in str(caught.value)
    assert f"my-copy.toml:{caught.value.line}" in str(caught.value)
    assert source.read_text().splitlines()[caught.value.line - 1].strip().startswith("id =")
    assert "rename this question's id" in str(caught.value)


def test_text_bank_named_like_the_builtin_is_refused_with_a_rename_fix(tmp_path: Path) -> None:
    with pytest.raises(BankError) as caught:
        BankLibrary(tmp_path).import_file(DATA / "python-async-fastapi-pydantic.txt")
    assert "is the built-in bank's" in str(caught.value)
    assert "rename the file" in str(caught.value)


def test_broken_text_bank_error_keeps_file_line_and_fix(tmp_path: Path) -> None:
    source = _write(tmp_path, "broken.txt", "A title with no description\n\nAnother title\nIts text.\n")
    with pytest.raises(BankError) as caught:
        BankLibrary(tmp_path / "data").import_file(source)
    assert "broken.txt:1" in str(caught.value)
    assert "fix:" in str(caught.value)


def test_other_file_types_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="neither a plain-text"):
        BankLibrary(tmp_path).import_file(_write(tmp_path, "bank.csv", "a,b\n"))


def test_damaged_imported_bank_is_skipped_and_reported(tmp_path: Path) -> None:
    library = BankLibrary(tmp_path)
    library.import_file(_write(tmp_path, "python-basics.txt", TWO_QUESTIONS))
    _write(banks_dir(tmp_path), "damaged.toml", "[bank]\nid = 'damaged'\nname = \n")
    reopened = BankLibrary(tmp_path)
    assert [b.bank.id for b in reopened.banks] == ["python-async-fastapi-pydantic", "python-basics"]
    assert len(reopened.problems) == 1
    assert "damaged.toml:3" in reopened.problems[0]
    assert "not valid TOML" in reopened.problems[0]
