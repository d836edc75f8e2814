"""The schema revision a database is at and the one this version of fidelity expects; the refusal both sides share."""

from __future__ import annotations

from functools import lru_cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from fidelity.extensions import migrate


class BackupRefused(Exception):
    """A backup cannot be written or restored; the message names the file and what is wrong."""


def code_revision() -> str:
    """The newest migration this version of fidelity carries: the revision its models describe."""
    return _revisions(migrate.get_config().get_main_option("script_location") or "")[0]


@lru_cache
def _revisions(location: str) -> tuple[str, frozenset[str]]:
    """The newest revision of the migrations in `location`, and every revision there: read once per process."""
    script = ScriptDirectory(location)
    head = script.get_current_head()
    if head is None:  # pragma: no cover - the project always has migrations
        raise RuntimeError("no migrations")
    return head, frozenset(revision.revision for revision in script.walk_revisions())


def schema_state(connection: Connection) -> str:
    """Where the database's schema stands against this version of fidelity: "current"; "behind", at an older
    revision (or none), which pages and commands cannot use until `fidelity db upgrade`; or "newer", at a revision
    this version does not know, made by a newer version of fidelity."""
    found = database_revision(connection)
    head, known = _revisions(migrate.get_config().get_main_option("script_location") or "")
    if found == head:
        return "current"
    return "behind" if found is None or found in known else "newer"


def database_revision(connection: Connection) -> str | None:
    """The revision recorded in the database's alembic_version table; None when it has none."""
    return MigrationContext.configure(connection).get_current_revision()
