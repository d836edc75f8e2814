"""A fresh, empty database that is dropped afterwards: for the test suite and the benchmarks."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from fidelity.config import normalise_database_url


@contextlib.contextmanager
def fresh_database(url: str | None, folder: Path, prefix: str = "fidelity_tmp") -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file in `folder` when `url` is empty or SQLite, else a PostgreSQL
    database created beside the one `url` names and dropped (forcibly) on the way out."""
    if not url or url.startswith("sqlite"):
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    import psycopg

    base = make_url(normalise_database_url(url))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
