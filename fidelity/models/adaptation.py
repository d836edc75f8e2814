"""Local adaptations: where a unit departs from the model, why, since when, and which principles and items."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fidelity.extensions import Model
from fidelity.models.organisation import Unit
from fidelity.models.types import Audited, enum_column, timestamp_column, utcnow


class AdaptationReason(enum.StrEnum):
    LAW_OR_REGULATION = "law_or_regulation"
    ORGANISATIONAL_DECISION = "organisational_decision"
    FUNDING = "funding"
    STAFFING = "staffing"
    LOCAL_CONTEXT = "local_context"


class Adaptation(Audited, Model):
    """Something a unit does differently from the model, for a local reason."""

    __tablename__ = "adaptations"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[AdaptationReason] = enum_column(AdaptationReason)
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    # Principle keys (principles.yaml) and items as "scale-id:item-key" that the adaptation departs from.
    principles: Mapped[list[str]] = mapped_column(JSON, default=list)
    items: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = timestamp_column()
    updated_at: Mapped[datetime] = timestamp_column(onupdate=utcnow)

    unit: Mapped[Unit] = relationship()

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def in_force(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)
