"""Column values as JSON and back, so that a backup means the same on SQLite and PostgreSQL.

Pure: a column's SQLAlchemy type decides how its values are written. Dates and times are ISO 8601 text (a column
declared with a time zone always in UTC with '+00:00': SQLite hands such values back without a zone, and the app only
ever stores UTC), Decimals text, binary base64, JSON columns the JSON itself. Enum columns are read and written as
the text they store (`stored_table`), unchecked: a value the app would refuse is backed up and restored as it is,
rather than stopping every backup. Reading checks each value's kind, so a damaged file is refused with the column
named rather than stored as something else.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
)
from sqlalchemy.types import TypeEngine


class ValueProblem(ValueError):
    """A stored value that does not fit its column; the message says what was expected."""


@dataclass(frozen=True)
class Codec:
    """How one kind of column is written to JSON (`encode`) and read back (`decode`); None is always null."""

    kind: str
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _checked(kind: str, *types: type) -> Callable[[Any], Any]:
    """A decoder that takes JSON values of `types` as they are (never a bool for a number)."""

    def decode(value: Any) -> Any:
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            raise ValueProblem(f"expected {kind}, found {value!r}")
        return value

    return decode


def _text_of(kind: str, parse: Callable[[str], Any]) -> Callable[[Any], Any]:
    """A decoder of values written as text, parsed by `parse`."""

    def decode(value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueProblem(f"expected {kind}, found {value!r}")
        try:
            return parse(value)
        except (ValueError, InvalidOperation, binascii.Error):
            raise ValueProblem(f"expected {kind}, found {value!r}") from None

    return decode


def _utc_text(value: datetime) -> str:
    """A moment as ISO 8601 in UTC; a value without a zone (SQLite) is UTC already."""
    return (value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _utc_moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(text)
    return value.astimezone(UTC)


def _local_moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        raise ValueError(text)
    return value


def _day(text: str) -> date:
    if len(text) != 10:  # fromisoformat also takes 20260101 and week dates
        raise ValueError(text)
    return date.fromisoformat(text)


def _base64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _decimal(text: str) -> Decimal:
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError(text)
    return value


def codec_for(type_: TypeEngine[Any]) -> Codec:
    """The codec of a column type. Raises TypeError for a type the backup does not know, so that a new kind of
    column is noticed (the tests run this over every column) rather than written wrongly."""
    if isinstance(type_, Boolean):
        return Codec("boolean", _same, _checked("true or false", bool))
    if isinstance(type_, Integer):
        return Codec("integer", _same, _checked("a whole number", int))
    if isinstance(type_, String):  # Text too, and the enums of `stored_table`
        return Codec("text", _same, _checked("text", str))
    if isinstance(type_, DateTime):
        if type_.timezone:
            return Codec("moment in UTC", _utc_text, _text_of("a date and time with its UTC offset", _utc_moment))
        return Codec("date and time", datetime.isoformat, _text_of("a date and time", _local_moment))
    if isinstance(type_, Date):
        return Codec("date", date.isoformat, _text_of("a date (YYYY-MM-DD)", _day))
    if isinstance(type_, Float):  # before Numeric: a Float is a Numeric
        return Codec("float", _same, _checked("a number", int, float))
    if isinstance(type_, Numeric):
        return Codec("decimal", str, _text_of("a decimal number as text", _decimal))
    if isinstance(type_, JSON):
        return Codec("json", _same, _same)
    if isinstance(type_, LargeBinary):
        return Codec("binary", lambda value: base64.b64encode(value).decode("ascii"), _text_of("base64", _base64))
    raise TypeError(f"the backup cannot store a column of type {type_!r}")


def stored_table(table: Table) -> Table:
    """`table` as the backup reads and writes it: each enum column as the text it stores, without the app's check."""
    return Table(
        table.name,
        MetaData(),
        *(
            Column(
                column.name,
                String(column.type.length) if isinstance(column.type, Enum) else column.type,
                key=column.key,
                primary_key=column.primary_key,
                nullable=column.nullable,
            )
            for column in table.columns
        ),
    )


def row_encoder(table: Table) -> Callable[[Sequence[Any]], list[Any]]:
    """A function from a row of `table` (its columns in order) to the JSON values written for it."""
    # Numbers, text, booleans and JSON are written as they are: only the other columns are converted.
    converted = [
        (position, codec.encode)
        for position, codec in enumerate(codec_for(column.type) for column in table.columns)
        if codec.encode is not _same
    ]

    def encode(row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for position, code in converted:
            if values[position] is not None:
                values[position] = code(values[position])
        return values

    return encode


def row_decoder(table: Table) -> Callable[[Any], dict[str, Any]]:
    """A function from the JSON values of one row to the row as `insert(table)` takes it. Raises ValueProblem naming
    the column when a value does not fit it, or when the row is not a list of one value per column."""
    columns: list[Column[Any]] = list(table.columns)
    decoders = [(column.key, codec_for(column.type).decode) for column in columns]

    def decode(values: Any) -> dict[str, Any]:
        if not isinstance(values, list) or len(values) != len(decoders):
            raise ValueProblem(f"expected a list of {len(decoders)} values, one per column")
        row = {}
        for (key, decode_value), value in zip(decoders, values, strict=True):
            try:
                row[key] = None if value is None else decode_value(value)
            except ValueProblem as problem:
                raise ValueProblem(f"column {key}: {problem}") from None
        return row

    return decode
