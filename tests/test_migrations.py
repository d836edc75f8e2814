"""The migrations build exactly the models' schema, and go down and up again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from fidelity.extensions import db
from tests.conftest import make_app


def schema_differences() -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return list(compare_metadata(context, db.metadata))


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_migrations_equal_the_models_and_go_down_and_up(tmp_path: Path, database_factory: Callable[[], str]) -> None:
    app: Flask = make_app(tmp_path, database_factory())
    with app.app_context():
        upgrade()
        assert schema_differences() == []
        assert tables() == set(db.metadata.tables)
        downgrade(revision="base")
        assert tables() == set()
        upgrade()
        assert schema_differences() == []
        db.engine.dispose()
