"""Column helpers shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Enum
from sqlalchemy.orm import MappedColumn, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp as an aware UTC time: SQLite gives back naive UTC times, PostgreSQL aware ones."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def enum_column(enum_class: type[enum.Enum], **kwargs: Any) -> MappedColumn[Any]:
    """A portable enum column: stored as its value in a VARCHAR, checked by Python, not by the database."""
    return mapped_column(
        Enum(
            enum_class,
            native_enum=False,
            length=40,
            values_callable=lambda members: [member.value for member in members],
            validate_strings=True,
        ),
        **kwargs,
    )


def timestamp_column(**kwargs: Any) -> MappedColumn[Any]:
    """A UTC timestamp set when the row is written."""
    return mapped_column(DateTime(timezone=True), default=utcnow, **kwargs)


class Audited:
    """Marker: every insert, update and delete of this model is written to the audit log."""

    __audit_exclude__: frozenset[str] = frozenset()
    __audit_redact__: frozenset[str] = frozenset()
    # Fields every entry about the row names, as [value, value] in a change that leaves them as they were: what the
    # row belongs to, so that the entry still says so once the row is gone (a job deleted by an import).
    __audit_context__: frozenset[str] = frozenset()

    def audit_unit_id(self) -> int | None:
        """The unit whose audit trail shows changes to this row, if any."""
        return None

    def audit_journey_id(self) -> int | None:
        """The journey this row is, or belongs to, if any: the one whose history shows changes to it."""
        return None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Load a column's old value before it is overwritten, even when it was expired by a commit, so that the
        # audit log always has both sides of a change. Columns must therefore be declared with mapped_column().
        for value in list(vars(cls).values()):
            if isinstance(value, MappedColumn):
                value.active_history = True
        super().__init_subclass__(**kwargs)
