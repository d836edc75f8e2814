"""Setting up the organisation: the rules for organisations, areas, units, users and roles.

Shared by the `fidelity` commands and the admin pages. Each operation checks all of its input first, then adds and
flushes; the caller commits once. Every change reaches the audit log through the session listener.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from fidelity.extensions import db
from fidelity.models import Area, HostType, Organisation, Role, RoleAssignment, Unit, User

CODE_PATTERN = re.compile(r"[A-Z0-9-]{2,32}")
NAME_MAX = 200
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200  # what the login form takes

ROLE_NAMES = {
    Role.ADMIN: _l("Administrator"),
    Role.SECOND_TIER_MANAGER: _l("Second-tier manager"),
    Role.FRONTLINE_MANAGER: _l("Frontline manager"),
    Role.EXTERNAL_REVIEWER: _l("External reviewer"),
}
HOST_TYPE_NAMES = {
    HostType.MUNICIPAL_SOCIAL_SERVICES: _l("Municipal social services"),
    HostType.PSYCHIATRIC_CARE: _l("Psychiatric care"),
    HostType.EMPLOYMENT_SERVICE: _l("Employment service"),
    HostType.OTHER: _l("Other"),
}
_CODE_TAKEN = {
    Organisation: _l("There is already an organisation with the code %(code)s."),
    Area: _l("There is already an area with the code %(code)s."),
    Unit: _l("There is already a unit with the code %(code)s."),
}

Coded = Organisation | Area | Unit


class SetupError(Exception):
    """Input an operation refuses. `field` names the form field at fault; `message` is for the user."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# --- checks ---------------------------------------------------------------------------------------------------


def _new_code(code: str, model: type[Coded]) -> str:
    """`code` in capitals, if it has the right form and no other row of `model` has it in any case."""
    value = code.strip().upper()
    if not CODE_PATTERN.fullmatch(value):
        raise SetupError(
            "code", _("A code is 2 to 32 letters A-Z, digits or hyphens, like NRV-01; '%(code)s' is not.", code=code)
        )
    if db.session.scalar(select(model.id).where(func.upper(model.code) == value)) is not None:
        raise SetupError("code", str(_CODE_TAKEN[model]) % {"code": value})
    return value


