"""Outcome figures on a small cohort whose every figure is worked out by hand below. Pure: no app, no database.

Quarters: 2024 Q3 = Jul 1-Sep 30, 2024 Q4 = Oct 1-Dec 31, 2025 Q1 = Jan 1-Mar 31, 2025 Q2 = Apr 1-Jun 30,
2025 Q3 = Jul 1-Sep 30. Days are counted from the earlier date to the later one.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from fidelity.monitoring.frames import frames_from_records
from fidelity.monitoring.outcomes import (
    DEFINITIONS,
    DEFINITIONS_VERSION,
    KEPT_FIELDS,
    QuarterFigures,
    below_unit_minimum,
    benchmark_reached,
    few_served,
    figures_by_quarter,
    first_quarter,
    judged,
    last_counted_day,
    mean_days_to_employer_contact,
    one_person_points,
    over_caseload,
    per_supervisor,
    quarter_figures,
    rounded,
    supervision,
    whole_percent,
)
from fidelity.monitoring.quarters import Quarter

D = date
JOURNEYS = [
    # A: referred in Q4, enrolled in Q1; a job that ends within 90 days, then a job still held.
    {"id": 1, "code": "A", "referral_date": D(2024, 12, 1), "decision": "accepted", "enrolment_date": D(2025, 1, 15),
     "first_employer_contact_date": D(2025, 2, 10)},
    # B: enrolled late in Q1, so day 30 falls in Q2; meets an employer late; studies from Q2.
    {"id": 2, "code": "B", "referral_date": D(2025, 1, 5), "enrolment_date": D(2025, 3, 20),
     "first_employer_contact_date": D(2025, 5, 10)},
    # C: withdraws while waiting, before enrolment.
    {"id": 3, "code": "C", "referral_date": D(2024, 12, 10), "exit_date": D(2025, 3, 1), "exit_reason": "withdrew"},
    # D: referral not accepted within Q1.
    {"id": 4, "code": "D", "referral_date": D(2025, 2, 15), "decision": "not_accepted",
     "decision_date": D(2025, 3, 10), "not_accepted_reason": "not_ready"},
    # D2: referred in Q1, not accepted only in Q2: still waiting at the end of Q1.
    {"id": 5, "code": "D2", "referral_date": D(2025, 3, 25), "decision": "not_accepted",
     "decision_date": D(2025, 4, 5), "not_accepted_reason": "declined"},
    # E: referred in Q1, still waiting.
    {"id": 6, "code": "E", "referral_date": D(2025, 3, 15)},
    # F: enrolled in Q4 with a job from Dec 1 still held; exits on the first day of Q2.
    {"id": 7, "code": "F", "referral_date": D(2024, 10, 1), "enrolment_date": D(2024, 11, 1),
     "first_employer_contact_date": D(2024, 11, 20), "exit_date": D(2025, 4, 1), "exit_reason": "goal_reached"},
    # G: enrolled and gone within Q4, without meeting an employer.
    {"id": 8, "code": "G", "referral_date": D(2024, 11, 1), "enrolment_date": D(2024, 12, 20),
     "exit_date": D(2024, 12, 31), "exit_reason": "lost_contact"},
    # H: enrolled on Jan 2; a job that is not competitive; never meets an employer.
    {"id": 9, "code": "H", "referral_date": D(2024, 12, 20), "enrolment_date": D(2025, 1, 2)},
]  # fmt: skip
JOBS = [
    {"id": 1, "journey_id": 1, "start_date": D(2025, 3, 1), "end_date": D(2025, 4, 20)},
    {"id": 2, "journey_id": 1, "start_date": D(2025, 5, 1), "end_date": None},
    {"id": 3, "journey_id": 7, "start_date": D(2024, 12, 1), "end_date": None},
    {"id": 4, "journey_id": 9, "start_date": D(2025, 2, 1), "end_date": None, "competitive": False},
]
EDUCATION = [{"id": 1, "journey_id": 2, "start_date": D(2025, 4, 1), "end_date": None}]
STAFFING = [
    {"unit_id": 1, "year": 2024, "quarter": 3, "specialist_fte": 1.0, "supervisor_fte": 0.2},
    {"unit_id": 1, "year": 2025, "quarter": 1, "specialist_fte": 0.5, "supervisor_fte": 0.1},
]
FRAMES = frames_from_records(JOURNEYS, JOBS, EDUCATION, STAFFING)


def figures(quarter: str, as_of: date | None = None) -> QuarterFigures:
    return quarter_figures(FRAMES, Quarter.parse(quarter), as_of)


def test_a_quarter_before_anyone_was_served_has_no_rates() -> None:
    q = figures("2024Q3")
    assert q.counts() == dict.fromkeys(KEPT_FIELDS, 0) | {
        "median_days_to_employer_contact": None,
        "median_days_to_enrolment": None,
        "longest_wait_at_end": None,  # nobody waiting: no wait at all, rather than a wait of 0 days
        "specialist_fte": 1.0,
        "supervisor_fte": 0.2,
    }
    assert q.screened_out_share is None  # nobody referred
    assert q.employment_rate is None and q.education_rate is None  # nobody served: not 0 %
    assert q.share_within_30 is None and q.retention_90 is None
    assert q.caseload_per_specialist == 0.0  # staffed, nobody served
    assert q.specialists_per_supervisor == 5.0  # 1.0 / 0.2


def test_2024_q4() -> None:
    q = figures("2024Q4")
    # F (enrolled Nov 1) and G (Dec 20 to Dec 31) were served.
    assert q.served == 2
    # F's job from Dec 1; G had none.
    assert (q.in_competitive_work, q.employment_rate) == (1, 0.5)
    assert q.job_starts == 1
    # F met an employer on Nov 20: Nov 1 -> Nov 20 = 19 days.
    assert q.median_days_to_employer_contact == 19
    # F's day 30 is Dec 1 and F had met an employer by then. G's day 30 (Jan 19) is in 2025.
    assert (q.contact_window_closed, q.contact_within_30) == (1, 1)
    # At Dec 31: A (referred Dec 1), C (Dec 10) and H (Dec 20) wait; G enrolled on Dec 20.
    assert q.waiting_at_end == 3
    # F: Oct 1 -> Nov 1 = 31 days; G: Nov 1 -> Dec 20 = 29 + 20 = 49 days; median (31 + 49) / 2 = 40.
    assert q.median_days_to_enrolment == 40
    assert q.specialist_fte is None and q.caseload_per_specialist is None  # no staffing recorded
    assert q.supervisor_fte is None and q.specialists_per_supervisor is None
    # A has waited longest at Dec 31: Dec 1 -> Dec 31 = 30 days.
    assert q.longest_wait_at_end == 30
    # Referred in Q4: F, G, A, C and H; none refused.
    assert (q.referred, q.not_accepted, q.screened_out, q.screened_out_share) == (5, 0, 0, 0.0)
    # Of those five, C withdrew before enrolment (on Mar 1, as the journeys stand); G lost contact after enrolling.
    assert (q.gave_up, q.gave_up_share) == (1, 0.2)
    # G, enrolled on Dec 20, exited on Dec 31; no job ended.
    assert (q.exits, q.job_endings) == (1, 0)


def test_2025_q1() -> None:
    q = figures("2025Q1")
    # A, B, F and H; G left on Dec 31, before the quarter; C, D, D2 and E were never enrolled.
    assert q.served == 4
    # A (job from Mar 1) and F (job since Dec 1); H's job is not competitive.
    assert (q.in_competitive_work, q.employment_rate) == (2, 0.5)
    assert (q.in_education, q.education_rate) == (0, 0.0)
    assert (q.job_starts, q.education_starts) == (1, 0)  # A's first job
    # A: Jan 15 -> Feb 10 = 16 + 10 = 26 days.
    assert q.median_days_to_employer_contact == 26
    # Day 30 in Q1: A (Feb 14, met on Feb 10) and H (Feb 1, never met). G's day 30 (Jan 19) is not counted:
    # G left before it without meeting an employer.
    assert (q.contact_window_closed, q.contact_within_30, q.share_within_30) == (2, 1, 0.5)
    # F's job: Dec 1 + 90 days = Mar 1 (31 + 31 + 28), still held.
    assert (q.retention_window_closed, q.retained_90) == (1, 1)
    # At Mar 31: E waits, and D2 (refused only on Apr 5); B enrolled, C withdrew, D was refused on Mar 10.
    assert q.waiting_at_end == 2
    # Enrolled in Q1: A Dec 1 -> Jan 15 = 30 + 15 = 45; B Jan 5 -> Mar 20 = 26 + 28 + 20 = 74; H Dec 20 -> Jan 2 = 13.
    assert q.median_days_to_enrolment == 45
    # 4 served / 0.5 specialist FTE.
    assert q.caseload_per_specialist == 8.0
    # 0.5 specialist FTE / 0.1 supervisor FTE.
    assert (q.supervisor_fte, q.specialists_per_supervisor) == (0.1, 5.0)
    # E has waited longest at Mar 31: Mar 15 -> Mar 31 = 16 days (D2 since Mar 25).
    assert q.longest_wait_at_end == 16
    # Referred in Q1: B, D, E and D2. D (not ready, which breaches zero exclusion) and D2 (declined, which does not)
    # were not accepted; D2's refusal on Apr 5 counts in Q1, the quarter of the referral.
    assert (q.referred, q.not_accepted, q.screened_out, q.screened_out_share) == (4, 2, 1, 0.25)
    # Not refused: B (enrolled) and E (still waiting); neither gave up.
    assert (q.gave_up, q.gave_up_share) == (0, 0.0)
    # C left on Mar 1 without ever being enrolled: no exit from the caseload (it gave up, in Q4's referrals). No job
    # ended: A's first job runs to Apr 20, F's goes on.
    assert (q.exits, q.job_endings) == (0, 0)


def test_2025_q2() -> None:
    q = figures("2025Q2")
    # A, B, H, and F, who exited on Apr 1, the quarter's first day.
    assert q.served == 4
    # A held two jobs in the quarter and counts once; F held a job on Apr 1.
    assert (q.in_competitive_work, q.employment_rate) == (2, 0.5)
    assert (q.in_education, q.education_rate) == (1, 0.25)  # B from Apr 1
    assert (q.job_starts, q.education_starts) == (1, 1)  # A's second job, B's course
    # B: Mar 20 -> May 10 = 11 + 30 + 10 = 51 days.
    assert q.median_days_to_employer_contact == 51
    # B's day 30 is Apr 19; B met an employer only on May 10.
    assert (q.contact_window_closed, q.contact_within_30, q.share_within_30) == (1, 0, 0.0)
    # A's first job: Mar 1 + 90 days = May 30 (31 + 30 + 29); it ended on Apr 20.
    assert (q.retention_window_closed, q.retained_90, q.retention_90) == (1, 0, 0.0)
    assert q.waiting_at_end == 1  # E; D2 was refused on Apr 5
    assert q.median_days_to_enrolment is None  # nobody enrolled
    assert q.caseload_per_specialist is None
    # E: Mar 15 -> Jun 30 = 16 + 30 + 31 + 30 = 107 days. Nobody referred.
    assert q.longest_wait_at_end == 107
    assert (q.referred, q.not_accepted, q.screened_out, q.screened_out_share) == (0, 0, 0, None)
    assert (q.gave_up, q.gave_up_share) == (0, None)
    # F exited on Apr 1 (its job had no end date); A's first job ended on Apr 20.
    assert (q.exits, q.job_endings) == (1, 1)


def test_2025_q3() -> None:
    q = figures("2025Q3")
    assert q.served == 3  # A, B, H; F left in Q2
    assert (q.in_competitive_work, q.in_education) == (1, 1)
    # A's second job: May 1 + 90 days = Jul 30 (31 + 30 + 29), still held.
    assert (q.retention_window_closed, q.retained_90, q.retention_90) == (1, 1, 1.0)
    assert (q.job_starts, q.education_starts, q.waiting_at_end) == (0, 0, 1)
    assert q.longest_wait_at_end == 107 + 31 + 31 + 30  # E, still waiting on Sep 30
    assert (q.exits, q.job_endings) == (0, 0)  # nobody left, no job ended


def test_a_running_quarter_counts_up_to_today_only() -> None:
    q = figures("2025Q2", as_of=D(2025, 5, 15))
    # B's day 30 (Apr 19) has passed; A's first job reaches day 90 only on May 30.
    assert (q.contact_window_closed, q.retention_window_closed) == (1, 0)
    assert (q.served, q.job_starts) == (4, 1)  # A's second job started on May 1
    assert q.longest_wait_at_end == 16 + 30 + 15  # E, Mar 15 -> May 15: the wait so far
    q = figures("2025Q2", as_of=D(2025, 4, 30))
    assert q.job_starts == 0 and q.median_days_to_employer_contact is None  # May 1 and May 10 are still to come
    assert (q.exits, q.job_endings) == (1, 1)  # F's exit on Apr 1, A's job on Apr 20
    q = figures("2025Q2", as_of=D(2025, 4, 19))
    assert (q.exits, q.job_endings) == (1, 0)  # A's job ends tomorrow
    with pytest.raises(ValueError, match="has not started"):
        figures("2025Q3", as_of=D(2025, 6, 30))


def test_one_pass_over_every_quarter_gives_each_quarter_s_figures() -> None:
    every = figures_by_quarter(FRAMES, Quarter(2024, 3), Quarter(2025, 3))
    assert [f.quarter for f in every] == [Quarter(2024, 3), Quarter(2024, 4), Quarter(2025, 1), Quarter(2025, 2),
                                          Quarter(2025, 3)]  # fmt: skip
    assert every == [figures(str(f.quarter)) for f in every]
    assert [f.served for f in every] == [0, 2, 4, 4, 3]
    assert first_quarter(FRAMES) == Quarter(2024, 4)  # F was referred on Oct 1, 2024


def test_a_unit_without_journeys() -> None:
    empty = frames_from_records([])
    assert first_quarter(empty) is None
    q = quarter_figures(empty, Quarter(2025, 1))
    assert q.served == 0 and q.employment_rate is None and q.caseload_per_specialist is None
    assert (q.job_endings, q.exits) == (0, 0)  # an empty quarter: nothing ended, not "not counted"
    assert last_counted_day(empty).empty


def test_the_last_day_a_journey_counts_in() -> None:
    extra = {"id": 10, "code": "J", "referral_date": D(2025, 1, 1), "enrolment_date": D(2025, 1, 1),
             "first_employer_contact_date": D(2025, 1, 10), "exit_date": D(2025, 2, 15)}  # fmt: skip
    job = {"id": 9, "journey_id": 10, "start_date": D(2025, 2, 1), "end_date": None}
    last = last_counted_day(frames_from_records([*JOURNEYS, extra], [*JOBS, job]))
    assert last[7] == D(2025, 4, 1)  # F: its exit; its job's day 90 (Mar 1) came before
    assert last[8] == D(2024, 12, 31)  # G: its exit; left before day 30 without meeting an employer
    assert last[3] == D(2025, 3, 1)  # C: withdrew while waiting
    assert last[10] == D(2025, 5, 2)  # J: left on Feb 15, but its job's day 90 is Feb 1 + 90 = May 2
    assert last[1] is None  # A has not exited
    assert last[4] == D(2025, 3, 10)  # D: not accepted on Mar 10, when it stopped waiting
    assert last[5] == D(2025, 4, 5)  # D2: likewise
    assert last[6] is None  # E is still waiting
    undated = {"id": 11, "code": "K", "referral_date": D(2025, 2, 1), "decision": "not_accepted"}
    assert last_counted_day(frames_from_records([undated]))[11] == D(2025, 2, 1)  # refused as of the referral


def test_caseload_follows_the_staffing_of_each_quarter() -> None:
    q = figures("2025Q1")
    assert replace(q, specialist_fte=None).caseload_per_specialist is None
    assert replace(q, specialist_fte=0.0).caseload_per_specialist is None  # no specialist time recorded
    assert replace(q, specialist_fte=0.25).caseload_per_specialist == 16.0  # 4 / 0.25


def test_the_mean_days_to_a_first_employer_contact_in_a_quarter() -> None:
    """Days 10 and 41 in 2025 Q1, a contact before enrolment as 0 days; a contact in Q2, and one of somebody never
    enrolled, are not counted."""
    referred = D(2024, 12, 1)
    rows = [  # enrolment, first employer contact
        (D(2025, 1, 1), D(2025, 1, 11)),
        (D(2025, 1, 1), D(2025, 2, 11)),
        (D(2025, 2, 1), D(2025, 1, 20)),
        (D(2025, 1, 1), D(2025, 4, 1)),
        (None, D(2025, 3, 1)),
    ]
    journeys = frames_from_records(
        {"id": n, "referral_date": referred, "enrolment_date": enrolled, "first_employer_contact_date": contact}
        for n, (enrolled, contact) in enumerate(rows, start=1)
    ).journeys
    assert mean_days_to_employer_contact(journeys, Quarter(2025, 1)) == pytest.approx((10 + 41 + 0) / 3)
    assert mean_days_to_employer_contact(journeys, Quarter(2025, 2)) == 90.0
    assert mean_days_to_employer_contact(journeys, Quarter(2025, 3)) is None


@pytest.mark.parametrize(
    ("caseload", "above"),
    [
        (None, False),  # no staffing recorded
        (20.0, False),  # exactly the model's 20
        (20.04, False),  # shown as 20.0: not marked above 20 beside it
        (20.05, True),  # shown as 20.1
        (30.0, True),
    ],
)
def test_a_caseload_is_judged_as_it_is_shown(caseload: float | None, above: bool) -> None:
    assert over_caseload(caseload) is above


@pytest.mark.parametrize(
    ("specialists", "supervisors", "ratio", "judged_as"),
    [
        (None, None, None, None),  # no staffing recorded for the quarter
        (3.0, None, None, None),  # supervisors not kept: a quarter locked before definitions version 6
        (3.0, 0.0, None, "no_supervisor"),  # specialists, no supervisor: nothing to divide by
        (0.0, 0.0, None, None),  # nobody to supervise, nobody supervising
        (0.0, 0.5, 0.0, None),  # a supervisor and no specialist time: nobody to supervise
        (10.0, 1.0, 10.0, "within"),  # exactly the model's 10 per full-time supervisor
        (5.0, 0.5, 10.0, "within"),  # exactly 10, half-time
        (11.0, 1.0, 11.0, "over"),
        (4.5, 0.4, 11.25, "over"),  # fractional FTE on both sides
        (2.5, 0.5, 5.0, "within"),
        (4.7, 0.47, 10.000000000000002, "within"),  # 10 in decimal, and as shown; above 10 only in binary
        (5.02, 0.5, 10.04, "within"),  # shown as 10.0
        (5.03, 0.5, 10.06, "over"),  # shown as 10.1
    ],
)
def test_specialists_per_supervisor_against_the_models_ten(
    specialists: float | None, supervisors: float | None, ratio: float | None, judged_as: str | None
) -> None:
    assert per_supervisor(specialists, supervisors) == (None if ratio is None else pytest.approx(ratio, abs=1e-12))
    assert supervision(specialists, supervisors) == judged_as


def test_specialists_per_supervisor_follow_the_staffing_of_each_quarter() -> None:
    q = figures("2025Q1")  # 0.5 specialist FTE, 0.1 supervisor FTE
    assert replace(q, supervisor_fte=0.04).specialists_per_supervisor == 12.5
    assert replace(q, specialist_fte=None, supervisor_fte=None).specialists_per_supervisor is None
    # A quarter missing from the staffing has no figure; supervisors left empty count as 0, as the form says.
    staffing = [{"unit_id": 1, "year": 2025, "quarter": 1, "specialist_fte": 2.0}]
    q1, q2 = figures_by_quarter(frames_from_records(JOURNEYS, staffing=staffing), Quarter(2025, 1), Quarter(2025, 2))
    assert (q1.specialist_fte, q1.supervisor_fte, q1.specialists_per_supervisor) == (2.0, 0.0, None)
    assert supervision(q1.specialist_fte, q1.supervisor_fte) == "no_supervisor"
    assert (q2.specialist_fte, q2.supervisor_fte, q2.specialists_per_supervisor) == (None, None, None)


@pytest.mark.parametrize(
    ("specialists", "below"), [(None, False), (0.0, True), (1.5, True), (1.99, True), (2.0, False), (3.5, False)]
)
def test_fewer_than_two_full_time_specialists_fall_short_of_a_vocational_unit(
    specialists: float | None, below: bool
) -> None:
    assert below_unit_minimum(specialists) is below


def test_every_figure_has_one_definition() -> None:
    keys = [d.key for d in DEFINITIONS]
    assert len(keys) == len(set(keys))
    counted = {"served", "in_competitive_work", "in_education", "job_starts", "education_starts",
               "median_days_to_employer_contact", "contact_within_30", "retained_90", "waiting_at_end",
               "median_days_to_enrolment", "longest_wait_at_end", "referred", "not_accepted", "screened_out",
               "gave_up", "caseload", "specialists_per_supervisor", "job_endings", "exits"}  # fmt: skip
    assert set(keys) == counted
    assert DEFINITIONS_VERSION == "7"
    assert all(d.label and d.text.endswith(".") for d in DEFINITIONS)


def test_only_jobs_held_while_enrolled_count_and_day_90_is_the_last_day_to_hold_on() -> None:
    edges = frames_from_records(
        [
            # K met an employer before enrolment; its job ended before enrolment.
            {"id": 1, "referral_date": D(2024, 12, 1), "enrolment_date": D(2025, 2, 1),
             "first_employer_contact_date": D(2025, 1, 20)},
            # L left on Feb 10; a job from Mar 1 came after its exit.
            {"id": 2, "referral_date": D(2024, 12, 1), "enrolment_date": D(2025, 1, 5), "exit_date": D(2025, 2, 10)},
            # M and N: jobs from Nov 1 and Nov 2, both ending on Jan 30.
            {"id": 3, "referral_date": D(2024, 9, 1), "enrolment_date": D(2024, 10, 1)},
            {"id": 4, "referral_date": D(2024, 9, 1), "enrolment_date": D(2024, 10, 1)},
        ],
        [
            {"id": 1, "journey_id": 1, "start_date": D(2024, 11, 1), "end_date": D(2025, 1, 10)},
            {"id": 2, "journey_id": 2, "start_date": D(2025, 3, 1), "end_date": None},
            {"id": 3, "journey_id": 3, "start_date": D(2024, 11, 1), "end_date": D(2025, 1, 30)},
            {"id": 4, "journey_id": 4, "start_date": D(2024, 11, 2), "end_date": D(2025, 1, 30)},
        ],
    )  # fmt: skip
    q = quarter_figures(edges, Quarter(2025, 1))
    assert q.served == 4
    # M and N held jobs while enrolled; K's job ended before its enrolment, L's started after its exit.
    assert q.in_competitive_work == 2
    # Neither K's job (before enrolment) nor L's (after exit) is a job start of the unit.
    assert q.job_starts == 0
    assert quarter_figures(edges, Quarter(2024, 4)).job_starts == 2  # M's and N's
    # M's and N's jobs ended on Jan 30; K's ended before its enrolment. L exited on Feb 10.
    assert (q.job_endings, q.exits) == (2, 1)
    # K: Jan 20 is 12 days before enrolment on Feb 1, counted as 0.
    assert q.median_days_to_employer_contact == 0
    # M: Nov 1 + 90 days = Jan 30 (29 + 31 + 30), its last day at work: held on day 90.
    # N: Nov 2 + 90 days = Jan 31; it ended on Jan 30, day 89: not retained.
    assert (q.retention_window_closed, q.retained_90) == (2, 1)


def test_employer_contact_within_30_days_counts_people_towards_work_only() -> None:
    """Four enrolled on Jan 2, 2025, none meeting an employer; day 30 is Feb 1, in Q1. A goal of education alone
    meets no employer, so that person is left out; work, work and education, and no goal recorded are counted."""
    people = [
        {"id": i, "referral_date": D(2024, 12, 1), "enrolment_date": D(2025, 1, 2), "goal": goal}
        for i, goal in enumerate(["work", "both", None, "education"], start=1)
    ]
    q = quarter_figures(frames_from_records(people), Quarter(2025, 1))
    assert (q.served, q.contact_window_closed, q.contact_within_30) == (4, 3, 0)
    people[3]["first_employer_contact_date"] = D(2025, 1, 20)  # one who meets an employer all the same: not counted
    q = quarter_figures(frames_from_records(people), Quarter(2025, 1))
    assert (q.contact_window_closed, q.contact_within_30) == (3, 0)
    assert q.median_days_to_employer_contact == 18  # the contact itself still counts: Jan 2 -> Jan 20
    # Met an employer on Jan 5 and left on Jan 10: towards work, the journey counts until its day 30 (Feb 1); with
    # a goal of education alone, until its exit.
    left = {"first_employer_contact_date": D(2025, 1, 5), "exit_date": D(2025, 1, 10), "exit_reason": "withdrew"}
    last = last_counted_day(frames_from_records([people[0] | left, people[3] | left]))
    assert (last[1], last[4]) == (D(2025, 2, 1), D(2025, 1, 10))


def test_a_job_of_0_hours_a_week_is_no_paid_work_and_counts_nowhere() -> None:
    """P and Q are served in 2025 Q1, each with a competitive job from Jan 10 that lasts: P's of 0 hours a week, Q's
    with no hours recorded. Only Q's counts: in work, as a job start, and held on its 90th day (Apr 10, in Q2)."""
    people = [{"id": i, "referral_date": D(2024, 12, 1), "enrolment_date": D(2025, 1, 2)} for i in (1, 2)]
    jobs = [
        {"id": 1, "journey_id": 1, "start_date": D(2025, 1, 10), "end_date": None, "hours_per_week": 0.0},
        {"id": 2, "journey_id": 2, "start_date": D(2025, 1, 10), "end_date": None, "hours_per_week": None},
    ]
    frames = frames_from_records(people, jobs)
    first, second = figures_by_quarter(frames, Quarter(2025, 1), Quarter(2025, 2))
    assert (first.served, first.in_competitive_work, first.job_starts) == (2, 1, 1)
    assert (second.retention_window_closed, second.retained_90) == (1, 1)
    # Both jobs end on Feb 20: only Q's is a job ending.
    for job in jobs:
        job["end_date"] = D(2025, 2, 20)
    assert quarter_figures(frames_from_records(people, jobs), Quarter(2025, 1)).job_endings == 1
    for job in jobs:
        job["end_date"] = None
    # A job of 0.5 hours is paid work.
    jobs[0]["hours_per_week"] = 0.5
    first = quarter_figures(frames_from_records(people, jobs), Quarter(2025, 1))
    assert (first.in_competitive_work, first.job_starts) == (2, 2)


