"""The admin pages: organisations, areas, units, users and roles, for administrators only, audited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from fidelity.extensions import db
from fidelity.models import ApiToken, Area, AuditEntry, HostType, Organisation, Role, RoleAssignment, Unit, User
from tests import factories
from tests.test_web import csrf_token, login


def post(client: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    """A POST with the session's CSRF token, taken from the units page (every logged-in page has one)."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, "/")})


def page(response: Any) -> str:
    return response.get_data(as_text=True)


def count(session: Any, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin(client: Any, session: Any) -> User:
    user = factories.user(Role.ADMIN)
    login(client, user.email)
    return user


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


# --- the overview ---------------------------------------------------------------------------------------------


def test_index_shows_the_tree_and_the_users_with_their_roles(client: Any, admin: User) -> None:
    north = factories.area()
    unit = factories.unit(north, sed=True)
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    second = factories.user(Role.SECOND_TIER_MANAGER, area_id=north.id)

    response = client.get("/admin/")
    assert response.status_code == 200
    text = page(response)
    assert north.organisation.name in text and north.name in text and north.code in text
    assert f'{unit.name} <span class="code">{unit.code}</span>' in text
    assert "Municipal social services" in text and "IPS + SEd" in text and "Adults" in text
    assert f'href="/admin/units/{unit.code}/edit"' in text
    assert f'href="/admin/users/{manager.id}"' in text and manager.email in text
    assert f"Frontline manager: {unit.name}" in text
    assert f"Second-tier manager: area {north.name}" in text and second.email in text
    assert f'href="/admin/users/{admin.id}"' in text and "Administrator" in text


def test_index_loads_in_a_constant_number_of_queries(app: Flask, client: Any, admin: User) -> None:
    def grow() -> None:
        area = factories.area()
        for _ in range(3):
            unit = factories.unit(area)
            factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
        factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id)

    grow()
    with counted_queries(app) as small:
        assert client.get("/admin/").status_code == 200
    grow()
    grow()
    with counted_queries(app) as large:
        assert client.get("/admin/").status_code == 200
    assert small and len(large) == len(small)


def test_the_administration_link_is_shown_to_administrators_only(client: Any, session: Any) -> None:
    admin = factories.user(Role.ADMIN)
    login(client, admin.email)
    assert 'href="/admin/">Administration</a>' in page(client.get("/"))

    post(client, "/logout")
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=factories.unit().id)
    login(client, manager.email)
    assert "Administration" not in page(client.get("/"))


# --- organisations, areas, units ------------------------------------------------------------------------------


