"""Action plans: create an action, change its status, comment on it. Operations add and flush; the request commits
once. Every change is written to the audit log by the session listener."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from fidelity.actions.queries import action_owners
from fidelity.extensions import db
from fidelity.models import Action, ActionComment, ActionStatus, Review, ReviewStatus, Unit, User
from fidelity.scales import Scale

# A title made from a longer recommendation is cut here; the whole text goes into the description.
PREFILL_TITLE_MAX = 120


class ActionError(Exception):
    """An action the rules refuse; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ActionValues:
    title: str
    description: str
    owner_id: int
    due_date: date
    item_key: str | None = None


@dataclass(frozen=True)
class ReviewLink:
    """The review recommendation an action is made from: a final review of the unit and one item of its scale."""

    review: Review
    scale: Scale
    item_key: str | None
    recommendation: str
    existing: tuple[Action, ...] = ()  # actions made from the same recommendation before (see recommendation_actions)

    @property
    def live(self) -> tuple[Action, ...]:
        """The actions made before that still stand (see `standing`)."""
        return standing(self.existing)

    def prefill(self) -> tuple[str, str]:
        """A title and description taken from the recommendation: short ones whole as the title; long ones cut at
        a word for the title and given whole as the description."""
        text = " ".join(self.recommendation.split())
        if len(text) <= PREFILL_TITLE_MAX:
            return text, ""
        cut = text[: PREFILL_TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:.")
        return f"{cut}…", self.recommendation.strip()


def standing(actions: Iterable[Action]) -> tuple[Action, ...]:
    """The actions that still stand: a dropped one does not stop its recommendation being taken up again."""
    return tuple(action for action in actions if action.status is not ActionStatus.DROPPED)


class CopyRefused(Exception):
    """An action from a recommendation that already has one standing, asked for by a form sent without knowing it
    (the back button, a second tab): nothing is added."""


def linkable(review: Review, scale: Scale, item_key: str | None) -> bool:
    """Whether an action may be linked to this review and item: the review is final, the item on its scale."""
    return review.status is ReviewStatus.FINAL and (item_key is None or item_key in scale.item_keys)


def _check_owner(unit: Unit, owner_id: int) -> None:
    if owner_id not in {u.id for u in action_owners(unit)}:
        raise ActionError(
            "owner", _l("The owner must be a frontline manager of the unit or a second-tier manager of its area.")
        )


def create_action(
    unit: Unit, values: ActionValues, creator: User, link: ReviewLink | None = None, *, another: bool = False
) -> Action:
    """A new open action of `unit`. Raises ActionError if the owner may not plan for the unit, and CopyRefused if
    the recommendation `link` names already has an action standing, unless `another` says the caller knew."""
    if link is not None and link.live and not another:
        raise CopyRefused
    _check_owner(unit, values.owner_id)
    action = Action(
        unit_id=unit.id,
        title=values.title,
        description=values.description,
        owner_id=values.owner_id,
        due_date=values.due_date,
        status=ActionStatus.OPEN,
        created_by_id=creator.id,
        review_id=link.review.id if link else None,
        item_key=link.item_key if link else values.item_key,
    )
    db.session.add(action)
    db.session.flush()
    return action


def change_status(action: Action, status: ActionStatus) -> bool:
    """Set the action's status; returns whether it changed."""
    if action.status is status:
        return False
    action.status = status
    db.session.flush()
    return True


def add_comment(action: Action, author: User, text: str) -> ActionComment:
    comment = ActionComment(action=action, author_id=author.id, text=text.strip())
    db.session.add(comment)
    db.session.flush()
    return comment


def edit_action(action: Action, values: ActionValues) -> bool:
    """Change the action's title, description, owner and due date (and its item, unless it was made from a review).
    Whether anything changed. Raises ActionError if the owner may not plan for the unit. Its status, comments and
    link to a review stay as they are."""
    _check_owner(action.unit, values.owner_id)
    changes = {
        "title": values.title,
        "description": values.description,
        "owner_id": values.owner_id,
        "due_date": values.due_date,
    }
    if action.review_id is None:
        changes["item_key"] = values.item_key
    changed = {name: value for name, value in changes.items() if getattr(action, name) != value}
    for name, value in changed.items():
        setattr(action, name, value)
    db.session.flush()
    return bool(changed)
