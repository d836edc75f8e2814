"""Two changes to one unit's records at the same moment, each in its own transaction, as two workers make them.

On PostgreSQL both used to read before either wrote: both saves of one field were told "saved" and one was lost, an
import undid a save made while it ran, and two journeys got codes the unit forbids to share. Each change now holds
the unit's records (`unit_lock`): the second waits for the first to end, then reads what it wrote. Here the first
change stays open while the second starts in another thread, and is committed a moment later; whichever way the
threads meet, the outcome must be the one the rules give. SQLite, whose writers wait for each other at BEGIN, must
give the same.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from fidelity.audit import acting_as
from fidelity.console import CLI_ACTOR
from fidelity.extensions import db
from fidelity.models import AgeBand, AuditEntry, Decision, ExitReason, Goal, Journey, StaffingQuarter, Unit
from fidelity.monitoring.imports import import_journeys
from fidelity.monitoring.journey_operations import JourneyChanged, JourneyInvalid, journey_snapshot, save_journey
from fidelity.monitoring.purge import purge_journeys
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.staffing import StaffingChanged, set_staffing, staffing_snapshot
from tests import factories
from tests.conftest import migrated_app
from tests.journey_data import csv_file
from tests.journey_data import journey as journey_row

TODAY = date(2026, 6, 30)
# How long the first change stays open after the second has started: long enough for the second to reach the point
# where it waits, if it waits at all.
HOLD_SECONDS = 0.5


@pytest.fixture(scope="module")
def own_app(tmp_path_factory: pytest.TempPathFactory, database_factory: Callable[[], str]) -> Iterator[Flask]:
    """An app on a database of its own: these tests commit, and the rest of the suite must not see it."""
    with migrated_app(tmp_path_factory.mktemp("instance"), database_factory()) as app:
        yield app


def committed(app: Flask, make: Callable[[], Any]) -> Any:
    """What `make` returns, made and committed in a transaction of its own."""
    with app.app_context(), acting_as(CLI_ACTOR):
        result = make()
        db.session.commit()
        return result


def while_open(app: Flask, first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Any, Any]:
    """Run `first` and leave its transaction open; start `second` in another thread, in its own transaction; commit
    the first after HOLD_SECONDS, then wait for the second. Returns what each returned (or the exception raised)."""
    results: dict[str, Any] = {}

    def run_second() -> None:
        with app.app_context(), acting_as(CLI_ACTOR):
            try:
                results["second"] = second()
                db.session.commit()
            except Exception as exc:  # what the second change met is the test's to judge
                db.session.rollback()
                results["second"] = exc

    with app.app_context(), acting_as(CLI_ACTOR):
        results["first"] = first()
        thread = threading.Thread(target=run_second)
        thread.start()
        time.sleep(HOLD_SECONDS)
        db.session.commit()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the second change never ended"
    return results["first"], results["second"]


def stored_journey(app: Flask, journey_id: int) -> dict[str, Any]:
    with app.app_context():
        found = db.session.get(Journey, journey_id)
        assert found is not None
        return {"code": found.code, "age_band": found.age_band, "goal": found.goal, "exit": found.exit_date}


def a_journey(app: Flask, code: str, unit_id: int | None = None, **fields: Any) -> tuple[int, int, str]:
    """A journey of a new unit (or of `unit_id`), committed: the unit's id, the journey's, and the journey's snapshot
    (what a page showing it would carry)."""

    def make() -> tuple[int, int, str]:
        unit = factories.unit() if unit_id is None else db.session.get(Unit, unit_id)
        assert unit is not None
        journey = factories.journey(unit, date(2026, 1, 5), code=code, decision=Decision.ACCEPTED,
                                    decision_date=date(2026, 1, 6), goal=Goal.WORK, **fields)  # fmt: skip
        db.session.flush()
        return unit.id, journey.id, journey_snapshot(journey)

    return committed(app, make)


def record(code: str, **changes: Any) -> dict[str, Any]:
    """A journey form's values: the journey as `a_journey` made it, with `changes`."""
    values: dict[str, Any] = {"code": code, "age_band": None, "goal": "work", "decision": "accepted",
                              "not_accepted_reason": None, "exit_reason": None, "referral_date": date(2026, 1, 5),
                              "decision_date": date(2026, 1, 6), "first_meeting_date": None, "enrolment_date": None,
                              "first_employer_contact_date": None, "first_education_contact_date": None,
                              "exit_date": None}  # fmt: skip
    return values | changes


def as_made(code: str, **changes: str) -> dict[str, str]:
    """A file's row of the journey as `a_journey` made it, with `changes`."""
    made = {"code": code, "referral_date": "2026-01-05", "age_band": "", "decision_date": "2026-01-06",
            "first_meeting_date": "", "enrolment_date": "", "first_employer_contact_date": "", "job1_start": "",
            "job1_competitive": "", "job1_hours": ""}  # fmt: skip
    return journey_row(**made | changes)


