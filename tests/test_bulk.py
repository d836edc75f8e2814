"""Bulk writes on both databases: values arrive as stored, awkward text survives COPY, ids are deleted in one go."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any, cast

import numpy as np
import pytest
from sqlalchemy import Table, event, func, select

from fidelity.extensions import db
from fidelity.models import JobSpell, Journey
from fidelity.models.types import utcnow
from fidelity.monitoring.bulk import SQLITE_ROWS_PER_STATEMENT, delete_ids, insert_rows, new_ids, stored_value
from tests import factories

JOURNEYS = cast(Table, Journey.__table__)
JOB_SPELLS = cast(Table, JobSpell.__table__)
AWKWARD = ["tab\there", "back\\slash", "new\nline", 'quote\'s "both"', "\\N", "Åsa-ö_1"]


def insert_journeys(connection: Any, unit_id: int, codes: list[str], **columns: list[Any]) -> None:
    """Journeys of the unit under `codes`, referred on 2026-01-12 unless `columns` says otherwise."""
    stamp = stored_value(connection, JOURNEYS.c.updated_at, utcnow())
    rows = {"unit_id": [unit_id] * len(codes), "code": codes, "referral_date": ["2026-01-12"] * len(codes)}
    insert_rows(connection, JOURNEYS, rows | columns | {"updated_at": [stamp] * len(codes)})


def test_rows_go_in_as_stored_and_text_comes_back_as_written(session: Any) -> None:
    unit = factories.unit()
    connection = session.connection()
    insert_journeys(connection, unit.id, AWKWARD, exit_date=[None, None, "2026-03-01", None, None, None])
    journeys = {j.code: j for j in session.scalars(select(Journey).where(Journey.unit_id == unit.id))}
    assert sorted(journeys) == sorted(AWKWARD)
    assert journeys["new\nline"].exit_date == date(2026, 3, 1) and journeys["tab\there"].exit_date is None
    assert journeys["\\N"].referral_date == date(2026, 1, 12)

    ids = [journeys[code].id for code in AWKWARD[:2]]
    insert_rows(
        connection,
        JOB_SPELLS,
        {
            "journey_id": ids,
            "start_date": ["2026-02-01", "2026-02-02"],
            "end_date": [None, "2026-05-31"],
            "competitive": [True, False],
            "hours_per_week": [12.5, None],
        },
    )
    jobs = session.execute(
        select(JobSpell.journey_id, JobSpell.end_date, JobSpell.competitive, JobSpell.hours_per_week)
        .where(JobSpell.journey_id.in_(ids))
        .order_by(JobSpell.start_date)
    ).all()
    assert [tuple(job) for job in jobs] == [(ids[0], None, True, 12.5), (ids[1], date(2026, 5, 31), False, None)]


def test_missing_values_are_null_an_empty_text_stays_empty_and_booleans_are_booleans(session: Any) -> None:
    unit = factories.unit()
    connection = session.connection()
    # An empty code, which the database itself does not forbid, stays empty.
    insert_journeys(connection, unit.id, ["M-1", "M-2", ""], exit_date=[None, "2026-03-01", None])
    stored = dict(session.execute(select(Journey.code, JOURNEYS.c.exit_date).where(Journey.unit_id == unit.id)).all())
    assert stored == {"M-1": None, "M-2": date(2026, 3, 1), "": None}
    ids = session.scalars(select(Journey.id).where(Journey.unit_id == unit.id).order_by(Journey.code)).all()
    insert_rows(
        connection,
        JOB_SPELLS,
        {
            "journey_id": ids,
            "start_date": ["2026-02-01"] * 3,
            "competitive": np.array([True, False, True]),
            "hours_per_week": [12.5, None, 40.0],
        },
    )
    jobs = session.execute(
        select(JOB_SPELLS.c.competitive, JOB_SPELLS.c.hours_per_week, JOB_SPELLS.c.end_date)
        .where(JOB_SPELLS.c.journey_id.in_(ids))
        .order_by(JOB_SPELLS.c.journey_id)
    ).all()
    assert sorted(tuple(job) for job in jobs) == [(False, None, None), (True, 12.5, None), (True, 40.0, None)]


def test_no_rows_is_nothing_to_do(session: Any) -> None:
    connection = session.connection()
    before = session.scalar(select(func.count()).select_from(Journey))
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    event.listen(connection, "before_cursor_execute", record)
    try:
        insert_rows(connection, JOURNEYS, {"code": []})
        insert_rows(connection, JOURNEYS, {})
    finally:
        event.remove(connection, "before_cursor_execute", record)
    assert sent == []  # not even an empty statement reaches the database
    assert session.scalar(select(func.count()).select_from(Journey)) == before


def test_delete_ids_deletes_those_rows_only(session: Any) -> None:
    unit = factories.unit()
    journeys = [Journey(unit_id=unit.id, code=f"D{n}", referral_date=date(2026, 1, n)) for n in range(1, 6)]
    db.session.add_all(journeys)
    db.session.flush()
    delete_ids(session.connection(), JOURNEYS, "id", [journeys[1].id, journeys[3].id])
    delete_ids(session.connection(), JOURNEYS, "id", [])
    left = session.scalars(select(Journey.code).where(Journey.unit_id == unit.id).order_by(Journey.code)).all()
    assert left == ["D1", "D3", "D5"]


def test_ids_given_before_writing_are_new_and_not_given_again(session: Any) -> None:
    unit = factories.unit()
    older = factories.journey(unit, date(2026, 1, 5))
    connection = session.connection()
    given = new_ids(connection, JOURNEYS, 3)
    assert len(set(given)) == 3 and min(given) > older.id
    insert_journeys(connection, unit.id, ["G-1", "G-2", "G-3"], id=given)
    later = factories.journey(unit, date(2026, 1, 6))
    assert later.id not in given and later.id not in new_ids(connection, JOURNEYS, 2)
    assert new_ids(connection, JOURNEYS, 0) == []
    # The newest journey deleted, its id is not given again (nor on SQLite, whose tables AUTOINCREMENT).
    delete_ids(connection, JOURNEYS, "id", [later.id])
    assert min(new_ids(connection, JOURNEYS, 1)) > later.id


def test_many_rows_arrive_whole_in_order_across_statements(session: Any) -> None:
    """More rows than one statement carries: every row arrives with its own values, the last few too."""
    unit = factories.unit()
    connection = session.connection()
    count = 2 * SQLITE_ROWS_PER_STATEMENT + 3
    codes = [f"R{n:04d}" for n in range(count)]
    exits = [f"2026-03-{n % 28 + 1:02d}" if n % 3 else None for n in range(count)]
    insert_journeys(connection, unit.id, codes, exit_date=exits)
    stored = dict(session.execute(select(Journey.code, Journey.exit_date).where(Journey.unit_id == unit.id)).all())
    assert stored == {code: date.fromisoformat(day) if day else None for code, day in zip(codes, exits, strict=True)}


def _sqlite_driver(connection: Any) -> Any:
    if connection.dialect.name != "sqlite":
        pytest.skip("how rows reach SQLite")
    return connection.connection.driver_connection


def test_sqlite_takes_many_rows_a_statement(session: Any) -> None:
    unit = factories.unit()
    connection = session.connection()
    driver = _sqlite_driver(connection)
    inserts: list[str] = []
    driver.set_trace_callback(lambda statement: inserts.append(statement) if statement.startswith("INSERT") else None)
    try:
        insert_journeys(connection, unit.id, [f"S{n:04d}" for n in range(2 * SQLITE_ROWS_PER_STATEMENT + 3)])
    finally:
        driver.set_trace_callback(None)
    assert len(inserts) == 3  # two full statements and one with the three rows left


def test_sqlite_with_few_parameters_a_statement_still_takes_every_row(session: Any) -> None:
    """A SQLite built to take fewer parameters a statement gets fewer rows in each, down to one."""
    unit = factories.unit()
    connection = session.connection()
    driver = _sqlite_driver(connection)
    limit = driver.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 7)  # room for one row of five columns
    try:
        insert_journeys(connection, unit.id, ["F-1", "F-2", "F-3"], exit_date=[None, "2026-03-01", None])
    finally:
        driver.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    stored = dict(session.execute(select(Journey.code, Journey.exit_date).where(Journey.unit_id == unit.id)).all())
    assert stored == {"F-1": None, "F-2": date(2026, 3, 1), "F-3": None}
