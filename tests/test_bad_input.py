"""Every malformed bank or question file gets a clear message naming file, line and fix: never a
traceback, never a partial output file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from questions.errors import BankError
from questions.importer import import_text_file
from questions.loader import load_bank

GOOD_HEAD = '[bank]\nid = "b"\nname = "B"\nversion = "1"\n\n'
GOOD_Q = '[[questions]]\nid = "q"\ntitle = "T?"\ntopic = "asyncio"\n\n'
GOOD_C = '[[questions.concepts]]\nid = "c"\nlabel = "L"\nsay = ["some words"]\n'

# name: (file bytes, words the message must contain, line it must name or None)
BAD_BANKS: dict[str, tuple[bytes, tuple[str, ...], int | None]] = {
    "empty": (b"", ("is empty",), None),
    "whitespace": (b"  \n\n\t\n", ("is empty",), None),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", ("binary",), None),
    "latin1": ('[bank]\nname = "caf\xe9"\n'.encode("latin-1"), ("UTF-8",), 2),
    "toml-syntax": (GOOD_HEAD.encode() + b"[[questions]\nid = 1\n", ("not valid TOML",), 6),
    "no-bank-table": ((GOOD_Q + GOOD_C).encode(), ("bank", "required"), None),
    "no-concepts": ((GOOD_HEAD + GOOD_Q).encode(), ("concepts",), 6),
    "bad-concept-id": (
        (GOOD_HEAD + GOOD_Q + GOOD_C.replace('id = "c"', 'id = "Bad Id"')).encode(),
        ("concepts.0.id", "lower-case"),
        12,
    ),
    "typo-key": (
        (GOOD_HEAD + GOOD_Q + GOOD_C.replace("say", "sya")).encode(),
        ("sya", "unknown key"),
        14,
    ),
    "negative-weight": (
        (GOOD_HEAD + GOOD_Q + GOOD_C + "weight = -1\n").encode(),
        ("weight", "greater than 0"),
        15,
    ),
    "empty-say": ((GOOD_HEAD + GOOD_Q + GOOD_C.replace('["some words"]', "[]")).encode(), ("say",), 14),
    "empty-plus-part": (
        (GOOD_HEAD + GOOD_Q + GOOD_C.replace('"some words"', '"words + "')).encode(),
        ("empty", "part"),
        14,
    ),
    "duplicate-ids": ((GOOD_HEAD + GOOD_Q + GOOD_C + "\n" + GOOD_Q + GOOD_C).encode(), ("duplicate",), None),
    "elsewhere-without-text": (
        (GOOD_HEAD + GOOD_Q + GOOD_C + '\n[[elsewhere]]\ntopic = "Celery"\n').encode(),
        ("elsewhere.0.text", "required"),
        16,
    ),
    "questions-not-a-list": ((GOOD_HEAD + 'questions = "all of them"\n').encode(), ("questions",), 6),
}

BAD_TEXTS: dict[str, tuple[bytes, tuple[str, ...], int | None]] = {
    "empty": (b"", ("is empty",), None),
    "binary": (bytes(range(256)) * 4, ("binary",), None),
    "latin1": ("Why?\nIt tests caf\xe9 things.\n".encode("latin-1"), ("UTF-8",), 2),
    "titles-only": (b"What is a coroutine?\n\nWhat is a task?\n", ("no description",), 1),
    "duplicate-titles": (
        b"What is a coroutine?\nTests coroutines.\n\nWhat is a task?\nTests tasks.\n\n"
        b"What is a coroutine?\nAgain.\n",
        ("duplicate question title", "line 1"),
        7,
    ),
    "json-not-text-format": (b'{"questions": []}\n', ("no description",), 1),
    "symbols-only": (b"----\n====\n", ("does not look like a question title",), 1),
}


def _write(tmp_path: Path, name: str, data: bytes, suffix: str) -> Path:
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(data)
    return path


def _assert_clear(load, path: Path, words: tuple[str, ...], line: int | None) -> None:
    with pytest.raises(BankError) as caught:
        load(path)
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word.lower() in message.lower(), message
    assert caught.value.line == line, message
    assert caught.value.fix


@pytest.mark.parametrize("name", sorted(BAD_BANKS))
def test_bad_bank_file_gets_a_message_with_file_line_and_fix(tmp_path: Path, name: str) -> None:
    data, words, line = BAD_BANKS[name]
    _assert_clear(load_bank, _write(tmp_path, name, data, ".toml"), words, line)


@pytest.mark.parametrize("name", sorted(BAD_TEXTS))
def test_bad_question_text_gets_a_message_with_file_and_line(tmp_path: Path, name: str) -> None:
    data, words, line = BAD_TEXTS[name]
    _assert_clear(import_text_file, _write(tmp_path, name, data, ".txt"), words, line)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vivavoce.cli", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("name", sorted(BAD_TEXTS))
def test_import_of_bad_text_exits_nonzero_without_traceback_or_output(tmp_path: Path, name: str) -> None:
    data = BAD_TEXTS[name][0]
    src = _write(tmp_path, name, data, ".txt")
    out = tmp_path / "out.toml"
    done = _cli("import", str(src), "-o", str(out))
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert str(src) in done.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".out.toml*")), "no temporary file may be left behind"


@pytest.mark.parametrize("name", sorted(BAD_BANKS))
def test_questions_with_bad_bank_exits_nonzero_with_json_error(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, BAD_BANKS[name][0], ".toml")
    done = _cli("questions", "--bank", str(path), "--json")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert '"error"' in done.stdout and str(path) in done.stderr


def test_missing_file_and_directory_are_named(tmp_path: Path) -> None:
    for path, words in ((tmp_path / "nope.toml", "not found"), (tmp_path, "directory")):
        with pytest.raises(BankError, match=words):
            load_bank(path)
