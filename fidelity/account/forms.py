"""The form that makes an API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from fidelity.account.operations import MAX_DAYS
from fidelity.models.api_token import NAME_MAX


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=NAME_MAX)],
        description=_l("What the token is for, so that you can tell your tokens apart."),
    )
    days = IntegerField(
        _l("Expires after (days)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_DAYS)],
        description=_l("Leave empty for a token that lasts until you revoke it."),
    )
    submit = SubmitField(_l("Create token"))
