"""The form for one local adaptation: what, why, since when, who decided, which principles and items."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from fidelity import clock
from fidelity.adaptations.cost import item_ref
from fidelity.day_field import DayField
from fidelity.models import AdaptationReason
from fidelity.privacy import NoIdentityNumber
from fidelity.reviews.forms import CheckboxesField
from fidelity.scales import PrincipleSet, Scale
from fidelity.stale import refill

REASON_NAMES: dict[AdaptationReason, Any] = {
    AdaptationReason.LAW_OR_REGULATION: _l("Law or regulation"),
    AdaptationReason.ORGANISATIONAL_DECISION: _l("Organisational decision"),
    AdaptationReason.FUNDING: _l("Funding"),
    AdaptationReason.STAFFING: _l("Staffing"),
    AdaptationReason.LOCAL_CONTEXT: _l("Local context"),
}
TEXT_MAX = 5000


class AdaptationForm(FlaskForm):
    title = StringField(
        _l("What the unit does differently"),
        validators=[DataRequired(), Length(max=200), NoIdentityNumber()],
        description=_l("For example: a formal needs assessment is required before a person may start."),
    )
    description = TextAreaField(_l("Details"), validators=[Length(max=TEXT_MAX), NoIdentityNumber()])
    reason = SelectField(_l("Why"), choices=[SelectChoice(r.value, name) for r, name in REASON_NAMES.items()])
    since = DayField(_l("Since"), validators=[DataRequired()])
    until = DayField(_l("Until (leave empty while it lasts)"), validators=[Optional()])
    decided_by = StringField(_l("Decided by"), validators=[Length(max=200), NoIdentityNumber()])
    principles = CheckboxesField(_l("Principles it departs from"))
    items = CheckboxesField(_l("Scale items it departs from"))
    seen = HiddenField()  # the adaptation's values as the form's page showed them (`adaptation_snapshot`)
    save = SubmitField(_l("Save adaptation"))

    def show(self, values: dict[str, Any]) -> None:
        """Show `values` (a save's merge, keyed as the fields) rather than what was sent."""
        shown = dict(values)
        shown["reason"] = getattr(values["reason"], "value", values["reason"])
        shown["principles"], shown["items"] = list(values["principles"] or []), list(values["items"] or [])
        for name in ("title", "description", "decided_by"):
            shown[name] = values[name] or ""
        refill(self, shown)

    def set_choices(self, principles: PrincipleSet, scales: list[Scale]) -> None:
        self.principles.choices = [SelectChoice(p.key, f"{p.number}. {p.title}") for p in principles.principles]
        self.items.choices = [
            SelectChoice(item_ref(scale.id, item.key), f"{item.key} {item.title}", render_kw={"data-scale": scale.id})
            for scale in scales
            for item in scale.items
        ]

    def validate_since(self, field: DayField) -> None:
        # The register and the reports list an adaptation from the day it began: one dated later would be saved and
        # then shown nowhere, out of reach of anyone who might correct it.
        if field.data and field.data > clock.today():
            raise ValidationError(_l("The adaptation must have begun: the date cannot be in the future."))

    def validate_until(self, field: DayField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("An adaptation cannot end before it begins."))

    def validate_items(self, field: CheckboxesField) -> None:
        if not field.data and not self.principles.data:
            raise ValidationError(_l("Choose the principles or items the adaptation departs from."))
