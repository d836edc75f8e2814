"""What the benchmarks share: a fresh, throwaway database on SQLite or PostgreSQL."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path


def database_name(url: str | None) -> str:
    return "PostgreSQL" if url and url.startswith("postgres") else "SQLite"


@contextlib.contextmanager
def fresh_database(url: str | None, folder: Path) -> Iterator[str]:
    """A new, empty database: a SQLite file in `folder`, or a PostgreSQL database beside the one `url` names,
    dropped afterwards."""
    if not url or url.startswith("sqlite"):
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    from fidelity.config import normalise_database_url

    base = make_url(normalise_database_url(url))
    name = f"fidelity_bench_{uuid.uuid4().hex[:10]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
