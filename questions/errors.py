"""Errors a person can act on: which file, which line, what is wrong, what to do."""

from __future__ import annotations

from pathlib import Path


class BankError(Exception):
    """A bank or question file that cannot be used, with its location and the fix."""

    def __init__(self, path: str | Path, problem: str, fix: str = "", line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        self.fix = fix
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}" + (f"\n  fix: {fix}" if fix else ""))
