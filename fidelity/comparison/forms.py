"""The comparison's filters: a GET form, so a filtered comparison can be bookmarked and exported as it stands."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, SubmitField
from wtforms.validators import NumberRange, Optional, StopValidation, ValidationError

from fidelity import clock

KIND_NAMES = {
    "all": _l("Either kind (each marked)"),
    "self_assessment": _l("Self-assessments only"),
    "external": _l("External reviews only"),
}
DEFAULT_YEARS = 5


def _read(form: FlaskForm, field: IntegerField) -> None:
    """Stop at a year that could not be read: its one error says so, and no range is checked against nothing."""
    if field.data is None and field.raw_data and field.raw_data[0].strip():
        raise StopValidation()


class ComparisonForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that changes nothing

    area = SelectField(_l("Area"), default="")
    scale = SelectField(_l("Scale"), default="ips-25")
    kind = SelectField(_l("Reviews"), choices=[SelectChoice(k, name) for k, name in KIND_NAMES.items()], default="all")
    first_year = IntegerField(_l("From year"), validators=[Optional(), _read, NumberRange(1990, 2100)])
    last_year = IntegerField(_l("To year"), validators=[Optional(), _read, NumberRange(1990, 2100)])
    show = SubmitField(_l("Compare"))

    def validate_first_year(self, field: IntegerField) -> None:
        if field.data is not None and field.data > clock.today().year:
            raise ValidationError(_l("The period cannot start after this year: there are no reviews in %(year)d yet.",
                                     year=field.data))  # fmt: skip

    def validate_last_year(self, field: IntegerField) -> None:
        first = self.first_year.data
        if field.data is not None and first is not None and field.data < first:
            raise ValidationError(_l("The last year comes before the first: %(last)d is before %(first)d.",
                                     last=field.data, first=first))  # fmt: skip

    def period(self, today: date) -> tuple[date, date]:
        last = self.last_year.data or today.year
        first = self.first_year.data or last - DEFAULT_YEARS + 1
        first, last = min(first, last), max(first, last)
        return date(first, 1, 1), min(date(last, 12, 31), today)
