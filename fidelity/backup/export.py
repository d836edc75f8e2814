"""`fidelity export`: the whole database in one zip file, read from one consistent snapshot.

The file holds `manifest.json` (see `manifest.py`) and `tables/NAME.jsonl` for every table of the models, parents
before children: one JSON list of the row's values per line, in primary-key order, written as `values.py` says. The
tables are read in one transaction (on PostgreSQL a read-only REPEATABLE READ snapshot; on SQLite the read
transaction keeps writers out until it ends), so a backup taken while people work is consistent, and streamed
BATCH rows at a time, so the database never has to fit in memory. The archive is written to a temporary file beside
the target and renamed when complete: a failed export leaves no file behind. Like every temporary file it is
readable by its owner only, which suits a file holding password hashes and people's journeys.

The journey files held between an import's check and its answer (`held_imports`) are left out: they are held for
half an hour, and a file uploaded may hold more than the import takes (another sheet). The table is in the backup, with
no rows, so that a restore finds every table.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, false, func, select, text

from fidelity.backup.manifest import FORMAT_VERSION, MANIFEST_NAME, Manifest, TableEntry, table_file
from fidelity.backup.schema import BackupRefused, code_revision, database_revision
from fidelity.backup.values import row_encoder, stored_table
from fidelity.extensions import db
from fidelity.models.types import utcnow

BATCH = 2000  # rows read from the database, and encoded, at a time
NOT_BACKED_UP = frozenset({"held_imports"})  # its rows: see above
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def export_backup(out: Path, *, force: bool = False) -> Manifest:
    """Write the database to the backup file `out`. Raises BackupRefused, writing nothing, when `out` exists (unless
    `force`), its folder does not, or the database is not at the schema revision of this version of fidelity."""
    if out.is_dir():
        raise BackupRefused(f"{out}: is a folder, not a file")
    if out.exists() and not force:
        raise BackupRefused(f"{out}: the file exists; give --force to replace it")
    if not out.parent.is_dir():
        raise BackupRefused(f"{out}: there is no folder {out.parent}")
    with snapshot(db.engine) as connection:
        exported_at = utcnow()
        revision = _checked_revision(connection)
        descriptor, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as raw:
                with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                    tables = tuple(
                        write_table(archive, connection, table, exported_at) for table in db.metadata.sorted_tables
                    )
                    manifest = Manifest(
                        format_version=FORMAT_VERSION,
                        app_version=version("fidelity"),
                        schema_revision=revision,
                        exported_at=exported_at,
                        dialect=connection.dialect.name,
                        tables=tables,
                    )
                    archive.writestr(_member(MANIFEST_NAME, exported_at), manifest.to_json())
                raw.flush()
                os.fsync(raw.fileno())
            if out.exists() and not force:  # made by someone else while the export ran
                raise BackupRefused(f"{out}: the file exists; give --force to replace it")
            os.replace(temporary, out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return manifest


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection inside one read transaction that sees the database as it was when the transaction began."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.begin():
            yield connection


def _checked_revision(connection: Connection) -> str:
    revision, expected = database_revision(connection), code_revision()
    if revision is None:
        raise BackupRefused("The database has no schema; there is nothing to export.")
    if revision != expected:
        raise BackupRefused(
            f"The database is at schema revision {revision}, this version of fidelity at {expected}: "
            "run `fidelity db upgrade` first, or export with the version that matches the database."
        )
    return revision


def _member(name: str, written: datetime) -> zipfile.ZipInfo:
    """An archive member dated at the export (in UTC), compressed."""
    info = zipfile.ZipInfo(name, date_time=written.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_table(archive: zipfile.ZipFile, connection: Connection, table: Table, written: datetime) -> TableEntry:
    """Stream `table` into the archive as JSON Lines, in primary-key order; return its manifest entry."""
    name = table_file(table.name)
    stored = stored_table(table)
    encode = row_encoder(stored)
    digest = hashlib.sha256()
    rows = 0
    query = select(stored).order_by(*stored.primary_key.columns).execution_options(yield_per=BATCH)
    if table.name in NOT_BACKED_UP:
        query = query.where(false())
    with archive.open(_member(name, written), "w", force_zip64=True) as member:
        for partition in connection.execute(query).partitions():
            chunk = "".join(_JSON.encode(encode(row)) + "\n" for row in partition).encode("utf-8")
            digest.update(chunk)
            member.write(chunk)
            rows += len(partition)
    columns = tuple(column.name for column in table.columns)
    return TableEntry(table.name, name, columns, rows, digest.hexdigest(), last_given_id(connection, table))


def last_given_id(connection: Connection, table: Table) -> int | None:
    """The largest id the table's id counter has given, whether or not its row is still there: PostgreSQL's
    sequence, or SQLite's `sqlite_sequence` (its tables AUTOINCREMENT). None for a table without a counter, or one
    that has given none."""
    column = table.autoincrement_column
    if column is None:
        return None
    if connection.dialect.name == "postgresql":
        sequence = connection.scalar(select(func.pg_get_serial_sequence(table.name, column.name)))
        if sequence is None:
            return None
        # The name as PostgreSQL quotes it (pg_get_serial_sequence), from the models' own table: no one's input.
        query = text(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
        last, called = connection.execute(query).one()
        return int(last) if called else int(last) - 1 or None
    if not connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first():
        return None
    given = connection.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)).scalar()
    return int(given) if given else None
