"""What an import refuses with: every problem found, each with the line it is on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark a message for translation where it is written down; it is translated where it is used."""
    return message


@dataclass(frozen=True)
class Problem:
    line: int | None  # the file's line (CSV) or the sheet's row (xlsx); None for the file as a whole
    message: str
    # The file's column the problem is about, where there is one: a form shows the message at its field. Not part of
    # what the problem is (two problems with the same line and message are the same).
    column: str | None = field(default=None, compare=False)


class ImportRefused(Exception):
    """The file was not imported, and nothing was written. `problems` lists every one found, in line order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: -1 if p.line is None else p.line)
        first = self.problems[0].message if self.problems else ""
        super().__init__(f"{len(self.problems)} problem(s); the first: {first}")


def refused(message: str, line: int | None = None) -> ImportRefused:
    """A refusal with one problem, usually one about the whole file."""
    return ImportRefused([Problem(line, message)])
