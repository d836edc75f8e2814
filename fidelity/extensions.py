"""Flask extensions, created unbound and initialised in create_app()."""

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from flask import current_app, has_request_context, request
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# Models subclass `Model`: db.Model at run time, which type checkers cannot see through, so they see Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


SQLITE_CACHE_KIB = 64 * 1024
SQLITE_BUSY_MS = 15_000
# Requests that only read: a page, a download.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# An execution option of a connection that only reads, outside a request (a command's check of the schema): on SQLite
# it begins without the write lock, so that it does not wait for a writer.
READ_ONLY = "fidelity_read_only"


def _may_write() -> bool:
    """Whether the transaction beginning may write: it belongs to a form, a button or an API call that changes
    something, or to a command or a background job. Such a transaction takes SQLite's write lock at BEGIN
    (IMMEDIATE), waiting for another writer to finish: one that read first and wrote later (a login reads, checks the
    password, then records it) could otherwise meet another doing the same, and SQLite refuses one of them at once
    ('database is locked') instead of letting it wait. So does a page marked `writes_when_read` (its kept figures
    counted again, its export audited). Pages that only read go on side by side."""
    if not has_request_context() or request.method not in READING_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, WRITES_WHEN_READ, False))


WRITES_WHEN_READ = "writes_when_read"
View = TypeVar("View", bound=Callable[..., Any])


def writes_when_read(view: View) -> View:
    """Mark a page (a GET) that may write: one that counts a unit's kept figures again, or audits an export. On SQLite
    its transaction then takes the write lock when it begins, waiting its turn behind another writer, rather than
    being refused at once when it comes to write after reading."""
    setattr(view, WRITES_WHEN_READ, True)
    return view


def _private_file(database: str | None) -> None:
    """Create the SQLite database's file, when it does not exist yet, readable and writable by its owner alone: it
    holds people's journeys, and SQLite would create it as the process's umask allows (readable by every account on
    the server). Its journal files take the same permissions from it."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():  # a folder that is not there: SQLite says so, as it would
        return
    with contextlib.suppress(FileExistsError):  # another process made it a moment ago
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def sqlite_real_transactions(engine: Engine) -> None:
    """Make SQLite transactions what the code expects: BEGIN when SQLAlchemy begins, SAVEPOINTs that nest.

    Python's sqlite3 module otherwise starts transactions on its own and commits before DDL, so a rolled-back
    savepoint (an import that fails halfway, a test's rollback) could leave rows behind. This is SQLAlchemy's
    documented recipe for the pysqlite driver. Each connection also checks foreign keys, as PostgreSQL always does
    (migrations turn that off while they copy tables: see migrations/env.py), and gets a larger page cache.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "do_connect")
    def _private(_dialect: Any, _record: Any, _args: Any, _params: Any) -> None:
        _private_file(engine.url.database)  # before SQLite makes the file, on the first connection

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        # Up to 64 MB of pages held in memory per connection (SQLite's default is 2 MB): an import of a hundred
        # thousand journeys is then written out once, at commit, rather than spilled to the file as it goes.
        dbapi_connection.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        # SQLite checks foreign keys only when asked, connection by connection; PostgreSQL always does.
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        # A writer waits this long for another to finish before giving up with 'database is locked'.
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        reading = connection.get_execution_options().get(READ_ONLY, False)  # said by a connection that only reads
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() and not reading else "BEGIN")
