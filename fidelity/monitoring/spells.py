"""The job and education spells of a journey file: the numbered column groups, checked and gathered into one table
per kind of spell, each spell naming its journey by row."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from flask_babel import gettext as _

from fidelity.monitoring.columns import spell_numbers
from fidelity.monitoring.layout import SPELL_GROUPS

if TYPE_CHECKING:
    from fidelity.monitoring.validation import RowCheck


def _spells(check: RowCheck, group: str, number: int, journeys: pd.DataFrame) -> pd.DataFrame:
    """The spells of one numbered group (job2_...), checked; problems go to `check`."""
    columns = SPELL_GROUPS[group]
    names = {column.field: column.numbered(number) for column in columns}
    cells = [check.raw(name).to_numpy(dtype=object) for name in names.values()]
    present = np.logical_or.reduce([column != "" for column in cells])
    values = {column.field: check.parse(column, names[column.field]) for column in columns}
    start, end = values["start_date"], values["end_date"]
    start_name = names["start_date"]
    no_start = present & start.isna().to_numpy() & ~check.refused(start_name)
    for position in np.flatnonzero(no_start):  # a problem, unless every cell of the group holds only spaces
        if not any(column[position].strip() for column in cells):
            present[position] = no_start[position] = False
    message = _(
        "%(start)s is missing, but other %(group)s columns are filled", start=check.show(start_name), group=group
    )
    check.report(no_start, lambda _position: message, start_name)
    check.before(start_name, start, "referral_date", journeys["referral_date"])
    check.before(names["end_date"], end, start_name, start)
    # A job or course found after leaving the unit is not the unit's to record; one may go on after it.
    check.before("exit_date", journeys["exit_date"], start_name, start, column=start_name)
    check.report(
        present & check.not_accepted,
        lambda _position: _("%(start)s: a referral not accepted has no jobs or courses", start=check.show(start_name)),
        start_name,
    )
    rows = np.flatnonzero(present)
    return pd.DataFrame({"row": rows} | {field: value.to_numpy()[rows] for field, value in values.items()})


def check_spells(check: RowCheck, journeys: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """{'job': jobs, 'education': courses}: each spell's journey `row` and the spell model's fields, checked against
    its journey's dates and decision."""
    tables = {}
    for group, numbers in spell_numbers(check.columns).items():
        parts = [_spells(check, group, number, journeys) for number in numbers]
        fields = ["row", *(column.field for column in SPELL_GROUPS[group])]
        tables[group] = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=fields)
    return tables
