"""What an import refuses with: every problem found, each with the line it is on."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

QUOTED_MAX = 40  # characters of a cell quoted in a message


def quoted(value: str) -> str:
    """A cell's text for a problem's message: on one line (a line break typed in the cell shown as ⏎, so that the
    command's FILE:LINE: problems stay one a line) and cut to QUOTED_MAX characters."""
    value = re.sub(r"\r\n|\r|\n", "⏎", value.strip())
    return value if len(value) <= QUOTED_MAX else value[: QUOTED_MAX - 1] + "…"


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
    # The code of the journey on the problem's line, so that a person correcting a long file finds the row by what it
    # holds as well as by its number; None when the line has no code that may be shown (none, or one refused: an
    # identity number or a name is never repeated back).
    code: str | None = field(default=None, compare=False)


class ImportRefused(Exception):
    """The file was not imported, and nothing was written. `problems` lists every one found, in line order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: -1 if p.line is None else p.line)
        first = self.problems[0].message if self.problems else ""
        super().__init__(f"{len(self.problems)} problem(s); the first: {first}")


def refused(message: str, line: int | None = None) -> ImportRefused:
    """A refusal with one problem, usually one about the whole file."""
    return ImportRefused([Problem(line, message)])
