"""Organisations, the areas second-tier managers answer for, and the units that deliver IPS and SEd."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fidelity.extensions import Model
from fidelity.models.types import Audited, enum_column


class HostType(enum.StrEnum):
    """The kind of organisation a unit is run by."""

    MUNICIPAL_SOCIAL_SERVICES = "municipal_social_services"
    PSYCHIATRIC_CARE = "psychiatric_care"
    EMPLOYMENT_SERVICE = "employment_service"
    OTHER = "other"


class Organisation(Audited, Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    areas: Mapped[list[Area]] = relationship(back_populates="organisation", order_by="Area.name")


class Area(Audited, Model):
    """The level a second-tier manager is responsible for."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="areas")
    units: Mapped[list[Unit]] = relationship(back_populates="area", order_by="Unit.name")


class Unit(Audited, Model):
    """One IPS and/or SEd unit: the thing whose fidelity is reviewed."""

    __tablename__ = "units"
    __table_args__ = (CheckConstraint("offers_ips OR offers_sed", name="offers_a_service"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    host_type: Mapped[HostType] = enum_column(HostType)
    offers_ips: Mapped[bool] = mapped_column(default=True)
    offers_sed: Mapped[bool] = mapped_column(default=False)
    target_group: Mapped[str] = mapped_column(String(200), default="")
    # The day it began supporting people (None: not known, for a unit running long before it was added): its first
    # review is due as one below the good band would be (`fidelity.schedule.first_due`).
    started_on: Mapped[date | None] = mapped_column(Date)

    area: Mapped[Area] = relationship(back_populates="units")

    def audit_unit_id(self) -> int | None:
        return self.id

    @property
    def services(self) -> str:
        """'IPS', 'SEd' or 'IPS + SEd'."""
        return " + ".join(name for name, on in (("IPS", self.offers_ips), ("SEd", self.offers_sed)) if on)
