"""Demo journeys and staffing: three years of referrals per unit, shaped by what the field reports.

Ås Employment Support (NRV-02) starts requiring a formal needs assessment before a person may begin: from then on a
queue builds, some people are refused when the assessment is not granted, and more give up while waiting. Bergby
Supported Employment (SDV-02) screens out referrals it judges 'not motivated'. Sundvik IPS (SDV-01) loses half its
specialists in the last year. Everywhere about one job in five ends before its 90th day, so 90-day retention is near
80 %. Codes are pseudonymous, like every code the app accepts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from fidelity.extensions import db
from fidelity.models import (
    AgeBand,
    Decision,
    EducationSpell,
    ExitReason,
    Goal,
    JobSpell,
    Journey,
    NotAcceptedReason,
    StaffingQuarter,
    Unit,
)
from fidelity.monitoring.outcomes import RETENTION_DAYS
from fidelity.monitoring.quarters import Quarter, quarters_between

YEARS = 3
# The share of jobs that end before their 90th day. Some jobs are always lost early; without them every quarter would
# show a 90-day retention of 100 %.
EARLY_JOB_ENDS = 0.2


@dataclass(frozen=True)
class Flow:
    referrals_per_month: float
    days_to_first_meeting: tuple[int, int]
    screen_out: dict[NotAcceptedReason, float]  # share of referrals refused for each reason
    job_share: float  # share of enrolled people who find a competitive job
    specialists: float
    young: bool = False
    study: bool = False


FLOWS = {
    "NRV-01": Flow(4.5, (5, 15), {NotAcceptedReason.DECLINED: 0.03}, 0.7, 4.0),
    "NRV-02": Flow(4.0, (5, 14), {NotAcceptedReason.DECLINED: 0.03}, 0.55, 3.0, study=True),
    "NRV-03": Flow(3.5, (4, 12), {NotAcceptedReason.MOVED_AWAY: 0.03}, 0.6, 2.5, young=True, study=True),
    "SDV-01": Flow(4.0, (5, 15), {NotAcceptedReason.DECLINED: 0.03}, 0.65, 3.5),
    "SDV-02": Flow(4.0, (5, 15), {NotAcceptedReason.NOT_MOTIVATED: 0.18, NotAcceptedReason.NOT_READY: 0.06}, 0.8, 2.5),
    "SDV-03": Flow(3.0, (5, 15), {NotAcceptedReason.DECLINED: 0.03}, 0.5, 2.0, study=True),
}
ADULT_BANDS = (AgeBand.AGE_18_24, AgeBand.AGE_25_29, AgeBand.AGE_30_39, AgeBand.AGE_40_49, AgeBand.AGE_50_64)
YOUNG_BANDS = (AgeBand.AGE_18_24, AgeBand.AGE_25_29)


def seed_journeys(units: list[Unit], today: date, needs_assessment_from: date) -> None:
    """Journeys and staffing for every demo unit with a flow, up to `today`."""
    start = today - relativedelta(years=YEARS)
    for number, unit in enumerate(units):
        flow = FLOWS.get(unit.code)
        if flow is None:
            continue
        rng = random.Random(1000 + number)  # noqa: S311 - reproducible demo data, not security
        gate = needs_assessment_from if unit.code == "NRV-02" else None
        day, count = start, 0
        while day <= today:
            if rng.random() < flow.referrals_per_month / 30:
                count += 1
                db.session.add(_journey(unit, f"{unit.code}-{count:04d}", day, today, flow, gate, rng))
            day += timedelta(days=1)
        _staffing(unit, flow, Quarter.of(start), Quarter.of(today), today)


def _journey(
    unit: Unit, code: str, referred: date, today: date, flow: Flow, gate: date | None, rng: random.Random
) -> Journey:
    goal = rng.choice((Goal.WORK, Goal.BOTH, Goal.EDUCATION) if flow.study else (Goal.WORK, Goal.WORK, Goal.BOTH))
    journey = Journey(
        unit_id=unit.id,
        code=code,
        age_band=rng.choice(YOUNG_BANDS if flow.young else ADULT_BANDS),
        goal=goal,
        referral_date=referred,
    )
    gated = gate is not None and referred >= gate
    decided = referred + timedelta(days=rng.randint(45, 120) if gated else rng.randint(1, 10))
    refused = _refusal(flow, gated, rng)
    if decided > today:
        return journey  # waiting for a decision
    journey.decision_date = decided
    if refused is not None:
        journey.decision, journey.not_accepted_reason = Decision.NOT_ACCEPTED, refused
        return journey
    journey.decision = Decision.ACCEPTED
    low, high = flow.days_to_first_meeting
    met = decided + timedelta(days=rng.randint(low, high) + (rng.randint(20, 60) if gated else 0))
    gave_up = rng.random() < (0.25 if gated else 0.05)
    if gave_up:
        left = referred + timedelta(days=rng.randint(30, 150))
        if left <= today and left < met:
            journey.exit_date, journey.exit_reason = left, rng.choice((ExitReason.WITHDREW, ExitReason.LOST_CONTACT))
            return journey
    if met > today:
        return journey
    journey.first_meeting_date = met
    enrolled = met + timedelta(days=rng.randint(0, 10))
    if enrolled > today:
        return journey
    journey.enrolment_date = enrolled
    _progress(journey, enrolled, today, flow, goal, rng)
    return journey


def _refusal(flow: Flow, gated: bool, rng: random.Random) -> NotAcceptedReason | None:
    if gated and rng.random() < 0.15:
        return NotAcceptedReason.NEEDS_ASSESSMENT_NOT_GRANTED
    draw = rng.random()
    for reason, share in flow.screen_out.items():
        if draw < share:
            return reason
        draw -= share
    return None


def _progress(journey: Journey, enrolled: date, today: date, flow: Flow, goal: Goal, rng: random.Random) -> None:
    """Employer contact, jobs, courses and leaving, after enrolment."""
    if goal is not Goal.EDUCATION:
        contact = enrolled + timedelta(days=rng.choice((7, 12, 18, 25, 35, 50, 80)))
        if contact <= today:
            journey.first_employer_contact_date = contact
        if rng.random() < flow.job_share:
            job_start = enrolled + timedelta(days=rng.randint(25, 150))
            for _ in range(rng.choice((1, 1, 1, 2))):
                if job_start > today:
                    break
                early = rng.random() < EARLY_JOB_ENDS
                held = rng.randint(7, RETENTION_DAYS - 1) if early else rng.randint(RETENTION_DAYS, 720)
                ends = job_start + timedelta(days=held)
                journey.jobs.append(
                    JobSpell(
                        start_date=job_start,
                        end_date=ends if ends <= today and (early or rng.random() < 0.5) else None,
                        competitive=rng.random() < 0.9,
                        hours_per_week=float(rng.choice((10, 15, 20, 25, 30, 40))),
                    )
                )
                job_start = ends + timedelta(days=rng.randint(20, 90))
    if flow.study and goal is not Goal.WORK:
        contact = enrolled + timedelta(days=rng.randint(10, 60))
        if contact <= today:
            journey.first_education_contact_date = contact
            if rng.random() < 0.5:
                course = contact + timedelta(days=rng.randint(20, 150))
                if course <= today:
                    finished = course + timedelta(days=rng.randint(120, 400))
                    journey.education.append(
                        EducationSpell(start_date=course, end_date=finished if finished <= today else None)
                    )
    stay = enrolled + timedelta(days=rng.randint(240, 640))
    if stay <= today:
        journey.exit_date = stay
        # What starts after a person leaves is not the unit's to record.
        journey.jobs = [job for job in journey.jobs if job.start_date <= stay]
        journey.education = [course for course in journey.education if course.start_date <= stay]
        others = (ExitReason.WITHDREW, ExitReason.LOST_CONTACT, ExitReason.MOVED_AWAY, ExitReason.REFERRED_ELSEWHERE)
        journey.exit_reason = ExitReason.GOAL_REACHED if journey.jobs or journey.education else rng.choice(others)


def _staffing(unit: Unit, flow: Flow, first: Quarter, last: Quarter, today: date) -> None:
    cut = Quarter.of(today - relativedelta(years=1)) if unit.code == "SDV-01" else None
    for quarter in quarters_between(first, last):
        specialists = flow.specialists / 2 if cut is not None and quarter > cut else flow.specialists
        db.session.add(
            StaffingQuarter(
                unit_id=unit.id,
                year=quarter.year,
                quarter=quarter.number,
                specialist_fte=specialists,
                supervisor_fte=0.5,
            )
        )
