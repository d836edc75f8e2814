"""A journey file's header: which columns it has, and what is wrong with it (a problem on the header's line).

Every column of the layout but the numbered spell columns must be there, in any order; spell columns come in whole
groups (job2_start, job2_end, job2_competitive and job2_hours), as many groups as the unit needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np
from flask_babel import gettext as _
from openpyxl.utils import get_column_letter

from fidelity.monitoring.journey_files import Cells
from fidelity.monitoring.layout import JOURNEY_COLUMNS, SPELL_GROUPS, english_name, spell_header
from fidelity.monitoring.problems import Problem, quoted

_KNOWN = frozenset(column.name for column in JOURNEY_COLUMNS)  # the unnumbered columns' names


def _name(header_cell: str) -> str:
    """A header cell as the layout names its column: in small letters, a Swedish name as the English one."""
    return english_name(header_cell.strip().lower())


def as_written(cells: Cells) -> Callable[[str], str]:
    """How a problem names a column: as the file's header writes it (a Swedish name, say), or as the layout does
    for one the file does not have."""
    written = {_name(cell): cell.strip() for cell in cells.header if _name(cell)}
    return lambda name: written.get(name, name)


def named_columns(cells: Cells) -> dict[str, int]:
    """Each named column's position, by its name in lower case."""
    return {_name(cell): position for position, cell in enumerate(cells.header) if _name(cell)}


def spell_numbers(columns: dict[str, int]) -> dict[str, list[int]]:
    """The numbers of the spell groups in the header: {'job': [1, 2], 'education': [1]}."""
    numbers: dict[str, set[int]] = defaultdict(set)
    for name in columns:
        spell = spell_header(name)
        if spell is not None:
            numbers[spell[0]].add(spell[1])
    return {group: sorted(numbers[group]) for group in SPELL_GROUPS}


def not_a_header(cells: Cells) -> Problem | None:
    """The one problem of a first line that names no column at all: a title line above the header, a file without
    one, or columns separated by tabs. It says what to do, rather than each cell being an unknown column and every
    line after it having too many values."""
    if any(_name(cell) in _KNOWN or spell_header(_name(cell)) for cell in cells.header):
        return None
    if any("\t" in cell for cell in cells.header):
        return Problem(cells.header_line, _("The columns are separated by tabs: save the file as CSV, or as an xlsx "
                                            "workbook."))  # fmt: skip
    return Problem(cells.header_line, _("This line names none of the columns: the first line must be the header, "
                                        "with code, referral_date and the other columns below. Remove any line above "
                                        "it."))  # fmt: skip


def rows_readable(cells: Cells) -> bool:
    """Whether the rows can be read whatever else is wrong with the header: every column of the layout is there once,
    and each spell group whole. An unknown or unnamed column is then left aside."""
    names = [_name(cell) for cell in cells.header if _name(cell)]
    if len(names) != len(set(names)) or any(column.name not in names for column in JOURNEY_COLUMNS):
        return False
    return all(
        column.numbered(number) in names
        for group, numbers in spell_numbers(named_columns(cells)).items()
        for number in numbers
        for column in SPELL_GROUPS[group]
    )


def header_problems(cells: Cells) -> list[Problem]:
    """Unknown, repeated, unnamed and missing columns, and incomplete spell groups."""
    line = cells.header_line
    problems: list[Problem] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells.header):
        name = _name(cell)
        if not name:
            filled = np.flatnonzero((cells.rows[position] != "").to_numpy())
            if len(filled):
                problems.append(Problem(line, _(
                    "Column %(number)d (%(letter)s in a spreadsheet) has values but no name: the first on line "
                    "%(first)d.", number=position + 1, letter=get_column_letter(position + 1),
                    first=int(cells.lines[filled[0]]))))  # fmt: skip
            continue
        if name in seen:
            problems.append(Problem(line, _("The column %(name)s appears more than once.", name=quoted(name))))
        seen.add(name)
        if spell_header(name) is None and name not in _KNOWN:
            problems.append(Problem(line, _("Unknown column: %(name)s.", name=quoted(cell))))
    missing = [c.name for c in JOURNEY_COLUMNS if c.name not in seen]
    if missing:
        problems.append(Problem(line, _("Missing columns: %(names)s.", names=", ".join(missing))))
    for group, numbers in spell_numbers(named_columns(cells)).items():
        for number in numbers:
            names = [column.numbered(number) for column in SPELL_GROUPS[group]]
            absent = [name for name in names if name not in seen]
            if absent:
                problems.append(
                    Problem(
                        line,
                        _(
                            "Missing columns: %(names)s (%(group)s%(number)d needs all of %(all)s).",
                            names=", ".join(absent),
                            group=group,
                            number=number,
                            all=", ".join(names),
                        ),
                    )
                )
    return problems