def test_new_organisation(client: Any, admin: User, session: Any) -> None:
    assert client.get("/admin/organisations/new").status_code == 200

    response = post(client, "/admin/organisations/new", {"code": "norrvik", "name": "Norrvik programme"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    organisation = session.scalars(select(Organisation).where(Organisation.name == "Norrvik programme")).one()
    assert organisation.code == "NORRVIK"
    assert "Organisation Norrvik programme created." in page(client.get("/admin/"))


def test_new_area_chooses_the_organisation_from_a_select(client: Any, admin: User, session: Any) -> None:
    organisation = factories.organisation()
    form = page(client.get("/admin/areas/new"))
    assert '<select id="organisation_code"' in form and f'<option value="{organisation.code}">' in form

    response = post(
        client, "/admin/areas/new", {"code": "north", "name": "North", "organisation_code": organisation.code}
    )
    assert response.status_code == 302
    area = session.scalars(select(Area).where(Area.code == "NORTH")).one()
    assert area.name == "North" and area.organisation_id == organisation.id


def test_new_unit(client: Any, admin: User, session: Any) -> None:
    area = factories.area()
    form = page(client.get("/admin/units/new"))
    assert '<input checked id="services-0" name="services" type="checkbox" value="ips">' in form

    response = post(
        client,
        "/admin/units/new",
        {
            "code": "nrv-9",
            "name": "Young Minds",
            "area_code": area.code,
            "host_type": "psychiatric_care",
            "services": ["ips", "sed"],
            "target_group": "Young adults 18-30",
            "started_on": "2026-03-02",
        },
    )
    assert response.status_code == 302
    unit = session.scalars(select(Unit).where(Unit.code == "NRV-9")).one()
    assert (unit.name, unit.area_id, unit.host_type) == ("Young Minds", area.id, HostType.PSYCHIATRIC_CARE)
    assert unit.offers_ips and unit.offers_sed and unit.target_group == "Young adults 18-30"
    assert unit.started_on == date(2026, 3, 2)


def test_edit_unit_changes_everything_but_the_code(client: Any, admin: User, session: Any) -> None:
    unit = factories.unit()
    unit.started_on = date(2025, 4, 1)
    session.commit()
    other_area = factories.area()
    form = page(client.get(f"/admin/units/{unit.code}/edit"))
    assert f'value="{unit.name}"' in form and 'name="code"' not in form
    assert 'value="2025-04-01"' in form  # the day it started
    refused = post(client, f"/admin/units/{unit.code}/edit", {"name": "Renamed", "area_code": other_area.code,
                                                              "host_type": "other", "services": ["sed"],
                                                              "started_on": "2025-02-30"})  # fmt: skip
    assert refused.status_code == 400 and "that month has 28 days" in page(refused)
    assert f'<option selected value="{unit.area.code}">' in form

    response = post(
        client,
        f"/admin/units/{unit.code}/edit",
        {"name": "Renamed", "area_code": other_area.code, "host_type": "other", "services": ["sed"]},
    )
    assert response.status_code == 302
    session.expire_all()
    changed = session.get(Unit, unit.id)
    assert (changed.code, changed.name, changed.area_id) == (unit.code, "Renamed", other_area.id)
    assert changed.host_type is HostType.OTHER and not changed.offers_ips and changed.offers_sed
    assert changed.target_group == "" and changed.started_on is None  # an absent field is empty


def test_edit_of_an_unknown_unit_is_404(client: Any, admin: User) -> None:
    assert client.get("/admin/units/NO-SUCH/edit").status_code == 404


# --- users and roles ------------------------------------------------------------------------------------------


def test_new_user_with_a_first_role(client: Any, admin: User, session: Any) -> None:
    unit = factories.unit()
    form = page(client.get("/admin/users/new"))
    assert f'<option value="{unit.code}">{unit.name} ({unit.code})</option>' in form

    response = post(
        client,
        "/admin/users/new",
        {
            "email": "New.Manager@Example.org",
            "display_name": "New Manager",
            "password": "long enough password",
            "role": "frontline_manager",
            "unit_code": unit.code,
            "area_code": "",
        },
    )
    user = session.scalars(select(User).where(User.email == "new.manager@example.org")).one()
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{user.id}"
    assert user.display_name == "New Manager" and user.active and user.check_password("long enough password")
    assert [(a.role, a.unit_id, a.area_id) for a in user.roles] == [(Role.FRONTLINE_MANAGER, unit.id, None)]


def test_user_page(client: Any, admin: User) -> None:
    area = factories.area()
    user = factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id)
    response = client.get(f"/admin/users/{user.id}")
    assert response.status_code == 200
    text = page(response)
    assert user.email in text and user.display_name in text and "Active: can log in" in text
    assert f"Second-tier manager: area {area.name}" in text
    assert f'action="/admin/users/{user.id}/roles/{user.roles[0].id}/revoke"' in text
    assert f'action="/admin/users/{user.id}/roles"' in text and '<label for="role">Role</label>' in text
    assert f'action="/admin/users/{user.id}/active"' in text and 'name="active" type="hidden" value="0"' in text
    assert client.get("/admin/users/999999").status_code == 404


def test_grant_role(client: Any, admin: User, session: Any) -> None:
    area = factories.area()
    user = factories.user(Role.EXTERNAL_REVIEWER)
    response = post(
        client,
        f"/admin/users/{user.id}/roles",
        {"role": "second_tier_manager", "area_code": area.code, "unit_code": ""},
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{user.id}"
    roles = session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id)).all()
    assert {(a.role, a.area_id) for a in roles} == {(Role.EXTERNAL_REVIEWER, None), (Role.SECOND_TIER_MANAGER, area.id)}
    assert f"{user.email} now holds the role Second-tier manager." in page(client.get(f"/admin/users/{user.id}"))


def test_revoke_role(client: Any, admin: User, session: Any) -> None:
    unit = factories.unit()
    user = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    other = factories.user(Role.EXTERNAL_REVIEWER)
    assignment_id = user.roles[0].id

    # An assignment is only reachable under the user who holds it.
    assert post(client, f"/admin/users/{other.id}/roles/{assignment_id}/revoke").status_code == 404
    assert post(client, f"/admin/users/{user.id}/roles/999999/revoke").status_code == 404

    response = post(client, f"/admin/users/{user.id}/roles/{assignment_id}/revoke")
    assert response.status_code == 302
    assert session.get(RoleAssignment, assignment_id) is None
    assert f"{user.email} no longer holds the role Frontline manager." in page(client.get(response.headers["Location"]))


