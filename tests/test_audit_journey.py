"""Every audit entry about a journey, a job or a course names the journey in a column of its own (`journey_id`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from fidelity.models import AuditEntry, EducationSpell, JobSpell, Journey, Role
from fidelity.monitoring.imports import import_journeys
from fidelity.monitoring.journey_operations import delete_journey
from tests import factories
from tests.journey_data import GOOD, TODAY, csv_file

ABOUT_JOURNEYS = ("journeys", "job_spells", "education_spells")


def entries_since(session: Any, last: int) -> list[tuple[str, str, int | None]]:
    """(entity, action, journey_id) of every entry written after the entry `last`, in order."""
    rows = session.execute(
        select(AuditEntry.entity, AuditEntry.action, AuditEntry.journey_id)
        .where(AuditEntry.id > last)
        .order_by(AuditEntry.id)
    )
    return [tuple(row) for row in rows]


def last_entry(session: Any) -> int:
    return session.scalar(select(func.max(AuditEntry.id))) or 0


def test_the_listener_names_the_journey_of_every_change_to_a_journey_job_or_course(session: Any) -> None:
    """Made, changed and deleted, alone or with their journey: each entry names the journey; an entry about anything
    else (a unit, a user) names none."""
    start = last_entry(session)
    unit = factories.unit()
    factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="JID-1", jobs=((date(2026, 2, 1), None),
                                (date(2026, 3, 1), None)), studies=((date(2026, 2, 1), None),))  # fmt: skip
    other = factories.journey(unit, date(2026, 1, 6), code="JID-2", studies=((date(2026, 4, 1), None),))
    first_job = journey.jobs[0]
    (course,) = journey.education
    journey_id, other_id = journey.id, other.id
    journey.exit_date, first_job.end_date, course.end_date = date(2026, 5, 1), date(2026, 4, 1), date(2026, 4, 2)
    unit.name = "Renamed"
    session.commit()
    session.delete(first_job)  # as the pages delete a job: in so many words
    session.delete(course)
    session.commit()
    session.expire(journey)
    session.delete(journey)  # and its other job with it
    session.commit()
    other.education[0].end_date = date(2026, 5, 1)
    session.commit()

    entries = entries_since(session, start)
    others = {(entity, named) for entity, _action, named in entries if entity not in ABOUT_JOURNEYS}
    assert {entity for entity, _named in others} >= {"units", "users"} and {named for _e, named in others} == {None}
    about = [entry for entry in entries if entry[0] in ABOUT_JOURNEYS]
    mine = [
        ("journeys", "create"),
        ("job_spells", "create"),
        ("job_spells", "create"),
        ("education_spells", "create"),
        ("journeys", "update"),
        ("job_spells", "update"),
        ("education_spells", "update"),
        ("job_spells", "delete"),
        ("education_spells", "delete"),
        ("journeys", "delete"),
        ("job_spells", "delete"),
    ]
    theirs = [("journeys", "create"), ("education_spells", "create"), ("education_spells", "update")]  # fmt: skip
    assert sorted(about) == sorted([(*kind, journey_id) for kind in mine] + [(*kind, other_id) for kind in theirs])


def test_an_import_names_each_journey_it_changes_and_no_journey_for_itself(session: Any) -> None:
    """The import's own entry is about the whole file, many journeys: it names none. Each journey the file changes
    is an entry of its own, about that journey, its jobs and courses among its values."""
    unit = factories.unit()
    start = last_entry(session)
    import_journeys(unit, csv_file([GOOD, {**GOOD, "code": "NRV-0002"}]), "first.csv", TODAY)
    session.commit()
    assert entries_since(session, start) == [("journeys", "import", None)]
    journeys = dict(session.execute(select(Journey.code, Journey.id).where(Journey.unit_id == unit.id)).all())

    start = last_entry(session)
    changed = {**GOOD, "exit_date": "2026-06-01", "exit_reason": "goal_reached", "job1_hours": "25"}
    import_journeys(unit, csv_file([changed, {**GOOD, "code": "NRV-0002"}]), "second.csv", TODAY)
    session.commit()
    assert entries_since(session, start) == [("journeys", "update", journeys["NRV-0001"]), ("journeys", "import", None)]
    update = session.scalars(select(AuditEntry).where(AuditEntry.id > start, AuditEntry.action == "update")).one()
    assert {"exit_date", "job_spells"} <= set(update.changes)


def test_an_erasure_names_the_journey_it_erased(app: Flask, session: Any) -> None:
    unit = factories.unit()
    journey = factories.journey(unit, date(2026, 1, 5), code="ERASE-1", jobs=((date(2026, 2, 1), None),))
    journey_id = journey.id
    start = last_entry(session)
    with app.app_context():  # a deletion keeps a digest of the code, keyed with the app's secret key
        assert delete_journey(journey, erase=True) == 4  # the journey's and its job's creation, and their deletion
        session.commit()
    entries = entries_since(session, start)
    assert ("journeys", "erase", journey_id) in entries
    assert {named for _entity, _action, named in entries} == {journey_id}


def test_the_models_name_their_journey(session: Any) -> None:
    journey = factories.journey(factories.unit(), date(2026, 1, 5), jobs=((date(2026, 2, 1), None),),
                                studies=((date(2026, 2, 1), None),))  # fmt: skip
    job: JobSpell = journey.jobs[0]
    course: EducationSpell = journey.education[0]
    assert (journey.audit_journey_id(), job.audit_journey_id(), course.audit_journey_id()) == (journey.id,) * 3
    assert journey.unit.audit_journey_id() is None
