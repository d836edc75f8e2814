"""API tokens: made on the account page or by the command, shown once, kept as a hash; what opens the API and what
does not (a revoked, expired or wrong token, an inactive user, a browser's session cookie), and that the API hands
out no session cookie."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select, update

from fidelity.access import TOKEN_USE_RESOLUTION
from fidelity.account.operations import create_token
from fidelity.cli import main
from fidelity.models import ApiToken, AuditEntry, Role, Unit, User
from fidelity.models.types import as_utc, utcnow
from tests import factories
from tests.test_admin import counted_queries
from tests.test_web import csrf_token, login

SECRET = re.compile(r'<code class="secret">(fid_[A-Za-z0-9_-]{43})</code>')


@dataclass
class Manager:
    user: User
    unit: Unit


@pytest.fixture
def manager(session: Any) -> Manager:
    unit = factories.unit()
    return Manager(factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id), unit)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def new_secret(session: Any, user: User, days: int | None = None) -> str:
    secret = create_token(user, "Test", days, utcnow()).secret
    session.commit()
    return secret


def unit_codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [unit["code"] for unit in response.get_json()["items"]]


def refused(response: Any, challenge: str = 'Bearer realm="fidelity", error="invalid_token"') -> bool:
    return (
        response.status_code == 401
        and response.headers["WWW-Authenticate"] == challenge
        and set(response.get_json()) == {"error"}
        and "Set-Cookie" not in response.headers
    )


# --- the account page -----------------------------------------------------------------------------------------


def test_a_token_made_on_the_page_is_shown_once_and_kept_only_as_a_hash(
    client: Any, session: Any, manager: Manager
) -> None:
    login(client, manager.user.email)
    page = client.get("/account/tokens")
    assert page.status_code == 200 and "You have no tokens." in page.get_data(as_text=True)
    assert 'href="/account/tokens"' in page.get_data(as_text=True)  # the header links the page

    form = {"name": "Monthly export", "days": "30", "csrf_token": csrf_token(client, "/")}
    response = client.post("/account/tokens", data=form)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    match = SECRET.search(html)
    assert match and "Copy it now: it is shown only this once." in html
    secret = match.group(1)

    token = session.scalars(select(ApiToken).where(ApiToken.user_id == manager.user.id)).one()
    assert token.name == "Monthly export" and token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12] and token.revoked_at is None and token.last_used_at is None
    assert timedelta(days=29, hours=23) < as_utc(token.expires_at) - utcnow() <= timedelta(days=30)
    # Nothing kept holds the secret: neither the token's row nor its audit entry.
    kept = " ".join(str(getattr(token, column.key)) for column in ApiToken.__table__.columns)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "api_tokens")).one()
    assert secret not in kept and secret not in str(entry.changes)
    assert entry.changes["secret_hash"] == [None, "[redacted]"] and entry.actor_id == manager.user.id

    again = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in again and f"{token.prefix}…" in again and "Monthly export" in again and "Never" in again
    assert unit_codes(client.get("/api/v1/units", headers=bearer(secret))) == [manager.unit.code]


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "x" * 101}, "Field cannot be longer than 100 characters."),
        ({"name": "Export", "days": "0"}, "Number must be between 1 and 3650."),
        ({"name": "Export", "days": "soon"}, "Not a valid integer value."),
    ],
)
def test_a_token_needs_a_name_and_a_sensible_lifetime(
    client: Any, session: Any, manager: Manager, form: dict[str, str], error: str
) -> None:
    login(client, manager.user.email)
    response = client.post("/account/tokens", data=form | {"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 400 and error in response.get_data(as_text=True)
    assert session.scalars(select(ApiToken)).all() == []


def test_a_token_is_revoked_on_the_page_by_its_owner_only(client: Any, session: Any, manager: Manager) -> None:
    mine = create_token(manager.user, "Mine", None, utcnow())
    theirs = create_token(factories.user(Role.ADMIN), "Theirs", None, utcnow())
    session.commit()
    login(client, manager.user.email)
    token = csrf_token(client, "/")

    assert client.post(f"/account/tokens/{theirs.token.id}/revoke", data={"csrf_token": token}).status_code == 404
    assert client.post("/account/tokens/999999/revoke", data={"csrf_token": token}).status_code == 404
    # The list offers revoking in two steps: the button that revokes is behind one that names the token.
    listed = client.get("/account/tokens").get_data(as_text=True)
    summary = '<details class="confirm-revoke"><summary>Revoke…<span class="visually-hidden"> Mine</span></summary>'
    assert summary in listed
    assert "Revoke “Mine”</button>" in listed
    response = client.post(f"/account/tokens/{mine.token.id}/revoke", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/account/tokens"
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "The token “Mine” is revoked: it no longer opens the API." in page
    assert re.search(r"Revoked \w{3} \d{1,2}, 20\d\d, \d{1,2}:\d\d\u202f[AP]M CES?T", page)  # as the pages write times

    assert session.get(ApiToken, mine.token.id).revoked_at is not None
    assert session.get(ApiToken, theirs.token.id).revoked_at is None
    assert refused(client.get("/api/v1/units", headers=bearer(mine.secret)))
    assert client.get("/api/v1/units", headers=bearer(theirs.secret)).status_code == 200
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "api_tokens").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.action == "update" and list(entry.changes) == ["revoked_at"]


# --- what opens the API ---------------------------------------------------------------------------------------


def test_only_a_usable_token_of_an_active_user_opens_the_api(client: Any, session: Any, manager: Manager) -> None:
    anonymous = client.get("/api/v1/units")
    assert refused(anonymous, 'Bearer realm="fidelity"') and "Authorization: Bearer" in anonymous.get_json()["error"]

    secret = new_secret(session, manager.user)
    assert unit_codes(client.get("/api/v1/units", headers=bearer(secret))) == [manager.unit.code]
    assert unit_codes(client.get("/api/v1/units", headers={"Authorization": f"bearer  {secret} "})) == [
        manager.unit.code
    ]
    for header in (f"Bearer {secret}x", f"Bearer {secret[:-1]}", f"Basic {secret}", secret, "Bearer", "Bearer  "):
        response = client.get("/api/v1/units", headers={"Authorization": header})
        assert response.status_code == 401 and "Set-Cookie" not in response.headers, header

    expired = create_token(manager.user, "Old", 1, utcnow() - timedelta(days=2))
    session.commit()
    assert refused(client.get("/api/v1/units", headers=bearer(expired.secret)))

    session.get(User, manager.user.id).active = False
    session.commit()
    assert refused(client.get("/api/v1/units", headers=bearer(secret)))


def test_a_browser_session_opens_no_api_and_a_token_opens_no_page(client: Any, session: Any, manager: Manager) -> None:
    admin = factories.user(Role.ADMIN)
    login(client, admin.email)
    assert client.get("/").status_code == 200
    # The logged-in browser's cookie goes with every request, and counts for nothing under /api/v1.
    assert refused(client.get("/api/v1/units"), 'Bearer realm="fidelity"')
    assert refused(client.get(f"/api/v1/units/{manager.unit.code}"), 'Bearer realm="fidelity"')
    # With a token too, the API answers as the token's user, not the browser's.
    secret = new_secret(session, manager.user)
    assert unit_codes(client.get("/api/v1/units", headers=bearer(secret))) == [manager.unit.code]
    # The browser's session is left as it was.
    assert client.get("/").status_code == 200

    anonymous = client.application.test_client()
    response = anonymous.get("/", headers=bearer(secret))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_api_hands_out_no_session_cookie(client: Any, session: Any, manager: Manager) -> None:
    secret = new_secret(session, manager.user)
    code = manager.unit.code
    for url, headers, status in (
        ("/api/v1/units", bearer(secret), 200),
        (f"/api/v1/units/{code}/reviews?page=0", bearer(secret), 400),
        ("/api/v1/units", {}, 401),
        ("/api/v1/units/NOPE", bearer(secret), 404),
        ("/api/v1/nothing-here", {}, 404),
        ("/api/v1/openapi.json", {}, 200),
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == status, url
        assert response.mimetype == "application/json" and "Set-Cookie" not in response.headers, url
    post = client.post("/api/v1/units", headers=bearer(secret))
    assert post.status_code == 405 and post.get_json() == {"error": "The API is read-only: only GET is allowed."}
    assert "GET" in post.headers["Allow"]


def test_a_token_s_last_use_is_written_at_most_once_a_minute(
    app: Flask, client: Any, session: Any, manager: Manager
) -> None:
    made = create_token(manager.user, "Test", None, utcnow())
    session.commit()
    assert client.get("/api/v1/units", headers=bearer(made.secret)).status_code == 200
    first = as_utc(session.get(ApiToken, made.token.id).last_used_at)
    assert utcnow() - first < timedelta(seconds=10)

    with counted_queries(app) as statements:
        assert client.get("/api/v1/units", headers=bearer(made.secret)).status_code == 200
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    assert as_utc(session.get(ApiToken, made.token.id).last_used_at) == first

    earlier = first - TOKEN_USE_RESOLUTION
    session.execute(update(ApiToken).where(ApiToken.id == made.token.id).values(last_used_at=earlier))
    session.commit()
    assert client.get("/api/v1/units", headers=bearer(made.secret)).status_code == 200
    assert as_utc(session.get(ApiToken, made.token.id).last_used_at) > first
    # Bookkeeping only: no audit entry for it.
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "api_tokens")).all()
    assert [e.action for e in entries] == ["create"]


# --- the command ----------------------------------------------------------------------------------------------


def test_the_command_makes_lists_and_revokes_tokens(runner: FlaskCliRunner, session: Any, manager: Manager) -> None:
    email = manager.user.email
    made = runner.invoke(main, ["users", "token", email, "--name", "Nightly", "--days", "7"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    assert re.fullmatch(r"fid_[A-Za-z0-9_-]{43}", secret)
    assert f"Created the token 'Nightly' for {email}, valid until 20" in made.stderr
    token = session.scalars(select(ApiToken).where(ApiToken.user_id == manager.user.id)).one()
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest() and token.expires_at is not None
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "api_tokens")).one()
    assert entry.actor_label == "cli"

    listed = runner.invoke(main, ["users", "tokens", email])
    assert listed.exit_code == 0 and token.prefix in listed.output and "Nightly" in listed.output
    assert "last used never" in listed.output and listed.output.rstrip().endswith("active")

    revoked = runner.invoke(main, ["users", "revoke-token", email, f"{token.prefix}…"])
    assert revoked.exit_code == 0, revoked.output
    assert revoked.output == f"Revoked the token 'Nightly' ({token.prefix}) of {email}\n"
    assert session.get(ApiToken, token.id).revoked_at is not None
    assert runner.invoke(main, ["users", "tokens", email]).output.rstrip().endswith("revoked")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["users", "token", "nobody@example.org", "--name", "X"], "Error: There is no user with the e-mail address "
                                                                  "nobody@example.org."),
        (["users", "token", "{email}", "--name", "  "], "Error: A token needs a name of 1 to 100 characters."),
        (["users", "token", "{email}", "--name", "X", "--days", "0"], "Error: Invalid value for '--days'"),
        (["users", "revoke-token", "{email}", "fid_nothing"], "Error: {email} has no unrevoked token beginning "
                                                               "with fid_nothing."),
        (["users", "tokens", "nobody@example.org"], "Error: There is no user with the e-mail address "
                                                    "nobody@example.org."),
    ],
)  # fmt: skip
def test_the_command_refuses_bad_input_with_exit_2(
    runner: FlaskCliRunner, session: Any, manager: Manager, args: list[str], message: str
) -> None:
    email = manager.user.email
    result = runner.invoke(main, [arg.format(email=email) for arg in args])
    assert result.exit_code == 2 and message.format(email=email) in result.output
    assert session.scalars(select(ApiToken)).all() == []


def test_the_command_makes_no_token_for_an_inactive_user(
    runner: FlaskCliRunner, session: Any, manager: Manager
) -> None:
    manager.user.active = False
    session.commit()
    result = runner.invoke(main, ["users", "token", manager.user.email, "--name", "X"])
    assert result.exit_code == 2
    assert f"Error: {manager.user.email} is inactive: a token of theirs would open nothing." in result.output
