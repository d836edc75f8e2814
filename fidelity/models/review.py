"""Fidelity reviews and the ratings raters give to each item."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fidelity.extensions import Model
from fidelity.models.organisation import Unit
from fidelity.models.types import Audited, enum_column, timestamp_column, utcnow
from fidelity.models.user import User


class ReviewKind(enum.StrEnum):
    SELF_ASSESSMENT = "self_assessment"
    EXTERNAL = "external"


class ReviewStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    FINAL = "final"


class Review(Audited, Model):
    """One scoring of one unit on one version of one scale."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[ReviewKind] = enum_column(ReviewKind)
    scale_id: Mapped[str] = mapped_column(String(64))
    scale_version: Mapped[str] = mapped_column(String(32))
    review_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[ReviewStatus] = enum_column(ReviewStatus, default=ReviewStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = timestamp_column()
    updated_at: Mapped[datetime] = timestamp_column(onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship()
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="Rating.id"
    )

    def scores_by(self, rater_id: int) -> dict[str, int]:
        """The item scores one rater has given so far."""
        return {r.item_key: r.score for r in self.ratings if r.rater_id == rater_id and r.score is not None}


class Rating(Audited, Model):
    """One rater's score for one item of a review, with the evidence behind it."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("review_id", "rater_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None] = mapped_column()
    evidence: Mapped[str] = mapped_column(Text, default="")
    # Data-source codes of the scale (MIS, DOC, INT, OBS) the evidence comes from.
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = timestamp_column(onupdate=utcnow)

    review: Mapped[Review] = relationship(back_populates="ratings")
    rater: Mapped[User] = relationship()