def test_an_admin_cannot_revoke_their_own_admin_role(client: Any, admin: User, session: Any) -> None:
    assignment_id = admin.roles[0].id
    response = post(client, f"/admin/users/{admin.id}/roles/{assignment_id}/revoke")
    assert response.status_code == 400
    assert "You cannot remove your own administrator role." in page(response)
    assert session.get(RoleAssignment, assignment_id) is not None
    assert client.get("/admin/").status_code == 200


def test_deactivate_and_activate_a_user(client: Any, admin: User, session: Any) -> None:
    user = factories.user(Role.EXTERNAL_REVIEWER)
    response = post(client, f"/admin/users/{user.id}/active", {"active": "0"})
    assert response.status_code == 302
    session.expire_all()
    assert not session.get(User, user.id).active
    assert "Inactive: cannot log in" in page(client.get(f"/admin/users/{user.id}"))

    assert post(client, f"/admin/users/{user.id}/active", {"active": "1"}).status_code == 302
    session.expire_all()
    assert session.get(User, user.id).active


def test_an_admin_cannot_deactivate_themselves(client: Any, admin: User, session: Any) -> None:
    response = post(client, f"/admin/users/{admin.id}/active", {"active": "0"})
    assert response.status_code == 400
    assert "You cannot deactivate your own account." in page(response)
    session.expire_all()
    assert session.get(User, admin.id).active
    assert client.get("/admin/").status_code == 200


def test_edit_a_users_name_and_email(client: Any, admin: User, session: Any) -> None:
    user = factories.user(Role.EXTERNAL_REVIEWER)
    other = factories.user(Role.EXTERNAL_REVIEWER)
    old_name = user.display_name
    shown = page(client.get(f"/admin/users/{user.id}"))
    assert f'value="{user.email}"' in shown and f'value="{user.display_name}"' in shown  # filled in

    taken = post(client, f"/admin/users/{user.id}/details", {"email": other.email.upper(), "display_name": "Kim"})
    assert taken.status_code == 400
    assert f"There is already a user with the e-mail address {other.email}." in page(taken)
    # Said at the top of the long page too, leading to the form refused.
    top = page(taken).index('<p class="error admin-alert" role="alert">Nothing was saved. <a href="#account">')
    assert top < page(taken).index('<h2 id="roles">')
    session.expire_all()
    assert session.get(User, user.id).display_name != "Kim"

    response = post(
        client, f"/admin/users/{user.id}/details", {"email": " Kim.Berg@Example.org ", "display_name": "Kim"}
    )
    assert response.status_code == 302
    session.expire_all()
    edited = session.get(User, user.id)
    assert (edited.email, edited.display_name) == ("kim.berg@example.org", "Kim")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "users").order_by(AuditEntry.id)).all()[-1]
    assert entry.actor_id == admin.id and entry.changes["display_name"] == [old_name, "Kim"]
    # Keeping one's own address (in any capitals) is no clash.
    same = post(client, f"/admin/users/{user.id}/details", {"email": "KIM.BERG@example.org", "display_name": "Kim B"})
    assert same.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, "kim.berg@example.org").status_code == 302  # the new address logs in


def test_the_audit_trail_of_accounts_and_set_up(client: Any, admin: User, session: Any) -> None:
    unit = factories.unit()
    user = factories.user(Role.EXTERNAL_REVIEWER)
    post(client, f"/admin/users/{user.id}/details", {"email": "kim@example.org", "display_name": "Kim"})
    post(client, f"/admin/users/{user.id}/password", {"password": "a long new password"})
    post(client, f"/admin/users/{user.id}/roles", {"role": "admin"})
    post(client, f"/admin/users/{user.id}/roles", {"role": "frontline_manager", "unit_code": unit.code})
    reviewer_role = next(r for r in user.roles if r.role is Role.EXTERNAL_REVIEWER)
    post(client, f"/admin/users/{user.id}/roles/{reviewer_role.id}/revoke")
    post(client, "/account/tokens", {"name": "Power BI"})
    token = session.scalars(select(ApiToken).where(ApiToken.name == "Power BI")).one()
    post(client, f"/account/tokens/{token.id}/revoke")
    assert 'href="/admin/audit"' in page(client.get("/admin/"))

    shown = " ".join(page(client.get("/admin/audit")).split())
    assert "Audit trail of accounts and set-up" in shown
    # Newest first; each user named by their address; a password's hash never shown.
    granted = shown.index("created role <strong>Administrator: kim@example.org</strong>")  # and to whom
    password = shown.index("changed user <strong>kim@example.org</strong>")
    assert granted < password
    assert '<span title="password_hash">Password</span>: (not shown) → (not shown)' in shown
    assert "pbkdf2" not in shown and '<span title="display_name">Name</span>: ' in shown
    assert f'<span title="user_id">User</span>: kim@example.org (#{user.id})' in shown  # by address, not id alone
    # A revoked token is named although the change names only when; a deleted role lists only what it held.
    assert f'changed API token <strong>Power BI</strong> <span class="code">#{token.id}</span>' in shown
    revoked = shown[shown.index("deleted role <strong>External reviewer: kim@example.org</strong>") :]
    revoked = revoked[: revoked.index("</tr>")]
    assert "→" in revoked and "– → –" not in revoked
    # A role held on a unit is on that unit's trail, not here.
    assert "created role <strong>Frontline manager: kim@example.org</strong>" not in shown
    assert "created role <strong>Frontline manager: kim@example.org</strong>" in " ".join(
        page(client.get(f"/units/{unit.code}/audit")).split()
    )


