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
from fidelity.monitoring.quarters import Quarter, quarters_between
from fidelity.stale import Changed, differences, digest, require_unchanged


@dataclass(frozen=True)
class StaffingLine:
    """A quarter on the staffing page: its staffing, or None where none is recorded."""

    quarter: Quarter
    staffing: StaffingQuarter | None
    locked: bool = False  # its outcome figures are kept as they were: its staffing no longer changes


class StaffingLocked(ValueError):
    """Staffing asked for a quarter whose figures are locked; the message is for the user."""


class StaffingChanged(Changed[Quarter]):
    """The quarter's staffing changed after the page the form came from was opened (in another tab or window, or by
    a colleague); nothing was written."""


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


def staffing_lines(unit: Unit, today: date) -> list[StaffingLine]:
    """Newest first, every quarter from the unit's first referral or first recorded staffing, whichever is earlier,
    to today's (or a later one that has staffing), so that a quarter without staffing shows as a gap to fill."""
    recorded = unit_staffing(unit)
    first_referral = db.session.scalar(select(func.min(Journey.referral_date)).where(Journey.unit_id == unit.id))
    current = Quarter.of(today)
    first = min([*recorded, current, *([Quarter.of(first_referral)] if first_referral else [])])
    last = max([*recorded, current])
    locked = locked_quarters(unit)
    return [StaffingLine(q, recorded.get(q), q in locked) for q in reversed(list(quarters_between(first, last)))]


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


def staffing_digest(row: StaffingQuarter | None) -> str:
    """A fingerprint of a quarter's staffing (`row`, None where none is recorded), as the form showed it."""
    return digest(_recorded(row))


def changed_fields(row: StaffingQuarter | None, specialist_fte: float, supervisor_fte: float) -> list[tuple[str, Any]]:
    """Where a quarter's staffing as it is now (`row`) differs from the form's figures: each field with the figure it
    holds (None where none is recorded)."""
    return differences(_recorded(row), _figures(specialist_fte, supervisor_fte))


def set_staffing(
    unit: Unit,
    quarter: Quarter,
    specialist_fte: float,
    supervisor_fte: float,
    seen: tuple[Quarter, str] | None = None,
) -> StaffingQuarter:
    """Set the unit's staffing for one quarter, replacing what was recorded for it. A locked quarter is refused
    (StaffingLocked): its caseload is kept as it was counted, and staffing changed now would disagree with it.

    `seen` is the quarter the form was opened for and the digest of its staffing then: when that is the quarter
    saved, StaffingChanged if its staffing has changed since and the form would change it. A quarter typed in
    instead of the one the form was filled with had none of its figures in the form, so there is nothing to compare.
    """
    if quarter in locked_quarters(unit):
        raise StaffingLocked(
            _(
                "%(quarter)s is locked: its figures were kept when its journeys were deleted under the retention "
                "rule, and are never counted again, so its staffing can no longer change.",
                quarter=quarter_text(quarter.year, quarter.number),
            )
        )
    row = quarter_staffing(unit, quarter)
    if seen is not None and seen[0] == quarter:
        require_unchanged(quarter, seen[1], _recorded(row), StaffingChanged, _figures(specialist_fte, supervisor_fte))
    if row is None:
        row = StaffingQuarter(unit_id=unit.id, year=quarter.year, quarter=quarter.number)
        db.session.add(row)
    row.specialist_fte = specialist_fte
    row.supervisor_fte = supervisor_fte
    db.session.flush()
    refresh_outcomes(unit, clock.today())  # caseload per specialist follows the staffing
    return row
