"""`fidelity organisations|areas|units|users ...`: setting up the organisation from the shell.

Each command runs the same operations as the admin pages, attributes its changes to 'cli' in the audit log and
commits once; a refused input exits with code 2 and one line `Error: <message>`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import click
from flask.cli import with_appcontext

from fidelity.account.operations import MAX_DAYS, TokenError, create_token, end_sessions, revoke_token, user_tokens
from fidelity.admin import operations
from fidelity.admin.operations import SetupError
from fidelity.audit import acting_as
from fidelity.console import CLI_ACTOR, InputError
from fidelity.extensions import db
from fidelity.models import HostType, Role, User
from fidelity.models.types import utcnow

COMMANDS: list[click.Command] = []

SERVICES = {"ips": (True, False), "sed": (False, True), "ips+sed": (True, True)}


@contextmanager
def _changes() -> Iterator[None]:
    """Attribute the block's changes to the CLI and commit them once; a refusal changes nothing."""
    try:
        with acting_as(CLI_ACTOR):
            yield
            db.session.commit()
    except SetupError as error:
        db.session.rollback()
        raise InputError(error.message) from None
    except TokenError as error:
        db.session.rollback()
        raise InputError(str(error)) from None


def _user(email: str) -> User:
    user = operations.find_user(email)
    if user is None:
        raise InputError(f"There is no user with the e-mail address {email}.")
    return user


F = Callable[..., Any]

role_option = click.option(
    "--role", type=click.Choice([role.value for role in Role]), required=True, help="The role to give or take."
)


def scope_options(command: F) -> F:
    """--unit for a frontline manager, --area for a second-tier manager, neither for the other roles."""
    command = click.option("--area", "area_code", metavar="CODE", help="The area (second-tier managers).")(command)
    return click.option("--unit", "unit_code", metavar="CODE", help="The unit (frontline managers).")(command)


# --- organisations, areas, units ------------------------------------------------------------------------------


@click.group()
def organisations() -> None:
    """Create organisations: the top of the tree of areas and units."""


@organisations.command("create")
@click.argument("code")
@click.option("--name", required=True, help="The organisation's name.")
@with_appcontext
def organisations_create(code: str, name: str) -> None:
    """Create an organisation with a CODE of 2-32 letters, digits or hyphens."""
    with _changes():
        organisation = operations.create_organisation(code, name)
    click.echo(f"Created organisation {organisation.code}: {organisation.name}")


@click.group()
def areas() -> None:
    """Create areas: the level second-tier managers answer for."""


@areas.command("create")
@click.argument("code")
@click.option("--name", required=True, help="The area's name.")
@click.option("--organisation", "organisation_code", required=True, metavar="CODE", help="Its organisation.")
@with_appcontext
def areas_create(code: str, name: str, organisation_code: str) -> None:
    """Create an area in an organisation."""
    with _changes():
        area = operations.create_area(code, name, organisation_code)
    click.echo(f"Created area {area.code}: {area.name}, in {area.organisation.code}")


@click.group()
def units() -> None:
    """Create and list the units that deliver IPS and SEd."""


@units.command("create")
@click.argument("code")
@click.option("--name", required=True, help="The unit's name.")
@click.option("--area", "area_code", required=True, metavar="CODE", help="Its area.")
@click.option("--host", type=click.Choice([host.value for host in HostType]), required=True, help="Who runs it.")
@click.option("--services", type=click.Choice(list(SERVICES)), required=True, help="What it offers.")
@click.option("--target-group", default="", help="Who it serves, e.g. 'Young adults 18-30'.")
@click.option(
    "--started",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The day it began supporting people (YYYY-MM-DD): its first review is due as after one below good fidelity.",
)
@with_appcontext
def units_create(
    code: str, name: str, area_code: str, host: str, services: str, target_group: str, started: datetime | None
) -> None:
    """Create a unit in an area."""
    started_on = started.date() if started else None
    with _changes():
        unit = operations.create_unit(
            code, name, area_code, HostType(host), *SERVICES[services], target_group, started_on
        )
    click.echo(f"Created unit {unit.code}: {unit.name} ({unit.services}), in {unit.area.code}")


@units.command("list")
@with_appcontext
def units_list() -> None:
    """Every unit: code, name, area, host, services and target group."""
    for unit in operations.all_units():
        click.echo(
            f"{unit.code:<12} {unit.name:<36} {unit.area.code:<10} {unit.host_type.value:<26} "
            f"{unit.services:<10} {unit.target_group}".rstrip()
        )


