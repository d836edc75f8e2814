"""Action plans: create an action, change its status, comment on it. Operations add and flush; the request commits
once. Every change is written to the audit log by the session listener."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from fidelity.actions.queries import action_owners
from fidelity.extensions import db
from fidelity.models import Action, ActionComment, ActionStatus, Review, ReviewStatus, Unit, User
from fidelity.row_lock import hold
from fidelity.scales import Scale
from fidelity.stale import Changed, Merged, merge, snapshot

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
    # The unit's other actions still to be done on the same item (made by hand, or from another review).
    pending: tuple[Action, ...] = ()

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


class ActionChanged(Changed[Action]):
    """The action and what a form sent (see `action_snapshot` and `status_snapshot`) differ on a field that both
    this person and someone else changed since the form's page was opened (in another tab or window, or a
    colleague); nothing was written. `merged` holds the values to show again and the conflicting fields."""

    merged: Merged

    def __init__(self, record: Action, merged: Merged) -> None:
        super().__init__(record, merged)


# The action's columns its edit form changes, each by the name of the form's field for it.
EDITED = {"title": "title", "description": "description", "owner": "owner_id", "due_date": "due_date",
          "item": "item_key"}  # fmt: skip


def _edited(action: Action) -> dict[str, Any]:
    return {field: getattr(action, column) for field, column in EDITED.items()}


def _typed(action: Action, values: ActionValues) -> dict[str, Any]:
    """The edit form's values, keyed as `_edited`; an action made from a review keeps its item."""
    return {
        "title": values.title,
        "description": values.description,
        "owner": values.owner_id,
        "due_date": values.due_date,
        "item": values.item_key if action.review_id is None else action.item_key,
    }


def action_snapshot(action: Action) -> str:
    """What the action's edit form carries of it: the values its page shows (not its status, which has a form of its
    own and which the edit form leaves as it is), so that a save from an older page is merged with what changed."""
    return snapshot(_edited(action))


def status_snapshot(action: Action) -> str:
    """What the status form carries: the action's status as its page showed it."""
    return snapshot(_status(action))


def _status(action: Action) -> dict[str, Any]:
    return {"status": action.status}


def change_status(action: Action, status: ActionStatus, seen: str | None = None) -> tuple[bool, Merged]:
    """Set the action's status; returns whether it changed, and the merge with what `seen` (the status's snapshot
    when the page was opened) showed: a status left as shown keeps the one someone else gave it meanwhile
    (`kept`). ActionChanged if both this person and someone else changed it, to different statuses."""
    hold(action)
    merged = merge(seen, _status(action), {"status": status})
    if merged.conflicts:
        raise ActionChanged(action, merged)
    new = ActionStatus(merged.values["status"])
    if action.status is new:
        return False, merged
    action.status = new
    db.session.flush()
    return True, merged


def add_comment(action: Action, author: User, text: str) -> ActionComment:
    comment = ActionComment(action=action, author_id=author.id, text=text.strip())
    db.session.add(comment)
    db.session.flush()
    return comment


def edit_action(action: Action, values: ActionValues, seen: str | None = None) -> tuple[bool, Merged]:
    """Change the action's title, description, owner and due date (and its item, unless it was made from a review).
    Whether anything changed, and the merge of `values` with the action as it is and as the form's page showed it
    (`seen`, its `action_snapshot` then): a field left as shown keeps what someone else changed it to meanwhile
    (`kept`). Raises ActionError if the owner may not plan for the unit, and ActionChanged if a field was changed
    both here and by someone else, differently. Its status, comments and link to a review stay as they are."""
    hold(action)
    _check_owner(action.unit, values.owner_id)
    merged = merge(seen, _edited(action), _typed(action, values))
    if merged.conflicts:
        raise ActionChanged(action, merged)
    chosen = merged.values | {"description": merged.values["description"] or ""}
    changed = {EDITED[field]: value for field, value in chosen.items() if getattr(action, EDITED[field]) != value}
    for name, value in changed.items():
        setattr(action, name, value)
    db.session.flush()
    return bool(changed), merged
