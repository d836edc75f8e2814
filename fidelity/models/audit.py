"""The audit log: who changed what, when, from which value to which."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fidelity.extensions import Model
from fidelity.models.types import timestamp_column


class AuditEntry(Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = timestamp_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Who acted, as shown: a user's e-mail, or 'cli' / 'demo' for commands run from the shell.
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    # The unit whose trail shows this change (a unit, its reviews, ratings and role assignments). No foreign key:
    # the log outlives what it describes.
    unit_id: Mapped[int | None] = mapped_column(index=True)
    # The journey the entry is about, or whose job or course it is about (a change to it, or the erasure of its trail):
    # what a journey's history is read by, rather than by reading its unit's whole trail. No foreign key either.
    journey_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # {field: [old, new]}; an insert has old = null, a delete has new = null.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RecordRead(Model):
    """Someone looked at people's records: a journey's page, the list of a unit's journeys or of who waits (by code),
    or an export of its journeys. What a data protection officer checks access against; it holds no record's values,
    only which journey (by id) or which list, who and when."""

    __tablename__ = "record_reads"
    __table_args__ = (Index("ix_record_reads_unit_id_at", "unit_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = timestamp_column(index=True)  # the purge deletes reads by their age, in every unit
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    # No foreign keys: the log outlives what was read (a journey deleted since, a unit closed).
    unit_id: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(String(16))  # see fidelity.monitoring.reads.READS
    journey_id: Mapped[int | None] = mapped_column(Integer, index=True)
