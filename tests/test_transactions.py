"""Transactions really roll back on both databases: what all-or-nothing operations and the test suite rely on."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fidelity.extensions import SQLITE_CACHE_KIB, db
from fidelity.models import Organisation


def count(connection: Any, code: str) -> int:
    return connection.scalar(select(func.count()).select_from(Organisation).where(Organisation.code == code)) or 0


def test_a_savepoint_released_inside_a_rolled_back_transaction_leaves_nothing(app: Flask) -> None:
    code = "ROLLED-BACK"
    with app.app_context():
        engine = db.engine
    try:
        with engine.connect() as connection:
            outer = connection.begin()
            with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
                session.add(Organisation(code=code, name="Rolled back"))
                session.commit()  # releases the savepoint only
            assert count(connection, code) == 1
            outer.rollback()
        with engine.connect() as connection:
            assert count(connection, code) == 0
    finally:
        with engine.begin() as connection:
            connection.execute(delete(Organisation).where(Organisation.code == code))


def test_a_review_that_counts_cannot_be_stored_without_its_total(session: Any) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    from fidelity.models import Review, ReviewKind, ReviewStatus
    from tests import factories

    unit = factories.unit()
    savepoint = session.begin_nested()
    counted = Review(unit_id=unit.id, kind=ReviewKind.SELF_ASSESSMENT, scale_id="ips-25", scale_version="1.0",
                     review_date=date(2026, 1, 1), status=ReviewStatus.SUBMITTED)  # fmt: skip
    session.add(counted)
    with pytest.raises(IntegrityError, match="counted_reviews_have_totals"):
        session.flush()
    savepoint.rollback()


def test_sqlite_connections_keep_a_larger_page_cache(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("a setting of SQLite's")
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -SQLITE_CACHE_KIB


def test_foreign_keys_are_checked_on_both_databases(session: Any) -> None:
    """A spell cannot point to a journey that is not there, nor a journey to a unit: SQLite checks too."""
    from sqlalchemy.exc import IntegrityError

    from fidelity.models import JobSpell, Journey
    from tests import factories

    unit = factories.unit()
    missing = (session.scalar(select(func.max(Journey.id))) or 0) + 1000
    for orphan in (
        JobSpell(journey_id=missing, start_date=date(2026, 1, 1)),
        Journey(unit_id=unit.id + 1000, code="NOWHERE-1", referral_date=date(2026, 1, 1)),
    ):
        savepoint = session.begin_nested()
        session.add(orphan)
        with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
            session.flush()
        savepoint.rollback()


def test_people_logging_in_at_the_same_moment_all_get_in(
    tmp_path: Any, database_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each login reads, checks a password (slow on purpose) and writes. On SQLite two such transactions that both
    read before either writes would refuse each other ('database is locked', a 503): one must wait for the other."""
    import threading

    from flask_migrate import upgrade

    from fidelity.models import User
    from tests.conftest import make_app
    from tests.test_web import csrf_token

    app = make_app(tmp_path, database_factory())
    slow = "pbkdf2:sha256:150000"  # a tenth of a second or so: the logins overlap
    people = [f"person{n}@example.org" for n in range(6)]
    with app.app_context():
        upgrade()
        for email in people:
            user = User(email=email, display_name=email, active=True)
            user.set_password("a good long password", method=slow)
            db.session.add(user)
        db.session.commit()
    clients = [app.test_client() for _ in people]
    tokens = [csrf_token(client) for client in clients]
    start, statuses = threading.Barrier(len(people)), {}

    def log_in(n: int) -> None:
        start.wait()
        response = clients[n].post(
            "/login", data={"email": people[n], "password": "a good long password", "csrf_token": tokens[n]}
        )
        statuses[people[n]] = response.status_code

    threads = [threading.Thread(target=log_in, args=(n,)) for n in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == dict.fromkeys(people, 302)
    with app.app_context():
        db.engine.dispose()
