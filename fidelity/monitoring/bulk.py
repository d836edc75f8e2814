"""Writing and deleting many rows at once, inside the caller's transaction.

An import writes tens of thousands of rows. Building an ORM object per row, or even letting SQLAlchemy process each
parameter of an executemany, costs more than the database's own work, so rows come in already as the values the
column stores (dates as 'YYYY-MM-DD', booleans, numbers, None) and go straight to the driver: PostgreSQL takes them
through COPY, SQLite through Core INSERTs of many rows each, run by the driver alone. Bulk statements bypass the
ORM, and with it the per-row audit listener: the caller writes one audit entry for the whole operation.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Integer,
    LargeBinary,
    Select,
    Table,
    and_,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import InstrumentedAttribute

from fidelity.audit import ROW_ACTIONS
from fidelity.models import AuditEntry, EducationSpell, JobSpell, Journey

# The tables the journey import and the purge write and delete in bulk.
JOURNEYS = cast(Table, Journey.__table__)
JOB_SPELLS = cast(Table, JobSpell.__table__)
EDUCATION_SPELLS = cast(Table, EducationSpell.__table__)
# The audit log's kinds of entry about a journey and what it holds: one for each change a person made.
JOURNEY_ENTITIES = (JOURNEYS.name, JOB_SPELLS.name, EDUCATION_SPELLS.name)


def insert_rows(connection: Connection, table: Table, columns: Mapping[str, Collection[Any]]) -> None:
    """Insert one row per position of the equally long value arrays in `columns` (column name -> values)."""
    if not columns or not len(next(iter(columns.values()))):
        return
    if connection.dialect.name == "postgresql":
        _copy(connection, table, columns)
    else:
        _insert_sqlite(connection, table, columns)


# Rows one SQLite INSERT carries at most. A statement with many rows in its VALUES costs the driver and SQLite far
# less per row than an execution per row: an import wrote its journeys and spells in two thirds of the time.
SQLITE_ROWS_PER_STATEMENT = 200


def _insert_sqlite(connection: Connection, table: Table, columns: Mapping[str, Collection[Any]]) -> None:
    values = {name: _sqlite_values(table.c[name], array) for name, array in columns.items()}
    parameters = {name: parameter for name, (parameter, _) in values.items()}
    count = len(next(iter(values.values()))[1])
    driver_connection: Any = connection.connection.driver_connection
    variables = driver_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = max(1, min(SQLITE_ROWS_PER_STATEMENT, variables // len(values), count))
    statement, order = _sqlite_insert(connection, table, parameters, per_statement)
    grid = np.empty((count, len(order)), dtype=object)  # row after row, as the statement takes its parameters
    for position, name in enumerate(order):
        grid[:, position] = values[name][1]
    flat = grid.ravel().tolist()
    width = per_statement * len(order)
    whole = count // per_statement * width  # the parameters of the statements that are full
    for start in range(0, whole, width):
        driver_connection.execute(statement, flat[start : start + width])
    if whole < len(flat):
        rest, _ = _sqlite_insert(connection, table, parameters, count % per_statement)
        driver_connection.execute(rest, flat[whole:])


def _sqlite_insert(
    connection: Connection, table: Table, parameters: Mapping[str, ColumnElement[Any]], rows: int
) -> tuple[str, list[str]]:
    """An INSERT of `rows` rows, each given its values by `parameters` (column name -> what it is given), and the
    order of the columns in each row's parameters. One row is compiled, and its VALUES repeated."""
    compiled = insert(table).values(dict(parameters)).compile(dialect=connection.dialect)
    order = list(compiled.positiontup or ())
    one_row = str(tuple_(*(parameters[name] for name in order)).compile(dialect=connection.dialect))
    statement = str(compiled)
    if sorted(order) != sorted(parameters) or not statement.endswith(f" VALUES {one_row}"):
        raise RuntimeError(f"unexpected INSERT: {statement}")
    return statement + f", {one_row}" * (rows - 1), order


# Python's sqlite3 module binds a value that is not exactly an int, float, str or bytearray (None, a bool) through its
# adaptation protocol, several times slower than text; with a few missing values a row, that was a fifth of the time
# an import spent writing. So a missing value travels as an empty bytearray, which NULLIF turns back into NULL (a
# column that is not binary never holds one), and a boolean as 0 or 1, which is how SQLite stores it.
_MISSING = np.empty(1, dtype=object)
_MISSING[0] = bytearray()  # in an array, so that numpy puts the bytearray itself in each missing place


def _sqlite_values(column: Column[Any], values: Collection[Any]) -> tuple[ColumnElement[Any], np.ndarray]:
    """What `column` is given (its parameter, through NULLIF when values are missing) and the values, as the sqlite3
    module binds them fastest."""
    parameter: ColumnElement[Any] = bindparam(column.name)
    array = np.array(values, dtype=object)  # a copy: the caller's values stay as they are
    missing = pd.isna(array)
    if isinstance(column.type, Boolean):
        array[~missing] = array[~missing].astype(bool).astype(int)
    if not missing.any() or isinstance(column.type, LargeBinary):
        array[missing] = None
        return parameter, array
    array[missing] = _MISSING
    return func.nullif(parameter, literal_column("x''")), array


