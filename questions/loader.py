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
    return bank_from_data(path, data, text)


def bank_from_data(path: Path, data: dict, text: str = "") -> Bank:
    try:
        return Bank.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise BankError(
            path,
            f"{loc or 'bank'}: {err['msg']}{more}",
            _fix_for(err),
            _line_of(text, err["loc"]) if text else None,
        ) from None


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
    lines = text.splitlines()
    counters: dict[str, int] = {}
    wanted: list[str] = []  # table header path, e.g. ["questions", "concepts"]
    indices: list[int] = []
    keys = [p for p in loc if isinstance(p, str)]
    for part in loc:
        if isinstance(part, int):
            indices.append(part)
        elif part in ("questions", "concepts", "red_flags"):
            wanted.append(part)
    header_line = None
    current_q = -1
    for n, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped == "[[questions]]":
            current_q += 1
            counters = {}
            if wanted == ["questions"] and indices[:1] == [current_q]:
                header_line = n
        for sub in ("concepts", "red_flags"):
            if stripped == f"[[questions.{sub}]]":
                counters[sub] = counters.get(sub, -1) + 1
                if wanted == ["questions", sub] and indices[:2] == [current_q, counters[sub]]:
                    header_line = n
        if stripped == "[bank]" and keys[:1] == ["bank"]:
            header_line = n
    if header_line is None:
        return None
    key = keys[-1] if keys and keys[-1] not in wanted + ["bank"] else None
    if key:
        for n in range(header_line, len(lines)):
            stripped = lines[n].strip()
            if stripped.startswith("[["):
                break
            if re.match(rf"{re.escape(key)}\s*=", stripped):
                return n + 1
    return header_line


def save_bank(bank: Bank, path: str | Path) -> None:
    """Write a bank atomically: a crash leaves the old file or the new one, never half of one."""
    path = Path(path)
    data = bank.model_dump(mode="json", exclude_defaults=False)
    payload = tomli_w.dumps(data, multiline_strings=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
