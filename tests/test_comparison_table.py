"""The comparison put together from loaded rows, without a database: `compare` is a pure function."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as Row
from typing import Any

from fidelity.comparison.table import Drift, RateCell, WaitCell, compare, half_year, halves_between
from fidelity.config import DEFAULTS
from fidelity.monitoring.quarters import Quarter
from fidelity.scales import load_registry

REGISTRY = load_registry(DEFAULTS["SCALES_DIR"])
TODAY = date(2026, 5, 10)  # the second quarter of 2026; the last full quarter is 2026 Q1


def unit(unit_id: int, code: str, started_on: date | None = None) -> Row:
    return Row(id=unit_id, code=code, name=f"Unit {code}", area="North", started_on=started_on)


def review(review_id: int, unit_id: int, day: date, total: int, kind: str = "self_assessment") -> Row:
    return Row(id=review_id, unit_id=unit_id, review_date=day, kind=kind, total=total)


def figures(unit_id: int, quarter: Quarter, **counts: Any) -> Row:
    values = {"served": 0, "in_competitive_work": 0, "in_education": 0, "waiting_at_end": 0,
              "median_days_to_enrolment": None, "specialist_fte": None, "longest_wait_at_end": None, "referred": 0,
              "not_accepted": 0, "screened_out": 0, "gave_up": 0, "supervisor_fte": None}  # fmt: skip
    return Row(unit_id=unit_id, year=quarter.year, quarter=quarter.number, **(values | counts))


def build(**rows: Any) -> Any:
    scale = REGISTRY.get("ips-25")
    loaded: dict[str, Any] = {"newest": {}, "chosen": {}, "period": [], "item_scores": [], "outcomes": []}
    loaded |= rows
    return compare(
        scale,
        REGISTRY.principles,
        loaded.pop("units"),
        loaded["newest"],
        loaded["chosen"],
        loaded["period"],
        loaded["item_scores"],
        loaded["outcomes"],
        loaded.get("overdue_actions", {}),
        kind="all",
        first=date(2024, 1, 1),
        last=TODAY,
        today=TODAY,
        shown=loaded.get("shown"),
    )


def test_a_unit_row_from_its_reviews_scores_and_figures() -> None:
    keys = REGISTRY.get("ips-25").item_keys
    older, latest = review(1, 7, date(2024, 3, 1), 75), review(2, 7, date(2025, 11, 2), 97, "external")
    scores = [(2, key, 4) for key in keys if key not in ("O6", "V4")] + [(2, "O6", 2), (2, "V4", 3)]
    result = build(
        units=[unit(7, "A")], newest={7: latest}, chosen={7: latest}, period=[older, latest], item_scores=scores,
        outcomes=[figures(7, Quarter(2026, 1), served=20, in_competitive_work=9, in_education=3, specialist_fte=2.0),
                  figures(7, Quarter(2026, 2), served=18, waiting_at_end=7, median_days_to_enrolment=40.0)],
        overdue_actions={7: 2},
    )  # fmt: skip
    (row,) = result.rows
    assert (row.latest.total, row.latest.kind, row.latest.band.key) == (97, "external", "fair")
    assert row.items["O6"] == 2 and row.item_cells[keys.index("V4")] == 3 and len(row.item_cells) == 25
    assert row.principles["zero-exclusion"] == 3.0  # O6 and V14: (2 + 4) / 2
    assert (row.waiting, row.median_wait) == (7, 40.0)
    assert (row.employment_rate, row.education_rate, row.caseload) == (0.45, 0.15, 10.0)
    assert row.quarter == Quarter(2026, 1)
    # The employment rate of each of the eight full quarters before today's, oldest first: figures for 2026 Q1 only.
    assert result.rate_quarters == (Quarter(2024, 2), Quarter(2024, 3), Quarter(2024, 4), Quarter(2025, 1),
                                    Quarter(2025, 2), Quarter(2025, 3), Quarter(2025, 4), Quarter(2026, 1))  # fmt: skip
    assert row.rate_cells == (None,) * 7 + (RateCell(9, 20),) and row.rate_cells[-1].rate == 0.45
    assert (row.served, row.in_work, row.in_education, row.few_served) == (20, 9, 3, False)
    # Totals by half-year: the self-assessment in 2024 H1, the external review in 2025 H2, marked as external.
    assert row.totals == {"2024 H1": (75, "self_assessment"), "2025 H2": (97, "external")}
    cells = dict(zip(result.halves, row.total_cells, strict=True))
    assert cells["2024 H2"] is None and cells["2025 H2"].external
    assert cells["2024 H1"].band == "fair" and not cells["2024 H1"].external
    # Below good, the next review is due 6 months on (the scale's rule): 2 May 2026, eight days ago.
    assert row.due == date(2026, 5, 2) and row.overdue_review
    assert row.overdue_actions == 2 and result.overdue == (row,)


def test_overdue_units_come_longest_overdue_first_and_details_only_for_those_shown() -> None:
    units = [unit(1, "A"), unit(2, "B"), unit(3, "C")]
    long_ago, less_long = review(1, 1, date(2023, 1, 1), 80), review(2, 2, date(2024, 6, 1), 80)
    result = build(
        units=units,
        newest={1: long_ago, 2: less_long}, chosen={1: long_ago, 2: less_long},
        period=[less_long], overdue_actions={3: 1}, shown=range(1, 2),
    )  # fmt: skip
    assert [row.code for row in result.overdue] == ["A", "B", "C"]  # C has only an action overdue
    assert [row.code for row in result.shown] == ["B"]
    assert result.rows[0].total_cells == () and result.rows[1].total_cells != ()
    assert result.rows[2].latest is None and result.rows[2].due is None


def test_a_unit_never_reviewed_is_due_its_first_review_six_months_after_it_started() -> None:
    """As the follow-up list has it: a new unit is not overdue, nor never reviewed, before its first review is due;
    once that day is past it is both, and comes among the overdue by that day. A unit whose start is not known is
    due now."""
    units = [unit(1, "NEW", date(2026, 1, 5)), unit(2, "LATE", date(2025, 9, 1)), unit(3, "UNKNOWN"),
             unit(4, "REVIEWED", date(2020, 1, 1))]  # fmt: skip
    reviewed = review(1, 4, date(2025, 9, 15), 80)
    result = build(units=units, newest={4: reviewed}, chosen={4: reviewed})
    new, late, unknown, done = result.rows
    assert (new.due, new.first_review, new.overdue_review, new.never_reviewed) == (date(2026, 7, 5), True, False, False)
    assert (late.due, late.first_review, late.overdue_review, late.never_reviewed) == (
        date(2026, 3, 1),
        True,
        True,
        True,
    )
    assert (unknown.due, unknown.never_reviewed) == (None, True)
    assert (done.due, done.first_review, done.overdue_review) == (date(2026, 3, 15), False, True)  # by its review
    assert [row.code for row in result.overdue] == ["LATE", "REVIEWED", "UNKNOWN"]


def test_a_unit_that_fell_a_band_since_its_half_year_before_is_marked_as_drifting() -> None:
    """Each total is set against the one of the half-year reviewed before it (a half-year without a review is
    passed over); the latest against the one before it gives the unit's drift, in points and bands."""
    fell = [review(1, 1, date(2024, 3, 1), 105), review(2, 1, date(2025, 2, 1), 97)]  # good, then (2024 H2 none) fair
    rose = [review(3, 2, date(2024, 9, 1), 80), review(4, 2, date(2025, 3, 1), 101), review(5, 2, date(2025, 9, 1), 99)]
    once = [review(6, 3, date(2025, 10, 1), 60)]
    # A self-assessment, then an external review lower by a band: another instrument, not drift; then a second
    # external review, set against the first.
    kinds = [
        review(7, 4, date(2024, 3, 1), 105),
        review(8, 4, date(2024, 9, 1), 95, "external"),
        review(9, 4, date(2025, 3, 1), 90, "self_assessment"),
        review(10, 4, date(2025, 9, 1), 97, "external"),
    ]
    units = [unit(1, "FELL"), unit(2, "ROSE"), unit(3, "ONCE"), unit(4, "KINDS")]
    newest = {1: fell[-1], 2: rose[-1], 3: once[0], 4: kinds[-1]}
    result = build(units=units, period=[*fell, *rose, *once, *kinds], newest=newest, chosen=newest)
    by_code = {row.code: row for row in result.rows}
    first, second, third, fourth = (dict(zip(result.halves, row.total_cells, strict=True)) for row in result.rows)
    assert result.halves[:4] == ("2024 H1", "2024 H2", "2025 H1", "2025 H2")
    assert first["2025 H1"].band_down and not first["2024 H1"].band_down and first["2024 H2"] is None
    assert by_code["FELL"].drift == Drift("2024 H1", -8, True)
    # Fair to good, then good to fair: the fall is marked; 99 is two points down.
    halves = ("2024 H2", "2025 H1", "2025 H2")
    assert [second[half].band_down for half in halves] == [False, False, True]
    assert by_code["ROSE"].drift == Drift("2025 H1", -2, True)
    # One review in the period: nothing to set it against. Below every band (60), it marks no fall either.
    assert by_code["ONCE"].drift is None and not third["2025 H2"].band_down
    # Each kind against its own: the external 95 after the self-assessed 105 is not marked; the self-assessed 90 is
    # (good to fair, against 105); the external 97 rose 2 from the external 95.
    assert [fourth[half].band_down for half in ("2024 H1", "2024 H2", "2025 H1", "2025 H2")] == [
        False,
        False,
        True,
        False,
    ]
    assert by_code["KINDS"].drift == Drift("2024 H2", 2, False)
    assert result.fell_shown


