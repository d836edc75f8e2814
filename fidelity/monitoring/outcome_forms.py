"""The staffing form: one quarter's specialist and supervisor full-time equivalents. A POST with CSRF."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, StringField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from fidelity.monitoring.quarters import Quarter

FTE_MAX = 50
FIRST_YEAR = 2000


class FteField(DecimalField):
    """Full-time equivalents, written with a decimal point or a decimal comma (1.5 or 1,5).

    A text input with a decimal keypad, not type=number: a browser checks a number input in its own locale and
    refuses "0,5" in English before the form is sent, however the server would read it.
    """

    widget = TextInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(*args, places=None, **kwargs)  # shown as given: 1.5, not 1.50

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            value = Decimal(str(valuelist[0]).strip().replace(",", "."))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.data = None
            raise ValueError(_l("Write a number, such as 1.5."))
        self.data = value


def fte_range() -> NumberRange:
    return NumberRange(min=0, max=FTE_MAX, message=_l("Give a number from 0 to %(max)d.", max=FTE_MAX))


class StaffingForm(FlaskForm):
    quarter = StringField(
        _l("Quarter"),
        validators=[InputRequired(_l("Give a quarter, such as 2026Q1."))],
        description=_l("Year and quarter, such as 2026Q1."),
    )
    specialist_fte = FteField(
        _l("Work/study specialists (FTE)"),
        validators=[InputRequired(_l("Give the specialists' full-time equivalents.")), fte_range()],
        description=_l("Full-time equivalents, 0 to 50; decimals allowed, such as 2.5."),
    )
    supervisor_fte = FteField(
        _l("Supervisors (FTE)"),
        validators=[Optional(), fte_range()],
        description=_l("Full-time equivalents, 0 to 50; empty counts as 0."),
    )
    submit = SubmitField(_l("Save staffing"))

    def validate_quarter(self, field: StringField) -> None:
        try:
            quarter = Quarter.parse(field.data or "")
        except ValueError:
            raise ValidationError(_l("Write the quarter as a year and a quarter, such as 2026Q1.")) from None
        if not FIRST_YEAR <= quarter.year <= date.today().year + 1:
            raise ValidationError(
                _l("Give a quarter from %(first)d to %(last)d.", first=FIRST_YEAR, last=date.today().year + 1)
            )

    def parsed_quarter(self) -> Quarter:
        return Quarter.parse(self.quarter.data)

    def values(self) -> tuple[float, float]:
        """Specialist and supervisor FTE, as validated."""
        return float(self.specialist_fte.data or 0), float(self.supervisor_fte.data or 0)
