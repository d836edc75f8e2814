"""`fidelity restore FILE`: a backup loaded into an empty database at the same schema revision, all or nothing.

Everything that can be checked is checked before anything is written: the manifest and its format version, that
the backup holds exactly the tables and columns of this version's models, each table file's SHA-256 and row count,
that the database is at the backup's schema revision, and that every table is empty. A database with no tables at
all gets its schema first, by the migrations up to the backup's revision (which must then be this version's).

The rows go in with Core bulk inserts (BATCH rows per executemany, parents before children, each table in
primary-key order), never through the ORM: the audit listener writes nothing per row, and the audit log itself is
restored as it was. Everything happens in one transaction, so any problem rolls it all back. PostgreSQL's id
sequences are then moved past the restored ids, and one audit entry records the restore, after the restored rows.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import Connection, Table, exists, func, insert, inspect, select
from sqlalchemy.exc import DBAPIError

from fidelity.audit import summary_entry
from fidelity.backup.manifest import MANIFEST_NAME, Manifest, ManifestProblem, TableEntry, parse_manifest
from fidelity.backup.schema import BackupRefused, code_revision, database_revision
from fidelity.backup.values import ValueProblem, row_decoder, stored_table
from fidelity.extensions import db
from fidelity.models import AuditEntry

BATCH = 2000  # rows per executemany
CHUNK = 1 << 20  # bytes read at a time while hashing


@dataclass(frozen=True)
class RestoreSummary:
    manifest: Manifest
    created_schema: bool  # the database had no tables, and the migrations made them


def restore_backup(path: Path) -> RestoreSummary:
    """Restore the backup at `path` into the app's database. Raises BackupRefused, leaving the database's rows as
    they were, when the file or the database is not fit for it."""
    with open_archive(path) as archive:
        manifest = checked_manifest(path, archive)
        has_schema = _has_tables()
        if has_schema:
            with db.engine.connect() as connection:  # before the files are read, which takes a while
                _check_database(path, connection, manifest)
        else:
            _check_schema_can_be_made(path, manifest)
        for entry in manifest.tables:
            _check_file(path, archive, entry)
        if not has_schema:
            upgrade(revision=manifest.schema_revision)
        with db.engine.begin() as connection:
            _check_database(path, connection, manifest)  # again, in the transaction that writes
            for table in db.metadata.sorted_tables:
                load_table(path, archive, connection, _entry(manifest, table), table)
            _reset_sequences(connection, manifest)
            connection.execute(insert(AuditEntry).values(_restore_entry(path, manifest)))
    return RestoreSummary(manifest, created_schema=not has_schema)


def _restore_entry(path: Path, manifest: Manifest) -> dict[str, Any]:
    """The audit entry of the restore: which file, exported when, at which revision, how many rows."""
    facts = {
        "file": path.name,
        "exported_at": manifest.exported_at.isoformat(),
        "schema_revision": manifest.schema_revision,
        "rows": manifest.rows,
    }
    return summary_entry("restore", "database", "", facts)


@contextmanager
def open_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupRefused(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BackupRefused(f"{path}: is a folder, not a file") from None
    except zipfile.BadZipFile:
        raise BackupRefused(f"{path}: not a backup file (not a zip archive)") from None
    except OSError as error:
        raise BackupRefused(f"{path}: cannot read the file ({error.strerror})") from None
    with archive:
        yield archive


def checked_manifest(path: Path, archive: zipfile.ZipFile) -> Manifest:
    """The backup's manifest, once it has been read and found to hold the tables and columns of this version."""
    try:
        manifest = parse_manifest(archive.read(MANIFEST_NAME))
    except KeyError:
        raise BackupRefused(f"{path}: not a fidelity backup (no {MANIFEST_NAME})") from None
    except ManifestProblem as problem:
        raise BackupRefused(f"{path}: {problem}") from None
    except (zipfile.BadZipFile, zlib.error):
        raise BackupRefused(f"{path}: {MANIFEST_NAME} is damaged") from None
    named = {entry.name for entry in manifest.tables}
    if len(named) != len(manifest.tables):
        raise BackupRefused(f"{path}: {MANIFEST_NAME} names a table twice")
    for table in db.metadata.sorted_tables:
        if table.name not in named:
            raise BackupRefused(f"{path}: the backup has no table {table.name}")
    for entry in manifest.tables:
        known = db.metadata.tables.get(entry.name)
        if known is None:
            raise BackupRefused(f"{path}: the backup's table {entry.name} is not one of this version's tables")
        columns = tuple(column.name for column in known.columns)
        if entry.columns != columns:
            raise BackupRefused(
                f"{path}: table {entry.name}: the backup has the columns {', '.join(entry.columns)}, "
                f"the table {', '.join(columns)}"
            )
    return manifest


