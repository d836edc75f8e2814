"""A new password: a user changes their own, or an administrator gives one. Either ends the user's other sessions."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from fidelity.cli import main
from fidelity.models import AuditEntry, LoginFailure, Role, User
from tests import factories
from tests.test_web import csrf_token, login

NEW = "a brand new passphrase"


def change(client: Any, current: str = factories.PASSWORD, new: str = NEW, repeated: str | None = None) -> Any:
    data = {"current_password": current, "new_password": new, "repeated": new if repeated is None else repeated}
    return client.post("/account/password", data={**data, "csrf_token": csrf_token(client, "/account/password")})


def second_client(app: Any) -> FlaskClient:
    return app.test_client()


def last_account_change(session: Any, user: User) -> AuditEntry:
    """The newest audit entry of `user`'s account, as the database holds it now."""
    session.expire_all()
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "users", AuditEntry.entity_id == str(user.id))
        .order_by(AuditEntry.id.desc())
    ).first()


def test_a_user_changes_their_password_and_other_sessions_end(app: Any, client: Any, session: Any) -> None:
    unit = factories.unit()
    user = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    elsewhere = second_client(app)  # the same user, logged in on another computer
    login(elsewhere, user.email)
    assert elsewhere.get("/").status_code == 200
    login(client, user.email)
    page = client.get("/account/password").get_data(as_text=True)
    assert "Change your password" in page and user.email in page

    response = change(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Your password is changed." in client.get("/").get_data(as_text=True)  # this session goes on
    assert elsewhere.get("/").status_code == 302  # the other one has ended, and says why on the login page
    told = elsewhere.get("/login").get_data(as_text=True)
    assert "Your password was changed since you logged in here: log in with the new one." in told
    assert "Your password was changed" not in elsewhere.get("/login").get_data(as_text=True)  # said once
    session.expire_all()
    assert session.get(User, user.id).check_password(NEW)

    # Only the new password logs in now.
    third = second_client(app)
    assert login(third, user.email).status_code == 200
    assert login(third, user.email, NEW).status_code == 302

    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "users").order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None and entry.action == "update" and entry.actor_id == user.id
    assert entry.changes == {"password_hash": ["[redacted]", "[redacted]"]}


@pytest.mark.parametrize(
    ("current", "new", "repeated", "field", "message"),
    [
        ("not my password", NEW, NEW, "current_password", "This is not your current password."),
        (factories.PASSWORD, "too short", "too short", "new_password", "at least 12 characters long"),
        (factories.PASSWORD, "x" * 201, "x" * 201, "new_password", "at most 200 characters long"),
        (factories.PASSWORD, factories.PASSWORD, factories.PASSWORD, "new_password", "must differ from the current"),
        (factories.PASSWORD, NEW, NEW + "!", "repeated", "The two new passwords are not the same."),
        ("", NEW, NEW, "current_password", "This field is required."),
    ],
)
def test_a_refused_change_says_why_and_keeps_the_password(
    client: Any, session: Any, current: str, new: str, repeated: str, field: str, message: str
) -> None:
    user = factories.user(Role.ADMIN)
    login(client, user.email)
    before = user.password_hash
    response = change(client, current, new, repeated)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    session.expire_all()
    assert session.get(User, user.id).password_hash == before
    assert client.get("/").status_code == 200  # still logged in


def test_wrong_current_passwords_are_throttled_like_logins(app: Any, client: Any, session: Any) -> None:
    user = factories.user(Role.ADMIN)
    login(client, user.email)
    for _ in range(app.config["LOGIN_THROTTLE_ATTEMPTS"]):
        assert change(client, "guess").status_code == 400
    failures = session.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.email == user.email))
    assert failures == app.config["LOGIN_THROTTLE_ATTEMPTS"]
    # Now even the right password is refused, with how long to wait, and nothing changes.
    refused = change(client)
    assert refused.status_code == 429
    assert "Too many failed attempts for this address." in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, user.id).check_password(factories.PASSWORD)


def test_the_header_links_to_the_password_page(client: Any, session: Any) -> None:
    user = factories.user(Role.EXTERNAL_REVIEWER)
    login(client, user.email)
    page = client.get("/").get_data(as_text=True)
    assert '<a class="who" href="/account/password"' in page and user.display_name in page


def test_a_session_from_before_the_password_changed_elsewhere_ends(
    runner: FlaskCliRunner, client: Any, session: Any
) -> None:
    """However the password changes (here by the `users set-password` command), older sessions end."""
    user = factories.user(Role.ADMIN)
    login(client, user.email)
    assert client.get("/").status_code == 200
    result = runner.invoke(main, ["users", "set-password", user.email, "--password", NEW])
    assert result.exit_code == 0, result.output
    response = client.get("/units/X")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_administrator_gives_a_user_a_new_password(app: Any, client: Any, session: Any) -> None:
    admin = factories.user(Role.ADMIN)
    user = factories.user(Role.EXTERNAL_REVIEWER)
    theirs = second_client(app)
    login(theirs, user.email)
    assert theirs.get("/").status_code == 200
    login(client, admin.email)
    assert 'id="set-password"' in client.get(f"/admin/users/{user.id}").get_data(as_text=True)

    url = f"/admin/users/{user.id}/password"
    token = csrf_token(client, "/")
    short = client.post(url, data={"password": "short", "csrf_token": token})
    assert short.status_code == 400 and "A password must be at least 12 characters long." in short.get_data(True)
    response = client.post(url, data={"password": NEW, "csrf_token": token})
    assert response.status_code == 302
    assert "has a new password" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert theirs.get("/").status_code == 302  # their session has ended
    assert login(theirs, user.email, NEW).status_code == 302
    entry = last_account_change(session, user)
    assert entry.actor_id == admin.id and entry.changes == {"password_hash": ["[redacted]", "[redacted]"]}


def test_an_administrator_changes_their_own_password_on_their_own_page_only(client: Any, session: Any) -> None:
    """Not on the admin page, where no current password is asked for: whoever finds an administrator's computer
    unlocked must not take over the account."""
    admin = factories.user(Role.ADMIN)
    login(client, admin.email)
    page = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert 'id="set-password"' not in page and 'href="/account/password"' in page
    url = f"/admin/users/{admin.id}/password"
    response = client.post(url, data={"password": NEW, "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303 and response.headers["Location"] == "/account/password"
    session.expire_all()
    assert session.get(User, admin.id).check_password(factories.PASSWORD)


def test_a_deactivated_users_open_session_ends_and_says_why(app: Any, client: Any, session: Any) -> None:
    admin = factories.user(Role.ADMIN)
    user = factories.user(Role.EXTERNAL_REVIEWER)
    theirs = second_client(app)
    login(theirs, user.email)
    assert theirs.get("/").status_code == 200
    login(client, admin.email)
    client.post(f"/admin/users/{user.id}/active", data={"active": "0", "csrf_token": csrf_token(client, "/")})
    assert theirs.get("/").status_code == 302
    told = theirs.get("/login").get_data(as_text=True)
    assert "Your account has been deactivated. Ask your administrator if you need it." in told