# --- refusals ------------------------------------------------------------------------------------------------


REFUSALS = [
    ("/admin/organisations/new", {"code": "{org}", "name": "Again"}, "There is already an organisation with the code"),
    ("/admin/organisations/new", {"code": "a b", "name": "Spaces"}, "A code is 2 to 32 letters A-Z"),
    ("/admin/organisations/new", {"code": "OK-1", "name": ""}, "This field is required."),
    ("/admin/areas/new", {"code": "{area}", "name": "Again", "organisation_code": "{org_code}"}, "already an area"),
    ("/admin/areas/new", {"code": "NEW-AREA", "name": "Lost", "organisation_code": "NOPE"}, "Not a valid choice"),
    (
        "/admin/units/new",
        {"code": "NEW-U", "name": "Nothing", "area_code": "{area_code}", "host_type": "other"},
        "A unit must offer IPS, SEd or both.",
    ),
    (
        "/admin/units/new",
        {"code": "{unit_lower}", "name": "Again", "area_code": "{area_code}", "host_type": "other", "services": "ips"},
        "There is already a unit with the code",
    ),
    (
        "/admin/units/{unit}/edit",
        {"name": "No services", "area_code": "{area_code}", "host_type": "other"},
        "A unit must offer IPS, SEd or both.",
    ),
    (
        "/admin/users/new",
        {"email": "not-an-address", "display_name": "X", "password": "long enough password", "role": "admin"},
        "is not a valid e-mail address.",
    ),
    (
        "/admin/users/new",
        {"email": "{email}", "display_name": "X", "password": "long enough password", "role": "admin"},
        "There is already a user with the e-mail address",
    ),
    (
        "/admin/users/new",
        {"email": "short@example.org", "display_name": "X", "password": "too short", "role": "admin"},
        "A password must be at least 12 characters long.",
    ),
    (
        "/admin/users/new",
        {
            "email": "fm@example.org",
            "display_name": "X",
            "password": "long enough password",
            "role": "frontline_manager",
        },
        "A frontline manager answers for a unit: choose the unit.",
    ),
    (
        "/admin/users/{user_id}/roles",
        {"role": "second_tier_manager"},
        "A second-tier manager answers for an area: choose the area.",
    ),
    ("/admin/users/{user_id}/roles", {"role": "admin", "unit_code": "{unit}"}, "covers every unit"),
    (
        "/admin/users/{user_id}/roles",
        {"role": "external_reviewer", "area_code": "{area_code}"},
        "External reviewers reach units through the reviews assigned to them",
    ),
    (
        "/admin/users/{user_id}/roles",
        {"role": "frontline_manager", "unit_code": "{unit}"},
        "already holds the role Frontline manager for",
    ),
    ("/admin/users/{user_id}/active", {"active": "maybe"}, "Invalid value"),
    ("/admin/users/{user_id}/roles", {}, "Choose a role."),  # the form as it comes: no role chosen
    ("/admin/users/{user_id}/details", {"email": "not-an-address", "display_name": "X"}, "is not a valid e-mail"),
    ("/admin/users/{user_id}/details", {"email": "{email}", "display_name": "x" * 201}, "Use at most 200 characters."),
    ("/admin/users/{user_id}/password", {"password": "too short"}, "A password must be at least 12 characters long."),
]