def _check_file(path: Path, archive: zipfile.ZipFile, entry: TableEntry) -> None:
    """The table file is there, whole, and holds the rows the manifest says."""
    where = f"{path}: {entry.file} (table {entry.name})"
    digest = hashlib.sha256()
    rows = 0
    try:
        with archive.open(entry.file) as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                rows += chunk.count(b"\n")
    except KeyError:
        raise BackupRefused(f"{where}: the file is missing") from None
    except (zipfile.BadZipFile, zlib.error):
        raise BackupRefused(f"{where}: the file is damaged") from None
    if digest.hexdigest() != entry.sha256:
        raise BackupRefused(f"{where}: its SHA-256 differs from the manifest's; the file is damaged or was changed")
    if rows != entry.rows:
        raise BackupRefused(f"{where}: {rows} rows, the manifest says {entry.rows}")


def _entry(manifest: Manifest, table: Table) -> TableEntry:
    return next(entry for entry in manifest.tables if entry.name == table.name)


def _has_tables() -> bool:
    with db.engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


def _check_schema_can_be_made(path: Path, manifest: Manifest) -> None:
    """A database without tables gets its schema from the migrations, which make this version's revision."""
    expected = code_revision()
    if manifest.schema_revision != expected:
        raise BackupRefused(
            f"{path}: the backup is at schema revision {manifest.schema_revision}, while this version of fidelity "
            f"makes databases at {expected}; restore it with the version that made it"
        )


def _check_database(path: Path, connection: Connection, manifest: Manifest) -> None:
    revision = database_revision(connection)
    if revision is None:
        raise BackupRefused(
            "The database has tables but no schema revision: restore into an empty database, or one made by "
            "`fidelity db upgrade`."
        )
    if revision != manifest.schema_revision:
        raise BackupRefused(
            f"{path}: the backup is at schema revision {manifest.schema_revision}, the database at {revision}; "
            "restore into a database at the backup's revision"
        )
    expected = code_revision()
    if revision != expected:
        raise BackupRefused(
            f"{path}: the backup and the database are at schema revision {revision}, this version of fidelity at "
            f"{expected}; restore with the version that made the backup, then run `fidelity db upgrade`"
        )
    for table in db.metadata.sorted_tables:
        if connection.scalar(select(exists().select_from(table))):
            raise BackupRefused(f"The database is not empty: table {table.name} has rows. Restore into an empty one.")


def load_table(path: Path, archive: zipfile.ZipFile, connection: Connection, entry: TableEntry, table: Table) -> None:
    """Insert the rows of one table file, BATCH at a time."""
    stored = stored_table(table)
    decode = row_decoder(stored)
    batch: list[dict[str, Any]] = []
    first = 1
    with archive.open(entry.file) as stream:
        for number, line in enumerate(stream, start=1):
            try:
                batch.append(decode(json.loads(line)))
            except ValueProblem as problem:
                raise BackupRefused(f"{path}: {entry.file} (table {table.name}), line {number}: {problem}") from None
            except ValueError:  # not JSON, or not UTF-8
                raise BackupRefused(f"{path}: {entry.file} (table {table.name}), line {number}: not JSON") from None
            if len(batch) == BATCH:
                _insert_refused_as_input(path, entry, connection, stored, batch, first)
                batch, first = [], number + 1
    _insert_refused_as_input(path, entry, connection, stored, batch, first)


def _insert_refused_as_input(
    path: Path, entry: TableEntry, connection: Connection, table: Table, rows: list[dict[str, Any]], first: int
) -> None:
    if not rows:
        return
    try:
        insert_rows(connection, table, rows)
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
        raise BackupRefused(
            f"{path}: {entry.file} (table {table.name}), lines {first}-{first + len(rows) - 1}: "
            f"the database refused a row: {reason}"
        ) from None


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany of a Core INSERT."""
    connection.execute(insert(table), rows)


def _reset_sequences(connection: Connection, manifest: Manifest) -> None:
    """Make each table's id counter go on after the largest id it had given when the backup was made (the largest
    restored id, for a backup that does not say), so that no id is given twice: not even a deleted row's, which old
    links and the audit trail may still name."""
    for table in db.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        largest = connection.scalar(select(func.coalesce(func.max(column), 0))) or 0
        last = max(largest, _entry(manifest, table).last_id or 0)
        if connection.dialect.name == "postgresql":
            sequence = func.pg_get_serial_sequence(table.name, column.name)
            connection.execute(select(func.setval(sequence, last + 1, False)))
        elif last:  # SQLite: the tables AUTOINCREMENT, after the largest id in sqlite_sequence
            connection.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table.name,))
            connection.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table.name, last))