def test_the_waiting_list_at_the_end_of_each_of_the_eight_full_quarters() -> None:
    """From the kept figures, as the employment rates over time: the people waiting at the quarter's end and the
    longest wait then; a dot where there are no figures. A quarter nobody waited in has no longest wait."""
    result = build(
        units=[unit(7, "A")],
        outcomes=[figures(7, Quarter(2025, 3), waiting_at_end=4, longest_wait_at_end=61),
                  figures(7, Quarter(2025, 4), waiting_at_end=0),
                  figures(7, Quarter(2026, 1), waiting_at_end=9, longest_wait_at_end=143),
                  figures(7, Quarter(2026, 2), waiting_at_end=12, longest_wait_at_end=170)],  # today's: not shown
    )  # fmt: skip
    (row,) = result.rows
    assert row.wait_cells == (None,) * 5 + (WaitCell(4, 61), WaitCell(0, None), WaitCell(9, 143))
    assert len(row.wait_cells) == len(result.rate_quarters) == 8


def test_the_half_years_shown_run_from_the_first_with_a_review_to_today() -> None:
    """A period chosen far too wide gives the half-years there is something to show: none before the first review,
    none after today."""
    first_review = review(1, 1, date(2024, 9, 1), 80)
    result = compare(
        REGISTRY.get("ips-25"), REGISTRY.principles, [unit(1, "A")], {1: first_review}, {1: first_review},
        [first_review], [], [], {}, kind="all", first=date(1990, 1, 1), last=date(2100, 12, 31), today=TODAY,
    )  # fmt: skip
    assert result.halves[0] == "2024 H2" and result.halves[-1] == half_year(TODAY)
    assert len(result.rows[0].total_cells) == len(result.halves)


