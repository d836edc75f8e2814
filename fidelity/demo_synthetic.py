"""A large synthetic organisation for benchmarks: `fidelity demo --synthetic --units N --years Y --journeys J`.

Everything is written with bulk statements (COPY on PostgreSQL), never an ORM object per row: units in areas of ten,
a manager per unit, half-yearly self-assessments with all their ratings, journeys with jobs and courses generated
with numpy, staffing per quarter, and the kept quarterly figures computed from the journeys as the app computes them.
The data is random but shaped like the demo's; one audit entry records that it was generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import Connection, Table
from werkzeug.security import generate_password_hash

from fidelity.audit import current_actor
from fidelity.extensions import db
from fidelity.models import (
    Area,
    AuditEntry,
    EducationSpell,
    HostType,
    JobSpell,
    Journey,
    Organisation,
    QuarterlyOutcome,
    Rating,
    Review,
    ReviewKind,
    ReviewStatus,
    Role,
    RoleAssignment,
    StaffingQuarter,
    Unit,
    User,
)
from fidelity.models.types import utcnow
from fidelity.monitoring.bulk import insert_rows, new_ids, stored_value
from fidelity.monitoring.frames import JourneyFrames
from fidelity.monitoring.outcomes import DEFINITIONS_VERSION, figures_by_quarter
from fidelity.monitoring.quarters import Quarter
from fidelity.reviews.newest import rebuild
from fidelity.scales import Scale

UNITS_PER_AREA = 10
SYNTHETIC_ADMIN = "admin@synthetic.example.org"
DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Synthetic:
    units: int
    reviews: int
    ratings: int
    journeys: int
    jobs: int
    courses: int


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined]


def _ids(connection: Connection, model: type, count: int) -> np.ndarray:
    """Ids for `count` new rows of `model`, given before they are written, as an import gives them."""
    return np.array(new_ids(connection, _table(model), count), dtype=np.int64)


def _dates(days: np.ndarray) -> np.ndarray:
    """Day numbers (days since 1970-01-01, -1 for none) as the 'YYYY-MM-DD' text or None a DATE column takes."""
    text_days = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)
    text_days[days < 0] = None
    return text_days


def _insert(connection: Connection, model: type, columns: dict[str, object]) -> None:
    """Bulk rows, each value as the driver takes it: NaN as None, timestamps as the column stores them."""
    table = _table(model)
    stored = {}
    for name, values in columns.items():
        array = np.array(values, dtype=object)  # a copy: the caller's arrays stay as they are
        if len(array) and isinstance(array[0], datetime | pd.Timestamp):
            first = stored_value(connection, table.c[name], pd.Timestamp(array[0]).to_pydatetime())
            array = np.full(len(array), first, dtype=object)  # one moment for every row written
        else:  # a missing value is NaN whatever the column holds (a reason of exit for people still in the service)
            array[pd.isna(array)] = None
        stored[name] = array
    insert_rows(connection, table, stored)


def seed_synthetic(
    scale: Scale, units: int, years: int, journeys: int, today: date, admin_password: str, seed: int = 1
) -> Synthetic:
    """Fill an empty database. Returns what was written."""
    rng = np.random.default_rng(seed)
    connection = db.session.connection()
    organisation = Organisation(code="NATIONAL", name="National IPS programme (synthetic)")
    db.session.add(organisation)
    admin = User(email=SYNTHETIC_ADMIN, display_name="Synthetic administrator", active=True)
    admin.set_password(admin_password, current_app.config["PASSWORD_HASH_METHOD"])
    admin.roles.append(RoleAssignment(role=Role.ADMIN))
    db.session.add(admin)
    db.session.flush()
    areas = max(1, -(-units // UNITS_PER_AREA))
    area_ids = _ids(connection, Area, areas)
    _insert(connection, Area, {"id": area_ids, "organisation_id": [organisation.id] * areas,
                               "code": [f"A{n:03d}" for n in range(areas)],
                               "name": [f"Area {n + 1}" for n in range(areas)]})  # fmt: skip
    unit_ids = _ids(connection, Unit, units)
    _insert(connection, Unit, {
        "id": unit_ids, "area_id": area_ids[np.arange(units) // UNITS_PER_AREA],
        "code": [f"S{n:04d}" for n in range(units)], "name": [f"Synthetic unit {n + 1}" for n in range(units)],
        "host_type": [HostType.MUNICIPAL_SOCIAL_SERVICES.value] * units, "offers_ips": [True] * units,
        "offers_sed": [False] * units, "target_group": ["Adults"] * units,
    })  # fmt: skip
    password = generate_password_hash("synthetic data only", method="pbkdf2:sha256:1000")
    user_ids = _ids(connection, User, units)
    now = utcnow()
    _insert(connection, User, {
        "id": user_ids, "email": [f"manager{n:04d}@synthetic.example.org" for n in range(units)],
        "display_name": [f"Manager {n + 1}" for n in range(units)], "password_hash": [password] * units,
        "active": [True] * units, "session_generation": [0] * units, "created_at": [now] * units,
    })  # fmt: skip
    _insert(connection, RoleAssignment, {"user_id": user_ids, "role": [Role.FRONTLINE_MANAGER.value] * units,
                                         "unit_id": unit_ids})  # fmt: skip
    reviews, ratings = _reviews(connection, scale, unit_ids, user_ids, years, today, rng)
    rebuild(connection)  # reviews written in bulk: their kept newest are worked out here
    frames = _journeys(connection, unit_ids, journeys, years, today, rng)
    _outcomes(connection, unit_ids, frames, today)
    db.session.add(AuditEntry(actor_id=current_actor().user_id, actor_label=current_actor().label, action="create",
                              entity="synthetic", entity_id="", changes={"units": [None, units],
                              "reviews": [None, reviews], "journeys": [None, journeys]}))  # fmt: skip
    db.session.flush()
    return Synthetic(units, reviews, ratings, journeys, len(frames.jobs), len(frames.education))


def _reviews(connection: Connection, scale: Scale, unit_ids: np.ndarray, user_ids: np.ndarray, years: int,
             today: date, rng: np.random.Generator) -> tuple[int, int]:  # fmt: skip
    """Half-yearly submitted self-assessments: a level per unit that drifts, every item scored."""
    per_unit = 2 * years
    count = len(unit_ids) * per_unit
    review_ids = _ids(connection, Review, count)
    unit_of = np.repeat(unit_ids, per_unit)
    step = np.tile(np.arange(per_unit), len(unit_ids))
    first = np.datetime64(today - timedelta(days=round(365.25 * years)), "D")
    days = (first + step * 182 + rng.integers(0, 30, count)).astype("datetime64[D]").astype(np.int64)
    now = utcnow()
    manager = np.repeat(user_ids, per_unit)
    level = np.repeat(rng.uniform(2.6, 4.4, len(unit_ids)), per_unit) + step * rng.choice([-0.04, 0.0, 0.05], count)
    items = len(scale.items)
    scores = np.clip(np.rint(np.repeat(level, items) + rng.normal(0, 0.8, count * items)), 1, 5).astype(int)
    _insert(connection, Review, {
        "id": review_ids, "unit_id": unit_of, "kind": [ReviewKind.SELF_ASSESSMENT.value] * count,
        "scale_id": [scale.id] * count, "scale_version": [scale.version] * count, "review_date": _dates(days),
        "status": [ReviewStatus.SUBMITTED.value] * count, "created_by_id": manager, "created_at": [now] * count,
        "updated_at": [now] * count, "revision": [1] * count, "strengths": [""] * count, "change_reason": [""] * count,
        "total": scores.reshape(count, items).sum(axis=1), "scored_items": [items] * count,
    })  # fmt: skip
    _insert(connection, Rating, {
        "review_id": np.repeat(review_ids, items), "rater_id": np.repeat(manager, items),
        "item_key": np.tile(np.array(scale.item_keys, dtype=object), count), "score": scores,
        "evidence": [""] * (count * items), "sources": ["[]"] * (count * items), "updated_at": [now] * (count * items),
    })  # fmt: skip
    return count, count * items


def _before_leaving(starts: np.ndarray, leaves: np.ndarray) -> np.ndarray:
    """Which jobs or courses start while their person is still with the unit (`leaves` is -1 for those who stay)."""
    return (leaves < 0) | (starts <= leaves)


def _journeys(connection: Connection, unit_ids: np.ndarray, count: int, years: int, today: date,
              rng: np.random.Generator) -> JourneyFrames:  # fmt: skip
    """Journeys spread over the units and years, as the app's tables and as frames for the kept figures."""
    end = np.datetime64(today, "D").astype(np.int64)
    start = end - round(365.25 * years)
    ids = _ids(connection, Journey, count)
    unit = rng.choice(unit_ids, count)
    referral = rng.integers(start, end + 1, count)
    refused = rng.random(count) < 0.07
    decided = referral + rng.integers(1, 20, count)
    meeting = np.where(refused, -1, decided + rng.integers(3, 40, count))
    enrolment = np.where(refused, -1, meeting + rng.integers(0, 12, count))
    contact = np.where((enrolment >= 0) & (rng.random(count) < 0.85), enrolment + rng.integers(5, 90, count), -1)
    leaves = np.where(enrolment >= 0, enrolment + rng.integers(150, 800, count), -1)
    for day in (meeting, enrolment, contact):
        day[day > end] = -1
    leaves[(leaves > end) | (enrolment < 0)] = -1
    decided = np.where(decided > end, -1, decided)
    nothing = np.full(count, None, dtype=object)
    decision = np.where(decided < 0, nothing, np.where(refused, "not_accepted", "accepted").astype(object))
    reasons = np.where(refused & (decided >= 0), rng.choice(["not_ready", "declined", "not_motivated"], count), nothing)
    ending = rng.choice(["goal_reached", "withdrew", "lost_contact", "moved_away"], count)
    exits = np.where(leaves >= 0, ending, nothing)
    now = utcnow()
    journeys = pd.DataFrame({
        "id": ids, "unit_id": unit, "code": [f"J{n:07d}" for n in range(count)], "age_band": None, "goal": "work",
        "referral_date": referral, "decision": decision, "decision_date": decided,
        "not_accepted_reason": reasons.astype(object), "first_meeting_date": meeting, "enrolment_date": enrolment,
        "first_employer_contact_date": contact, "first_education_contact_date": -1, "exit_date": leaves,
        "exit_reason": exits.astype(object),
    })  # fmt: skip
    day_columns = [c for c in journeys.columns if c.endswith("_date")]
    _insert(connection, Journey, {c: (_dates(journeys[c].to_numpy()) if c in day_columns else journeys[c])
                                  for c in journeys.columns} | {"updated_at": [now] * count})  # fmt: skip
    working = np.flatnonzero((enrolment >= 0) & (rng.random(count) < 0.55))
    job_start = enrolment[working] + rng.integers(20, 200, len(working))
    job_end = job_start + rng.integers(30, 700, len(working))
    keep = (job_start <= end) & _before_leaving(job_start, leaves[working])
    working, job_start, job_end = working[keep], job_start[keep], job_end[keep]
    job_end[job_end > end] = -1
    jobs = pd.DataFrame({"id": np.arange(len(working)), "journey_id": ids[working], "start_date": job_start,
                         "end_date": job_end, "competitive": rng.random(len(working)) < 0.9,
                         "hours_per_week": rng.choice([10.0, 20.0, 30.0, 40.0], len(working))})  # fmt: skip
    _insert(connection, JobSpell, {
        "journey_id": jobs["journey_id"], "start_date": _dates(job_start), "end_date": _dates(job_end),
        "competitive": jobs["competitive"], "hours_per_week": jobs["hours_per_week"],
    })  # fmt: skip
    studying = np.flatnonzero((enrolment >= 0) & (rng.random(count) < 0.12))
    course_start = enrolment[studying] + rng.integers(20, 200, len(studying))
    keep = (course_start <= end) & _before_leaving(course_start, leaves[studying])
    studying, course_start = studying[keep], course_start[keep]
    education = pd.DataFrame({"id": np.arange(len(studying)), "journey_id": ids[studying],
                              "start_date": course_start, "end_date": -1})  # fmt: skip
    _insert(connection, EducationSpell, {"journey_id": ids[studying], "start_date": _dates(course_start),
                                         "end_date": [None] * len(studying)})  # fmt: skip
    quarters = list(_quarters(Quarter.of(date.fromordinal(date(1970, 1, 1).toordinal() + int(start))),
                              Quarter.of(today)))  # fmt: skip
    staffing = pd.DataFrame([(u, q.year, q.number, float(f), 0.5) for u, f in zip(unit_ids, rng.choice(
        [2.0, 2.5, 3.0, 4.0], len(unit_ids)), strict=True) for q in quarters],
        columns=["unit_id", "year", "quarter", "specialist_fte", "supervisor_fte"])  # fmt: skip
    _insert(connection, StaffingQuarter, {c: staffing[c] for c in staffing.columns})
    return JourneyFrames(
        journeys=_as_dates(journeys),
        jobs=_as_dates(jobs),
        education=_as_dates(education),
        staffing=staffing,
    )


