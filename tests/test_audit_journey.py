"""Every audit entry about a journey, a job or a course names the journey in a column of its own (`journey_id`), and
a journey's history is read by it: its page of changes, an import's check and an erasure read none of another
journey's entries, even in the same unit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from sqlalchemy import Select, event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from fidelity.models import AuditEntry, EducationSpell, JobSpell, Journey, Role, Unit
from fidelity.monitoring.held_imports import history
from fidelity.monitoring.imports import import_journeys
from fidelity.monitoring.journey_operations import delete_journey
from fidelity.monitoring.journey_queries import journey_trail
from fidelity.monitoring.purge import entries_to_clear
from tests import factories
from tests.journey_data import GOOD, TODAY, csv_file
from tests.test_web import login

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


@contextmanager
def audit_reads() -> Iterator[list[Select[Any]]]:
    """The statements that read the audit log inside the block."""
    statements: list[Select[Any]] = []

    def seen(state: ORMExecuteState) -> None:
        if state.is_select and any(getattr(f, "name", None) == "audit_log" for f in state.statement.get_final_froms()):
            statements.append(state.statement)

    event.listen(Session, "do_orm_execute", seen)
    try:
        yield statements
    finally:
        event.remove(Session, "do_orm_execute", seen)


def entries_read(session: Any, statements: list[Select[Any]]) -> set[int]:
    """The ids of the audit entries the statements give, run again as they were."""
    return {entry for statement in statements for entry in session.scalars(statement.with_only_columns(AuditEntry.id))}


def two_journeys(session: Any) -> tuple[Unit, Journey, set[int], set[int]]:
    """A unit with two journeys, each with a job and a course changed by hand, and an older change to the first's job
    that names only what changed (its journey only in the column, as the upgrade gave it); the unit, the first
    journey, and the ids of the entries about each."""
    unit = factories.unit()
    mine = factories.journey(unit, date(2026, 1, 5), code="MINE-1", jobs=((date(2026, 2, 1), None),),
                             studies=((date(2026, 2, 1), None),))  # fmt: skip
    theirs = factories.journey(unit, date(2026, 1, 6), code="THEIRS-1", jobs=((date(2026, 2, 2), None),),
                               studies=((date(2026, 2, 2), None),))  # fmt: skip
    for journey in (mine, theirs):
        journey.exit_date, journey.jobs[0].end_date = date(2026, 5, 1), date(2026, 4, 1)
        journey.education[0].end_date = date(2026, 4, 2)
    session.commit()
    session.add(AuditEntry(at=datetime(2026, 4, 3, tzinfo=UTC), actor_label="cli", action="update",
                           entity="job_spells", entity_id=str(mine.jobs[0].id), unit_id=unit.id, journey_id=mine.id,
                           changes={"hours_per_week": [None, 20]}))  # fmt: skip
    session.commit()

    def about(journey: Journey) -> set[int]:
        return set(session.scalars(select(AuditEntry.id).where(AuditEntry.journey_id == journey.id)))

    return unit, mine, about(mine), about(theirs)


def test_a_journey_s_changes_page_reads_none_of_another_journey_s_entries(client: Any, session: Any) -> None:
    unit, mine, own, others = two_journeys(session)
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    with audit_reads() as statements:
        page = client.get(f"/units/{unit.code}/journeys/{mine.id}/history")
    assert page.status_code == 200
    read = entries_read(session, statements)
    assert len(own) == 7 and own <= read  # made (the journey, its job, its course), changed (each), and the old change
    assert len(others) == 6 and not others & read
    assert [entry.id for entry in journey_trail(unit.id, mine)] == sorted(own, reverse=True)


def test_an_import_s_check_reads_none_of_another_journey_s_entries(session: Any) -> None:
    unit, mine, own, others = two_journeys(session)
    through = last_entry(session)
    with audit_reads() as statements:
        entries = history(unit.id, [mine.id], through)
    assert [entry.id for entry in entries] == sorted(own)
    assert {entry.journey_id for entry in entries} == {mine.id}
    assert not others & entries_read(session, statements)
    # `through`: the entries after it are not the check's.
    assert [entry.id for entry in history(unit.id, [mine.id], sorted(own)[2])] == sorted(own)[:3]
    assert history(unit.id, [], through) == []


def test_an_erasure_reads_none_of_another_journey_s_entries(session: Any) -> None:
    unit, mine, own, others = two_journeys(session)
    with audit_reads() as statements:
        cleared = entries_to_clear({unit.id: {mine.id}}, date.min, hand_deleted=False)
    assert cleared == {unit.id: sorted(own)}
    assert not others & entries_read(session, statements)


def test_the_models_name_their_journey(session: Any) -> None:
    journey = factories.journey(factories.unit(), date(2026, 1, 5), jobs=((date(2026, 2, 1), None),),
                                studies=((date(2026, 2, 1), None),))  # fmt: skip
    job: JobSpell = journey.jobs[0]
    course: EducationSpell = journey.education[0]
    assert (journey.audit_journey_id(), job.audit_journey_id(), course.audit_journey_id()) == (journey.id,) * 3
    assert journey.unit.audit_journey_id() is None
