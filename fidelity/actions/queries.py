"""Read side of action plans: loaded in bulk, never one query per action."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import selectinload

from fidelity.extensions import db
from fidelity.models import Action, ActionComment, ConsensusScore, Review, Role, RoleAssignment, Unit, User
from fidelity.models.action import PENDING
from fidelity.scales import Item, ScaleRegistry


def action_owners(unit: Unit) -> list[User]:
    """Who may own an action of `unit`: the active users holding a role that covers it and may plan, i.e. the
    unit's frontline managers and its area's second-tier managers."""
    covering = or_(
        and_(RoleAssignment.role == Role.FRONTLINE_MANAGER, RoleAssignment.unit_id == unit.id),
        and_(RoleAssignment.role == Role.SECOND_TIER_MANAGER, RoleAssignment.area_id == unit.area_id),
    )
    owners = select(RoleAssignment.user_id).where(covering)
    return list(
        db.session.scalars(
            select(User).where(User.active, User.id.in_(owners)).order_by(User.display_name, User.id)
        ).all()
    )


def unit_actions(unit: Unit) -> list[Action]:
    """The unit's actions: those still to do by due date, then those done or dropped, latest due first."""
    pending = case((Action.status.in_(PENDING), 0), else_=1)
    return list(
        db.session.scalars(
            select(Action)
            .where(Action.unit_id == unit.id)
            .order_by(pending, case((Action.status.in_(PENDING), Action.due_date)), Action.due_date.desc(), Action.id)
            .options(selectinload(Action.owner), selectinload(Action.review))
        ).all()
    )


def overdue_actions(units: Sequence[Unit], today: date) -> list[Action]:
    """The pending actions of `units` whose due date has passed, longest overdue first."""
    if not units:
        return []
    return list(
        db.session.scalars(
            select(Action)
            .where(Action.unit_id.in_([u.id for u in units]), Action.status.in_(PENDING), Action.due_date < today)
            .order_by(Action.due_date, Action.id)
            .options(selectinload(Action.owner), selectinload(Action.unit))
        ).all()
    )


def recommendation(review: Review, item_key: str) -> str:
    """What the reviewers recommended for one item of a review; empty if they wrote nothing."""
    text = db.session.scalar(
        select(ConsensusScore.recommendation).where(
            ConsensusScore.review_id == review.id, ConsensusScore.item_key == item_key
        )
    )
    return (text or "").strip()


def action_item(action: Action, registry: ScaleRegistry) -> Item | None:
    """The scale item an action is about: on the linked review's scale, else on the latest scale that has it."""
    if action.item_key is None:
        return None
    if action.review is not None:
        scale = registry.get(action.review.scale_id, action.review.scale_version)
        return scale.item(action.item_key) if action.item_key in scale.item_keys else None
    return next((s.item(action.item_key) for s in registry.latest() if action.item_key in s.item_keys), None)


def comments(action: Action) -> list[ActionComment]:
    """An action's comments, oldest first, with their authors."""
    return list(
        db.session.scalars(
            select(ActionComment)
            .where(ActionComment.action_id == action.id)
            .order_by(ActionComment.id)
            .options(selectinload(ActionComment.author))
        ).all()
    )


def recommendation_actions(review: Review) -> dict[str, list[Action]]:
    """The actions already made from the recommendations of `review`, by item key, oldest first. An amendment repeats
    the recommendations of the review it replaces, so the actions made from any review of the chain of amendments
    `review` belongs to count as its own."""
    chain = {review.id}
    earlier = review.corrects
    while earlier is not None and earlier.id not in chain:
        chain.add(earlier.id)
        earlier = earlier.corrects
    later = list(review.corrections)
    while later:
        amendment = later.pop()
        if amendment.id not in chain:
            chain.add(amendment.id)
            later.extend(amendment.corrections)
    made: dict[str, list[Action]] = {}
    actions = db.session.scalars(
        select(Action).where(Action.review_id.in_(chain), Action.item_key.is_not(None)).order_by(Action.id)
    )
    for action in actions:
        made.setdefault(action.item_key or "", []).append(action)
    return made


def pending_on_item(unit: Unit, item_key: str, leave_out: Sequence[Action] = ()) -> tuple[Action, ...]:
    """The unit's actions still to be done (open or in progress) about the item `item_key` of any scale, oldest
    first, but those in `leave_out`: what a new action on the item might repeat."""
    left_out = {action.id for action in leave_out}
    actions = db.session.scalars(
        select(Action)
        .where(Action.unit_id == unit.id, Action.item_key == item_key, Action.status.in_(PENDING))
        .order_by(Action.id)
    )
    return tuple(action for action in actions if action.id not in left_out)
