"""`fidelity organisations|areas|units|users ...`: good input changes the database, bad input exits 2 with one line.

Every test requests `session`: the commands commit, which inside it only releases a savepoint.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from fidelity.cli import main
from fidelity.models import Area, AuditEntry, HostType, Organisation, Role, RoleAssignment, Unit, User
from tests import factories

PASSWORD = "a long enough password"
TABLES = (Organisation, Area, Unit, User, RoleAssignment, AuditEntry)


def counts(session: Any) -> dict[type, int]:
    session.expire_all()
    return {model: session.scalar(select(func.count()).select_from(model)) for model in TABLES}


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error:")]


def roles_of(session: Any, email: str) -> set[tuple[Role, int | None, int | None]]:
    session.expire_all()
    user = session.scalars(select(User).where(User.email == email)).one()
    return {(a.role, a.unit_id, a.area_id) for a in user.roles}


# --- good input ----------------------------------------------------------------------------------------------


def test_organisations_create(runner: FlaskCliRunner, session: Any) -> None:
    result = runner.invoke(main, ["organisations", "create", "norrvik", "--name", "Norrvik programme"])
    assert result.exit_code == 0, result.output
    assert result.output == "Created organisation NORRVIK: Norrvik programme\n"
    organisation = session.scalars(select(Organisation).where(Organisation.code == "NORRVIK")).one()
    assert organisation.name == "Norrvik programme"


def test_areas_create(runner: FlaskCliRunner, session: Any) -> None:
    organisation = factories.organisation()
    result = runner.invoke(
        main, ["areas", "create", "north-1", "--name", "North", "--organisation", organisation.code.lower()]
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"Created area NORTH-1: North, in {organisation.code}\n"
    area = session.scalars(select(Area).where(Area.code == "NORTH-1")).one()
    assert area.name == "North" and area.organisation_id == organisation.id


def test_units_create_and_list(runner: FlaskCliRunner, session: Any) -> None:
    area = factories.area()
    args = ["units", "create", "nrv-03", "--name", "Young Minds", "--area", area.code, "--host", "psychiatric_care"]
    result = runner.invoke(main, [*args, "--services", "ips+sed", "--target-group", "Young adults 18-30"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Created unit NRV-03: Young Minds (IPS + SEd), in {area.code}\n"
    unit = session.scalars(select(Unit).where(Unit.code == "NRV-03")).one()
    assert (unit.name, unit.area_id, unit.host_type) == ("Young Minds", area.id, HostType.PSYCHIATRIC_CARE)
    assert unit.offers_ips and unit.offers_sed and unit.target_group == "Young adults 18-30"

    args = ["units", "create", "NRV-04", "--name", "SEd only", "--area", area.code, "--host", "other"]
    wrong = runner.invoke(main, [*args, "--services", "sed", "--started", "2026-02-30"])
    assert wrong.exit_code == 2 and "--started" in wrong.output  # nothing created
    result = runner.invoke(main, [*args, "--services", "sed", "--started", "2026-02-02"])
    assert result.exit_code == 0, result.output
    sed_only = session.scalars(select(Unit).where(Unit.code == "NRV-04")).one()
    assert not sed_only.offers_ips and sed_only.offers_sed and sed_only.target_group == ""
    assert (unit.started_on, sed_only.started_on) == (None, date(2026, 2, 2))

    result = runner.invoke(main, ["units", "list"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("NRV-03"))
    assert line.split()[:4] == ["NRV-03", "Young", "Minds", area.code]
    assert "psychiatric_care" in line and "IPS + SEd" in line and line.endswith("Young adults 18-30")


def test_units_recount_counts_the_kept_figures_again_under_the_current_definitions(
    runner: FlaskCliRunner, session: Any
) -> None:
    """After an upgrade that added a figure, the kept quarters hold it empty until counted again; locked ones stay."""
    from datetime import date

    from fidelity.models import ExitReason, QuarterlyOutcome
    from fidelity.monitoring.kept import refresh_outcomes
    from fidelity.monitoring.outcomes import DEFINITIONS_VERSION
    from tests.factories import app_today

    unit, other = factories.unit(), factories.unit()
    referred = date(app_today().year - 1, 2, 1)
    factories.journey(unit, referred, code="GONE-1", exit_date=date(referred.year, 3, 1),
                      exit_reason=ExitReason.WITHDREW)  # fmt: skip
    refresh_outcomes(unit, app_today())
    session.commit()
    rows = session.scalars(select(QuarterlyOutcome).where(QuarterlyOutcome.unit_id == unit.id)).all()
    for row in rows:  # as kept before the upgrade
        row.definitions_version, row.gave_up = "2", None
    rows[-1].locked = True
    session.commit()

    result = runner.invoke(main, ["units", "recount", unit.code.lower()])  # a code in any capitals, as elsewhere
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{unit.code}: {len(rows) - 1} of {len(rows)} quarters counted under definitions version "
        f"{DEFINITIONS_VERSION} (1 locked before it, kept as they were)\n"
    )
    # Every unit, in the order of their codes; a unit without locked quarters says nothing of them.
    everyone = runner.invoke(main, ["units", "recount"]).output.splitlines()
    assert [line.split(":")[0] for line in everyone] == sorted(line.split(":")[0] for line in everyone)
    assert next(line for line in everyone if line.startswith(f"{other.code}:")).endswith(
        f"counted under definitions version {DEFINITIONS_VERSION}"
    )
    session.expire_all()
    first = session.scalars(select(QuarterlyOutcome).where(QuarterlyOutcome.unit_id == unit.id)
                            .order_by(QuarterlyOutcome.year, QuarterlyOutcome.quarter)).first()  # fmt: skip
    assert (first.definitions_version, first.gave_up, first.referred) == (DEFINITIONS_VERSION, 1, 1)
    assert session.get(QuarterlyOutcome, rows[-1].id).gave_up is None  # locked: as it was kept
    assert other.code not in result.output
    missing = runner.invoke(main, ["units", "recount", "NO-SUCH"])
    assert missing.exit_code == 2 and "no unit with the code NO-SUCH" in missing.output


def test_units_check_codes_lists_the_stored_codes_the_rules_now_refuse(runner: FlaskCliRunner, session: Any) -> None:
    """Codes stored before a rule was added: each is listed by its journey's id and why (the code itself, perhaps an
    identity number, is not printed), and nothing is changed."""
    from datetime import date

    from fidelity.models import Journey
    from fidelity.monitoring.identity import BIRTH_DATE, NAME_WORDS

    unit, other = factories.unit(), factories.unit()
    old = [factories.journey(unit, date(2025, 1, 5), code=code) for code in ("AS811218", "NRV-0001", "ANNA_BERG")]
    factories.journey(other, date(2025, 1, 5), code="NRV-0002")
    result = runner.invoke(main, ["units", "check-codes", unit.code.lower()])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{unit.code}: journey #{old[2].id}: {NAME_WORDS}",
        f"{unit.code}: journey #{old[0].id}: {BIRTH_DATE}",
        "2 codes to change, in 1 unit.",
    ]
    assert "AS811218" not in result.output
    assert runner.invoke(main, ["units", "check-codes", other.code]).output == "0 codes to change, in 1 unit.\n"
    session.expire_all()
    assert session.get(Journey, old[0].id).code == "AS811218"  # nothing changed


def test_users_create_with_the_password_from_the_prompt(runner: FlaskCliRunner, session: Any) -> None:
    unit = factories.unit()
    result = runner.invoke(
        main,
        ["users", "create", "Frida.Manager@Example.org", "--role", "frontline_manager", "--unit", unit.code.lower()],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output and PASSWORD not in result.output
    assert result.output.endswith(
        "Created user frida.manager@example.org (Frida.Manager) with the role frontline_manager\n"
    )
    user = session.scalars(select(User).where(User.email == "frida.manager@example.org")).one()
    assert user.active and user.check_password(PASSWORD) and user.display_name == "Frida.Manager"
    assert roles_of(session, user.email) == {(Role.FRONTLINE_MANAGER, unit.id, None)}


def test_users_create_with_name_and_area_and_password_option(runner: FlaskCliRunner, session: Any) -> None:
    area = factories.area()
    args = ["users", "create", "boss@example.org", "--role", "second_tier_manager", "--area", area.code]
    result = runner.invoke(main, [*args, "--name", "Area Boss", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert roles_of(session, "boss@example.org") == {(Role.SECOND_TIER_MANAGER, None, area.id)}
    assert session.scalars(select(User).where(User.email == "boss@example.org")).one().display_name == "Area Boss"


def test_users_grant_and_revoke(runner: FlaskCliRunner, session: Any) -> None:
    area = factories.area()
    user = factories.user(Role.EXTERNAL_REVIEWER)

    result = runner.invoke(
        main, ["users", "grant", user.email.upper(), "--role", "second_tier_manager", "--area", area.code]
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"Granted second_tier_manager on area {area.code} to {user.email}\n"
    assert roles_of(session, user.email) == {
        (Role.EXTERNAL_REVIEWER, None, None),
        (Role.SECOND_TIER_MANAGER, None, area.id),
    }

    result = runner.invoke(main, ["users", "revoke", user.email, "--role", "external_reviewer"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Revoked external_reviewer from {user.email}\n"
    assert roles_of(session, user.email) == {(Role.SECOND_TIER_MANAGER, None, area.id)}


def test_users_list(runner: FlaskCliRunner, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    second = factories.user(Role.SECOND_TIER_MANAGER, area_id=unit.area_id)
    admin = factories.user(Role.ADMIN)
    admin.active = False
    session.commit()

    result = runner.invoke(main, ["users", "list"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert lines[manager.email].split()[1:] == [
        *manager.display_name.split(),
        "active",
        "frontline_manager",
        "(unit",
        f"{unit.code})",
    ]
    assert lines[second.email].endswith(f"active   second_tier_manager (area {unit.area.code})")
    assert lines[admin.email].endswith("inactive admin")


def test_users_set_password(runner: FlaskCliRunner, session: Any) -> None:
    user = factories.user(Role.ADMIN)
    result = runner.invoke(main, ["users", "set-password", user.email], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.get(User, user.id).check_password(PASSWORD)


def test_changes_from_the_cli_are_audited_as_cli(runner: FlaskCliRunner, session: Any) -> None:
    start = session.scalar(select(func.max(AuditEntry.id))) or 0
    runner.invoke(main, ["organisations", "create", "AUD-CLI", "--name", "Audited"])
    runner.invoke(main, ["users", "create", "aud@example.org", "--role", "admin", "--password", PASSWORD])
    runner.invoke(main, ["users", "revoke", "aud@example.org", "--role", "admin"])

    session.expire_all()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.id > start).order_by(AuditEntry.id)).all()
    assert [(e.action, e.entity) for e in entries] == [
        ("create", "organisations"),
        ("create", "users"),
        ("create", "role_assignments"),
        ("delete", "role_assignments"),
    ]
    assert {(e.actor_id, e.actor_label) for e in entries} == {(None, "cli")}
    assert entries[1].changes["email"] == [None, "aud@example.org"]
    assert entries[1].changes["password_hash"] == [None, "[redacted]"]


# --- refusals ------------------------------------------------------------------------------------------------

# Placeholders: {org} {area} {unit} codes, {user} an existing frontline manager's e-mail.
REFUSALS = [
    (["organisations", "create", "x", "--name", "X"], "A code is 2 to 32 letters A-Z, digits or hyphens"),
    (["organisations", "create", "no spaces", "--name", "X"], "'no spaces' is not."),
    (["organisations", "create", "{org_lower}", "--name", "X"], "There is already an organisation with the code"),
    (["organisations", "create", "NEW-ORG", "--name", " "], "This cannot be empty."),
    (["areas", "create", "{area_lower}", "--name", "X", "--organisation", "{org}"], "There is already an area"),
    (["areas", "create", "NEW-AREA", "--name", "X", "--organisation", "NOPE"], "no organisation with the code NOPE"),
    (
        ["units", "create", "{unit_lower}", "--name", "X", "--area", "{area}", "--host", "other", "--services", "ips"],
        "There is already a unit with the code",
    ),
    (
        ["units", "create", "NEW-U", "--name", "X", "--area", "NOPE", "--host", "other", "--services", "ips"],
        "There is no area with the code NOPE.",
    ),
    (
        ["units", "create", "NEW-U", "--name", "X", "--area", "{area}", "--host", "other", "--services", "none"],
        "Invalid value for '--services'",
    ),
    (["users", "create", "not-an-address", "--role", "admin", "--password", PASSWORD], "is not a valid e-mail address"),
    (["users", "create", "{user_upper}", "--role", "admin", "--password", PASSWORD], "use `fidelity users grant`"),
    (["users", "create", "new@example.org", "--role", "admin", "--password", "short"], "at least 12 characters"),
    (
        ["users", "create", "new@example.org", "--role", "admin", "--unit", "{unit}", "--password", PASSWORD],
        "An administrator's role covers every unit: give no unit or area.",
    ),
    (
        [
            "users",
            "create",
            "new@example.org",
            "--role",
            "external_reviewer",
            "--area",
            "{area}",
            "--password",
            PASSWORD,
        ],
        "External reviewers reach units through the reviews assigned to them",
    ),
    (
        ["users", "create", "new@example.org", "--role", "second_tier_manager", "--password", PASSWORD],
        "A second-tier manager answers for an area: choose the area.",
    ),
    (
        [
            "users",
            "create",
            "new@example.org",
            "--role",
            "frontline_manager",
            "--area",
            "{area}",
            "--password",
            PASSWORD,
        ],
        "A frontline manager answers for a unit: choose the unit.",
    ),
    (
        ["users", "create", "new@example.org", "--role", "frontline_manager", "--unit", "NOPE", "--password", PASSWORD],
        "There is no unit with the code NOPE.",
    ),
    (
        ["users", "grant", "{user}", "--role", "frontline_manager", "--unit", "{unit}", "--area", "{area}"],
        "Give a unit or an area, not both.",
    ),
    (["users", "grant", "{user}", "--role", "frontline_manager", "--unit", "{unit_lower}"], "already holds the role"),
    (["users", "grant", "nobody@example.org", "--role", "admin"], "There is no user with the e-mail address"),
    (["users", "revoke", "{user}", "--role", "admin"], "does not hold the role Administrator."),
    (["users", "revoke", "{user}", "--role", "second_tier_manager", "--area", "{area}"], "does not hold the role"),
    (["users", "set-password", "{user}", "--password", "short"], "at least 12 characters"),
]


@pytest.mark.parametrize(("args", "message"), REFUSALS)
def test_refusals_exit_2_with_one_error_line_and_change_nothing(
    runner: FlaskCliRunner, session: Any, args: list[str], message: str
) -> None:
    unit = factories.unit()
    user = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    organisation = unit.area.organisation
    names = {"org": organisation.code, "org_lower": organisation.code.lower(), "area": unit.area.code}
    names |= {"area_lower": unit.area.code.lower(), "unit": unit.code, "unit_lower": unit.code.lower()}
    names |= {"user": user.email, "user_upper": user.email.upper()}
    user_id, password_hash = user.id, user.password_hash
    before = counts(session)

    result = runner.invoke(main, [arg.format(**names) for arg in args])
    assert result.exit_code == 2, result.output
    [line] = error_lines(result.output)
    assert message in line
    if not line.startswith("Error: Invalid value"):  # click's own usage errors add a usage hint
        assert result.output == line + "\n"
    assert counts(session) == before
    assert session.get(User, user_id).password_hash == password_hash
