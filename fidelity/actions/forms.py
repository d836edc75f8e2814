"""Forms for action plans: a new action, a change of status, a comment. Every one is a POST with CSRF."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from fidelity import clock
from fidelity.actions.operations import ActionValues, action_snapshot, status_snapshot
from fidelity.day_field import DayField
from fidelity.models import Action, ActionStatus, Unit, User
from fidelity.privacy import NoIdentityNumber
from fidelity.scales import ScaleRegistry
from fidelity.schedule import DueState
from fidelity.stale import refill

TITLE_MAX = 300
TEXT_MAX = 5000

STATUS_LABELS: dict[ActionStatus, Any] = {
    ActionStatus.OPEN: _l("Open"),
    ActionStatus.IN_PROGRESS: _l("In progress"),
    ActionStatus.DONE: _l("Done"),
    ActionStatus.DROPPED: _l("Dropped"),
}
DUE_LABELS: dict[DueState, Any] = {
    DueState.OVERDUE: _l("Overdue"),
    DueState.NEVER_REVIEWED: _l("Never reviewed"),
    DueState.DUE_SOON: _l("Due soon"),
    DueState.SCHEDULED: _l("Scheduled"),
}


class NewActionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX), NoIdentityNumber()])
    description = TextAreaField(_l("Description"), validators=[Length(max=TEXT_MAX), NoIdentityNumber()])
    # Any value is let through to the operation, which refuses an owner who may not plan for the unit.
    owner = SelectField(_l("Owner"), validate_choice=False, validators=[DataRequired(_l("Choose an owner."))])
    due_date = DayField(_l("Due date"), validators=[DataRequired(_l("Give a due date."))])
    item = SelectField(_l("Item"), validators=[Optional()], description=_l("The scale item the action is about."))
    submit = SubmitField(_l("Add action"))

    def validate_owner(self, field: SelectField) -> None:
        if not str(field.data).isdigit():
            raise ValidationError(_l("Choose an owner."))

    # The due date the action has now, when it is being changed: kept as it is, it may be past (an overdue action
    # whose title is corrected); only a new date must not be.
    current_due: date | None = None

    def validate_due_date(self, field: DayField) -> None:
        if field.data and field.data < clock.today() and field.data != self.current_due:
            raise ValidationError(_l("The due date cannot be in the past."))

    def offer(self, unit: Unit, owners: list[User], registry: ScaleRegistry, *, item_choice: bool) -> None:
        """Fill the choices: the possible owners and, unless the action comes from a review, the unit's items."""
        self.owner.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(str(u.id), f"{u.display_name} ({u.email})") for u in owners
        ]
        if not item_choice:
            del self.item
            return
        self.item.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(item.key, f"{scale.title} · {item.key} {item.title}")
            for scale in registry.latest()
            if scale.measures(ips=unit.offers_ips, sed=unit.offers_sed)
            for item in scale.items
        ]

    def values(self) -> ActionValues:
        item = self._fields.get("item")
        return ActionValues(
            title=self.title.data.strip(),
            description=(self.description.data or "").strip(),
            owner_id=int(self.owner.data),
            due_date=self.due_date.data,
            item_key=(item.data or None) if item is not None else None,
        )

    def show(self, values: dict[str, Any]) -> None:
        """Show `values` (an edit's merge, keyed as the fields) rather than what was sent."""
        shown = {"title": values["title"], "description": values["description"] or "",
                 "owner": str(values["owner"]), "due_date": values["due_date"]}  # fmt: skip
        if "item" in self._fields:
            shown["item"] = values["item"] or ""
        refill(self, shown)


class EditActionForm(NewActionForm):
    """The same fields as a new action's, filled with the action's own."""

    seen = HiddenField()  # the action's values as the form's page showed them (`action_snapshot`)
    submit = SubmitField(_l("Save changes"))

    def fill(self, action: Action) -> None:
        """The action's values, unless the form was sent; the item only for an action not made from a review."""
        self.current_due = action.due_date
        if self.is_submitted():
            return
        self.seen.data = action_snapshot(action)
        self.title.data, self.description.data = action.title, action.description
        self.owner.data, self.due_date.data = str(action.owner_id), action.due_date
        if "item" in self._fields:
            self.item.data = action.item_key or ""


class StatusForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
        validators=[DataRequired(_l("Choose a status."))],
    )
    seen = HiddenField()  # the action's status as the page showed it (`status_snapshot`)
    change = SubmitField(_l("Change status"))

    @classmethod
    def of(cls, action: Action) -> StatusForm:
        """The form as the action's page offers it: its status now, and the snapshot of it."""
        return cls(formdata=None, status=action.status.value, seen=status_snapshot(action))


class CommentForm(FlaskForm):
    text = TextAreaField(
        _l("Comment"), validators=[DataRequired(_l("Write a comment.")), Length(max=TEXT_MAX), NoIdentityNumber()]
    )
    add = SubmitField(_l("Add comment"))
