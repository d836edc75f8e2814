"""Forms for starting and scoring a self-assessment. The scoring form is built from the scale's items."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from fidelity import clock
from fidelity.day_field import DayField
from fidelity.i18n import date_text
from fidelity.privacy import NoIdentityNumber
from fidelity.reviews.operations import RatingValue
from fidelity.scales import Scale

EVIDENCE_MAX = 5000
# No review is dated before this day: an earlier date is a mistyped year, such as 1900.
EARLIEST_REVIEW_DATE = date(2000, 1, 1)


def check_review_day(day: date | None) -> None:
    """Refuse a review date before EARLIEST_REVIEW_DATE, naming it."""
    if day is not None and day < EARLIEST_REVIEW_DATE:
        raise ValidationError(
            _l("Dates before %(earliest)s are not taken: check the year.", earliest=date_text(EARLIEST_REVIEW_DATE))
        )


class StartReviewForm(FlaskForm):
    scale = SelectField(_l("Scale"), validators=[DataRequired()])
    review_date = DayField(_l("Date of the self-assessment"), validators=[DataRequired()], default=clock.today)
    start = SubmitField(_l("Start self-assessment"))

    def validate_review_date(self, field: DayField) -> None:
        if field.data and field.data > clock.today():
            raise ValidationError(_l("The date cannot be in the future."))
        check_review_day(field.data)


class ActionForm(FlaskForm):
    """A one-button POST (e.g. sign off): only the CSRF token."""


REASON_MAX = 2000


def typed_text(value: Any) -> Any:
    """A text area's text as typed: browsers send each line break as CRLF, which would count twice against a length
    the browser counted once; and the spaces around it trimmed."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) else value


class ChangeReasonForm(FlaskForm):
    """Starting a correction of a submitted self-assessment or an amendment of a final external review: why."""

    reason = TextAreaField(
        _l("What needs changing, and why?"),
        filters=[typed_text],
        validators=[
            DataRequired(_l("Say what needs changing and why: the reason is kept with the review.")),
            Length(max=REASON_MAX),
            NoIdentityNumber(),
        ],
    )


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ItemErrors:
    """For a form with fields per item of its scale (`item_fields`): what the fields' own checks refused, item by
    item, so that a page can list them at its top as well as show each at its item."""

    scale: Scale

    def item_fields(self, key: str) -> tuple[Any, ...]:
        raise NotImplementedError

    def item_errors(self) -> dict[str, str]:
        """Item key -> each refused field's label and its messages."""
        errors = {}
        for item in self.scale.items:
            refused = [
                f"{field.label.text}: {' '.join(map(str, field.errors))}"
                for field in self.item_fields(item.key)
                if field.errors
            ]
            if refused:
                errors[item.key] = "; ".join(refused)
        return errors


class RatingForm(ItemErrors, FlaskForm):
    """Base of the per-scale scoring forms; `rating_form_class` adds three fields per item."""

    # The draft's revision when the page was made; a save from an older one is shown both values, not written.
    revision = HiddenField(validators=[DataRequired(), Regexp(r"^\d+$")])
    save = SubmitField(_l("Save draft"))
    submit_review = SubmitField(_l("Submit self-assessment"))

    scale: Scale

    def item_fields(self, key: str) -> tuple[Any, Any, Any]:
        """The score, evidence and sources fields of one item."""
        return self[f"score_{key}"], self[f"evidence_{key}"], self[f"sources_{key}"]

    def values(self) -> dict[str, RatingValue]:
        """What the form holds, by item key."""
        result = {}
        for item in self.scale.items:
            score, evidence, sources = self.item_fields(item.key)
            result[item.key] = RatingValue(
                score=_score(score.data, self.scale),
                evidence=(evidence.data or "").strip(),
                sources=tuple(code for code in self.scale.sources if code in (sources.data or [])),
            )
        return result

    def fill(self, values: dict[str, RatingValue]) -> None:
        """Show stored values (for a GET)."""
        for key, value in values.items():
            score, evidence, sources = self.item_fields(key)
            score.data = str(value.score) if value.score is not None else None
            evidence.data = value.evidence
            sources.data = list(value.sources)


def _score(data: object, scale: Scale) -> int | None:
    """The score a field holds, or None when it holds none of the scale's scores (a form sent back with errors
    shows what it can)."""
    text = str(data).strip() if data is not None else ""
    if not text.isdigit() or not scale.score_min <= int(text) <= scale.score_max:
        return None
    return int(text)


_form_classes: dict[tuple[str, str, str, type[RatingForm]], type[RatingForm]] = {}


def rating_form_class(scale: Scale, base: type[RatingForm] = RatingForm) -> type[RatingForm]:
    """A subclass of `base` with a score, evidence and sources field for every item of `scale`, made once per
    language the scale's texts come in (the labels are the item titles and source names)."""
    key = (scale.id, scale.version, scale.language, base)
    if key not in _form_classes:
        _form_classes[key] = _build_rating_form_class(scale, base)
    return _form_classes[key]


def _build_rating_form_class(scale: Scale, base: type[RatingForm]) -> type[RatingForm]:
    scores = [SelectChoice(str(s)) for s in range(scale.score_min, scale.score_max + 1)]
    sources = [SelectChoice(code, source.label) for code, source in scale.sources.items()]
    fields: dict[str, Any] = {"scale": scale}
    for item in scale.items:
        fields[f"score_{item.key}"] = RadioField(item.title, choices=scores, validators=[Optional()])
        fields[f"evidence_{item.key}"] = TextAreaField(
            _l("Evidence"), validators=[Length(max=EVIDENCE_MAX), NoIdentityNumber()]
        )
        fields[f"sources_{item.key}"] = CheckboxesField(_l("Sources"), choices=sources, validators=[Optional()])
    name = f"{base.__name__}_{scale.id}_{scale.version}".replace("-", "_").replace(".", "_")
    return type(name, (base,), fields)
