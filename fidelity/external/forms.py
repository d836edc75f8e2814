"""Forms of an external review: commissioning it, a reviewer's own ratings, and the consensus."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from fidelity import clock
from fidelity.day_field import DayField
from fidelity.external.operations import MIN_REVIEWERS, ConsensusValue
from fidelity.privacy import NoIdentityNumber
from fidelity.reviews.forms import EVIDENCE_MAX, CheckboxesField, ItemErrors, RatingForm, check_review_day
from fidelity.scales import Scale


class CommissionForm(FlaskForm):
    scale = SelectField(_l("Scale"), validators=[DataRequired()])
    visit_start = DayField(_l("First day of the visit"), validators=[DataRequired()])
    visit_end = DayField(_l("Last day of the visit"), validators=[DataRequired()])
    reviewers = CheckboxesField(_l("Reviewers (at least two)"), coerce=int, validators=[DataRequired()])
    start = SubmitField(_l("Start the external review"))

    def validate_visit_start(self, field: DayField) -> None:
        check_review_day(field.data)

    def validate_reviewers(self, field: CheckboxesField) -> None:
        # Checked here as well as when the review is made, so that it is reported with the form's other problems.
        if len(set(field.data or [])) < MIN_REVIEWERS:
            raise ValidationError(_l("Choose at least %(n)d different reviewers.", n=MIN_REVIEWERS))

    def validate_visit_end(self, field: DayField) -> None:
        if field.data and self.visit_start.data and field.data < self.visit_start.data:
            raise ValidationError(_l("The visit cannot end before it starts."))
        if field.data and field.data > clock.today().replace(year=clock.today().year + 1):
            raise ValidationError(_l("Plan visits at most a year ahead."))


class OwnRatingForm(RatingForm):
    """A reviewer's own ratings: saved as often as they like until consensus starts."""

    save = SubmitField(_l("Save my ratings"))
    submit_review = None  # reviewers do not submit; consensus locks the ratings


class ConsensusForm(ItemErrors, FlaskForm):
    """Base of the per-scale consensus forms; `consensus_form_class` adds four fields per item."""

    revision = HiddenField(validators=[DataRequired(), Regexp(r"^\d+$")])
    strengths = TextAreaField(_l("Strengths of the unit"), validators=[Length(max=EVIDENCE_MAX), NoIdentityNumber()])
    save = SubmitField(_l("Save consensus"))

    scale: Scale

    def item_fields(self, key: str) -> tuple[Any, Any, Any, Any]:
        """The consensus score, rationale, recommendation and correction note fields of one item."""
        return (
            self[f"consensus_{key}"],
            self[f"rationale_{key}"],
            self[f"recommendation_{key}"],
            self[f"correction_{key}"],
        )

    def values(self) -> dict[str, ConsensusValue]:
        result = {}
        for item in self.scale.items:
            score, rationale, recommendation, correction = self.item_fields(item.key)
            result[item.key] = ConsensusValue(
                score=int(score.data) if score.data not in (None, "", "None") else None,
                rationale=(rationale.data or "").strip(),
                recommendation=(recommendation.data or "").strip(),
                correction_note=(correction.data or "").strip(),
            )
        return result

    def fill(self, values: dict[str, ConsensusValue], strengths: str) -> None:
        self.strengths.data = strengths
        for key, value in values.items():
            score, rationale, recommendation, correction = self.item_fields(key)
            score.data = str(value.score) if value.score is not None else None
            rationale.data, recommendation.data, correction.data = (
                value.rationale,
                value.recommendation,
                value.correction_note,
            )


_consensus_classes: dict[tuple[str, str, str], type[ConsensusForm]] = {}


def consensus_form_class(scale: Scale) -> type[ConsensusForm]:
    """A ConsensusForm with a score, rationale, recommendation and correction note per item of `scale`, made once
    per language the scale's texts come in."""
    key = (scale.id, scale.version, scale.language)
    if key not in _consensus_classes:
        scores = [SelectChoice(str(s)) for s in range(scale.score_min, scale.score_max + 1)]
        fields: dict[str, Any] = {"scale": scale}
        for item in scale.items:
            fields[f"consensus_{item.key}"] = RadioField(item.title, choices=scores, validators=[Optional()])
            fields[f"rationale_{item.key}"] = TextAreaField(
                _l("Rationale"), validators=[Length(max=EVIDENCE_MAX), NoIdentityNumber()]
            )
            fields[f"recommendation_{item.key}"] = TextAreaField(
                _l("Recommendation"), validators=[Length(max=EVIDENCE_MAX), NoIdentityNumber()]
            )
            fields[f"correction_{item.key}"] = TextAreaField(
                _l("Correction of an earlier score"), validators=[Length(max=EVIDENCE_MAX), NoIdentityNumber()]
            )
        name = f"ConsensusForm_{scale.id}_{scale.version}".replace("-", "_").replace(".", "_")
        _consensus_classes[key] = type(name, (ConsensusForm,), fields)
    return _consensus_classes[key]