def _units_named(codes: tuple[str, ...]) -> list[Any]:
    """The units named (in any capitals), or every unit, in the order of their codes; InputError naming those none
    has."""
    found = {code: operations.find_unit(code) for code in codes}
    unknown = [code for code, unit in found.items() if unit is None]
    if unknown:
        raise InputError(f"no unit with the code {', '.join(unknown)}")
    named = [unit for unit in found.values() if unit is not None]
    return sorted({unit.id: unit for unit in named or operations.all_units()}.values(), key=lambda unit: unit.code)


@units.command("recount")
@click.argument("codes", nargs=-1, metavar="[CODE]...")
@with_appcontext
def units_recount(codes: tuple[str, ...]) -> None:
    """Count the kept quarterly figures of every unit (or of the units named) again from their journeys, under the
    current outcome definitions: after an upgrade that added a figure, so that the comparison shows it at once.
    Locked quarters stay as they were kept."""
    from fidelity import clock
    from fidelity.monitoring.kept import refresh_outcomes
    from fidelity.monitoring.outcomes import DEFINITIONS_VERSION
    from fidelity.monitoring.unit_lock import take_units

    # Named as every command names a unit (in any capitals), and counted in the order of their codes.
    chosen = _units_named(codes)
    today = clock.today()
    with _changes():
        take_units(*(unit.id for unit in chosen))  # all at once, in the order of their ids (see `unit_lock`)
        counted = [(unit.code, refresh_outcomes(unit, today)) for unit in chosen]
    for code, rows in counted:
        current = sum(row.definitions_version == DEFINITIONS_VERSION for row in rows)
        locked = len(rows) - current
        click.echo(f"{code}: {current} of {len(rows)} quarters counted under definitions version {DEFINITIONS_VERSION}"
                   + (f" ({locked} locked before it, kept as they were)" if locked else ""))  # fmt: skip


@units.command("check-codes")
@click.argument("codes", nargs=-1, metavar="[CODE]...")
@with_appcontext
def units_check_codes(codes: tuple[str, ...]) -> None:
    """List the journeys (of every unit, or of the units named) whose codes the current rules refuse: a code stored
    before a rule was added (a date of birth inside it, a given name beside another word) is refused when the
    journey is saved or imported again, and the unit should give the person another code. Changes nothing."""
    from sqlalchemy import select

    from fidelity import clock
    from fidelity.models import Journey
    from fidelity.models.monitoring import CODE_MAX
    from fidelity.monitoring.identity import code_problem
    from fidelity.monitoring.validation import suspect_codes

    chosen = _units_named(codes)
    year, refused = clock.today().year, 0
    for unit in chosen:
        rows = db.session.execute(
            select(Journey.id, Journey.code).where(Journey.unit_id == unit.id).order_by(Journey.code)
        ).all()
        for position in suspect_codes([row.code for row in rows]).tolist():
            problem = code_problem(rows[position].code, year)
            if problem:
                refused += 1
                click.echo(f"{unit.code}: journey #{rows[position].id}: {problem % {'max': CODE_MAX}}")
    click.echo(f"{refused} code{'' if refused == 1 else 's'} to change, in {len(chosen)} unit"
               f"{'' if len(chosen) == 1 else 's'}.")  # fmt: skip


# --- users and roles ------------------------------------------------------------------------------------------


@click.group()
def users() -> None:
    """Create and list users, and grant and revoke their roles."""


