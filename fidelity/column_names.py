"""The columns of a file named in the reader's language: in English, as other tools read them, or in Swedish for a
reader whose pages are in Swedish, as their spreadsheet shows them. Both are machine-friendly: small letters, digits
and underscores, no spaces.

A name may hold a placeholder for the part that varies from column to column, which the other language keeps as it
is: `job<N>_hours` (`anställning<N>_timmar`) names job2_hours, `served_<QUARTER>` served_2025Q3 (a quarter as the
exports write it in every language), `total_<HALF>` total_2025H1, `item_<KEY>` the column of a scale's item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
from flask import has_request_context

from fidelity.i18n import current_language

# What each placeholder stands for.
PLACEHOLDERS = {
    "<N>": "[1-9][0-9]*",
    "<QUARTER>": "[0-9]{4}Q[1-4]",
    "<HALF>": "[0-9]{4}H[12]",
    "<KEY>": "[A-Za-z0-9][A-Za-z0-9-]*",  # a scale's item or principle
}
_PLACEHOLDER = re.compile("|".join(map(re.escape, PLACEHOLDERS)))


def swedish_request() -> bool:
    """Whether the request is in Swedish (outside one, as for a command, it is not)."""
    return has_request_context() and current_language() == "sv"


Pattern = tuple[re.Pattern[str], str]


def _patterns(pairs: Iterable[tuple[str, str]]) -> list[Pattern]:
    """Each name with placeholders as a pattern that matches the names it stands for, with the name in the other
    language to fill in."""
    patterns = []
    for name, other in pairs:
        holes = _PLACEHOLDER.findall(name)
        if not holes:
            continue
        if holes != _PLACEHOLDER.findall(other):
            raise ValueError(f"{name} and {other} should hold the same placeholders, in the same order")
        literal = _PLACEHOLDER.split(name)
        regex = "".join(re.escape(part) + (f"({PLACEHOLDERS[hole]})" if hole else "")
                        for part, hole in zip(literal, [*holes, ""], strict=True))  # fmt: skip
        patterns.append((re.compile(regex), other))
    return patterns


def _named(name: str, exact: Mapping[str, str], patterns: list[Pattern]) -> str:
    if name in exact:
        return exact[name]
    for pattern, other in patterns:
        match = pattern.fullmatch(name)
        if match is not None:
            return _filled(other, match.groups())
    return name


def _filled(name: str, parts: Sequence[str]) -> str:
    """The name with its placeholders filled in, in order."""
    pieces = _PLACEHOLDER.split(name)
    return "".join(piece + part for piece, part in zip(pieces, [*parts, ""], strict=True))


class ColumnNames:
    """A file's columns, each English name with its Swedish one (later mappings add to or replace earlier ones). A
    name that none names stays as it is in either language."""

    def __init__(self, *swedish: Mapping[str, str]) -> None:
        self.swedish: dict[str, str] = {}
        for names in swedish:
            self.swedish |= names
        self._english = {sv: en for en, sv in self.swedish.items() if not _PLACEHOLDER.search(en)}
        self._to_swedish = _patterns(self.swedish.items())
        self._to_english = _patterns((sv, en) for en, sv in self.swedish.items())

    def swedish_name(self, name: str) -> str:
        """The Swedish name of a column named in English: anställning2_timmar for job2_hours."""
        return _named(name, self.swedish, self._to_swedish)

    def english_name(self, name: str) -> str:
        """The English name of a column named in Swedish (in small letters); any other name as it is."""
        return _named(name, self._english, self._to_english)

    def in_language(self, table: pd.DataFrame) -> pd.DataFrame:
        """The table with its columns named in the language of the request: in Swedish, or in English as it is."""
        return table.rename(columns=self.swedish_name) if swedish_request() else table

    def heading(self, name: str) -> str:
        """A column's name in the language of the request."""
        return self.swedish_name(name) if swedish_request() else name
