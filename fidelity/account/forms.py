"""The forms of a user's own account: a new password, and a new API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from fidelity.account.operations import MAX_DAYS
from fidelity.admin.operations import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
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


class PasswordForm(FlaskForm):
    # Lengths are checked by the operation, with the same messages everywhere; the form only keeps out the absurd.
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=10 * MAX_PASSWORD_LENGTH)],
        description=_l("%(min)d to %(max)d characters.", min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH),
    )
    repeated = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two new passwords are not the same."))],
    )
    submit = SubmitField(_l("Change password"))