def test_half_years() -> None:
    assert half_year(date(2025, 6, 30)) == "2025 H1" and half_year(date(2025, 7, 1)) == "2025 H2"
    assert halves_between(date(2024, 8, 1), date(2026, 2, 1)) == ("2024 H2", "2025 H1", "2025 H2", "2026 H1")


def test_employment_over_time_leaves_out_quarters_without_figures_or_anyone_served() -> None:
    result = build(
        units=[unit(7, "A"), unit(8, "B")],
        outcomes=[figures(7, Quarter(2024, 2), served=10, in_competitive_work=3),
                  figures(7, Quarter(2025, 4), served=0, in_competitive_work=0),
                  figures(7, Quarter(2024, 1), served=10, in_competitive_work=9),  # before the eight quarters
                  figures(8, Quarter(2026, 2), served=5, in_competitive_work=5)],  # today's quarter: not full yet
    )  # fmt: skip
    first, second = result.rows
    assert first.rate_cells == (RateCell(3, 10),) + (None,) * 7 and first.rate_cells[0].rate == 0.3
    assert second.rate_cells == (None,) * 8


def test_the_share_screened_out_counts_the_referrals_of_the_last_four_full_quarters() -> None:
    # Today is in 2026 Q2: the four full quarters before it are 2025 Q2 to 2026 Q1.
    result = build(
        units=[unit(7, "A"), unit(8, "B"), unit(9, "C"), unit(10, "D")],
        outcomes=[figures(7, Quarter(2025, 1), referred=50, screened_out=50),  # before the four quarters
                  figures(7, Quarter(2025, 2), referred=6, screened_out=1),
                  figures(7, Quarter(2025, 4), referred=4, screened_out=2),
                  figures(7, Quarter(2026, 2), referred=9, screened_out=9, waiting_at_end=3,
                          longest_wait_at_end=120),  # today's quarter: waiting now, but not full yet
                  figures(8, Quarter(2025, 3), referred=5),
                  # Locked before the figures were kept: counted as unknown, not as nobody.
                  figures(9, Quarter(2025, 3), referred=None, screened_out=None)],
    )  # fmt: skip
    first, second, third, fourth = result.rows
    assert result.screening_quarters == (Quarter(2025, 2), Quarter(2025, 3), Quarter(2025, 4), Quarter(2026, 1))
    assert (first.referred, first.screened_out, first.screened_out_share) == (10, 3, 0.3)
    assert (first.waiting, first.longest_wait) == (3, 120)
    assert (second.referred, second.screened_out, second.screened_out_share) == (5, 0, 0.0)
    assert (third.referred, third.screened_out, third.screened_out_share) == (None, None, None)
    assert (fourth.referred, fourth.longest_wait) == (None, None)  # no figures at all


