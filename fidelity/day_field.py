"""The date field of every form, and why a date written YYYY-MM-DD is no day of the calendar.

A browser's date input sends its date as YYYY-MM-DD whatever its language; a date typed where the picker is not used
("3/11", "2026-02-30") comes back with what was typed and why it cannot be read, rather than wtforms' "Not a valid
date value" or, for a required date, "This field is required" (which it then is not: something was typed).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from flask_babel import gettext as _
from wtforms import DateField
from wtforms.validators import StopValidation

from fidelity.monitoring.problems import quoted

_DATE_SHAPE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# What a form reads as a date: a four-digit year, then the month and the day, each with or without a leading zero.
_FORM_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def no_such_day(text: str) -> str | None:
    """Why a date written YYYY-MM-DD is no day of the calendar (a 30 February, a month 13), or None when it is one or
    is written otherwise."""
    found = _DATE_SHAPE.fullmatch(text.strip())
    if not found:
        return None
    year, month, day = (int(part) for part in found.groups())
    if not 1 <= month <= 12:
        return _("a month is 01 to 12")
    days = calendar.monthrange(year, month)[1] if year else 31
    if not 1 <= day <= days:
        return _("that month has %(days)d days", days=days)
    return None


class DayField(DateField):
    """A date, written YYYY-MM-DD (2026-3-16 too). One that cannot be read is the field's only message: the
    validators (a required date's "This field is required") are not run on it."""

    data: Any  # a date, or None: typed as wtforms leaves it, for the forms that read it after DataRequired

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:  # not sent at all: the default stands, as with wtforms' own
            return
        text = str(valuelist[0]).strip()
        self.data = None
        if not text:
            return
        found = _FORM_DATE.fullmatch(text)
        if found:
            try:
                self.data = date(*(int(part) for part in found.groups()))
                return
            except ValueError:
                pass
        padded = "-".join(part.zfill(2) for part in found.groups()) if found else text
        why = no_such_day(padded)
        if why:
            raise ValueError(_("'%(value)s' is no day of the calendar: %(why)s", value=quoted(text), why=why))
        raise ValueError(_("'%(value)s' is not a date: write it as YYYY-MM-DD, such as 2026-03-16", value=quoted(text)))

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()
