"""When a unit's next fidelity review is due: pure functions of a scale's schedule rule, the latest review that
counts and today. No Flask, no database.

The field's cadence: every `months_below_good` months (6) while a unit is below the scale's good band, every
`months_at_or_above_good` months (12) once it is at or above it. A unit that offers a scale's service and has never
been reviewed on it is due `months_below_good` months after the day it started, as if it had started below good, or
now when that day is not known.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from fidelity.scales import Scale

# A review due within this many days is flagged as coming up.
DUE_SOON_DAYS = 60


class DueState(enum.StrEnum):
    """Listed in this order: the most pressing first."""

    OVERDUE = "overdue"  # the due date has passed
    # The unit offers the service and has no review that counts, and its first is due (now, when its start is not
    # known). Before then its first review is due soon or scheduled, as any other.
    NEVER_REVIEWED = "never_reviewed"
    DUE_SOON = "due_soon"  # due within DUE_SOON_DAYS, or today
    SCHEDULED = "scheduled"  # due later


STATE_ORDER = {state: index for index, state in enumerate(DueState)}


@dataclass(frozen=True)
class LastReview:
    """The latest review of a unit on a scale that counts: a submitted self-assessment or a final external review."""

    review_date: date
    total: int
    band_key: str | None


@dataclass(frozen=True)
class ScheduleEntry:
    """What the schedule is computed from, for one unit and one scale."""

    unit_id: int
    scale: Scale
    last: LastReview | None
    started_on: date | None = None  # the day the unit began supporting people, when known


@dataclass(frozen=True)
class ScheduleRow:
    unit_id: int
    scale: Scale
    last: LastReview | None
    due_date: date
    state: DueState
    started_on: date | None = None  # the day the unit started, for a first review due from it

    @property
    def pressing(self) -> bool:
        """Whether the row belongs on a follow-up list: overdue, never reviewed or due soon."""
        return self.state is not DueState.SCHEDULED

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.due_date).days)


def next_due(scale: Scale, review_date: date, total: int) -> date:
    """The date the review after one on `review_date` with `total` is due, by the scale's schedule rule.

    Month arithmetic keeps the day of the month where it can and otherwise takes the month's last day
    (31 August + 6 months = the last day of February).
    """
    rule = scale.schedule
    months = rule.months_at_or_above_good if total >= scale.good_threshold else rule.months_below_good
    return months_after(review_date, months)


@lru_cache(maxsize=1 << 16)
def months_after(day: date, months: int) -> date:
    """`day` plus `months` calendar months (remembered: a comparison asks for hundreds of units' dates at once)."""
    return day + relativedelta(months=months)


def first_due(scale: Scale, started_on: date | None) -> date | None:
    """The day a unit that started on `started_on` is due its first review on the scale: a new unit is reviewed as
    one below the good band is. None when the day it started is not recorded: due at once."""
    return None if started_on is None else months_after(started_on, scale.schedule.months_below_good)


def first_review_late(due: date | None, today: date) -> bool:
    """Whether a unit never reviewed, its first review due on `due` (`first_due`), is listed as never reviewed: at
    once when its start is not recorded, else once that day is past. The follow-up list and the comparison both
    ask this."""
    return due is None or due < today


def due_state(due_date: date, today: date) -> DueState:
    """How pressing a review due on `due_date` is, seen on `today`."""
    if due_date < today:
        return DueState.OVERDUE
    if due_date - today <= timedelta(days=DUE_SOON_DAYS):
        return DueState.DUE_SOON
    return DueState.SCHEDULED


def schedule_row(entry: ScheduleEntry, today: date) -> ScheduleRow:
    """One unit's next review on one scale. A unit never reviewed on it is due its first by the day it started, and
    is listed as never reviewed once that is past; at once when that day is not known."""
    if entry.last is None:
        first = first_due(entry.scale, entry.started_on)
        state = DueState.NEVER_REVIEWED if first_review_late(first, today) else due_state(first or today, today)
        return ScheduleRow(entry.unit_id, entry.scale, None, first or today, state, entry.started_on)
    due = next_due(entry.scale, entry.last.review_date, entry.last.total)
    return ScheduleRow(entry.unit_id, entry.scale, entry.last, due, due_state(due, today))


def review_schedule(entries: Iterable[ScheduleEntry], today: date) -> list[ScheduleRow]:
    """Every entry's next review, the most pressing first: overdue (longest overdue first, a first review past its
    day among them), never reviewed, due soon, then scheduled, each by due date."""
    rows = [schedule_row(entry, today) for entry in entries]
    return sorted(rows, key=lambda r: (_rank(r, today), r.due_date, r.unit_id, r.scale.id))


def _rank(row: ScheduleRow, today: date) -> int:
    """Where a row is listed: by its state, but a first review past its day among the overdue, by that day, as the
    comparison lists it (a unit whose start is not recorded, due today, comes after them)."""
    late_first = row.state is DueState.NEVER_REVIEWED and row.due_date < today
    return STATE_ORDER[DueState.OVERDUE] if late_first else STATE_ORDER[row.state]
