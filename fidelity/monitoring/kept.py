"""Kept outcome figures: every quarter of a unit computed from its journeys and stored in `quarterly_outcomes`, so
that pages and comparisons read a few rows, and so that figures outlive the journeys a purge deletes.

A locked quarter is never recomputed. Operations write and flush; the request or command commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from fidelity import clock
from fidelity.extensions import db
from fidelity.models import Journey, QuarterlyOutcome, Unit
from fidelity.models.types import as_utc, utcnow
from fidelity.monitoring.frames import JourneyFrames, load_frames
from fidelity.monitoring.outcomes import (
    DEFINITIONS_VERSION,
    KEPT_FIELDS,
    QuarterFigures,
    figures_by_quarter,
    first_quarter,
)
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.unit_lock import take_free_units, take_units


def quarter_of(row: QuarterlyOutcome) -> Quarter:
    return Quarter(row.year, row.quarter)


def figures_of(row: QuarterlyOutcome) -> QuarterFigures:
    """A kept row as figures, with the rates that follow from its counts."""
    values: dict[str, Any] = {name: getattr(row, name) for name in KEPT_FIELDS}
    return QuarterFigures(quarter=quarter_of(row), **values)


def kept_outcomes(unit_ids: Sequence[int]) -> dict[int, list[QuarterlyOutcome]]:
    """The kept figures of each unit, oldest quarter first: one query."""
    rows = db.session.scalars(
        select(QuarterlyOutcome)
        .where(QuarterlyOutcome.unit_id.in_(unit_ids))
        .order_by(QuarterlyOutcome.unit_id, QuarterlyOutcome.year, QuarterlyOutcome.quarter)
        .execution_options(populate_existing=True)
    ).all()
    kept: dict[int, list[QuarterlyOutcome]] = {unit_id: [] for unit_id in unit_ids}
    for row in rows:
        kept[row.unit_id].append(row)
    return kept


def refresh_outcomes(unit: Unit, today: date, frames: JourneyFrames | None = None) -> list[QuarterlyOutcome]:
    """Compute every quarter of `unit` from its first referral (or its first kept quarter, if earlier) to today's, and
    write the quarters that are new or changed, under the current definitions. Locked quarters stay as they are.

    Returns the unit's kept figures, oldest first. The current quarter is counted up to `today`, and its row says
    on which day it was last counted even when its figures stayed the same (see `counted_before`): it is written
    again on a day's first count, not on each. `frames` are the unit's journeys when the caller has loaded them
    already (holding the unit's records, see `unit_lock`).
    """
    take_units(unit.id)  # so that what is read below is not replaced unseen before this is written
    frames = load_frames([unit.id]) if frames is None else frames
    kept = {quarter_of(row): row for row in kept_outcomes([unit.id])[unit.id]}
    current = Quarter.of(today)
    starts = [q for q in (first_quarter(frames), min(kept, default=None)) if q is not None]
    if not starts:
        return []
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for figures in figures_by_quarter(frames, min(*starts, current), current, as_of=today):
        values = figures.counts() | {"definitions_version": DEFINITIONS_VERSION}
        row = kept.get(figures.quarter)
        if row is None:
            key = {"unit_id": unit.id, "year": figures.quarter.year, "quarter": figures.quarter.number}
            inserts.append(key | values | {"locked": False, "computed_at": now})
        elif not row.locked and (
            any(getattr(row, name) != value for name, value in values.items())
            or (figures.quarter == current and as_utc(row.computed_at) < clock.start_of(today))
        ):
            updates.append({"id": row.id, **values, "computed_at": now})
    _write(inserts, updates)
    return kept_outcomes([unit.id])[unit.id]


def counted_before(unit_ids: Sequence[int], today: date) -> list[int]:
    """The units among `unit_ids` with journeys whose kept figures were last counted before `today` (in the app's
    time zone), or never, in the order of their ids: figures go on changing with the days alone (the current
    quarter's, the waits, the 30-day and 90-day windows of the quarters before), so a unit's are up to date only once
    counted today. A unit without journeys has nothing to count again: its figures changed when its last journey
    went; nor has one whose current quarter a purge locked (every quarter before it is locked too)."""
    current = Quarter.of(today)
    counted_today = (
        select(QuarterlyOutcome.id)
        .where(
            QuarterlyOutcome.unit_id == Unit.id,
            QuarterlyOutcome.year == current.year,
            QuarterlyOutcome.quarter == current.number,
            (QuarterlyOutcome.computed_at >= clock.start_of(today)) | QuarterlyOutcome.locked,
        )
        .exists()
    )
    has_journeys = select(Journey.id).where(Journey.unit_id == Unit.id).exists()
    return list(
        db.session.scalars(select(Unit.id).where(Unit.id.in_(unit_ids), has_journeys, ~counted_today).order_by(Unit.id))
    )


def bring_up_to_date(unit_ids: Sequence[int], today: date) -> None:
    """Count again the kept figures of the units among `unit_ids` not counted yet today (see `counted_before`), their
    journeys loaded at once. A page that reads many units' kept figures (the comparison) calls it first."""
    stale = take_free_units(*counted_before(unit_ids, today))  # those another change holds are left to it
    if not stale:
        return
    frames = load_frames(stale)
    for unit in db.session.scalars(select(Unit).where(Unit.id.in_(stale)).order_by(Unit.id)):
        refresh_outcomes(unit, today, frames.for_unit(unit.id))


def _write(inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
    if not inserts and not updates:
        return
    try:
        with db.session.begin_nested():
            if inserts:
                db.session.execute(insert(QuarterlyOutcome), inserts)
            if updates:
                db.session.execute(update(QuarterlyOutcome), updates)
    except IntegrityError:
        # Another request kept the same new quarters a moment ago, from the same journeys: theirs stand.
        pass


def lock_quarters(unit: Unit, through: Quarter) -> list[Quarter]:
    """Lock the unit's kept quarters up to and including `through`; returns the quarters newly locked."""
    up_to = tuple_(QuarterlyOutcome.year, QuarterlyOutcome.quarter) <= tuple_(through.year, through.number)
    rows = db.session.execute(
        select(QuarterlyOutcome.id, QuarterlyOutcome.year, QuarterlyOutcome.quarter)
        .where(QuarterlyOutcome.unit_id == unit.id, ~QuarterlyOutcome.locked, up_to)
        .order_by(QuarterlyOutcome.year, QuarterlyOutcome.quarter)
    ).all()
    if rows:
        db.session.execute(update(QuarterlyOutcome), [{"id": row.id, "locked": True} for row in rows])
    return [Quarter(row.year, row.quarter) for row in rows]
