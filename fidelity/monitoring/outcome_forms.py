"""The staffing form: one quarter's specialist and supervisor full-time equivalents. A POST with CSRF."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from fidelity import clock
from fidelity.models import StaffingQuarter
from fidelity.monitoring.fields import DecimalCommaField
from fidelity.monitoring.quarters import NoSuchQuarter, Quarter
from fidelity.monitoring.staffing import staffing_snapshot
from fidelity.stale import refill

FTE_MAX = 50
FIRST_YEAR = 2000


def fte_range() -> NumberRange:
    return NumberRange(min=0, max=FTE_MAX, message=_l("Give a number from 0 to %(max)d.", max=FTE_MAX))


class StaffingForm(FlaskForm):
    quarter = StringField(
        _l("Quarter"),
        validators=[InputRequired(_l("Give a quarter, such as 2026Q1."))],
        description=_l("Year and quarter, such as 2026Q1."),
    )
    specialist_fte = DecimalCommaField(
        _l("Work/study specialists (FTE)"),
        validators=[InputRequired(_l("Give the specialists' full-time equivalents.")), fte_range()],
        description=_l("Full-time equivalents, 0 to 50; decimals allowed, such as 2.5."),
    )
    supervisor_fte = DecimalCommaField(
        _l("Supervisors (FTE)"),
        validators=[Optional(), fte_range()],
        description=_l("Full-time equivalents, 0 to 50; empty counts as 0."),
    )
    # The quarter the form was filled with, and the snapshot of its staffing then: a save of that quarter from an
    # older page is merged with what was recorded meanwhile.
    seen_quarter = HiddenField()
    seen = HiddenField()
    submit = SubmitField(_l("Save staffing"))

    def validate_quarter(self, field: StringField) -> None:
        try:
            quarter = Quarter.parse(field.data or "")
        except NoSuchQuarter:
            raise ValidationError(_l("A year has four quarters, 1 to 4: write one of them, such as 2026Q1.")) from None
        except ValueError:
            raise ValidationError(_l("Write the quarter as a year and a quarter, such as 2026Q1.")) from None
        if not FIRST_YEAR <= quarter.year <= clock.today().year + 1:
            raise ValidationError(
                _l("Give a quarter from %(first)d to %(last)d.", first=FIRST_YEAR, last=clock.today().year + 1)
            )

    def parsed_quarter(self) -> Quarter:
        return Quarter.parse(self.quarter.data)

    def values(self) -> tuple[float, float | None]:
        """Specialist and supervisor FTE, as validated; supervisors None when left empty (counted as 0)."""
        supervisors = self.supervisor_fte.data
        return float(self.specialist_fte.data or 0), None if supervisors is None else float(supervisors)

    def show(self, figures: dict[str, float | None]) -> None:
        """Show `figures` (a save's merge, keyed as the fields) rather than what was sent."""
        refill(self, figures)

    def opened(self, quarter: Quarter, recorded: StaffingQuarter | None) -> None:
        """Mark the form as showing `quarter`, whose staffing is `recorded` (None where none is)."""
        self.seen_quarter.data = f"{quarter.year}Q{quarter.number}"
        self.seen.data = staffing_snapshot(recorded)

    def seen_staffing(self) -> tuple[Quarter, str] | None:
        """The quarter the form was filled with and the snapshot of its staffing then; None for a form without them."""
        try:
            return Quarter.parse(self.seen_quarter.data or ""), self.seen.data or ""
        except ValueError:
            return None