@pytest.mark.parametrize(("url", "data", "message"), REFUSALS)
def test_refused_forms_rerender_with_the_message_and_write_nothing(
    client: Any, admin: User, session: Any, url: str, data: dict[str, str], message: str
) -> None:
    unit = factories.unit()
    user = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    organisation = unit.area.organisation
    names = {"org": organisation.code.lower(), "org_code": organisation.code, "area": unit.area.code.lower()}
    names |= {"area_code": unit.area.code, "unit": unit.code, "unit_lower": unit.code.lower()}
    names |= {"email": user.email.upper(), "user_id": str(user.id)}
    before = {model: count(session, model) for model in (Organisation, Area, Unit, User, RoleAssignment, AuditEntry)}

    response = post(client, url.format(**names), {key: value.format(**names) for key, value in data.items()})
    assert response.status_code == 400
    text = page(response)
    assert message in text
    assert 'aria-invalid="true"' in text or 'role="alert"' in text
    session.expire_all()
    assert {model: count(session, model) for model in before} == before
    assert session.get(User, user.id).active


# --- who may ------------------------------------------------------------------------------------------------


ADMIN_URLS = [
    ("GET", "/admin/"),
    ("GET", "/admin/organisations/new"),
    ("POST", "/admin/organisations/new"),
    ("GET", "/admin/areas/new"),
    ("POST", "/admin/areas/new"),
    ("GET", "/admin/units/new"),
    ("POST", "/admin/units/new"),
    ("GET", "/admin/units/{unit}/edit"),
    ("POST", "/admin/units/{unit}/edit"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("GET", "/admin/users/{user_id}"),
    ("POST", "/admin/users/{user_id}/roles"),
    ("POST", "/admin/users/{user_id}/roles/{assignment_id}/revoke"),
    ("POST", "/admin/users/{user_id}/active"),
    ("POST", "/admin/users/{user_id}/details"),
    ("POST", "/admin/users/{user_id}/password"),
    ("GET", "/admin/audit"),
]


@pytest.mark.parametrize("role", [Role.FRONTLINE_MANAGER, Role.SECOND_TIER_MANAGER, Role.EXTERNAL_REVIEWER])
def test_everyone_but_administrators_gets_403_on_every_admin_url(client: Any, session: Any, role: Role) -> None:
    unit = factories.unit()
    scope = {"unit_id": unit.id} if role is Role.FRONTLINE_MANAGER else {}
    scope |= {"area_id": unit.area_id} if role is Role.SECOND_TIER_MANAGER else {}
    user = factories.user(role, **scope)
    target = factories.user(Role.EXTERNAL_REVIEWER)
    names = {"unit": unit.code, "user_id": target.id, "assignment_id": target.roles[0].id}
    login(client, user.email)
    before = count(session, AuditEntry)

    for method, url in ADMIN_URLS:
        path = url.format(**names)
        if method == "GET":
            response = client.get(path)
        else:
            data = {"active": "0", "role": "admin", "code": "HACK", "name": "Hack", "services": "ips"}
            response = post(client, path, data)
        assert response.status_code == 403, (method, path)
    assert count(session, AuditEntry) == before


def test_admin_pages_need_a_login(client: Any, session: Any) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


# --- the audit trail -----------------------------------------------------------------------------------------


def test_changes_made_through_the_pages_are_audited_with_the_admin_as_actor(
    client: Any, admin: User, session: Any
) -> None:
    area = factories.area()
    start = session.scalar(select(func.max(AuditEntry.id)))
    post(client, "/admin/organisations/new", {"code": "AUD-ORG", "name": "Audited"})
    post(
        client,
        "/admin/units/new",
        {"code": "AUD-U", "name": "Audited unit", "area_code": area.code, "host_type": "other", "services": "ips"},
    )
    post(
        client,
        "/admin/users/new",
        {"email": "aud@example.org", "display_name": "A", "password": "long enough password", "role": "admin"},
    )
    user = session.scalars(select(User).where(User.email == "aud@example.org")).one()
    post(client, f"/admin/users/{user.id}/active", {"active": "0"})

    entries = session.scalars(select(AuditEntry).where(AuditEntry.id > start).order_by(AuditEntry.id)).all()
    assert [(e.action, e.entity) for e in entries] == [
        ("create", "organisations"),
        ("create", "units"),
        ("create", "users"),
        ("create", "role_assignments"),
        ("update", "users"),
    ]
    assert {(e.actor_id, e.actor_label) for e in entries} == {(admin.id, admin.email)}
    assert entries[-1].changes == {"active": [True, False]}
    assert entries[2].changes["password_hash"] == [None, "[redacted]"]
