"""What an import refuses with: every problem found, each with the line it is on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


def N_(message: str) -> str:
    """Mark a message for translation where it is written down; it is translated where it is used."""
    return message


class Problem(NamedTuple):
    line: int | None  # the file's line (CSV) or the sheet's row (xlsx); None for the file as a whole
    message: str


class ImportRefused(Exception):
    """The file was not imported, and nothing was written. `problems` lists every one found, in line order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: -1 if p.line is None else p.line)
        first = self.problems[0].message if self.problems else ""
        super().__init__(f"{len(self.problems)} problem(s); the first: {first}")


def refused(message: str, line: int | None = None) -> ImportRefused:
    """A refusal with one problem, usually one about the whole file."""
    return ImportRefused([Problem(line, message)])
