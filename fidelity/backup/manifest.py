"""The manifest of a backup: what made it, at which schema revision, and each table's file, rows and hash.

Pure: written as JSON by the export, read and checked by the restore before anything else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

FORMAT = "fidelity-backup"
FORMAT_VERSION = 1  # raised when the layout of the file changes; a restore reads only the versions it knows
MANIFEST_NAME = "manifest.json"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_KINDS = {str: "text", int: "a whole number", list: "a list"}


class ManifestProblem(ValueError):
    """The manifest cannot be read; the message says why."""


@dataclass(frozen=True)
class TableEntry:
    """One table's data file in the backup: a JSON list of values per line, in `columns` order."""

    name: str
    file: str
    columns: tuple[str, ...]
    rows: int
    sha256: str  # of the file's bytes as stored in the archive, before compression
    # The largest id the table's id counter had given when it was exported, deleted rows' included (None: a table
    # without one, or a backup made before it was kept). The restore gives no id up to it again.
    last_id: int | None = None


@dataclass(frozen=True)
class Manifest:
    format_version: int
    app_version: str
    schema_revision: str
    exported_at: datetime
    dialect: str
    tables: tuple[TableEntry, ...]  # parents before children

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "format_version": self.format_version,
            "app_version": self.app_version,
            "schema_revision": self.schema_revision,
            "exported_at": self.exported_at.isoformat(),
            "dialect": self.dialect,
            "tables": [
                {
                    "name": table.name,
                    "file": table.file,
                    "columns": list(table.columns),
                    "rows": table.rows,
                    "sha256": table.sha256,
                }
                | ({"last_id": table.last_id} if table.last_id is not None else {})
                for table in self.tables
            ],
        }
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def table_file(name: str) -> str:
    return f"tables/{name}.jsonl"


def parse_manifest(data: bytes) -> Manifest:
    """Read a manifest. Raises ManifestProblem when it is not one, is of an unknown format version, or lacks a field."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ManifestProblem(f"{MANIFEST_NAME} is not JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ManifestProblem(f"{MANIFEST_NAME} is not the manifest of a fidelity backup")
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise ManifestProblem(
            f"the backup's format version {version!r} is unknown to this version of fidelity, "
            f"which reads version {FORMAT_VERSION}"
        )
    exported_at = _field(document, "exported_at", str)
    try:
        moment = datetime.fromisoformat(exported_at)
    except ValueError:
        raise ManifestProblem(f"{MANIFEST_NAME}: exported_at is not a date and time: {exported_at!r}") from None
    tables = _field(document, "tables", list)
    return Manifest(
        format_version=version,
        app_version=_field(document, "app_version", str),
        schema_revision=_field(document, "schema_revision", str),
        exported_at=moment,
        dialect=_field(document, "dialect", str),
        tables=tuple(_table(entry, number) for number, entry in enumerate(tables, start=1)),
    )


def _table(entry: Any, number: int) -> TableEntry:
    if not isinstance(entry, dict):
        raise ManifestProblem(f"{MANIFEST_NAME}: table entry {number} is not an object")
    name = _field(entry, "name", str, f"table entry {number}")
    where = f"table {name}"
    columns = _field(entry, "columns", list, where)
    rows = _field(entry, "rows", int, where)
    sha256 = _field(entry, "sha256", str, where)
    if not all(isinstance(column, str) for column in columns):
        raise ManifestProblem(f"{MANIFEST_NAME}: {where}: columns must be names")
    if isinstance(rows, bool) or rows < 0:
        raise ManifestProblem(f"{MANIFEST_NAME}: {where}: rows must be a whole number of at least 0")
    if not _SHA256.fullmatch(sha256):
        raise ManifestProblem(f"{MANIFEST_NAME}: {where}: sha256 must be 64 hexadecimal digits")
    last_id = entry.get("last_id")
    if last_id is not None and (not isinstance(last_id, int) or isinstance(last_id, bool) or last_id < 0):
        raise ManifestProblem(f"{MANIFEST_NAME}: {where}: last_id must be a whole number of at least 0")
    return TableEntry(name, _field(entry, "file", str, where), tuple(columns), rows, sha256, last_id)


def _field(document: dict[str, Any], key: str, kind: type, where: str = "") -> Any:
    value = document.get(key)
    if not isinstance(value, kind):
        prefix = f"{MANIFEST_NAME}: {where}: " if where else f"{MANIFEST_NAME}: "
        raise ManifestProblem(f"{prefix}{key} is missing or not {_KINDS[kind]}")
    return value
