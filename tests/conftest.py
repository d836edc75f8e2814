"""Fixtures: one app per run on a fresh database built by the migrations; each test rolls back.

FIDELITY_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test runs the suite on PostgreSQL: every fresh
database is then a new PostgreSQL database created beside that one and dropped afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from fidelity import create_app
from fidelity.extensions import db
from fidelity.throwaway import fresh_database as throwaway_database

TEST_DATABASE_URL = os.environ.get("FIDELITY_TEST_DATABASE_URL", "")
# scrypt costs a fifth of a second per hash; the suite makes hundreds of users and logins.
FAST_PASSWORD_HASH = "pbkdf2:sha256:1000"
# An area's PDF is made before the request returns: a thread would share the test's database connection.
TEST_SETTINGS = {"PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH, "REPORT_JOBS_IN_BACKGROUND": False}

# A developer's own settings must not leak into the suite.
for _name in [n for n in os.environ if n.startswith("FIDELITY_") and n != "FIDELITY_TEST_DATABASE_URL"]:
    del os.environ[_name]


def fresh_database(tmp_path: Path) -> AbstractContextManager[str]:
    """The URL of a new, empty database of the kind the suite runs on."""
    return throwaway_database(TEST_DATABASE_URL or None, tmp_path, prefix="fidelity_test")


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], str]]:
    """Call it for another fresh database; all are dropped at the end of the run."""
    stack: list[Any] = []

    def make() -> str:
        manager = fresh_database(tmp_path_factory.mktemp("db"))
        stack.append(manager)
        return manager.__enter__()

    yield make
    for manager in reversed(stack):
        manager.__exit__(None, None, None)


def make_app(instance: Path, database_url: str, **overrides: Any) -> Flask:
    os.environ["FIDELITY_INSTANCE_PATH"] = str(instance)
    try:
        return create_app({"TESTING": True, "DATABASE_URL": database_url, **TEST_SETTINGS, **overrides})
    finally:
        del os.environ["FIDELITY_INSTANCE_PATH"]


@contextmanager
def migrated_app(instance: Path, database_url: str) -> Iterator[Flask]:
    """An app on `database_url`, its schema made by the migrations, its connections closed at the end. No app context
    stays pushed: each request must get its own, or `g` would leak between requests."""
    app = make_app(instance, database_url)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory, database_factory: Callable[[], str]) -> Iterator[Flask]:
    with migrated_app(tmp_path_factory.mktemp("instance"), database_factory()) as app:
        yield app


@pytest.fixture
def session(app: Flask) -> Iterator[Any]:
    """db.session inside a transaction that is rolled back after the test, whatever it committed."""
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    original = db.session
    db.session = scoped_session(
        # Objects a test built stay readable after the requests it makes close their session.
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    )
    try:
        yield db.session
    finally:
        db.session.remove()
        db.session = original
        transaction.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask, session: Any) -> Any:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def registry(app: Flask) -> Any:
    from fidelity import SCALES_KEY

    return app.extensions[SCALES_KEY]
