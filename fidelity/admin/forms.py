"""Forms of the admin pages. They only parse; the rules live in `operations`, whose refusals the views put back on
the field they name, so every field is named after the operation's argument."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from fidelity.admin.operations import HOST_TYPE_NAMES, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, ROLE_NAMES
from fidelity.day_field import DayField
from fidelity.i18n import LANGUAGE_NAMES
from fidelity.models import Area, HostType, Organisation, Role, Unit

CODE_HINT = _l("2 to 32 letters A-Z, digits or hyphens, like NRV-01. It cannot be changed later.")
SCOPE_HINT = _l(
    "A frontline manager needs a unit and a second-tier manager an area; "
    "administrators and external reviewers need neither."
)


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _code_field() -> Any:
    return StringField(_l("Code"), validators=[DataRequired()], description=CODE_HINT)


def _role_fields() -> tuple[Any, Any, Any]:
    return (
        # No role chosen until one is: pressing the button by mistake makes nobody an administrator.
        SelectField(
            _l("Role"),
            choices=[
                SelectChoice("", _l("Choose a role")),
                *(SelectChoice(role.value, ROLE_NAMES[role]) for role in Role),
            ],
            default="",
            validators=[InputRequired(_l("Choose a role."))],
            description=SCOPE_HINT,
        ),
        SelectField(_l("Unit"), choices=[], default=""),
        SelectField(_l("Area"), choices=[], default=""),
    )


def _locale_field() -> Any:
    return SelectField(
        _l("Language"),
        choices=[
            SelectChoice("", _l("The browser's language")),
            *(SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()),
        ],
        default="",
        description=_l("Pages and PDF reports are shown in this language."),
    )


class OrganisationForm(FlaskForm):
    code = _code_field()
    name = StringField(_l("Name"), validators=[DataRequired()])
    submit = SubmitField(_l("Create organisation"))


class AreaForm(FlaskForm):
    code = _code_field()
    name = StringField(_l("Name"), validators=[DataRequired()])
    organisation_code = SelectField(_l("Organisation"), choices=[], validators=[DataRequired()])
    submit = SubmitField(_l("Create area"))


class UnitForm(FlaskForm):
    code = _code_field()
    name = StringField(_l("Name"), validators=[DataRequired()])
    area_code = SelectField(_l("Area"), choices=[], validators=[DataRequired()])
    host_type = SelectField(
        _l("Run by"), choices=[SelectChoice(host.value, HOST_TYPE_NAMES[host]) for host in HostType]
    )
    services = MultiCheckboxField(_l("Services"), choices=[SelectChoice("ips", "IPS"), SelectChoice("sed", "SEd")])
    target_group = StringField(_l("Target group"), description=_l("Who the unit serves, like 'Young adults 18-30'."))
    started_on = DayField(
        _l("Started"),
        validators=[Optional()],
        description=_l(
            "The day the unit began supporting people. A unit never reviewed is due its first review when one after "
            "a review below good fidelity would be due, counted from this day; leave it empty for a unit running "
            "long before, whose first review is due now."
        ),
    )
    submit = SubmitField(_l("Save unit"))

    @staticmethod
    def data_of(unit: Unit) -> dict[str, Any]:
        """The form's data for an existing unit."""
        return {
            "name": unit.name,
            "area_code": unit.area.code,
            "host_type": unit.host_type.value,
            "services": [key for key, on in (("ips", unit.offers_ips), ("sed", unit.offers_sed)) if on],
            "target_group": unit.target_group,
            "started_on": unit.started_on,
        }


class NewUserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired()])
    display_name = StringField(_l("Name"), validators=[DataRequired()])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired()],
        description=_l(
            "At least %(min)d characters. Pass it on safely; it is not shown again.", min=MIN_PASSWORD_LENGTH
        ),
    )
    role, unit_code, area_code = _role_fields()
    locale = _locale_field()
    submit = SubmitField(_l("Create user"))


class GrantRoleForm(FlaskForm):
    role, unit_code, area_code = _role_fields()
    submit = SubmitField(_l("Grant role"))


class RevokeRoleForm(FlaskForm):
    """One button: a POST with a CSRF token."""

    submit = SubmitField(_l("Revoke"))


class LocaleForm(FlaskForm):
    locale = _locale_field()
    submit = SubmitField(_l("Save language"))


class UserDetailsForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired()], description=_l("What the user logs in with."))
    display_name = StringField(_l("Name"), validators=[DataRequired()])
    submit = SubmitField(_l("Save name and e-mail"))


class NewPasswordForm(FlaskForm):
    """An administrator gives a user a new password, e.g. one who has forgotten theirs."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired()],
        description=_l(
            "%(min)d to %(max)d characters. Pass it on safely; it is not shown again. It ends the user's sessions.",
            min=MIN_PASSWORD_LENGTH,
            max=MAX_PASSWORD_LENGTH,
        ),
    )
    submit = SubmitField(_l("Set password"))


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"])])


def set_choices(
    form: FlaskForm,
    units: Iterable[Unit] = (),
    areas: Iterable[Area] = (),
    organisations: Iterable[Organisation] = (),
) -> None:
    """Fill the form's unit, area and organisation selects from rows loaded by the view."""
    if hasattr(form, "unit_code"):
        form.unit_code.choices = [SelectChoice("", _l("No unit")), *(_choice(u) for u in units)]
    if hasattr(form, "area_code"):
        empty = _l("Choose an area") if isinstance(form, UnitForm) else _l("No area")
        form.area_code.choices = [SelectChoice("", empty), *(_choice(a) for a in areas)]
    if hasattr(form, "organisation_code"):
        form.organisation_code.choices = [
            SelectChoice("", _l("Choose an organisation")),
            *(_choice(o) for o in organisations),
        ]


def _choice(row: Organisation | Area | Unit) -> SelectChoice:
    return SelectChoice(row.code, f"{row.name} ({row.code})")