@users.command("create")
@click.argument("email")
@role_option
@scope_options
@click.option("--name", "display_name", help="The name shown in the app (default: the part before the @).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="At least 12 characters.")
@click.option("--locale", help="The language of their pages and reports, e.g. sv (default: the browser's).")
@with_appcontext
def users_create(
    email: str,
    role: str,
    unit_code: str | None,
    area_code: str | None,
    display_name: str | None,
    password: str,
    locale: str | None,
) -> None:
    """Create a user with a first role."""
    if operations.find_user(email) is not None:
        raise InputError(f"{email} already has an account; use `fidelity users grant` to give them another role.")
    with _changes():
        user = operations.create_user(
            email, display_name or email.partition("@")[0], password, Role(role), unit_code, area_code, locale
        )
    click.echo(f"Created user {user.email} ({user.display_name}) with the role {role}")


@users.command("grant")
@click.argument("email")
@role_option
@scope_options
@with_appcontext
def users_grant(email: str, role: str, unit_code: str | None, area_code: str | None) -> None:
    """Give a user one more role."""
    user = _user(email)
    with _changes():
        operations.grant_role(user, Role(role), unit_code, area_code)
    click.echo(f"Granted {role}{_where(unit_code, area_code)} to {user.email}")


@users.command("revoke")
@click.argument("email")
@role_option
@scope_options
@with_appcontext
def users_revoke(email: str, role: str, unit_code: str | None, area_code: str | None) -> None:
    """Take a role away from a user."""
    user = _user(email)
    with _changes():
        operations.revoke_role(operations.find_assignment(user, Role(role), unit_code, area_code))
    click.echo(f"Revoked {role}{_where(unit_code, area_code)} from {user.email}")


@users.command("set-locale")
@click.argument("email")
@click.argument("locale", required=False)
@with_appcontext
def users_set_locale(email: str, locale: str | None) -> None:
    """Set the language of a user's pages and reports (e.g. sv); without LOCALE, follow their browser's."""
    user = _user(email)
    with _changes():
        operations.set_locale(user, locale)
    click.echo(f"{user.email}: " + (f"pages and reports in {locale}" if locale else "the browser's language"))


@users.command("set-password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="At least 12 characters.")
@with_appcontext
def users_set_password(email: str, password: str) -> None:
    """Give a user a new password, e.g. an administrator who has forgotten theirs."""
    user = _user(email)
    with _changes():
        operations.set_password(user, password)
    click.echo(f"Set a new password for {user.email}")


def _where(unit_code: str | None, area_code: str | None) -> str:
    if unit_code:
        return f" on unit {unit_code.upper()}"
    if area_code:
        return f" on area {area_code.upper()}"
    return ""


@users.command("list")
@with_appcontext
def users_list() -> None:
    """Every user: e-mail, name, active or not, and roles with their unit or area."""
    unit_codes = {unit.id: unit.code for unit in operations.all_units()}
    area_codes = {area.id: area.code for area in operations.all_areas()}
    for user in operations.users_with_roles():
        roles = []
        for assignment in sorted(user.roles, key=lambda a: a.id):
            if assignment.unit_id is not None:
                roles.append(f"{assignment.role.value} (unit {unit_codes.get(assignment.unit_id, '?')})")
            elif assignment.area_id is not None:
                roles.append(f"{assignment.role.value} (area {area_codes.get(assignment.area_id, '?')})")
            else:
                roles.append(assignment.role.value)
        status = "active" if user.active else "inactive"
        click.echo(f"{user.email:<36} {user.display_name:<32} {status:<8} {', '.join(roles) or 'no roles'}")


@users.command("end-sessions")
@click.argument("email")
@with_appcontext
def users_end_sessions(email: str) -> None:
    """End every session of a user at once, on any computer, leaving their password and API tokens as they are."""
    user = _user(email)
    with _changes():
        end_sessions(user)
    click.echo(f"Ended every session of {user.email}: they log in again, with the same password.")


# --- API tokens -----------------------------------------------------------------------------------------------


@users.command("token")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, to tell it apart.")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), help="Days until it expires (default: until revoked).")
@with_appcontext
def users_token(email: str, name: str, days: int | None) -> None:
    """Make an API token for a user. Its secret is printed once, alone on standard output; only a hash is kept."""
    user = _user(email)
    if not user.active:
        raise InputError(f"{user.email} is inactive: a token of theirs would open nothing.")
    with _changes():
        new = create_token(user, name, days, utcnow())
    until = f"until {new.token.expires_at:%Y-%m-%d %H:%M} UTC" if new.token.expires_at else "until revoked"
    click.echo(f"Created the token '{new.token.name}' for {user.email}, valid {until}. Its secret, shown only now:",
               err=True)  # fmt: skip
    click.echo(new.secret)


@users.command("tokens")
@click.argument("email")
@with_appcontext
def users_tokens(email: str) -> None:
    """A user's API tokens: the start of the secret, name, created, last used, expiry and status."""
    user = _user(email)
    now = utcnow()
    for token in user_tokens(user):
        status = "revoked" if token.revoked_at else "expired" if token.expired(now) else "active"
        click.echo(
            f"{token.prefix:<14} {token.name:<32} created {token.created_at:%Y-%m-%d}  "
            f"last used {_day(token.last_used_at)}  expires {_day(token.expires_at)}  {status}"
        )


@users.command("revoke-token")
@click.argument("email")
@click.argument("prefix")
@with_appcontext
def users_revoke_token(email: str, prefix: str) -> None:
    """Revoke a user's API token, named by the start of its secret as `fidelity users tokens` lists it."""
    user = _user(email)
    wanted = prefix.strip().rstrip("…")
    matching = [t for t in user_tokens(user) if t.revoked_at is None and t.prefix == wanted]
    if not matching:
        raise InputError(f"{user.email} has no unrevoked token beginning with {wanted}.")
    with _changes():
        for token in matching:
            revoke_token(token, utcnow())
    click.echo(f"Revoked the token '{matching[0].name}' ({wanted}) of {user.email}")


def _day(moment: datetime | None) -> str:
    return "never" if moment is None else f"{moment:%Y-%m-%d}"


COMMANDS.extend([organisations, areas, units, users])