def _quarters(first: Quarter, last: Quarter) -> list[Quarter]:
    result = [first]
    while result[-1] < last:
        result.append(result[-1].next())
    return result


def _as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Day-number columns as the timestamps (NaT for none) the outcome figures read."""
    frame = frame.copy()
    for column in frame.columns:
        if column.endswith("_date"):
            days = frame[column].to_numpy()
            frame[column] = pd.to_datetime(np.where(days < 0, np.datetime64("NaT"), days.astype("datetime64[D]")))
    return frame


def _outcomes(connection: Connection, unit_ids: np.ndarray, frames: JourneyFrames, today: date) -> None:
    """The kept quarterly figures of every unit, computed from its journeys as `refresh_outcomes` would."""
    rows = []
    now = utcnow()
    by_unit = frames.journeys.groupby("unit_id")
    jobs_by_journey = frames.jobs.set_index("journey_id", drop=False)
    education_by_journey = frames.education.set_index("journey_id", drop=False)
    for unit_id, people in by_unit:
        ids = people["id"]
        unit_frames = JourneyFrames(
            journeys=people,
            jobs=jobs_by_journey[jobs_by_journey.index.isin(ids)].reset_index(drop=True),
            education=education_by_journey[education_by_journey.index.isin(ids)].reset_index(drop=True),
            staffing=frames.staffing[frames.staffing["unit_id"] == unit_id],
        )
        first = Quarter.of(people["referral_date"].min().date())
        for figures in figures_by_quarter(unit_frames, first, Quarter.of(today), as_of=today):
            rows.append({"unit_id": int(unit_id), "year": figures.quarter.year, "quarter": figures.quarter.number,
                         "definitions_version": DEFINITIONS_VERSION, "locked": False, "computed_at": now}
                        | figures.counts())  # fmt: skip
    if rows:
        table = pd.DataFrame(rows)
        _insert(connection, QuarterlyOutcome, {c: table[c] for c in table.columns})