@pytest.mark.parametrize(
    ("rate", "percent"),
    # 23 of 40, 29 of 200, 57 of 200: 100 times each in binary falls just short of the half (57.49999999999999).
    [(0.425, 43), (0.375, 38), (1 / 3, 33), (0.0, 0), (1.0, 100), (0.005, 1), (23 / 40, 58), (29 / 200, 15),
     (57 / 200, 29)],
)  # fmt: skip
def test_rates_are_shown_in_whole_percent_rounded_half_up(rate: float, percent: int) -> None:
    assert whole_percent(rate) == percent


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(19.25, 1, 19.3), (19.25, 2, 19.25), (2.675, 2, 2.68), (0.45454545, 4, 0.4545), (0.12345, 4, 0.1235),
     (-1.25, 1, -1.3), (10.0, 1, 10.0), (None, 2, None)],
)  # fmt: skip
def test_exports_round_half_up_as_the_pages_do(value: float | None, decimals: int, expected: float | None) -> None:
    # Python's round() gives 19.2 and 2.67 here (halves to even, and 2.675 is stored as 2.67499...).
    assert rounded(value, decimals) == expected


@pytest.mark.parametrize(
    ("rate", "reached"),
    [(None, None), (0.30, None), (0.305, "minimum"), (0.40, "minimum"), (0.41, "average"), (0.5, "excellent"),
     (0.9, "excellent")],
)  # fmt: skip
def test_the_benchmark_a_rate_reaches_as_shown_in_whole_percent(rate: float | None, reached: str | None) -> None:
    # 30.5 % shows as 31 %, so it is said to reach the minimum of 31 %.
    assert benchmark_reached(rate) == reached


