"""The schema revision a database is at and the one this version of fidelity expects; the refusal both sides share."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from fidelity.extensions import migrate


class BackupRefused(Exception):
    """A backup cannot be written or restored; the message names the file and what is wrong."""


def code_revision() -> str:
    """The newest migration this version of fidelity carries: the revision its models describe."""
    head = ScriptDirectory.from_config(migrate.get_config()).get_current_head()
    if head is None:  # pragma: no cover - the project always has migrations
        raise RuntimeError("no migrations")
    return head


def database_revision(connection: Connection) -> str | None:
    """The revision recorded in the database's alembic_version table; None when it has none."""
    return MigrationContext.configure(connection).get_current_revision()
