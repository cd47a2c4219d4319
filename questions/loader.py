"""Load and save TOML banks; every problem is a ``BankError`` naming file, line and fix."""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from importlib import resources
from pathlib import Path

import tomli_w
from pydantic import ValidationError

from questions.errors import BankError
from questions.model import Bank

BUILTIN_BANK = "python-async-fastapi-pydantic"
MAX_BANK_BYTES = 5_000_000
_TOML_LINE = re.compile(r"at line (\d+)")


def builtin_bank_path(name: str = BUILTIN_BANK) -> Path:
    return Path(str(resources.files("questions") / "banks" / f"{name}.toml"))


def read_text(path: Path) -> str:
    """Read a human-edited text file, refusing binary and non-UTF-8 content with a clear message."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BankError(path, "file not found", "check the path") from None
    except IsADirectoryError:
        raise BankError(path, "is a directory, not a file", "name a .toml or .txt file") from None
    except OSError as exc:
        raise BankError(path, f"cannot be read ({exc.strerror})", "check its permissions") from None
    if len(data) > MAX_BANK_BYTES:
        raise BankError(path, f"is {len(data):,} bytes, too large for a question bank", "split it")
    if b"\x00" in data:
        raise BankError(path, "looks like a binary file, not text", "export the bank as UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BankError(
            path, f"is not valid UTF-8 (byte {exc.start})", "re-save the file as UTF-8", line
        ) from None
    if not text.strip():
        raise BankError(path, "is empty", "add at least one question")
    return text


def load_bank(path: str | Path) -> Bank:
    """Load a TOML bank file and validate it against the schema."""
    path = Path(path)
    text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE.search(str(exc))
        problem = _TOML_LINE.sub("", str(exc)).replace("()", "").strip().rstrip(".")
        raise BankError(
            path, f"is not valid TOML: {problem}", "fix the syntax on that line", int(m[1]) if m else None
        ) from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise BankError(
            path, "nests arrays or tables too deeply to read", "a bank needs only a few levels: flatten them"
        ) from None
    return bank_from_data(path, data, text)


def bank_from_data(path: Path, data: dict, text: str = "") -> Bank:
    try:
        return Bank.model_validate(data)
    except ValidationError as exc:
        # An unknown key is usually a typo that also explains a "missing" one: report it first.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        lines = [_line_of(text, e["loc"]) if text else None for e in errors]
        problems = [
            (f"line {n}: " if n and i else "") + f"{'.'.join(map(str, e['loc'])) or 'bank'}: {e['msg']}"
            for i, (e, n) in enumerate(zip(errors, lines, strict=True))
        ]
        shown = "; ".join(problems[:4]) + (f" (and {len(problems) - 4} more)" if len(problems) > 4 else "")
        raise BankError(path, shown, _fix_for(first), lines[0]) from None


def _fix_for(err: dict) -> str:
    kind = err["type"]
    if kind == "missing":
        return f"add the required key '{err['loc'][-1]}'"
    if kind == "extra_forbidden":
        return f"remove or rename the unknown key '{err['loc'][-1]}'"
    if kind == "string_pattern_mismatch":
        return "ids are lower-case words joined by '-', e.g. 'include-router'"
    return "correct the value as described"


def _line_of(text: str, loc: tuple) -> int | None:
    """Best-effort line of a schema error: the table it sits in, then the key inside it."""
    tables: list[tuple[str, int]] = []  # e.g. [("questions", 3), ("concepts", 1)]
    key = None
    items = list(loc)
    for i, part in enumerate(items):
        if isinstance(part, str):
            if i + 1 < len(items) and isinstance(items[i + 1], int):
                tables.append((part, items[i + 1]))
            elif not (tables == [] and part == "bank" and i + 1 < len(items)):
                key = part
    lines = text.splitlines()
    header = None
    if loc[:1] == ("bank",):
        header = next((n for n, line in enumerate(lines, 1) if line.strip() == "[bank]"), None)
    seen: dict[str, int] = {}  # entries so far of each top-level array ("questions", "elsewhere")
    counts: dict[str, int] = {}  # the current entry's index, then its sub-tables' ("concepts")
    for n, line in enumerate(lines, 1):
        name = line.strip()
        if not (name.startswith("[[") and name.endswith("]]")):
            continue
        top, _, sub = name[2:-2].strip().partition(".")
        if not sub:
            seen[top] = seen.get(top, -1) + 1
            counts = {top: seen[top]}
        elif top in counts:
            counts[sub] = counts.get(sub, -1) + 1
        else:
            continue
        if tables and all(counts.get(t) == idx for t, idx in tables) and name.endswith(f"{tables[-1][0]}]]"):
            header = n
    if header is None:
        return None
    if key:
        for n in range(header, len(lines)):
            if lines[n].strip().startswith("[["):
                break
            if re.match(rf"\s*{re.escape(key)}\s*=", lines[n]):
                return n + 1
    return header


def save_bank(bank: Bank, path: str | Path) -> None:
    """Write a bank atomically: a crash leaves the old file or the new one, never half of one."""
    data = bank.model_dump(mode="json", exclude_defaults=False)
    write_text_atomic(Path(path), tomli_w.dumps(data, multiline_strings=True))


def write_text_atomic(path: Path, text: str) -> None:
    """A temporary file beside ``path``, synced, then renamed over it: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