@pytest.mark.parametrize(
    ("rate", "served", "judgement"),
    [(None, 0, None), (None, None, None), (0.0, 9, "few"), (5 / 9, 9, "few"), (1 / 1, 1, "few"), (0.3, 10, "below"),
     (0.4, 10, "minimum"), (12 / 29, 29, "average"), (0.5, 40, "excellent")],
)  # fmt: skip
def test_a_rate_among_few_people_served_is_not_judged_against_the_benchmarks(
    rate: float | None, served: int | None, judgement: str | None
) -> None:
    # Among 9 people one person moves the rate by 11 points, more than the 10 between two benchmarks.
    assert judged(rate, served) == judgement
    assert few_served(served) is (judgement == "few")


@pytest.mark.parametrize(
    "text",
    [
        "2026Q3",
        "2026 Q3",
        "2026-q3",
        " 2026 Q3 ",
        "2026 kv. 3",
        "2026 kv 3",
        "2026 KV.3",
        "2026K3",
        "2026\u00a0kv.\u00a03",
        "2026 kvartal 3",
        "kv. 3 2026",  # the quarter first
        "Q3 2026",
    ],
)
def test_a_quarter_is_read_as_either_language_writes_it(text: str) -> None:
    assert Quarter.parse(text) == Quarter(2026, 3)


