"""Failed logins are throttled in the database, and idle sessions expire."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from fidelity.auth import operations
from fidelity.auth.operations import authenticate
from fidelity.models import LoginFailure, Role
from fidelity.models.types import utcnow
from tests import factories
from tests.conftest import FAST_PASSWORD_HASH
from tests.test_web import login

GUESS = "Summer2026!"  # a guess an attacker tries


def test_repeated_failures_pause_logins_for_that_address(client: Any, session: Any, app: Any) -> None:
    user = factories.user(Role.ADMIN)
    other = factories.user(Role.ADMIN)
    attempts = app.config["LOGIN_THROTTLE_ATTEMPTS"]
    for _ in range(attempts):
        assert login(client, user.email, "wrong").status_code == 200
    # Now even the right password is refused, with the reason and how long to wait.
    refused = login(client, user.email.upper())
    assert refused.status_code == 429
    assert "Too many failed attempts for this address. Try again in 15 minutes." in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # Another address is not affected.
    assert login(client, other.email).status_code == 302

    # The pause is over once the failures are older than the window; success clears the count.
    session.execute(update(LoginFailure).values(at=utcnow() - timedelta(minutes=16)))
    session.commit()
    client.post("/logout", data={"csrf_token": _token(client)})
    assert login(client, user.email).status_code == 302
    left = session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.email == user.email, ~LoginFailure.cleared)
    )
    assert left == 0


def test_many_failures_from_one_network_address_pause_logins_from_it_for_any_account(
    app: Any, session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guessing one common password against many accounts stays under each account's limit: the address the
    attempts come from has a limit of its own. Other addresses, and the accounts themselves from elsewhere, go on."""
    from tests.test_web import csrf_token

    monkeypatch.setitem(app.config, "LOGIN_THROTTLE_SOURCE_ATTEMPTS", 6)
    users = [factories.user(Role.FRONTLINE_MANAGER) for _ in range(3)]
    attacker, colleague = app.test_client(), app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    colleague.environ_base["REMOTE_ADDR"] = "198.51.100.20"

    def post(client: Any, email: str, password: str = GUESS) -> Any:
        return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})

    for user in users * 2:  # two guesses an account: far below the five that pause an account
        assert post(attacker, user.email).status_code == 200
    refused = post(attacker, users[0].email, factories.PASSWORD)  # even the right password, from there
    assert refused.status_code == 429
    assert "Too many failed logins from your network, for any address. Try again in 15 minutes" in refused.get_data(
        as_text=True
    )
    assert post(colleague, users[0].email, factories.PASSWORD).status_code == 302
    # The owner's login from elsewhere clears their account's count, not the network's: the guessing stays paused.
    assert post(attacker, users[1].email, factories.PASSWORD).status_code == 429
    sources = session.scalars(select(LoginFailure.source).where(LoginFailure.email == users[2].email)).all()
    assert sources == ["203.0.113.7", "203.0.113.7"]


def test_the_network_limit_counts_only_recent_failures_and_can_be_turned_off(session: Any) -> None:
    now = utcnow()
    emails = [f"person{n}@example.org" for n in range(4)]
    for email in emails:
        assert attempt(email, "x", now, source="192.0.2.1", source_attempts=4).user is None
    paused = attempt("someone@example.org", "x", now, source="192.0.2.1", source_attempts=4)
    assert paused.throttled and paused.from_source and paused.retry_after_minutes == 10
    assert not attempt("someone@example.org", "x", now, source="192.0.2.2", source_attempts=4).throttled
    assert not attempt("else@example.org", "x", now, source="192.0.2.1", source_attempts=0).throttled
    later = now + timedelta(minutes=11)
    assert not attempt("someone@example.org", "x", later, source="192.0.2.1", source_attempts=4).throttled


def attempt(email: str, password: str, now: Any = None, *, attempts: int = 3, minutes: int = 10, **source: Any) -> Any:
    return authenticate(
        email, password, attempts=attempts, minutes=minutes, hash_method=FAST_PASSWORD_HASH, now=now, **source
    )