def _lists(arrays: Iterable[Collection[Any]]) -> list[list[Any]]:
    """Value arrays as lists, whose items Python reads faster than a numpy array's."""
    return [values.tolist() if isinstance(values, np.ndarray) else list(values) for values in arrays]


def _copy(connection: Connection, table: Table, columns: Mapping[str, Collection[Any]]) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(table.name), columns=sql.SQL(", ").join(sql.Identifier(name) for name in columns)
    )
    arrays = _lists(columns.values())
    driver_connection: Any = connection.connection.driver_connection
    with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in zip(*arrays, strict=True):  # psycopg formats each row in C and streams it as it goes
            copy.write_row(row)


def pairs(connection: Connection, statement: Select[Any, Any]) -> dict[Any, Any]:
    """The rows of a two-column `statement` as a dict of first column -> second, fetched by the driver alone.

    For tens of thousands of rows, SQLAlchemy's result rows cost more than the query; the values need no processing.
    """
    compiled = statement.compile(dialect=connection.dialect)
    names = compiled.positiontup
    parameters = [compiled.params[name] for name in names] if names is not None else compiled.params
    driver_connection: Any = connection.connection.driver_connection
    cursor = driver_connection.cursor()
    try:
        cursor.execute(str(compiled), parameters)
        return dict(cursor.fetchall())
    finally:
        cursor.close()


def new_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """`count` ids for rows about to be added to `table`, whose primary key is an integer `id`.

    Taken before the rows are written, so that the rows that point to them can be written too without asking the
    database which id each new row got. PostgreSQL takes them from the column's sequence. SQLite would give each new
    row the id above the largest ever given (its tables AUTOINCREMENT); the caller's transaction, which has read that
    largest id, keeps another writer from adding rows before this one commits.
    """
    if count <= 0:
        return []
    driver_connection: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        cursor = driver_connection.cursor()
        try:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')::regclass::oid", (table.name,))
            sequence = cursor.fetchone()[0]  # looked up once, rather than for each id
            cursor.execute("SELECT nextval(%s::oid::regclass) FROM generate_series(1, %s)", (sequence, count))
            return [row[0] for row in cursor.fetchall()]
        finally:
            cursor.close()
    largest = connection.scalar(select(func.max(table.c.id))) or 0
    if connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first():
        # The table AUTOINCREMENTs: no id given before is given again, even one whose row has been deleted.
        given = connection.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)).scalar()
        largest = max(largest, given or 0)
    return list(range(largest + 1, largest + 1 + count))


def stored_value(connection: Connection, column: Column[Any], value: Any) -> Any:
    """`value` as the driver takes it for `column`, processed as SQLAlchemy would (a time as text on SQLite)."""
    process = column.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    return process(value) if process else value


def delete_ids(connection: Connection, table: Table, column: str, ids: Sequence[int]) -> None:
    """Delete the rows whose `column` is one of `ids`, in one statement with the ids as one parameter."""
    if ids:
        connection.execute(delete(table).where(one_of(connection.dialect.name, table.c[column], ids)))


# An integer column, or one that may be NULL (an audit entry's journey).
IdColumn = (
    ColumnElement[int] | ColumnElement[int | None] | InstrumentedAttribute[int] | InstrumentedAttribute[int | None]
)


def one_of(dialect: str, column: IdColumn, ids: Collection[int]) -> ColumnElement[bool]:
    """`column` is one of `ids`, with the ids as one parameter: thousands of parameters cost more than the query."""
    if dialect == "postgresql":
        return column == any_(bindparam("ids", list(ids), type_=postgresql.ARRAY(Integer), unique=True))
    # SQLite reads the ids from one JSON array.
    listed: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(bindparam("ids", json.dumps(list(ids)), unique=True))
    )
    return column.in_(listed)


def about_journeys(dialect: str, journey_ids: Collection[int], unit_ids: Collection[int]) -> ColumnElement[bool]:
    """The audit entries that hold a row's values about the journeys `journey_ids` of the units `unit_ids`, or about
    their jobs and courses: found by the journey each names (`AuditEntry.journey_id`). The unit is tested on the
    entries found, not looked up (`unit_id + 0` is no column), so that SQLite, which keeps no statistics unless told
    to, never reads a unit's whole trail by its index instead of the journey's."""
    ids = list(journey_ids)
    journeys = AuditEntry.journey_id == ids[0] if len(ids) == 1 else one_of(dialect, AuditEntry.journey_id, ids)
    return and_(
        journeys,
        (AuditEntry.unit_id + 0).in_(list(unit_ids)),
        AuditEntry.entity.in_(JOURNEY_ENTITIES),
        AuditEntry.action.in_(ROW_ACTIONS),
    )
