"""A unit's staffing per quarter, in full-time equivalents: what caseload per specialist is counted from.

Operations add and flush; the request commits once. Every change is written to the audit log by the session listener.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from fidelity import clock
from fidelity.extensions import db
from fidelity.i18n import quarter_text
from fidelity.models import Journey, QuarterlyOutcome, StaffingQuarter, Unit
from fidelity.monitoring.kept import refresh_outcomes
from fidelity.monitoring.outcomes import below_unit_minimum, per_supervisor, supervision
from fidelity.monitoring.quarters import Quarter, quarters_between
from fidelity.monitoring.unit_lock import take_units
from fidelity.stale import Changed, Merged, merge, snapshot


@dataclass(frozen=True)
class StaffingLine:
    """A quarter on the staffing page: its staffing, or None where none is recorded."""

    quarter: Quarter
    staffing: StaffingQuarter | None
    locked: bool = False  # its outcome figures are kept as they were: its staffing no longer changes
    planned: bool = False  # the quarter has not begun: its staffing is a plan, and counts in no outcome figure yet

    @property
    def specialists_per_supervisor(self) -> float | None:
        row = self.staffing
        return None if row is None else per_supervisor(row.specialist_fte, row.supervisor_fte)

    @property
    def supervision(self) -> str | None:
        """Specialists per supervisor against the model's limit: "over", "within", "no_supervisor" or None."""
        row = self.staffing
        return None if row is None else supervision(row.specialist_fte, row.supervisor_fte)

    @property
    def below_unit_minimum(self) -> bool:
        """Fewer specialists recorded than the vocational unit the model asks for."""
        return self.staffing is not None and below_unit_minimum(self.staffing.specialist_fte)


class StaffingLocked(ValueError):
    """Staffing asked for a quarter whose figures are locked; the message is for the user."""


class StaffingChanged(Changed[Quarter]):
    """A figure of the quarter's staffing was changed both by this person and by someone else, differently, after
    the page the form came from was opened (in another tab or window, or a colleague); nothing was written. `merged`
    holds the figures to show again and the conflicting ones."""

    merged: Merged

    def __init__(self, record: Quarter, merged: Merged) -> None:
        super().__init__(record, merged)


def locked_quarters(unit: Unit) -> set[Quarter]:
    """The unit's quarters whose outcome figures were locked when the journeys they came from were purged."""
    rows = db.session.execute(
        select(QuarterlyOutcome.year, QuarterlyOutcome.quarter).where(
            QuarterlyOutcome.unit_id == unit.id, QuarterlyOutcome.locked
        )
    )
    return {Quarter(year, number) for year, number in rows}


def unit_staffing(unit: Unit) -> dict[Quarter, StaffingQuarter]:
    """Every staffing quarter recorded for the unit: one query."""
    rows = db.session.scalars(select(StaffingQuarter).where(StaffingQuarter.unit_id == unit.id)).all()
    return {Quarter(row.year, row.quarter): row for row in rows}


def planned(quarter: Quarter, today: date) -> bool:
    """Whether `quarter` has not begun on `today`: staffing recorded for it is a plan. The outcome figures count only
    to today's quarter, so a planned quarter's staffing changes none of them until it begins."""
    return quarter.start > today


def staffing_lines(unit: Unit, today: date) -> list[StaffingLine]:
    """Newest first, every quarter from the unit's first referral or first recorded staffing, whichever is earlier,
    to today's (or a later one that has staffing, marked planned), so that a quarter without staffing shows as a gap
    to fill."""
    recorded = unit_staffing(unit)
    first_referral = db.session.scalar(select(func.min(Journey.referral_date)).where(Journey.unit_id == unit.id))
    current = Quarter.of(today)
    first = min([*recorded, current, *([Quarter.of(first_referral)] if first_referral else [])])
    last = max([*recorded, current])
    locked = locked_quarters(unit)
    return [
        StaffingLine(q, recorded.get(q), q in locked, planned(q, today))
        for q in reversed(list(quarters_between(first, last)))
    ]


def quarter_staffing(unit: Unit, quarter: Quarter) -> StaffingQuarter | None:
    """The staffing recorded for one quarter of the unit, if any."""
    return db.session.scalar(
        select(StaffingQuarter).where(
            StaffingQuarter.unit_id == unit.id,
            StaffingQuarter.year == quarter.year,
            StaffingQuarter.quarter == quarter.number,
        )
    )


def _figures(specialist_fte: float | None, supervisor_fte: float | None) -> dict[str, Any]:
    """A quarter's staffing, keyed as the form names its fields."""
    return {"specialist_fte": specialist_fte, "supervisor_fte": supervisor_fte}


def _recorded(row: StaffingQuarter | None) -> dict[str, Any]:
    return _figures(row.specialist_fte, row.supervisor_fte) if row is not None else _figures(None, None)


def staffing_snapshot(row: StaffingQuarter | None) -> str:
    """What the form carries of a quarter's staffing (`row`, None where none is recorded): the figures it showed."""
    return snapshot(_recorded(row))


def set_staffing(
    unit: Unit,
    quarter: Quarter,
    specialist_fte: float,
    supervisor_fte: float | None,
    seen: tuple[Quarter, str] | None = None,
) -> tuple[StaffingQuarter, Merged]:
    """Set the unit's staffing for one quarter, replacing what was recorded for it (supervisors None: left empty,
    counted as 0). A locked quarter is refused
    (StaffingLocked): its caseload is kept as it was counted, and staffing changed now would disagree with it.

    `seen` is the quarter the form was opened for and the snapshot of its staffing then: when that is the quarter
    saved, the figures are merged with what is recorded now, field by field: a figure left as shown keeps what
    someone else set it to meanwhile (`kept`), and StaffingChanged if a figure was changed both here and by someone
    else, differently. A quarter typed in instead of the one the form was filled with had none of its figures in the
    form, so there is nothing to compare: what was typed replaces what is recorded. Returns the row and the merge.
    """
    take_units(unit.id)
    db.session.expire_all()  # what is recorded now, after any change that held the unit before
    if quarter in locked_quarters(unit):
        raise StaffingLocked(
            _(
                "%(quarter)s is locked: its figures were kept when its journeys were deleted under the retention "
                "rule, and are never counted again, so its staffing can no longer change.",
                quarter=quarter_text(quarter.year, quarter.number),
            )
        )
    row = quarter_staffing(unit, quarter)
    typed = _figures(specialist_fte, supervisor_fte)
    merged = merge(seen[1] if seen is not None and seen[0] == quarter else None, _recorded(row), typed)
    if merged.conflicts:
        raise StaffingChanged(quarter, merged)
    if row is None:
        row = StaffingQuarter(unit_id=unit.id, year=quarter.year, quarter=quarter.number)
        db.session.add(row)
    row.specialist_fte = float(merged.values["specialist_fte"] or 0)
    row.supervisor_fte = float(merged.values["supervisor_fte"] or 0)
    db.session.flush()
    refresh_outcomes(unit, clock.today())  # caseload per specialist follows the staffing
    return row, merged
