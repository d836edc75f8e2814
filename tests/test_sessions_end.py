"""Ending a user's sessions without a new password: the user ends their other ones (a shared or lost computer), an
administrator or the shell ends all of someone's. API tokens go on."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskCliRunner

from fidelity.cli import main
from fidelity.models import Role, User
from tests import factories
from tests.test_api_tokens import bearer, new_secret
from tests.test_passwords import last_account_change, second_client
from tests.test_web import csrf_token, login

ENDED = "Your sessions were ended, by you elsewhere or by an administrator: log in again."


def test_a_user_logs_out_everywhere_else_and_this_session_goes_on(app: Any, client: Any, session: Any) -> None:
    user = factories.user(Role.EXTERNAL_REVIEWER)
    elsewhere, again = second_client(app), second_client(app)
    login(elsewhere, user.email)
    assert elsewhere.get("/").status_code == 200
    login(client, user.email)
    assert "Log out everywhere else" in client.get("/account/password").get_data(as_text=True)

    response = client.post("/account/sessions/end", data={"csrf_token": csrf_token(client, "/account/password")})
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    assert "Every other session of yours has ended; this one goes on." in client.get("/").get_data(as_text=True)
    assert elsewhere.get("/").status_code == 302
    assert ENDED in elsewhere.get("/login").get_data(as_text=True)
    # The password is the same: logging in again works, and that session is not ended by the first.
    assert login(again, user.email).status_code == 302 and again.get("/").status_code == 200
    assert client.get("/").status_code == 200

    session.expire_all()
    assert session.get(User, user.id).session_generation == 1
    entry = last_account_change(session, user)
    assert entry is not None and entry.actor_id == user.id and entry.changes == {"session_generation": [0, 1]}


def test_ending_sessions_needs_the_form_token(client: Any, session: Any) -> None:
    user = factories.user(Role.EXTERNAL_REVIEWER)
    login(client, user.email)
    assert client.post("/account/sessions/end").status_code == 400
    session.expire_all()
    assert session.get(User, user.id).session_generation == 0


def test_an_administrator_logs_a_user_out_everywhere(app: Any, client: Any, session: Any) -> None:
    admin = factories.user(Role.ADMIN)
    user = factories.user(Role.EXTERNAL_REVIEWER)
    theirs = second_client(app)
    login(theirs, user.email)
    secret = new_secret(session, user)
    login(client, admin.email)
    assert f'action="/admin/users/{user.id}/sessions/end"' in client.get(f"/admin/users/{user.id}").get_data(True)

    response = client.post(f"/admin/users/{user.id}/sessions/end", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert f"Every session of {user.email} has ended" in client.get(response.headers["Location"]).get_data(True)
    assert theirs.get("/").status_code == 302 and ENDED in theirs.get("/login").get_data(as_text=True)
    assert client.get("/").status_code == 200  # the administrator's own session is untouched
    assert login(theirs, user.email).status_code == 302  # same password
    assert theirs.get("/api/v1/units", headers=bearer(secret)).status_code == 200

    entry = last_account_change(session, user)
    assert entry.actor_id == admin.id and entry.changes == {"session_generation": [0, 1]}


def test_an_administrator_ends_their_own_other_sessions_on_their_own_page(client: Any, session: Any) -> None:
    admin = factories.user(Role.ADMIN)
    login(client, admin.email)
    assert "/sessions/end" not in client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    response = client.post(f"/admin/users/{admin.id}/sessions/end", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303 and response.headers["Location"] == "/account/password"
    assert client.get("/").status_code == 200
    session.expire_all()
    assert session.get(User, admin.id).session_generation == 0


def test_the_shell_ends_a_users_sessions(runner: FlaskCliRunner, client: Any, session: Any) -> None:
    user = factories.user(Role.EXTERNAL_REVIEWER)
    login(client, user.email)
    assert client.get("/").status_code == 200
    result = runner.invoke(main, ["users", "end-sessions", user.email.upper()])
    assert result.exit_code == 0 and f"Ended every session of {user.email}" in result.output
    assert client.get("/").status_code == 302
    unknown = runner.invoke(main, ["users", "end-sessions", "nobody@example.org"])
    assert unknown.exit_code == 2 and "nobody@example.org" in unknown.output


def test_a_session_from_before_generations_goes_on(app: Any, client: Any, session: Any) -> None:
    """Sessions begun before sessions carried a generation have the id `user:fingerprint`: an upgrade keeps them."""
    user = factories.user(Role.EXTERNAL_REVIEWER)
    assert user.get_id() == f"{user.id}:{user.password_fingerprint()}"
    login(client, user.email)
    with client.session_transaction() as cookie:
        assert cookie["_user_id"] == f"{user.id}:{user.password_fingerprint()}"
    assert client.get("/").status_code == 200


def test_an_ended_session_says_so_in_the_accounts_language(app: Any, client: Any, session: Any) -> None:
    user = factories.user(Role.EXTERNAL_REVIEWER)
    user.locale = "sv"
    session.commit()
    elsewhere = second_client(app)
    login(elsewhere, user.email)
    login(client, user.email)
    client.post("/account/sessions/end", data={"csrf_token": csrf_token(client, "/account/password")})
    assert elsewhere.get("/", headers={"Accept-Language": "en"}).status_code == 302
    page = elsewhere.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Dina sessioner avslutades" in page and '<html lang="sv"' in page
