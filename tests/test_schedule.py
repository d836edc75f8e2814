"""The review schedule as pure functions: 6 months below the good band, 12 at or above it, and each state."""

from __future__ import annotations

from datetime import date

import pytest

from fidelity.config import DEFAULTS
from fidelity.scales import Scale, load_registry
from fidelity.schedule import (
    DUE_SOON_DAYS,
    DueState,
    LastReview,
    ScheduleEntry,
    due_state,
    first_due,
    next_due,
    review_schedule,
    schedule_row,
)

REGISTRY = load_registry(DEFAULTS["SCALES_DIR"])
IPS: Scale = REGISTRY.get("ips-25")
SED: Scale = REGISTRY.get("sed")
TODAY = date(2026, 6, 1)


def test_the_rule_is_read_from_the_scale_file() -> None:
    assert IPS.good_threshold == 100
    assert (IPS.schedule.months_below_good, IPS.schedule.months_at_or_above_good) == (6, 12)


@pytest.mark.parametrize(
    ("total", "due"), [(99, date(2026, 9, 15)), (100, date(2027, 3, 15)), (125, date(2027, 3, 15))]
)
def test_99_is_below_good_and_due_in_6_months_100_in_12(total: int, due: date) -> None:
    assert next_due(IPS, date(2026, 3, 15), total) == due


@pytest.mark.parametrize(
    ("review_date", "total", "due"),
    [
        (date(2025, 8, 31), 80, date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2027, 8, 31), 80, date(2028, 2, 29)),  # a leap year
        (date(2024, 2, 29), 110, date(2025, 2, 28)),  # a year after a leap day
        (date(2025, 3, 31), 80, date(2025, 9, 30)),
    ],
)
def test_month_ends(review_date: date, total: int, due: date) -> None:
    assert next_due(IPS, review_date, total) == due


def test_the_threshold_is_the_scales_own() -> None:
    threshold = SED.good_threshold
    assert next_due(SED, date(2026, 1, 10), threshold - 1) == date(2026, 7, 10)
    assert next_due(SED, date(2026, 1, 10), threshold) == date(2027, 1, 10)


def test_states_around_today() -> None:
    assert due_state(date(2026, 5, 31), TODAY) is DueState.OVERDUE
    assert due_state(TODAY, TODAY) is DueState.DUE_SOON  # due today has not passed yet
    assert due_state(date(2026, 7, 31), TODAY) is DueState.DUE_SOON  # 60 days ahead
    assert (date(2026, 7, 31) - TODAY).days == DUE_SOON_DAYS
    assert due_state(date(2026, 8, 1), TODAY) is DueState.SCHEDULED  # 61 days ahead


def test_a_row_per_state() -> None:
    overdue = schedule_row(ScheduleEntry(1, IPS, LastReview(date(2025, 9, 15), 90, "fair")), TODAY)
    assert (overdue.due_date, overdue.state, overdue.days_overdue(TODAY)) == (date(2026, 3, 15), DueState.OVERDUE, 78)
    soon = schedule_row(ScheduleEntry(1, IPS, LastReview(date(2025, 7, 1), 104, "good")), TODAY)
    assert (soon.due_date, soon.state, soon.days_overdue(TODAY)) == (date(2026, 7, 1), DueState.DUE_SOON, 0)
    later = schedule_row(ScheduleEntry(1, IPS, LastReview(date(2026, 3, 15), 104, "good")), TODAY)
    assert (later.due_date, later.state, later.pressing) == (date(2027, 3, 15), DueState.SCHEDULED, False)
    never = schedule_row(ScheduleEntry(1, IPS, None), TODAY)
    assert (never.due_date, never.state, never.last, never.pressing) == (TODAY, DueState.NEVER_REVIEWED, None, True)
    assert first_due(IPS, None) is None  # no start recorded: due at once


@pytest.mark.parametrize(
    ("started_on", "due", "state", "days_overdue"),
    [
        (date(2026, 3, 1), date(2026, 9, 1), DueState.SCHEDULED, 0),  # three months in: due in three
        (date(2026, 1, 20), date(2026, 7, 20), DueState.DUE_SOON, 0),  # due within 60 days
        (date(2025, 12, 1), TODAY, DueState.DUE_SOON, 0),  # due today: not past yet
        (date(2025, 11, 30), date(2026, 5, 30), DueState.NEVER_REVIEWED, 2),  # past: never reviewed, 2 days late
        (date(2025, 8, 31), date(2026, 2, 28), DueState.NEVER_REVIEWED, 93),  # month ends as for any review
    ],
)
def test_a_new_unit_s_first_review_is_due_six_months_after_it_started(
    started_on: date, due: date, state: DueState, days_overdue: int
) -> None:
    """A new unit is reviewed as one below good fidelity: six months after it began on the IPS scale's rule. It is
    not listed as never reviewed before then."""
    assert first_due(IPS, started_on) == due
    row = schedule_row(ScheduleEntry(1, IPS, None, started_on), TODAY)
    assert (row.due_date, row.state, row.days_overdue(TODAY), row.started_on) == (due, state, days_overdue, started_on)
    assert row.pressing is (state is not DueState.SCHEDULED)


def test_the_schedule_lists_the_most_pressing_first() -> None:
    entries = [
        ScheduleEntry(1, IPS, LastReview(date(2026, 3, 15), 104, "good")),  # scheduled 2027-03-15
        ScheduleEntry(2, IPS, LastReview(date(2025, 7, 1), 104, "good")),  # due soon 2026-07-01
        ScheduleEntry(3, IPS, None),  # never reviewed
        ScheduleEntry(4, IPS, LastReview(date(2025, 11, 20), 80, "fair")),  # overdue since 2026-05-20
        ScheduleEntry(5, SED, LastReview(date(2025, 9, 1), SED.good_threshold - 1, "fair")),  # overdue since 2026-03-01
        ScheduleEntry(6, IPS, None, date(2025, 10, 1)),  # started, never reviewed: due since 2026-04-01
        ScheduleEntry(7, IPS, None, date(2026, 4, 1)),  # started lately: first due 2026-10-01
    ]
    rows = review_schedule(entries, TODAY)
    assert [(r.unit_id, r.state) for r in rows] == [
        (5, DueState.OVERDUE),
        (6, DueState.NEVER_REVIEWED),  # its first review late since 2026-04-01: among the overdue, by that day
        (4, DueState.OVERDUE),
        (3, DueState.NEVER_REVIEWED),
        (2, DueState.DUE_SOON),
        (7, DueState.SCHEDULED),  # 2026-10-01
        (1, DueState.SCHEDULED),  # 2027-03-15
    ]