def saving(journey_id: int, values: dict[str, Any], seen: str | None) -> Callable[[], Any]:
    """A save of the journey from a page that showed it as `seen` (None: a new journey of the unit `journey_id`)."""

    def save() -> Any:
        if seen is None:
            unit = db.session.get(Unit, journey_id)
            assert unit is not None
            return save_journey(unit, values)[0].id
        journey = db.session.get(Journey, journey_id)
        if journey is None:  # deleted before this began
            raise LookupError(journey_id)
        return save_journey(journey.unit, values, journey, seen)[0].id

    return save


def test_two_saves_of_one_field_at_once_refuse_the_second(own_app: Flask) -> None:
    _, journey_id, seen = a_journey(own_app, "LOCK-1")
    first, second = while_open(
        own_app,
        saving(journey_id, record("LOCK-1", age_band="18_24"), seen),
        saving(journey_id, record("LOCK-1", age_band="30_39"), seen),
    )
    assert first == journey_id
    assert isinstance(second, JourneyChanged), second
    assert [field for field, _ in second.merged.conflicts] == ["age_band"]
    assert stored_journey(own_app, journey_id)["age_band"] is AgeBand.AGE_18_24
    with own_app.app_context():  # one change, audited once
        changes = db.session.scalars(
            select(AuditEntry.changes).where(AuditEntry.entity == "journeys", AuditEntry.entity_id == str(journey_id),
                                             AuditEntry.action == "update")
        ).all()  # fmt: skip
    assert changes == [{"age_band": [None, "18_24"]}]


def test_saves_of_different_fields_at_once_both_stand(own_app: Flask) -> None:
    _, journey_id, seen = a_journey(own_app, "LOCK-2")
    first, second = while_open(
        own_app,
        saving(journey_id, record("LOCK-2", age_band="18_24"), seen),
        saving(journey_id, record("LOCK-2", goal="education"), seen),
    )
    assert first == second == journey_id
    stored = stored_journey(own_app, journey_id)
    assert (stored["age_band"], stored["goal"]) == (AgeBand.AGE_18_24, Goal.EDUCATION)


def test_a_save_made_while_an_import_runs_is_merged_with_what_the_import_wrote(own_app: Flask) -> None:
    unit_id, journey_id, seen = a_journey(own_app, "LOCK-3")
    data = csv_file([as_made("LOCK-3", age_band="40_49")])

    def importing() -> Any:
        unit = db.session.get(Unit, unit_id)
        assert unit is not None
        return import_journeys(unit, data, "journeys.csv", TODAY)

    summary, second = while_open(own_app, importing, saving(journey_id, record("LOCK-3", goal="education"), seen))
    assert summary.replaced == 1
    assert second == journey_id
    stored = stored_journey(own_app, journey_id)
    assert (stored["age_band"], stored["goal"]) == (AgeBand.AGE_40_49, Goal.EDUCATION)


def test_two_imports_of_one_unit_at_once_both_succeed_one_after_the_other(own_app: Flask) -> None:
    unit_id, journey_id, _ = a_journey(own_app, "LOCK-4", jobs=((date(2026, 2, 1), None),))
    data = csv_file([as_made("LOCK-4", job1_start="2026-02-01", job1_competitive="yes")])

    def importing() -> Any:
        unit = db.session.get(Unit, unit_id)
        assert unit is not None
        return import_journeys(unit, data, "journeys.csv", TODAY)

    first, second = while_open(own_app, importing, importing)
    assert not isinstance(second, Exception), second
    assert (first.replaced, second.replaced) == (1, 1)
    with own_app.app_context():
        journey = db.session.get(Journey, journey_id)
        assert journey is not None and [job.start_date for job in journey.jobs] == [date(2026, 2, 1)]


def test_two_new_journeys_with_one_code_at_once_refuse_the_second(own_app: Flask) -> None:
    unit_id = committed(own_app, lambda: factories.unit().id)
    first, second = while_open(
        own_app, saving(unit_id, record("LOCK-5"), None), saving(unit_id, record("lock-5"), None)
    )
    assert isinstance(first, int)
    assert isinstance(second, JourneyInvalid), second
    assert second.messages == [  # the code as it is stored
        "The unit already has a journey with the code LOCK-5: codes that differ only in capitals are the same code."
    ]
    with own_app.app_context():
        codes = db.session.scalars(select(Journey.code).where(Journey.unit_id == unit_id)).all()
    assert codes == ["LOCK-5"]


