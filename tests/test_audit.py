"""Every change to an audited model is logged with who, what, and the old and new values."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fidelity.audit import Actor, acting_as
from fidelity.models import AuditEntry
from tests import factories


def test_changes_are_audited_with_old_and_new_values(session: Any) -> None:
    with acting_as(Actor(None, "cli")):
        unit = factories.unit()
        unit.name = "Renamed unit"
        session.flush()
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "units")
        .where(AuditEntry.entity_id == str(unit.id))
        .order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[0].changes["code"] == [None, unit.code]
    assert entries[1].changes == {"name": [entries[0].changes["name"][1], "Renamed unit"]}
    assert {e.actor_label for e in entries} == {"cli"}

    # A value expired by a commit is loaded before it is overwritten, so the old side is never lost.
    session.expire_all()
    unit.name = "Renamed again"
    session.flush()
    last = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "units").order_by(AuditEntry.id.desc())
    ).first()
    assert last.changes == {"name": ["Renamed unit", "Renamed again"]}
    assert last.actor_label == "system"

    user = factories.user()
    created = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "users").where(AuditEntry.entity_id == str(user.id))
    ).one()
    assert created.changes["password_hash"] == [None, "[redacted]"]


def test_an_entry_about_a_job_names_its_journey_and_an_unchanged_job_has_none(session: Any) -> None:
    """A job's journey is the job's context: every entry about it names it, even a change to the job's dates alone.
    A job set to what it already held writes no entry at all."""
    from datetime import date

    from fidelity.models import JobSpell

    journey = factories.journey(factories.unit(), date(2026, 1, 5), code="CTX-1", jobs=((date(2026, 2, 2), None),))
    (job,) = journey.jobs
    session.flush()

    def about_job() -> list[Any]:
        return session.scalars(
            select(AuditEntry.changes)
            .where(AuditEntry.entity == "job_spells", AuditEntry.entity_id == str(job.id))
            .where(AuditEntry.action == "update")
            .order_by(AuditEntry.id)
        ).all()

    job.end_date = date(2026, 3, 1)
    session.flush()
    assert about_job() == [{"journey_id": [journey.id, journey.id], "end_date": [None, "2026-03-01"]}]
    session.expire_all()
    job = session.get(JobSpell, job.id)
    job.end_date, job.hours_per_week = date(2026, 3, 1), job.hours_per_week
    session.flush()
    assert len(about_job()) == 1
