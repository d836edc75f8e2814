"""Kept outcome figures: refreshed from the journeys, every quarter to today's, locked quarters left alone."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from fidelity import clock
from fidelity.models import Decision, QuarterlyOutcome
from fidelity.models.types import as_utc
from fidelity.monitoring.frames import load_frames
from fidelity.monitoring.kept import counted_before, figures_of, kept_outcomes, lock_quarters, refresh_outcomes
from fidelity.monitoring.outcomes import DEFINITIONS_VERSION, figures_by_quarter
from fidelity.monitoring.quarters import Quarter
from tests import factories
from tests.test_admin import counted_queries

TODAY = date(2025, 5, 15)  # in 2025 Q2


def a_unit_with_journeys() -> Any:
    unit = factories.unit()
    # Referred in 2024 Q4, enrolled in 2025 Q1, in work from Feb 1.
    factories.journey(unit, date(2024, 11, 20), enrolment_date=date(2025, 1, 10), decision=Decision.ACCEPTED,
                      jobs=((date(2025, 2, 1), None),))  # fmt: skip
    # Enrolled in 2025 Q1, studying from Apr 1.
    factories.journey(unit, date(2025, 1, 5), enrolment_date=date(2025, 2, 1), studies=((date(2025, 4, 1), None),))
    # Still waiting.
    factories.journey(unit, date(2025, 3, 1))
    factories.staffing(unit, 2025, 1, 0.5)
    return unit


def test_refresh_keeps_every_quarter_from_the_first_referral_to_today_s(session: Any) -> None:
    unit = a_unit_with_journeys()
    rows = refresh_outcomes(unit, TODAY)
    assert [(r.year, r.quarter) for r in rows] == [(2024, 4), (2025, 1), (2025, 2)]
    assert all(r.definitions_version == DEFINITIONS_VERSION and not r.locked for r in rows)
    # 2024 Q4: nobody served, one waiting at Dec 31.
    assert (rows[0].served, rows[0].waiting_at_end, figures_of(rows[0]).employment_rate) == (0, 1, None)
    # 2025 Q1: both enrolled, one in work since Feb 1, 0.5 specialist FTE; the third waits.
    q1 = figures_of(rows[1])
    assert (q1.served, q1.in_competitive_work, q1.job_starts, q1.waiting_at_end) == (2, 1, 1, 1)
    assert q1.caseload_per_specialist == 4.0  # 2 / 0.5
    # 2025 Q2, up to May 15: the same two served, one working and one studying; no staffing recorded.
    q2 = figures_of(rows[2])
    assert (q2.served, q2.in_competitive_work, q2.in_education, q2.education_starts) == (2, 1, 1, 1)
    assert q2.caseload_per_specialist is None


def test_kept_figures_are_the_figures_computed_from_the_journeys(session: Any) -> None:
    unit = a_unit_with_journeys()
    rows = refresh_outcomes(unit, TODAY)
    computed = figures_by_quarter(load_frames([unit.id]), Quarter(2024, 4), Quarter(2025, 2), as_of=TODAY)
    assert [figures_of(r) for r in rows] == computed


def test_a_refresh_follows_changes_and_leaves_locked_quarters_alone(session: Any) -> None:
    unit = a_unit_with_journeys()
    before = {(r.year, r.quarter): r.computed_at for r in refresh_outcomes(unit, TODAY)}
    assert lock_quarters(unit, Quarter(2024, 4)) == [Quarter(2024, 4)]
    assert lock_quarters(unit, Quarter(2024, 4)) == []  # already locked
    # A new person referred in 2024 Q4 and enrolled in 2025 Q2 changes the waiting list of 2024 Q4 and 2025 Q1, and
    # those served in 2025 Q2.
    factories.journey(unit, date(2024, 12, 1), enrolment_date=date(2025, 4, 2))
    rows = {(r.year, r.quarter): r for r in refresh_outcomes(unit, TODAY)}
    assert rows[2024, 4].locked and rows[2024, 4].waiting_at_end == 1  # as it was when locked
    assert rows[2024, 4].computed_at == before[2024, 4]
    assert rows[2025, 1].waiting_at_end == 2
    assert rows[2025, 2].served == 3
    # Nothing changed since: nothing is written again.
    again = {(r.year, r.quarter): r.computed_at for r in refresh_outcomes(unit, TODAY)}
    assert again == {key: row.computed_at for key, row in rows.items()}


def test_the_running_quarter_is_counted_to_today_and_a_new_quarter_added_as_time_goes_on(session: Any) -> None:
    unit = a_unit_with_journeys()
    # Enrolled on May 10, so day 30 is Jun 9: not yet come on May 15, inside 2025 Q2 by Jul 1.
    factories.journey(unit, date(2025, 4, 1), enrolment_date=date(2025, 5, 10))
    assert refresh_outcomes(unit, TODAY)[-1].contact_window_closed == 0
    rows = refresh_outcomes(unit, date(2025, 7, 1))
    assert [(r.year, r.quarter) for r in rows][-2:] == [(2025, 2), (2025, 3)]
    assert (rows[-2].contact_window_closed, rows[-2].contact_within_30) == (1, 0)
    assert rows[-1].served == 3


def test_a_unit_without_journeys_keeps_nothing(session: Any) -> None:
    unit = factories.unit()
    assert refresh_outcomes(unit, TODAY) == []
    assert session.scalars(select(QuarterlyOutcome).where(QuarterlyOutcome.unit_id == unit.id)).all() == []


def test_kept_outcomes_of_many_units_in_one_query(app: Flask, session: Any) -> None:
    units = [a_unit_with_journeys() for _ in range(3)]
    for unit in units:
        refresh_outcomes(unit, TODAY)
    empty = factories.unit()
    with counted_queries(app) as statements:
        kept = kept_outcomes([u.id for u in [*units, empty]])
    assert [s.split()[0] for s in statements if not s.startswith("SAVEPOINT")] == ["SELECT"]
    assert {unit_id: len(rows) for unit_id, rows in kept.items()} == {u.id: 3 for u in units} | {empty.id: 0}


def test_a_refresh_reads_in_a_fixed_number_of_queries(app: Flask, session: Any) -> None:
    small, large = a_unit_with_journeys(), a_unit_with_journeys()
    for n in range(30):
        factories.journey(large, date(2024, 10, 1 + n), enrolment_date=date(2025, 1, 1 + n),
                          jobs=((date(2025, 3, 1), None),))  # fmt: skip
    counts = []
    for unit in (small, large):
        with counted_queries(app) as statements:
            refresh_outcomes(unit, TODAY)
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_the_current_quarter_says_on_which_day_it_was_counted_and_is_written_once_a_day(
    app: Flask, session: Any
) -> None:
    """Counted on an earlier day, the quarter under way is written again even when its figures stayed the same, so
    that the comparison knows it is current (`counted_before`); counted again the same day, nothing is written (a
    page that only looks does not take the write lock each time)."""
    unit = a_unit_with_journeys()
    refresh_outcomes(unit, TODAY)
    current = session.scalars(
        select(QuarterlyOutcome).where(QuarterlyOutcome.unit_id == unit.id, QuarterlyOutcome.quarter == 2)
    ).one()
    yesterday = clock.start_of(TODAY) - timedelta(hours=1)
    current.computed_at = yesterday
    session.commit()
    assert counted_before([unit.id], TODAY) == [unit.id]
    refresh_outcomes(unit, TODAY)
    session.commit()
    assert as_utc(current.computed_at) > yesterday and counted_before([unit.id], TODAY) == []
    with counted_queries(app) as statements:
        refresh_outcomes(unit, TODAY)
    assert statements and not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