def test_a_purge_deletes_what_it_read_after_a_change_made_meanwhile(own_app: Flask) -> None:
    """A journey whose exit moves before the cut-off while the purge waits is purged whole, its audit entries
    cleared; one whose exit is taken away meanwhile is kept, and so are its entries' values."""
    unit_id, leaving_id, leaving_seen = a_journey(own_app, "LOCK-6", enrolment_date=date(2026, 1, 20))
    _, staying_id, staying_seen = a_journey(own_app, "LOCK-7", unit_id, exit_date=date(2026, 2, 1),
                                            exit_reason=ExitReason.MOVED_AWAY)  # fmt: skip

    def changing() -> None:
        for journey_id, values, seen in (
            (leaving_id, record("LOCK-6", enrolment_date=date(2026, 1, 20), exit_date=date(2026, 2, 1),
                                exit_reason="moved_away"), leaving_seen),
            (staying_id, record("LOCK-7"), staying_seen),
        ):  # fmt: skip
            saving(journey_id, values, seen)()

    def purging() -> Any:
        return {purge.unit.code: purge.removed for purge in purge_journeys(date(2027, 6, 1), 3)}

    _, removed = while_open(own_app, changing, purging)
    assert not isinstance(removed, Exception), removed
    with own_app.app_context():
        assert db.session.get(Journey, leaving_id) is None
        kept = db.session.get(Journey, staying_id)
        assert kept is not None and kept.exit_date is None
        entries = {
            (entity_id, action): changes
            for entity_id, action, changes in db.session.execute(
                select(AuditEntry.entity_id, AuditEntry.action, AuditEntry.changes).where(
                    AuditEntry.entity == "journeys", AuditEntry.entity_id.in_([str(leaving_id), str(staying_id)])
                )
            )
        }
    assert "cleared_by_purge" in entries[(str(leaving_id), "create")]
    assert entries[(str(staying_id), "create")]["code"] == [None, "LOCK-7"]


def test_two_saves_of_one_quarters_staffing_at_once_refuse_the_second(own_app: Flask) -> None:
    unit_id = committed(own_app, lambda: factories.unit().id)
    quarter = Quarter(2026, 2)
    seen = (quarter, staffing_snapshot(None))

    def setting(specialists: float) -> Callable[[], Any]:
        def save() -> Any:
            unit = db.session.get(Unit, unit_id)
            assert unit is not None
            return set_staffing(unit, quarter, specialists, 0.5, seen)[0].specialist_fte

        return save

    first, second = while_open(own_app, setting(2.0), setting(3.0))
    assert first == 2.0
    assert isinstance(second, StaffingChanged), second
    with own_app.app_context():
        stored = db.session.scalars(select(StaffingQuarter.specialist_fte).where(StaffingQuarter.unit_id == unit_id))
        assert stored.all() == [2.0]


def test_a_save_that_waited_for_the_deletion_of_its_journey_finds_it_gone(own_app: Flask) -> None:
    """A save or a deletion that waited for the change that deleted its journey finds it gone: LookupError, which
    the views answer with 404."""
    from fidelity.monitoring.journey_operations import delete_journey

    _, journey_id, seen = a_journey(own_app, "LOCK-8")

    def deleting() -> None:
        journey = db.session.get(Journey, journey_id)
        assert journey is not None
        delete_journey(journey)

    _, second = while_open(own_app, deleting, saving(journey_id, record("LOCK-8", goal="education"), seen))
    assert isinstance(second, LookupError), second


def an_action(app: Flask) -> tuple[int, int, str, str]:
    """An open action of a new unit, owned by its manager, committed: its id, the owner's, and the snapshots its
    edit form and its status form would carry."""
    from fidelity.actions.operations import action_snapshot, status_snapshot
    from fidelity.models import Role

    def make() -> tuple[int, int, str, str]:
        unit = factories.unit()
        owner = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
        action = factories.action(unit, owner, date(2026, 12, 1), title="Meet three employers a week")
        return action.id, owner.id, action_snapshot(action), status_snapshot(action)

    return committed(app, make)


def on_action(action_id: int, change: Callable[[Any], Any]) -> Callable[[], Any]:
    """A save of the action, made by `change` on the action as its transaction reads it."""

    def save() -> Any:
        from fidelity.models import Action

        action = db.session.get(Action, action_id)
        assert action is not None
        return change(action)

    return save


def stored_action(app: Flask, action_id: int) -> Any:
    from fidelity.models import Action

    with app.app_context():
        action = db.session.get(Action, action_id)
        assert action is not None
        return action.status, action.title


def test_two_changes_of_an_actions_status_at_once_refuse_the_second(own_app: Flask) -> None:
    from fidelity.actions.operations import ActionChanged, change_status
    from fidelity.models import ActionStatus

    action_id, _owner, _edit, seen = an_action(own_app)
    first, second = while_open(
        own_app,
        on_action(action_id, lambda action: change_status(action, ActionStatus.IN_PROGRESS, seen)[0]),
        on_action(action_id, lambda action: change_status(action, ActionStatus.DONE, seen)[0]),
    )
    assert first is True
    assert isinstance(second, ActionChanged), second
    assert stored_action(own_app, action_id)[0] is ActionStatus.IN_PROGRESS


