"""Action plans: what a unit will do about a review's recommendations, who owns it, by when, and how it went."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fidelity.extensions import Model
from fidelity.models.organisation import Unit
from fidelity.models.review import Review
from fidelity.models.types import Audited, enum_column, timestamp_column, utcnow
from fidelity.models.user import User


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


# An action still to be done; only these can be overdue.
PENDING = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Action(Audited, Model):
    """One step of a unit's action plan, usually made from a review's recommendation for an item."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"), index=True)
    item_key: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[ActionStatus] = enum_column(ActionStatus, default=ActionStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = timestamp_column()
    updated_at: Mapped[datetime] = timestamp_column(onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    review: Mapped[Review | None] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    comments: Mapped[list[ActionComment]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionComment.id"
    )

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def overdue(self, today: date) -> bool:
        return self.status in PENDING and self.due_date < today


class ActionComment(Audited, Model):
    __tablename__ = "action_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = timestamp_column()

    action: Mapped[Action] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()

    def audit_unit_id(self) -> int | None:
        return self.action.unit_id if self.action is not None else None
