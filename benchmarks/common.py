"""What the benchmarks share: a fresh, throwaway database on SQLite or PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from fidelity.throwaway import fresh_database as _fresh_database


def database_name(url: str | None) -> str:
    return "PostgreSQL" if url and url.startswith("postgres") else "SQLite"


@contextlib.contextmanager
def fresh_database(url: str | None, folder: Path) -> Iterator[str]:
    """A new, empty database: a SQLite file in `folder`, or a PostgreSQL database beside the one `url` names,
    dropped afterwards."""
    with _fresh_database(url, folder, prefix="fidelity_bench") as database_url:
        yield database_url