@pytest.mark.parametrize(
    ("today", "under_way"),
    [(date(2026, 6, 30), False), (date(2026, 7, 1), True), (date(2026, 9, 30), True), (date(2026, 10, 1), False)],
)
def test_a_quarter_is_under_way_from_its_first_day_to_its_last_included(today: date, under_way: bool) -> None:
    assert Quarter(2026, 3).end == date(2026, 9, 30)  # the last day, not the day after
    assert Quarter(2026, 3).under_way(today) is under_way


@pytest.mark.parametrize("text", ["2026", "2026Q5", "Q3", "2026 kvartal", "kv. 5 2026", "2026Q3Q", "Q32026Q"])
def test_what_is_not_a_quarter_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Quarter.parse(text)


@pytest.mark.parametrize(("served", "points"), [(1, 100), (3, 33), (8, 13), (9, 11), (40, 3), (200, 1)])
def test_the_points_one_person_moves_a_rate_by_round_half_up(served: int, points: int) -> None:
    assert one_person_points(served) == points  # 100 / 8 = 12.5: 13, as 12.5 % shows as 13 %


def test_job_endings_count_each_job_that_ends_while_its_person_is_served() -> None:
    """R is enrolled on Jan 2, 2025 and exits on Mar 10. Every job is competitive with no hours recorded; each line
    says whether its ending counts in Q1, and why."""
    people = [{"id": 1, "referral_date": D(2024, 12, 1), "enrolment_date": D(2025, 1, 2), "exit_date": D(2025, 3, 10),
               "exit_reason": "goal_reached"}]  # fmt: skip
    jobs = [
        {"id": 1, "journey_id": 1, "start_date": D(2025, 1, 10), "end_date": D(2025, 2, 1)},  # counts
        {"id": 2, "journey_id": 1, "start_date": D(2025, 2, 3), "end_date": D(2025, 3, 10)},  # counts: on the exit day
        {"id": 3, "journey_id": 1, "start_date": D(2024, 11, 1), "end_date": D(2025, 1, 20)},  # counts: began before
        {"id": 4, "journey_id": 1, "start_date": D(2025, 3, 1), "end_date": D(2025, 3, 20)},  # after the exit: no
        {"id": 5, "journey_id": 1, "start_date": D(2024, 10, 1), "end_date": D(2025, 1, 1)},  # before enrolment: no
        {"id": 6, "journey_id": 1, "start_date": D(2025, 2, 1), "end_date": None},  # goes on: no
    ]
    q = quarter_figures(frames_from_records(people, jobs), Quarter(2025, 1))
    # Two jobs of one person ending in one quarter count twice (here three: 1, 2 and 3).
    assert (q.served, q.job_endings, q.exits) == (1, 3, 1)
    # A job's ending counts in the quarter of its last day: job 3 moved to end on Apr 5 ends after R's exit.
    jobs[2]["end_date"] = D(2025, 4, 5)
    q1, q2 = figures_by_quarter(frames_from_records(people, jobs), Quarter(2025, 1), Quarter(2025, 2))
    assert (q1.job_endings, q2.job_endings, q2.exits) == (2, 0, 0)


