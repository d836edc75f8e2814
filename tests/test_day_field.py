"""The date field every form shares: what it reads, and what it says of what it cannot."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.validators import DataRequired, Optional, ValidationError

from fidelity import clock
from fidelity.day_field import DayField
from fidelity.reviews.forms import StartReviewForm


class Dates(FlaskForm):
    class Meta:
        csrf = False

    required = DayField("Required", validators=[DataRequired()])
    optional = DayField("Optional", validators=[Optional()])
    checked: ClassVar[list[Any]] = []  # what the form's own check of the required date was given

    def validate_required(self, field: DayField) -> None:
        self.checked.append(field.data)
        if field.data and field.data.year < 2000:
            raise ValidationError("too early")


def errors(app: Flask, **data: str) -> dict[str, list[str]]:
    with app.test_request_context(method="POST", data=data):
        form = Dates(formdata=MultiDict(data))
        form.validate()
        return {name: list(found) for name, found in form.errors.items()}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("3/11", "'3/11' is not a date: write it as YYYY-MM-DD, such as 2026-03-16"),
        ("2026-02-30", "'2026-02-30' is no day of the calendar: that month has 28 days"),
        ("2026-2-30", "'2026-2-30' is no day of the calendar: that month has 28 days"),
        ("2026-13-01", "'2026-13-01' is no day of the calendar: a month is 01 to 12"),
        ("26-03-16", "'26-03-16' is not a date: write it as YYYY-MM-DD, such as 2026-03-16"),
    ],
)
def test_a_date_that_cannot_be_read_is_the_field_s_one_message(app: Flask, typed: str, message: str) -> None:
    Dates.checked = []
    assert errors(app, required=typed, optional=typed) == {"required": [message], "optional": [message]}
    assert Dates.checked == []  # neither "This field is required" nor the form's own check is run on it


def test_dates_read_and_nothing_typed(app: Flask) -> None:
    Dates.checked = []
    assert errors(app, required="2026-3-6", optional="") == {}
    assert Dates.checked == [date(2026, 3, 6)]
    assert errors(app, required="1999-12-31") == {"required": ["too early"]}  # the form's check runs on a date
    for nothing in ("", "   "):
        assert errors(app, required=nothing) == {"required": ["This field is required."]}


def test_a_date_not_sent_at_all_keeps_its_default(app: Flask) -> None:
    """A form posted without the field (by a script) takes its default, as wtforms' own date field does."""
    with app.test_request_context(method="POST", data={"scale": "ips-25"}):
        form = StartReviewForm(formdata=MultiDict({"scale": "ips-25"}), meta={"csrf": False})
        assert form.review_date.data == clock.today()
        assert form.review_date._value() == clock.today().isoformat()
