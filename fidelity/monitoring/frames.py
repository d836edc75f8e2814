"""Journeys as pandas tables, the form every waiting-list and outcome figure is computed from.

Columns are the model's column names. Dates are pandas timestamps (NaT when missing); enums are their string values
(None when missing). `load_frames` reads a set of units in a fixed number of queries; `frames_from_records` builds the
same tables from plain dicts, for tests and imports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select

from fidelity.extensions import db
from fidelity.models import EducationSpell, JobSpell, Journey, StaffingQuarter

JOURNEY_COLUMNS = (
    "id",
    "unit_id",
    "code",
    "age_band",
    "goal",
    "referral_date",
    "decision",
    "decision_date",
    "not_accepted_reason",
    "first_meeting_date",
    "enrolment_date",
    "first_employer_contact_date",
    "first_education_contact_date",
    "exit_date",
    "exit_reason",
)
JOURNEY_DATES = tuple(c for c in JOURNEY_COLUMNS if c.endswith("_date"))
JOB_COLUMNS = ("id", "journey_id", "start_date", "end_date", "competitive", "hours_per_week")
EDUCATION_COLUMNS = ("id", "journey_id", "start_date", "end_date")
STAFFING_COLUMNS = ("unit_id", "year", "quarter", "specialist_fte", "supervisor_fte")


@dataclass(frozen=True)
class JourneyFrames:
    journeys: pd.DataFrame
    jobs: pd.DataFrame
    education: pd.DataFrame
    staffing: pd.DataFrame

    def for_unit(self, unit_id: int) -> JourneyFrames:
        """The tables cut down to one unit."""
        journeys = self.journeys[self.journeys["unit_id"] == unit_id]
        ids = set(journeys["id"])
        return JourneyFrames(
            journeys=journeys,
            jobs=self.jobs[self.jobs["journey_id"].isin(ids)],
            education=self.education[self.education["journey_id"].isin(ids)],
            staffing=self.staffing[self.staffing["unit_id"] == unit_id],
        )


def _frame(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows), columns=list(columns))
    for column in columns:
        if column.endswith("_date"):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def frames_from_records(
    journeys: Iterable[Mapping[str, Any]],
    jobs: Iterable[Mapping[str, Any]] = (),
    education: Iterable[Mapping[str, Any]] = (),
    staffing: Iterable[Mapping[str, Any]] = (),
) -> JourneyFrames:
    """Tables from plain dicts; a journey dict may leave out any column but `id` and `referral_date`."""
    journey_rows = [{c: _plain(row.get(c)) for c in JOURNEY_COLUMNS} for row in journeys]
    job_rows = [{"competitive": True} | {c: row.get(c) for c in JOB_COLUMNS if c in row} for row in jobs]
    return JourneyFrames(
        journeys=_frame(journey_rows, JOURNEY_COLUMNS),
        jobs=_frame(job_rows, JOB_COLUMNS),
        education=_frame(education, EDUCATION_COLUMNS),
        staffing=_frame(staffing, STAFFING_COLUMNS),
    )


def load_frames(unit_ids: Sequence[int]) -> JourneyFrames:
    """Every journey, spell and staffing quarter of the given units: four queries."""
    journeys = db.session.execute(
        select(*(getattr(Journey, c) for c in JOURNEY_COLUMNS)).where(Journey.unit_id.in_(unit_ids))
    ).all()
    in_units = select(Journey.id).where(Journey.unit_id.in_(unit_ids))
    jobs = db.session.execute(
        select(*(getattr(JobSpell, c) for c in JOB_COLUMNS)).where(JobSpell.journey_id.in_(in_units))
    ).all()
    education = db.session.execute(
        select(*(getattr(EducationSpell, c) for c in EDUCATION_COLUMNS)).where(EducationSpell.journey_id.in_(in_units))
    ).all()
    staffing = db.session.execute(
        select(*(getattr(StaffingQuarter, c) for c in STAFFING_COLUMNS)).where(StaffingQuarter.unit_id.in_(unit_ids))
    ).all()
    return JourneyFrames(
        journeys=_frame(
            ({c: _plain(v) for c, v in zip(JOURNEY_COLUMNS, row, strict=True)} for row in journeys), JOURNEY_COLUMNS
        ),
        jobs=_frame((dict(zip(JOB_COLUMNS, row, strict=True)) for row in jobs), JOB_COLUMNS),
        education=_frame((dict(zip(EDUCATION_COLUMNS, row, strict=True)) for row in education), EDUCATION_COLUMNS),
        staffing=_frame((dict(zip(STAFFING_COLUMNS, row, strict=True)) for row in staffing), STAFFING_COLUMNS),
    )