def test_the_share_who_gave_up_counts_the_referrals_not_refused_of_the_last_four_full_quarters() -> None:
    # Today is in 2026 Q2: the four full quarters before it are 2025 Q2 to 2026 Q1.
    result = build(
        units=[unit(7, "A"), unit(8, "B"), unit(9, "C")],
        outcomes=[figures(7, Quarter(2025, 1), referred=40, not_accepted=0, gave_up=40),  # before the four
                  figures(7, Quarter(2025, 2), referred=6, not_accepted=2, gave_up=1),
                  figures(7, Quarter(2025, 4), referred=10, not_accepted=4, gave_up=2),
                  # Kept before version 3: its referrals count for screening, not for giving up.
                  figures(7, Quarter(2026, 1), referred=5, not_accepted=0, gave_up=None),
                  figures(8, Quarter(2025, 3), referred=2, not_accepted=2),  # all refused: nobody left to wait
                  figures(9, Quarter(2025, 3), referred=3, gave_up=None)],
    )  # fmt: skip
    first, second, third = result.rows
    # A: (6 - 2) + (10 - 4) = 10 not refused, of whom 1 + 2 gave up.
    assert (first.considered, first.gave_up, first.gave_up_share) == (10, 3, 0.3)
    assert first.referred == 21  # screening counts the version-2 quarter too
    assert (second.considered, second.gave_up, second.gave_up_share) == (0, 0, None)
    assert (third.considered, third.gave_up, third.gave_up_share) == (None, None, None)