def test_only_people_enrolled_exit_the_caseload() -> None:
    """Four of five referred in Q4 2024 leave in Q1 2025: only those enrolled are exits. (A referral not accepted
    has no exit date: the validation refuses one.)"""
    people = [
        # Enrolled and exited: exits.
        {"id": 1, "referral_date": D(2024, 11, 1), "enrolment_date": D(2024, 12, 1), "exit_date": D(2025, 2, 1),
         "exit_reason": "goal_reached"},
        {"id": 2, "referral_date": D(2024, 11, 1), "enrolment_date": D(2025, 1, 5), "exit_date": D(2025, 3, 31),
         "exit_reason": "lost_contact"},
        # Withdrew before enrolment: gave up, not an exit.
        {"id": 3, "referral_date": D(2024, 11, 1), "exit_date": D(2025, 1, 20), "exit_reason": "withdrew"},
        # Moved away before enrolment: neither an exit nor giving up.
        {"id": 4, "referral_date": D(2024, 11, 1), "exit_date": D(2025, 1, 10), "exit_reason": "moved_away"},
        # Enrolled, still served.
        {"id": 5, "referral_date": D(2024, 11, 1), "enrolment_date": D(2024, 12, 1)},
    ]  # fmt: skip
    q4, q1, q2 = figures_by_quarter(frames_from_records(people), Quarter(2024, 4), Quarter(2025, 2))
    assert (q4.exits, q1.exits, q2.exits) == (0, 2, 0)
    assert q1.served == 3  # 1, 2 and 5
    assert q4.gave_up == 1  # person 3, among Q4's referrals
