"""Form fields the monitoring forms share."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from fidelity.i18n import amount_text

PLAIN_NUMBER = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)", re.ASCII)


class DecimalCommaField(DecimalField):
    """A number written with a decimal point or a decimal comma (1.5 or 1,5): full-time equivalents, hours a week.

    A text input with a decimal keypad, not type=number: a browser checks a number input in its own locale and
    refuses "0,5" in English before the form is sent, however the server would read it.
    """

    widget = TextInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(*args, places=None, **kwargs)  # shown as given: 1.5, not 1.50

    def _value(self) -> str:
        """What the input shows: the text as typed when the form comes back with a problem, else the number in the
        reader's language (0,5 in Swedish, 3 rather than 3.0)."""
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else amount_text(float(self.data), decimals=2)

    def pre_validate(self, form: Any) -> None:
        # A number that could not be read is only that: its range is not checked as well, which would add a second,
        # puzzling message ("must be between 0 and 80") to "write a number".
        if self.process_errors:
            raise StopValidation()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        text = str(valuelist[0]).strip()
        try:
            # Digits with at most one decimal point or comma: Decimal alone would also read 1e1 as 10, or "NaN".
            value = Decimal(text.replace(",", ".")) if PLAIN_NUMBER.fullmatch(text) else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.data = None
            raise ValueError(_l("Write a number, such as 1.5."))
        self.data = value