def test_failures_for_unknown_addresses_count_too(session: Any) -> None:
    now = utcnow()
    for _ in range(3):
        assert attempt("nobody@example.org", "x", now).user is None
    result = attempt("nobody@example.org", "x", now + timedelta(minutes=4))
    assert result.throttled and result.retry_after_minutes == 6
    later = attempt("nobody@example.org", "x", now + timedelta(minutes=11))
    assert not later.throttled


def test_every_refusal_checks_a_password_hash(session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """How long a refusal takes must not tell an unknown address or an inactive account from a wrong password: each
    costs one password hash check, made with the app's method."""
    checked: list[str] = []
    real_check = operations.check_password_hash

    def counting_check(pwhash: str, password: str) -> bool:
        checked.append(pwhash.split("$")[0])
        return real_check(pwhash, password)

    monkeypatch.setattr(operations, "check_password_hash", counting_check)
    known = factories.user(Role.ADMIN)
    inactive = factories.user(Role.ADMIN)
    inactive.active = False
    session.commit()
    for email, password in (
        (known.email, "wrong"),
        (inactive.email, factories.PASSWORD),
        ("nobody@example.org", factories.PASSWORD),
    ):
        assert attempt(email, password, attempts=5).user is None
    assert checked == [FAST_PASSWORD_HASH] * 3
    assert attempt(known.email, factories.PASSWORD, attempts=5).user is not None


def test_an_idle_session_expires(client: Any, session: Any, app: Any) -> None:
    user = factories.user(Role.ADMIN)
    login(client, user.email)
    assert client.get("/").status_code == 200
    idle = app.config["SESSION_IDLE_MINUTES"]
    with client.session_transaction() as cookie:
        cookie["last_seen"] = (utcnow() - timedelta(minutes=idle + 1)).timestamp()
    response = client.get("/units/X")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/units/X")
    assert "Your session expired" in client.get("/login").get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_session_ends_when_its_lifetime_is_over_however_busy(client: Any, session: Any, app: Any) -> None:
    user = factories.user(Role.ADMIN)
    login(client, user.email)
    assert client.get("/").status_code == 200
    with client.session_transaction() as cookie:
        logged_in_at = cookie["logged_in_at"]
        assert abs(logged_in_at - utcnow().timestamp()) < 60
        # Logged in longer ago than the lifetime, and busy ever since: the last request was a moment ago.
        cookie["logged_in_at"] = (utcnow() - app.permanent_session_lifetime - timedelta(minutes=1)).timestamp()
        cookie["last_seen"] = utcnow().timestamp()
    response = client.get("/units/X")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/units/X")
    assert client.get("/").status_code == 302
    # Logging in again starts a new session with its own lifetime.
    login(client, user.email)
    assert client.get("/").status_code == 200


def session_cookie(response: Any) -> str | None:
    return next((c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")), None)


def test_the_session_cookie_is_written_only_when_it_changes(client: Any, session: Any, registry: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    review = factories.draft_self_assessment(unit, manager, date(2026, 3, 15))
    login(client, manager.email)
    assert session_cookie(client.get("/")) is not None  # the first page records when the user was last seen
    assert session_cookie(client.get("/")) is None  # within a minute nothing changes, so no cookie is sent

    with client.session_transaction() as cookie:
        cookie["last_seen"] = (utcnow() - timedelta(minutes=2)).timestamp()
    # A background fragment never writes the session, or its late response could undo a save's flash or a logout.
    summary = client.get(f"/units/{unit.code}/reviews/{review.id}/summary?score_S1=4")
    assert summary.status_code == 200 and session_cookie(summary) is None
    assert session_cookie(client.get("/")) is not None  # a page does, once the minute has passed


def test_the_session_cookie_is_permanent_and_httponly(client: Any, session: Any) -> None:
    user = factories.user(Role.ADMIN)
    response = login(client, user.email)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def _token(client: Any) -> str:
    from tests.test_web import csrf_token

    return csrf_token(client, "/")
