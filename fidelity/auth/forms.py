from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from fidelity.admin.operations import MAX_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    submit = SubmitField(_l("Log in"))


class LogoutForm(FlaskForm):
    """A POST with a CSRF token: logging out is a state change, never a link."""

    submit = SubmitField(_l("Log out"))


class LanguageForm(FlaskForm):
    """The page header's language switch: each language is a button named `locale`; `next` is the page it was on."""

    locale = HiddenField(validators=[DataRequired()])
    next = HiddenField()
