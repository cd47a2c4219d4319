"""The person's question banks: the built-in one plus those they imported, as one library.

Imported banks are kept as TOML in the data folder (``desktop.paths.banks_dir``), one file per bank
id, so re-importing an edited bank replaces it. Question ids are the key attempts are stored under,
so they must be unique across the whole library.
"""

from __future__ import annotations

import re
from pathlib import Path

from desktop.paths import banks_dir
from questions.errors import BankError
from questions.importer import import_text_file
from questions.loader import builtin_bank_path, load_bank, save_bank
from questions.model import Bank, Question


class BankLibrary:
    """Every bank the app can ask from; damaged imported files are reported, never fatal."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.folder = banks_dir(self.root)
        self.banks: list[Bank] = []
        self.problems: list[str] = []
        self._paths: dict[str, Path] = {}  # imported bank id -> its file in the data folder
        self.reload()

    def reload(self) -> None:
        """Read the built-in bank and every imported bank again."""
        self.banks = [load_bank(builtin_bank_path())]
        self.problems = []
        self._paths = {}
        for path in sorted(self.folder.glob("*.toml")):
            try:
                bank = load_bank(path)
                _check_clashes(bank, self.banks, path, _file_text(path))
            except BankError as exc:
                self.problems.append(str(exc))
                continue
            self.banks.append(bank)
            self._paths[bank.bank.id] = path

    @property
    def builtin(self) -> Bank:
        return self.banks[0]

    def all_questions(self) -> list[Question]:
        return [q for bank in self.banks for q in bank.questions]

    def question(self, question_id: str) -> Question:
        return self.bank_of(question_id).question(question_id)

    def bank_of(self, question_id: str) -> Bank:
        for bank in self.banks:
            if any(q.id == question_id for q in bank.questions):
                return bank
        raise KeyError(f"no question {question_id!r} in any bank")

    def topics(self) -> list[str]:
        return sorted({q.topic for q in self.all_questions()})

    def import_file(self, path: Path) -> Bank:
        """Import a plain-text (.txt) or TOML (.toml) bank, save it in the data folder, return it.

        A bank with the id of an already-imported bank replaces it; any problem is a ``BankError``
        naming the file, the line where known, and the fix.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".txt":
            bank = import_text_file(path)
        elif suffix == ".toml":
            bank = load_bank(path)
        else:
            raise BankError(
                path, "is neither a plain-text (.txt) nor a TOML (.toml) bank", "choose one of those"
            )
        if bank.bank.id == self.builtin.bank.id:
            if suffix == ".txt":
                fix, line = "rename the file: a text bank's id comes from its file name", None
            else:
                fix, line = "change 'id' under [bank]", _line_of_bank_id(_file_text(path))
            raise BankError(
                path, f"its bank id {bank.bank.id!r} is the built-in bank's; both cannot be loaded", fix, line
            )
        others = [b for b in self.banks if b.bank.id != bank.bank.id]  # the old version is replaced
        _check_clashes(bank, others, path, _file_text(path), text_format=suffix == ".txt")
        target = self.folder / f"{bank.bank.id}.toml"
        save_bank(bank, target)
        old = self._paths.get(bank.bank.id)
        if old is not None and old != target:
            old.unlink(missing_ok=True)  # a hand-copied file under another name: keep one copy only
        self._paths[bank.bank.id] = target
        self.banks = [*others, bank]
        self.banks[1:] = sorted(self.banks[1:], key=lambda b: b.bank.id)  # as reload() orders them
        return bank


def _check_clashes(bank: Bank, others: list[Bank], path: Path, text: str, text_format: bool = False) -> None:
    """Refuse a bank that reuses a question id of another bank: attempts would be mixed up."""
    owners = {q.id: other for other in others for q in other.questions}
    for q in bank.questions:
        owner = owners.get(q.id)
        if owner is None:
            continue
        if text_format:
            fix = (
                "reword this title (the id comes from it); if this is an edited copy of that bank, "
                "import it under that bank's file name to replace it"
            )
            line = _line_of_title(text, q.title)
        else:
            fix = "rename this question's id"
            line = _line_of_question_id(text, q.id)
        raise BankError(
            path,
            f"question id {q.id!r} ({q.title!r}) is already used by the bank {owner.bank.name!r}",
            fix,
            line,
        )


def _file_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


def _line_of_title(text: str, title: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() == title:
            return number
    return None


def _line_of_question_id(text: str, question_id: str) -> int | None:
    pattern = re.compile(rf"^\s*id\s*=\s*[\"']{re.escape(question_id)}[\"']")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def _line_of_bank_id(text: str) -> int | None:
    in_bank = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_bank = stripped == "[bank]"
        elif in_bank and re.match(r"id\s*=", stripped):
            return number
    return None
