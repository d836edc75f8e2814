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
