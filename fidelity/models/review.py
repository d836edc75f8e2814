"""Fidelity reviews and the ratings raters give to each item."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fidelity.extensions import Model
from fidelity.models.organisation import Unit
from fidelity.models.types import Audited, enum_column, timestamp_column, utcnow
from fidelity.models.user import User


class ReviewKind(enum.StrEnum):
    SELF_ASSESSMENT = "self_assessment"
    EXTERNAL = "external"


class ReviewStatus(enum.StrEnum):
    """A self-assessment goes draft -> submitted; an external review goes draft (each reviewer rates on their own)
    -> consensus (ratings locked, consensus agreed) -> final (every reviewer signed off)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CONSENSUS = "consensus"
    FINAL = "final"


# The statuses in which a review counts: it has its total, shows in histories, reports and comparisons, and never
# changes again (a correction is a new review).
COUNTED_STATUSES = (ReviewStatus.SUBMITTED, ReviewStatus.FINAL)


class Review(Audited, Model):
    """One scoring of one unit on one version of one scale."""

    __tablename__ = "reviews"
    # A review that counts never changes, so its total is kept when it starts to count (see `count_total`); the
    # database refuses a counted review without one. Comparisons across hundreds of units read it, and find each
    # unit's latest review by walking the (unit, date) index back from the newest.
    __table_args__ = (
        CheckConstraint(
            "status NOT IN ('submitted', 'final') OR total IS NOT NULL", name="counted_reviews_have_totals"
        ),
        Index("ix_reviews_unit_id_review_date", "unit_id", "review_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[ReviewKind] = enum_column(ReviewKind)
    scale_id: Mapped[str] = mapped_column(String(64))
    scale_version: Mapped[str] = mapped_column(String(32))
    review_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[ReviewStatus] = enum_column(ReviewStatus, default=ReviewStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = timestamp_column()
    updated_at: Mapped[datetime] = timestamp_column(onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # External reviews: the days of the visit, and the review's strengths as the reviewers agreed them.
    visit_start: Mapped[date | None] = mapped_column(Date)
    visit_end: Mapped[date | None] = mapped_column(Date)
    strengths: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A correction (of a self-assessment) or an amendment (of a final external review) is a new review of the same
    # unit and scale that replaces the one it names; both stay.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"), index=True)
    # Why the correction or amendment was made, as whoever started it said (empty on other reviews).
    change_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The sum of the scores that count (`review_scores`) and how many items they cover, kept once it counts.
    total: Mapped[int | None] = mapped_column()
    scored_items: Mapped[int | None] = mapped_column()
    # Raised by every save of a draft, so that a save made from an older copy of the form is detected.
    revision: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    corrects: Mapped[Review | None] = relationship(remote_side=[id], back_populates="corrections")
    corrections: Mapped[list[Review]] = relationship(back_populates="corrects", order_by="Review.id")
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="Rating.id"
    )
    reviewers: Mapped[list[ReviewerAssignment]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewerAssignment.id"
    )
    consensus: Mapped[list[ConsensusScore]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ConsensusScore.id"
    )

    @property
    def is_draft(self) -> bool:
        return self.status is ReviewStatus.DRAFT

    def audit_unit_id(self) -> int | None:
        return self.unit_id

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

    def audit_unit_id(self) -> int | None:
        return self.review.unit_id if self.review is not None else None


class ReviewerAssignment(Audited, Model):
    """An external reviewer assigned to a review. A reviewer sees the units of the reviews assigned to them."""

    __tablename__ = "review_reviewers"
    __table_args__ = (UniqueConstraint("review_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = timestamp_column()
    # Raised by every save of this reviewer's own ratings, so a save from an older copy of the form is detected.
    revision: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    # Set when the reviewer signs off the consensus; cleared if the consensus changes afterwards.
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    review: Mapped[Review] = relationship(back_populates="reviewers")
    reviewer: Mapped[User] = relationship()

    def audit_unit_id(self) -> int | None:
        return self.review.unit_id if self.review is not None else None


class ConsensusScore(Audited, Model):
    """The score the reviewers of an external review agreed for one item, and what they wrote about it."""

    __tablename__ = "consensus_scores"
    __table_args__ = (UniqueConstraint("review_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None] = mapped_column()
    # Why the consensus differs from every reviewer's own score (required then).
    rationale: Mapped[str] = mapped_column(Text, default="")
    # What the unit could do; required for every item scored below 4.
    recommendation: Mapped[str] = mapped_column(Text, default="")
    # Said openly when this review corrects the score an earlier review gave the item.
    correction_note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = timestamp_column(onupdate=utcnow)

    review: Mapped[Review] = relationship(back_populates="consensus")

    def audit_unit_id(self) -> int | None:
        return self.review.unit_id if self.review is not None else None


class NewestReview(Model):
    """Kept: each unit's newest review that counts, per scale, kind and number of items scored, with its date and
    total.

    Derived from `reviews` and written only by `fidelity.reviews.newest`, in the transaction that changes a unit's
    reviews, so that a comparison of hundreds of units reads a row per unit and kind instead of walking every unit's
    reviews. A review counts when it is submitted or final and has not been replaced by a correction or amendment
    that counts; a comparison takes the rows that score every item of the scale. Not audited: the reviews it follows
    are.
    """

    __tablename__ = "newest_reviews"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    scale_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[ReviewKind] = enum_column(ReviewKind, primary_key=True)
    scored_items: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    review_date: Mapped[date] = mapped_column(Date)
    total: Mapped[int] = mapped_column()