def test_two_edits_of_an_actions_title_at_once_refuse_the_second(own_app: Flask) -> None:
    from fidelity.actions.operations import ActionChanged, ActionValues, edit_action

    action_id, owner_id, seen, _status = an_action(own_app)

    def titled(title: str) -> ActionValues:
        return ActionValues(title=title, description="", owner_id=owner_id, due_date=date(2026, 12, 1))

    first, second = while_open(
        own_app,
        on_action(action_id, lambda action: edit_action(action, titled("Meet four employers a week"), seen)[0]),
        on_action(action_id, lambda action: edit_action(action, titled("Meet five employers a week"), seen)[0]),
    )
    assert first is True
    assert isinstance(second, ActionChanged), second
    assert stored_action(own_app, action_id)[1] == "Meet four employers a week"


def test_a_page_that_writes_when_read_waits_for_another_writer(own_app: Flask) -> None:
    """An export is audited, so the page writes although it is a GET. While another transaction writes (here an
    organisation added), it waits its turn and answers, where SQLite refused it at once ('database is locked', a
    503) when it came to write after reading."""
    from fidelity.models import Organisation, Role
    from tests.test_web import login

    unit_id, code = committed(own_app, lambda: (lambda unit: (unit.id, unit.code))(factories.unit()))
    email = committed(own_app, lambda: factories.user(Role.FRONTLINE_MANAGER, unit_id=unit_id).email)
    client = own_app.test_client()
    login(client, email)
    export = f"/units/{code}/journeys/export.csv"

    def hold_the_write_lock() -> None:
        db.session.add(Organisation(code="HOLDING", name="Holding the lock"))
        db.session.flush()

    _, exported = while_open(own_app, hold_the_write_lock, lambda: client.get(export))
    assert not isinstance(exported, Exception) and exported.status_code == 200


def test_the_comparison_s_count_passes_over_a_unit_another_change_holds(own_app: Flask) -> None:
    """The comparison counts again, in passing, the figures of units not counted today. On PostgreSQL it never waits
    for a unit another change holds: it leaves that unit to the change (which counts its figures itself) and counts
    the others, so it can never be one of two transactions each waiting for the other. SQLite, with one writer at a
    time, waits its turn and counts both."""
    from datetime import timedelta

    from sqlalchemy import update

    from fidelity import clock
    from fidelity.models import QuarterlyOutcome
    from fidelity.monitoring.kept import bring_up_to_date, counted_before, refresh_outcomes
    from fidelity.monitoring.unit_lock import take_units

    today = clock.today()

    def unit_counted_yesterday() -> int:
        unit = factories.unit()
        factories.journey(unit, today - timedelta(days=20))
        refresh_outcomes(unit, today)
        db.session.execute(
            update(QuarterlyOutcome)
            .where(QuarterlyOutcome.unit_id == unit.id)
            .values(computed_at=clock.start_of(today) - timedelta(hours=1))
        )
        return unit.id

    held, free = committed(own_app, unit_counted_yesterday), committed(own_app, unit_counted_yesterday)
    while_open(own_app, lambda: take_units(held), lambda: bring_up_to_date([held, free], today))
    with own_app.app_context():
        left = counted_before([held, free], today)
        postgresql = db.engine.dialect.name == "postgresql"
    assert left == ([held] if postgresql else [])


def test_an_export_read_while_an_import_runs_is_one_state_of_the_unit(own_app: Flask) -> None:
    """An export reads the journeys, then their jobs: an import committing between the two gave a file with the
    journeys of one state and the jobs of the other. The export now waits for the import to end (PostgreSQL), or
    reads one state throughout (SQLite): never a mix."""
    from fidelity.monitoring.exports import journeys_table

    unit_id, _, _ = a_journey(own_app, "LOCK-EXPORT", jobs=((date(2026, 2, 1), None),))
    data = csv_file([as_made("LOCK-EXPORT", age_band="30_39", job1_start="2026-03-02", job1_competitive="yes")])

    def importing() -> Any:
        unit = db.session.get(Unit, unit_id)
        assert unit is not None
        return import_journeys(unit, data, "journeys.csv", TODAY)

    def exporting() -> Any:
        return journeys_table(unit_id)

    _, table = while_open(own_app, importing, exporting)
    assert not isinstance(table, Exception), table
    row = table.iloc[0]
    assert (row["age_band"], row["job1_start"]) in {("", "2026-02-01"), ("30_39", "2026-03-02")}  # never a mix
    with own_app.app_context():
        if db.engine.dialect.name == "postgresql":  # it waited for the import, and read what it wrote
            assert (row["age_band"], row["job1_start"]) == ("30_39", "2026-03-02")
