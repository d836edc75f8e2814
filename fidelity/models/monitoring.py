"""Monitoring a unit: the pseudonymous journeys of the people it serves, its staffing, and the quarterly figures kept.

People served are never named. A journey is keyed by a code the unit chooses, which may not look like a national
identity number; the age is a band, never a birth date.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from fidelity.extensions import Model
from fidelity.models.organisation import Unit
from fidelity.models.types import Audited, enum_column, timestamp_column, utcnow

CODE_MAX = 32


class Goal(enum.StrEnum):
    WORK = "work"
    EDUCATION = "education"
    BOTH = "both"


class AgeBand(enum.StrEnum):
    UNDER_18 = "under_18"
    AGE_18_24 = "18_24"
    AGE_25_29 = "25_29"
    AGE_30_39 = "30_39"
    AGE_40_49 = "40_49"
    AGE_50_64 = "50_64"
    AGE_65_PLUS = "65_plus"


class Decision(enum.StrEnum):
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"


class NotAcceptedReason(enum.StrEnum):
    """Why a referral was not accepted. The first group screens people out, which zero exclusion forbids."""

    NOT_MOTIVATED = "not_motivated"
    NOT_READY = "not_ready"
    SUBSTANCE_USE = "substance_use"
    SYMPTOMS = "symptoms"
    NEEDS_ASSESSMENT_NOT_GRANTED = "needs_assessment_not_granted"
    CRIMINAL_RECORD = "criminal_record"
    OUTSIDE_ELIGIBILITY = "outside_eligibility"  # a local eligibility rule, such as an age limit
    # Not screening: the person's own choice or circumstances.
    DECLINED = "declined"
    NOT_REACHED = "not_reached"
    MOVED_AWAY = "moved_away"
    OTHER = "other"


# Reasons that screen a person out: each one breaches the zero-exclusion principle.
ZERO_EXCLUSION_BREACHES = frozenset(
    {
        NotAcceptedReason.NOT_MOTIVATED,
        NotAcceptedReason.NOT_READY,
        NotAcceptedReason.SUBSTANCE_USE,
        NotAcceptedReason.SYMPTOMS,
        NotAcceptedReason.NEEDS_ASSESSMENT_NOT_GRANTED,
        NotAcceptedReason.CRIMINAL_RECORD,
        NotAcceptedReason.OUTSIDE_ELIGIBILITY,
    }
)


class ExitReason(enum.StrEnum):
    GOAL_REACHED = "goal_reached"  # in work or study and support no longer needed
    WITHDREW = "withdrew"  # the person chose to stop
    LOST_CONTACT = "lost_contact"
    MOVED_AWAY = "moved_away"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    OTHER = "other"


# Leaving for these reasons before enrolment counts as giving up while waiting.
GAVE_UP = frozenset({ExitReason.WITHDREW, ExitReason.LOST_CONTACT})


class Journey(Audited, Model):
    """One person's way through a unit, from referral to exit, under a pseudonymous code."""

    __tablename__ = "journeys"
    __table_args__ = (UniqueConstraint("unit_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique (unit_id, code) index serves every look-up by unit.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    code: Mapped[str] = mapped_column(String(CODE_MAX))
    age_band: Mapped[AgeBand | None] = enum_column(AgeBand, nullable=True)
    goal: Mapped[Goal | None] = enum_column(Goal, nullable=True)
    referral_date: Mapped[date] = mapped_column(Date)
    decision: Mapped[Decision | None] = enum_column(Decision, nullable=True)
    decision_date: Mapped[date | None] = mapped_column(Date)
    not_accepted_reason: Mapped[NotAcceptedReason | None] = enum_column(NotAcceptedReason, nullable=True)
    first_meeting_date: Mapped[date | None] = mapped_column(Date)
    enrolment_date: Mapped[date | None] = mapped_column(Date)
    first_employer_contact_date: Mapped[date | None] = mapped_column(Date)
    first_education_contact_date: Mapped[date | None] = mapped_column(Date)
    # Not indexed either: only the purge looks journeys up by the day they ended, and every index slows an import.
    exit_date: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[ExitReason | None] = enum_column(ExitReason, nullable=True)
    updated_at: Mapped[datetime] = timestamp_column(onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    jobs: Mapped[list[JobSpell]] = relationship(
        back_populates="journey", cascade="all, delete-orphan", order_by="JobSpell.start_date"
    )
    education: Mapped[list[EducationSpell]] = relationship(
        back_populates="journey", cascade="all, delete-orphan", order_by="EducationSpell.start_date"
    )

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_journey_id(self) -> int | None:
        return self.id

    @property
    def screening_out(self) -> NotAcceptedReason | None:
        """The reason the referral was not accepted, where it is one that breaches zero exclusion."""
        refused = self.decision == Decision.NOT_ACCEPTED
        reason = self.not_accepted_reason
        return reason if refused and reason in ZERO_EXCLUSION_BREACHES else None


class JobSpell(Audited, Model):
    """A job held during a journey: competitive (open to anyone, at least the going wage) or not."""

    __tablename__ = "job_spells"
    __audit_context__ = frozenset({"journey_id"})  # the journey it belongs to, in every entry

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    competitive: Mapped[bool] = mapped_column(default=True)
    hours_per_week: Mapped[float | None] = mapped_column(Float)

    journey: Mapped[Journey] = relationship(back_populates="jobs")

    def audit_unit_id(self) -> int | None:
        return self.journey.unit_id if self.journey is not None else None

    def audit_journey_id(self) -> int | None:
        return self.journey_id


class EducationSpell(Audited, Model):
    """A course of study during a journey."""

    __tablename__ = "education_spells"
    __audit_context__ = frozenset({"journey_id"})  # the journey it belongs to, in every entry

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    journey: Mapped[Journey] = relationship(back_populates="education")

    def audit_unit_id(self) -> int | None:
        return self.journey.unit_id if self.journey is not None else None

    def audit_journey_id(self) -> int | None:
        return self.journey_id


class GoneCode(Model):
    """A code a journey of the unit had until it was deleted or given another code, kept as a digest (never the code
    itself: a journey deleted because its code was a name must not leave the name behind), with the day it went. An
    import of an older file refuses a new journey with such a code rather than bring back what was deleted."""

    __tablename__ = "gone_codes"
    __table_args__ = (UniqueConstraint("unit_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    digest: Mapped[str] = mapped_column(String(64))  # see fidelity.monitoring.gone.code_digest
    gone_on: Mapped[date] = mapped_column(Date)


class HeldImport(Model):
    """A journey file its uploader has been shown the effect of, held until they import it or not, for a short while
    only (`fidelity.monitoring.held_imports`). It is the file as uploaded, under the unit's pseudonymous codes; its
    name only when the audit log would keep it (a file is often named after the person). Not backed up."""

    __tablename__ = "held_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)  # in the confirming page's address: not guessable
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    suffix: Mapped[str] = mapped_column(String(8))  # the file's ending, which says how to read it: '.csv', '.xlsx'
    file_name: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))  # emptied once answered
    created_at: Mapped[datetime] = timestamp_column(index=True)  # the check's time: older ones are deleted
    # 'imported' or 'not_imported' once its uploader answered, so that a second answer is told so; None until then.
    answer: Mapped[str | None] = mapped_column(String(16))
    # The journeys its latest check found it would undo a later change in, and the state of the unit's journeys that
    # check saw ({"state": ..., "journeys": [ids]}; empty before a check): its uploader may import it but for them.
    # Kept here from the check, not sent back by the page, and used only by an answer to that same state.
    undone: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class StaffingQuarter(Audited, Model):
    """A unit's staffing in one quarter, in full-time equivalents."""

    __tablename__ = "staffing_quarters"
    __table_args__ = (UniqueConstraint("unit_id", "year", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)  # 1-4
    specialist_fte: Mapped[float] = mapped_column(Float)  # work/study specialists
    supervisor_fte: Mapped[float] = mapped_column(Float, default=0.0)

    def audit_unit_id(self) -> int | None:
        return self.unit_id


class QuarterlyOutcome(Model):
    """A unit's outcome figures for one quarter, computed from its journeys under one version of the definitions.

    Kept so that pages and comparisons do not scan every journey, and so that figures survive the purge of the
    journeys they came from: a `locked` quarter is never recomputed.
    """

    __tablename__ = "quarterly_outcomes"
    __table_args__ = (UniqueConstraint("unit_id", "year", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    definitions_version: Mapped[str] = mapped_column(String(16))
    served: Mapped[int] = mapped_column(Integer)
    in_competitive_work: Mapped[int] = mapped_column(Integer)
    in_education: Mapped[int] = mapped_column(Integer)
    job_starts: Mapped[int] = mapped_column(Integer)
    education_starts: Mapped[int] = mapped_column(Integer)
    median_days_to_employer_contact: Mapped[float | None] = mapped_column(Float)
    contact_window_closed: Mapped[int] = mapped_column(Integer)  # people whose 30 days after enrolment ended
    contact_within_30: Mapped[int] = mapped_column(Integer)  # ... of whom met an employer within 30 days
    retention_window_closed: Mapped[int] = mapped_column(Integer)  # competitive jobs 90 days old in the quarter
    retained_90: Mapped[int] = mapped_column(Integer)  # ... still held at day 90
    waiting_at_end: Mapped[int] = mapped_column(Integer)  # referred, not started, not left, not refused
    median_days_to_enrolment: Mapped[float | None] = mapped_column(Float)  # of those enrolled in the quarter
    # Since outcome definitions version 2; empty in a quarter locked before.
    longest_wait_at_end: Mapped[int | None] = mapped_column(Integer)  # days; empty when nobody waited
    referred: Mapped[int | None] = mapped_column(Integer)  # people referred in the quarter
    not_accepted: Mapped[int | None] = mapped_column(Integer)  # ... whose referral was not accepted
    screened_out: Mapped[int | None] = mapped_column(Integer)  # ... for a reason that breaches zero exclusion
    # Since version 3: of the quarter's referrals not refused, those who left before enrolment because they withdrew
    # or lost contact; empty in a quarter locked before.
    gave_up: Mapped[int | None] = mapped_column(Integer)
    specialist_fte: Mapped[float | None] = mapped_column(Float)
    # Since version 6: the quarter's supervisors, in full-time equivalents (0 where none were recorded beside its
    # specialists); empty without staffing, and in a quarter locked before.
    supervisor_fte: Mapped[float | None] = mapped_column(Float)
    # Since version 7: competitive jobs that ended while their person was served, and people enrolled who exited;
    # empty in a quarter locked before.
    job_endings: Mapped[int | None] = mapped_column(Integer)
    exits: Mapped[int | None] = mapped_column(Integer)
    locked: Mapped[bool] = mapped_column(default=False)
    computed_at: Mapped[datetime] = timestamp_column()