def _text(value: str, field: str, *, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise SetupError(field, _("This cannot be empty."))
    if len(text) > NAME_MAX:
        raise SetupError(field, _("Use at most %(max)d characters.", max=NAME_MAX))
    return text


def _new_email(email: str, owner: User | None = None) -> str:
    """The address in lower case, if it is valid and nobody (but `owner`) has it yet."""
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise SetupError("email", _("'%(email)s' is not a valid e-mail address.", email=email)) from None
    holder = find_user(address)
    if holder is not None and holder is not owner:
        raise SetupError("email", _("There is already a user with the e-mail address %(email)s.", email=address))
    return address


def _language(locale: str | None) -> str | None:
    """A language the app speaks, or None: follow the browser."""
    if not locale:
        return None
    if locale not in current_app.config["LANGUAGES"]:
        known = ", ".join(current_app.config["LANGUAGES"])
        message = _("%(locale)s is not a language of the app (%(known)s).", locale=locale, known=known)
        raise SetupError("locale", message)
    return locale


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise SetupError("password", _("A password must be at least %(min)d characters long.", min=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise SetupError("password", _("A password may be at most %(max)d characters long.", max=MAX_PASSWORD_LENGTH))


def _by_code(model: type[Coded], code: str) -> Any:
    return db.session.scalar(select(model).where(func.upper(model.code) == code.strip().upper()))


def _organisation(code: str) -> Organisation:
    organisation: Organisation | None = _by_code(Organisation, code)
    if organisation is None:
        raise SetupError("organisation_code", _("There is no organisation with the code %(code)s.", code=code))
    return organisation


def _area(code: str) -> Area:
    area: Area | None = _by_code(Area, code)
    if area is None:
        raise SetupError("area_code", _("There is no area with the code %(code)s.", code=code))
    return area


def _unit(code: str) -> Unit:
    unit: Unit | None = _by_code(Unit, code)
    if unit is None:
        raise SetupError("unit_code", _("There is no unit with the code %(code)s.", code=code))
    return unit


def _scope(role: Role, unit_code: str | None, area_code: str | None) -> tuple[Unit | None, Area | None]:
    """The unit or area a new `role` is held on, checked against what the role needs."""
    unit_code, area_code = (unit_code or "").strip(), (area_code or "").strip()
    if unit_code and area_code:
        raise SetupError("area_code", _("Give a unit or an area, not both."))
    given = "unit_code" if unit_code else "area_code"
    if role is Role.ADMIN and (unit_code or area_code):
        raise SetupError(given, _("An administrator's role covers every unit: give no unit or area."))
    if role is Role.EXTERNAL_REVIEWER and (unit_code or area_code):
        raise SetupError(
            given, _("External reviewers reach units through the reviews assigned to them: give no unit or area.")
        )
    if role is Role.SECOND_TIER_MANAGER and not area_code:
        raise SetupError("area_code", _("A second-tier manager answers for an area: choose the area."))
    if role is Role.FRONTLINE_MANAGER and not unit_code:
        raise SetupError("unit_code", _("A frontline manager answers for a unit: choose the unit."))
    return (_unit(unit_code) if unit_code else None), (_area(area_code) if area_code else None)


def _unit_fields(
    name: str,
    area_code: str,
    host_type: HostType,
    offers_ips: bool,
    offers_sed: bool,
    target_group: str,
) -> dict[str, Any]:
    fields = {
        "name": _text(name, "name"),
        "area": _area(area_code),
        "host_type": HostType(host_type),
        "target_group": _text(target_group, "target_group", required=False),
    }
    if not (offers_ips or offers_sed):
        raise SetupError("services", _("A unit must offer IPS, SEd or both."))
    return fields | {"offers_ips": offers_ips, "offers_sed": offers_sed}


# --- organisations, areas and units ---------------------------------------------------------------------------


def create_organisation(code: str, name: str) -> Organisation:
    """A new organisation."""
    organisation = Organisation(code=_new_code(code, Organisation), name=_text(name, "name"))
    db.session.add(organisation)
    db.session.flush()
    return organisation


def create_area(code: str, name: str, organisation_code: str) -> Area:
    """A new area of an existing organisation."""
    value, text = _new_code(code, Area), _text(name, "name")
    area = Area(code=value, name=text, organisation=_organisation(organisation_code))
    db.session.add(area)
    db.session.flush()
    return area


def create_unit(
    code: str,
    name: str,
    area_code: str,
    host_type: HostType,
    offers_ips: bool,
    offers_sed: bool,
    target_group: str = "",
    started_on: date | None = None,
) -> Unit:
    """A new unit in an existing area, offering IPS, SEd or both; `started_on`, the day it began supporting people,
    when known."""
    value = _new_code(code, Unit)
    fields = _unit_fields(name, area_code, host_type, offers_ips, offers_sed, target_group)
    unit = Unit(code=value, started_on=started_on, **fields)
    db.session.add(unit)
    db.session.flush()
    return unit


def update_unit(
    unit: Unit,
    name: str,
    area_code: str,
    host_type: HostType,
    offers_ips: bool,
    offers_sed: bool,
    target_group: str = "",
    *,
    started_on: date | None,
) -> Unit:
    """Change everything about a unit except its code, which reviews and exports refer to. The day it started is
    given every time, even as None: left out, it would be cleared without a word."""
    for key, value in _unit_fields(name, area_code, host_type, offers_ips, offers_sed, target_group).items():
        setattr(unit, key, value)
    unit.started_on = started_on
    db.session.flush()
    return unit


# --- users and roles -----------------------------------------------------------------------------------------


def create_user(
    email: str,
    display_name: str,
    password: str,
    role: Role | None = None,
    unit_code: str | None = None,
    area_code: str | None = None,
    locale: str | None = None,
) -> User:
    """A new, active user, with a first role if `role` is given (checked before anything is added) and the language
    of their pages (None: the browser's)."""
    address, name = _new_email(email), _text(display_name, "display_name")
    _check_password(password)
    language = _language(locale)
    scope = _scope(role, unit_code, area_code) if role is not None else None
    user = User(email=address, display_name=name, active=True, locale=language)
    user.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])
    db.session.add(user)
    if role is not None and scope is not None:
        _add_role(user, role, *scope)
    db.session.flush()
    return user


def edit_user(user: User, email: str, display_name: str) -> None:
    """A user's e-mail address (what they log in with) and name, checked as for a new user."""
    address, name = _new_email(email, owner=user), _text(display_name, "display_name")
    user.email, user.display_name = address, name
    db.session.flush()


def grant_role(user: User, role: Role, unit_code: str | None = None, area_code: str | None = None) -> RoleAssignment:
    """Give `user` one more role, on the unit or area the role needs; the same role on the same scope is refused."""
    unit, area = _scope(role, unit_code, area_code)
    assignment = _add_role(user, role, unit, area)
    db.session.flush()
    return assignment


def _add_role(user: User, role: Role, unit: Unit | None, area: Area | None) -> RoleAssignment:
    unit_id, area_id = (unit.id if unit else None), (area.id if area else None)
    if any(a.role is role and a.unit_id == unit_id and a.area_id == area_id for a in user.roles):
        where = unit or area
        if where is None:
            message = _("%(email)s already holds the role %(role)s.", email=user.email, role=ROLE_NAMES[role])
        else:
            message = _(
                "%(email)s already holds the role %(role)s for %(name)s (%(code)s).",
                email=user.email,
                role=ROLE_NAMES[role],
                name=where.name,
                code=where.code,
            )
        raise SetupError("role", message)
    assignment = RoleAssignment(role=role, unit_id=unit_id, area_id=area_id)
    user.roles.append(assignment)
    return assignment


def find_assignment(
    user: User, role: Role, unit_code: str | None = None, area_code: str | None = None
) -> RoleAssignment:
    """The role `user` holds on exactly this scope (none, a unit or an area)."""
    unit = _unit(unit_code) if unit_code else None
    area = _area(area_code) if area_code else None
    unit_id, area_id = (unit.id if unit else None), (area.id if area else None)
    for assignment in user.roles:
        if assignment.role is role and assignment.unit_id == unit_id and assignment.area_id == area_id:
            return assignment
    where = unit or area
    if where is None:
        message = _("%(email)s does not hold the role %(role)s.", email=user.email, role=ROLE_NAMES[role])
    else:
        message = _(
            "%(email)s does not hold the role %(role)s for %(code)s.",
            email=user.email,
            role=ROLE_NAMES[role],
            code=where.code,
        )
    raise SetupError("role", message)


def revoke_role(assignment: RoleAssignment, acting_user: User | None = None) -> None:
    """Take a role away. An administrator cannot take away their own administrator role, so that the organisation
    always keeps one."""
    if acting_user is not None and assignment.role is Role.ADMIN and assignment.user_id == acting_user.id:
        raise SetupError("role", _("You cannot remove your own administrator role. Ask another administrator."))
    assignment.user.roles.remove(assignment)
    db.session.delete(assignment)
    db.session.flush()


def set_active(user: User, active: bool, acting_user: User | None = None) -> None:
    """Let a user log in again, or stop them; nobody can deactivate themselves."""
    if not active and acting_user is not None and user.id == acting_user.id:
        raise SetupError("active", _("You cannot deactivate your own account. Ask another administrator."))
    user.active = active
    db.session.flush()


def set_locale(user: User, locale: str | None) -> None:
    """The language of the user's pages and reports; None or "" follows the browser."""
    user.locale = _language(locale)
    db.session.flush()


def set_password(user: User, password: str) -> None:
    """A new password, MIN_PASSWORD_LENGTH to MAX_PASSWORD_LENGTH characters long. It ends the user's sessions."""
    _check_password(password)
    user.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])
    db.session.flush()