def test_a_rate_among_fewer_than_ten_people_served_is_not_set_against_the_benchmarks() -> None:
    # 0 of 9 is no evidence of a unit below the minimum: one person moves the rate by 11 points, more than the 10
    # between two benchmarks. 3 of 10 is below it, and 5 of 9 is marked few though it reaches the excellent level.
    result = build(
        units=[unit(7, "A"), unit(8, "B"), unit(9, "C"), unit(10, "D")],
        outcomes=[figures(7, Quarter(2026, 1), served=9, in_competitive_work=0),
                  figures(8, Quarter(2026, 1), served=10, in_competitive_work=3),
                  figures(9, Quarter(2026, 1), served=9, in_competitive_work=5),
                  figures(10, Quarter(2025, 4), served=40, in_competitive_work=20)],
    )  # fmt: skip
    few, below, few_high, none_last = result.rows
    assert (few.employment_rate, few.few_served, few.below_minimum) == (0.0, True, False)
    assert (below.employment_rate, below.few_served, below.below_minimum) == (0.3, False, True)
    assert few_high.few_served and not few_high.below_minimum
    assert [cell.judgement for cell in (few.rate_cells[-1], below.rate_cells[-1], few_high.rate_cells[-1])] == [
        "few", "below", "few"]  # fmt: skip
    assert none_last.rate_cells[-2].judgement == "excellent" and not none_last.rate_cells[-2].few
    # No figures for the last full quarter: nothing to mark.
    assert (none_last.served, none_last.few_served, none_last.below_minimum) == (None, False, False)


def test_specialists_per_supervisor_in_the_last_full_quarter_against_the_model_s_ten() -> None:
    last, now = Quarter(2026, 1), Quarter(2026, 2)
    result = build(
        units=[unit(7, "A"), unit(8, "B"), unit(9, "C"), unit(10, "D"), unit(11, "E"), unit(12, "F")],
        outcomes=[figures(7, last, specialist_fte=4.5, supervisor_fte=0.4),  # 11.25: above 10
                  figures(7, now, specialist_fte=1.0, supervisor_fte=1.0),  # today's quarter: not the one shown
                  figures(8, last, specialist_fte=3.0, supervisor_fte=0.0),  # specialists without a supervisor
                  figures(9, last, specialist_fte=4.7, supervisor_fte=0.47),  # 10 as shown: within
                  figures(10, last),  # no staffing recorded
                  figures(11, last, specialist_fte=2.0)],  # locked before the supervisors were kept
    )  # fmt: skip
    over, none_recorded, at_limit, unstaffed, not_kept, no_figures = result.rows
    assert (over.specialist_fte, over.supervisor_fte, over.specialists_per_supervisor) == (4.5, 0.4, 11.25)
    assert over.supervision == "over"
    assert (none_recorded.specialists_per_supervisor, none_recorded.supervision) == (None, "no_supervisor")
    assert at_limit.supervision == "within" and round(at_limit.specialists_per_supervisor, 6) == 10.0
    for row in (unstaffed, not_kept, no_figures):
        assert (row.specialists_per_supervisor, row.supervision) == (None, None)
    # Ratios do not add up across units, as caseloads do not: the area's row gives none.
    assert (result.totals.specialists_per_supervisor, result.totals.supervision) == (None, None)


def test_the_area_s_units_added_up() -> None:
    result = build(
        units=[unit(7, "A"), unit(8, "B"), unit(9, "C")],
        outcomes=[figures(7, Quarter(2026, 1), served=20, in_competitive_work=4, in_education=2, referred=10,
                          screened_out=1, not_accepted=2, gave_up=1),
                  figures(8, Quarter(2026, 1), served=5, in_competitive_work=1, referred=4, not_accepted=0, gave_up=2),
                  figures(7, Quarter(2026, 2), waiting_at_end=6, longest_wait_at_end=40),
                  figures(8, Quarter(2026, 2), waiting_at_end=3, longest_wait_at_end=95)],
    )  # fmt: skip
    totals = result.totals
    assert (totals.units, totals.waiting, totals.longest_wait) == (3, 9, 95)  # C has no figures: left out of sums
    assert (totals.referred, totals.screened_out, totals.considered, totals.gave_up) == (14, 1, 12, 3)
    assert (totals.served, totals.in_work, totals.employment_rate, totals.education_rate) == (25, 5, 0.2, 0.08)
    assert totals.below_minimum and not totals.few_served  # 5 of 25: among enough people to say so
    assert totals.median_wait is None and totals.caseload is None  # medians and caseloads do not add up
    few = build(units=[unit(7, "A")], outcomes=[figures(7, Quarter(2026, 1), served=6)]).totals
    assert few.few_served and not few.below_minimum
