"""What each kind of constraint costs the journey import on PostgreSQL: the import timed with the tables as deployed,
then with their constraints taken away a kind at a time, each time against pandas.read_csv of the same file.

    .venv/bin/python benchmarks/import_constraints.py --database-url postgresql://postgres@127.0.0.1:5432/test
        [--rows 100000] [--repeat 3]

It explains `import_journeys.py`'s PostgreSQL figure; it changes nothing that is kept. In a throwaway database beside
the one the URL names, each import runs in a transaction that first drops the constraints being left out (PostgreSQL
rolls back DDL like any other change) and is rolled back at the end, then the tables are vacuumed, so every import
meets the same empty tables.

Last, it times the database alone: the rows one import wrote, already in COPY's binary format (which PostgreSQL
takes faster than its text format), copied again into the tables as deployed. No import can write them faster than
that, whatever it does before; set against read_csv, it is the floor of the ratio on this machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from import_journeys import reading, unit_in_fresh_database, write_file
from sqlalchemy import Connection, text

SPELLS = ("job_spells", "education_spells")
TABLES = (*SPELLS, "journeys")  # the spells first: their keys point at the journeys
# Cumulative: each step takes away its own constraints (by pg_constraint.contype, 'u' with the plain indexes) from its
# tables, and keeps away those of the steps before it.
STEPS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("as deployed", (), ""),
    ("without the spells' foreign keys to journeys", SPELLS, "f"),
    ("without the journeys' foreign key to units too", ("journeys",), "f"),
    ("without unique constraints and indexes too", TABLES, "u"),
    ("without primary keys too: no constraint at all", TABLES, "p"),
)


DATABASE_ALONE = "the database alone: the same rows, binary COPY"


def _drops(connection: Connection, tables: tuple[str, ...], kind: str) -> list[str]:
    """The DDL that takes away the constraints of one kind from `tables`."""
    statements = []
    for table in tables:
        constraints = connection.execute(
            text("SELECT conname FROM pg_constraint WHERE conrelid = CAST(:table AS regclass) AND contype = :kind"),
            {"table": table, "kind": kind},
        ).scalars()
        statements += [f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"' for name in constraints]
        if kind == "u":  # and the indexes that back no constraint
            indexes = connection.execute(
                text(
                    "SELECT CAST(indexrelid AS regclass)::text FROM pg_index WHERE indrelid = CAST(:table AS regclass) "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)"
                ),
                {"table": table},
            ).scalars()
            statements += [f"DROP INDEX {name}" for name in indexes]
    return statements


def _roll_back() -> None:
    """Roll the session's transaction back and vacuum away the rows it wrote, which would otherwise slow the next."""
    from fidelity.extensions import db

    db.session.rollback()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM " + ", ".join(f'"{table}"' for table in TABLES))


def _copied_out(connection: Connection) -> dict[str, bytes]:
    """The rows of each table in COPY's binary format, journeys first (the spells' keys point at them)."""
    driver_connection: Any = connection.connection.driver_connection
    texts = {}
    with driver_connection.cursor() as cursor:
        for table in reversed(TABLES):
            with cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
                texts[table] = b"".join(bytes(chunk) for chunk in copy)
    return texts


def _copy_in(connection: Connection, texts: dict[str, bytes]) -> float:
    """Seconds the database takes to copy `texts` into their tables."""
    driver_connection: Any = connection.connection.driver_connection
    start = time.perf_counter()
    with driver_connection.cursor() as cursor:
        for table, data in texts.items():
            with cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                copy.write(data)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a postgresql:// URL")
    parser.add_argument("--rows", type=int, default=100_000, help="journeys in the file (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="times each step is run; the best time counts")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("this benchmark measures PostgreSQL's constraints: give a postgresql:// URL")

    from fidelity.extensions import db
    from fidelity.monitoring.imports import import_journeys

    with tempfile.TemporaryDirectory(prefix="fidelity-bench-") as tmp:
        folder = Path(tmp)
        os.environ["FIDELITY_INSTANCE_PATH"] = str(folder / "instance")
        path = folder / "journeys.csv"
        write_file(path, args.rows, args.seed)
        data = path.read_bytes()
        print(f"{args.rows:,} journeys, {len(data) / 1e6:.1f} MB of CSV; PostgreSQL; best of {args.repeat}")
        with unit_in_fresh_database(args.database_url, folder) as unit:
            rows = []
            for step, (label, _tables, _kind) in enumerate(STEPS):
                imports, reads = [], []
                for _ in range(args.repeat):
                    reads.append(reading(path))
                    connection = db.session.connection()
                    for _label, tables, kind in STEPS[1 : step + 1]:
                        for statement in _drops(connection, tables, kind):
                            connection.exec_driver_sql(statement)
                    start = time.perf_counter()
                    import_journeys(unit, data, path.name, date.today())
                    imports.append(time.perf_counter() - start)
                    _roll_back()
                rows.append((label, min(imports), min(reads)))
            import_journeys(unit, data, path.name, date.today())
            texts = _copied_out(db.session.connection())
            _roll_back()
            copies, reads = [], []
            for _ in range(args.repeat):
                reads.append(reading(path))
                copies.append(_copy_in(db.session.connection(), texts))
                _roll_back()
            rows.append((DATABASE_ALONE, min(copies), min(reads)))
    print(f"{'tables':56} {'import':>8} {'read_csv':>9} {'ratio':>6}")
    for label, seconds, read_seconds in rows:
        print(f"{label:56} {seconds:7.2f}s {read_seconds:8.2f}s {seconds / read_seconds:5.1f}x")
    print("(the import here is read, check and write, without the commit; the last line is COPY alone)")


if __name__ == "__main__":
    main()