# --- reading -------------------------------------------------------------------------------------------------


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def find_unit(code: str) -> Unit | None:
    unit: Unit | None = _by_code(Unit, code)
    return unit


def organisation_tree() -> Sequence[Organisation]:
    """Every organisation with its areas and their units, in three queries."""
    return db.session.scalars(
        select(Organisation)
        .order_by(Organisation.name)
        .options(selectinload(Organisation.areas).selectinload(Area.units))
    ).all()


def users_with_roles() -> Sequence[User]:
    """Every user with their roles, in two queries."""
    return db.session.scalars(select(User).order_by(User.email).options(selectinload(User.roles))).all()


def all_areas() -> Sequence[Area]:
    return db.session.scalars(select(Area).order_by(Area.name)).all()


def all_units() -> Sequence[Unit]:
    return db.session.scalars(select(Unit).order_by(Unit.name).options(selectinload(Unit.area))).all()


def scope_of(assignment: RoleAssignment, units: dict[int, Unit], areas: dict[int, Area]) -> Unit | Area | None:
    """The unit or area a role is held on, from maps loaded in bulk; None for a role without scope."""
    if assignment.unit_id is not None:
        return units.get(assignment.unit_id)
    if assignment.area_id is not None:
        return areas.get(assignment.area_id)
    return None
