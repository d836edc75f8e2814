"""Running for real: security headers and cookies, /healthz, and pages that answer 503 while the database is
unreachable and recover on their own when it returns."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event

from fidelity.config import PROJECT_ROOT
from fidelity.extensions import db
from fidelity.models import Role
from tests import factories
from tests.conftest import make_app
from tests.test_web import login


def test_every_page_carries_the_security_headers(client: Any) -> None:
    response = client.get("/login")
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: a browser would ignore it anyway
    secure = client.get("/login", base_url="https://fidelity.example.org")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_what_a_logged_in_person_sees_is_not_stored(client: Any, session: Any) -> None:
    """Pages with people's codes on them must not come back from a cache after logging out, nor be kept by a proxy:
    every response to a logged-in person says no-store, but for the app's own static files and a view that chose."""
    unit = factories.unit()
    factories.journey(unit, factories.app_today(), code="CACHE-1")
    assert "Cache-Control" not in client.get("/login").headers  # nobody's data yet
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    for path in (f"/units/{unit.code}/journeys", f"/units/{unit.code}/waiting-list", f"/units/{unit.code}/audit", "/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    assert "CACHE-1" in client.get(f"/units/{unit.code}/journeys").get_data(as_text=True)
    static = client.get("/static/fidelity.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    static.close()
    login(client, factories.user(Role.ADMIN).email)
    chart = client.get("/comparison/chart.svg")
    assert chart.status_code == 200 and chart.headers["Cache-Control"] == "private, max-age=300"


def test_no_template_has_inline_script() -> None:
    """The policy allows no inline script, so no template may hold one: scripts are files under static/."""
    offences = []
    for path in sorted((PROJECT_ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            scripts = re.findall(r"<script\b[^>]*>", line)
            if any("src=" not in tag for tag in scripts) or re.search(r"\son[a-z]+\s*=", line) or "javascript:" in line:
                offences.append(f"{path.relative_to(PROJECT_ROOT)}:{number}")
    assert offences == []


@pytest.fixture
def own_app(tmp_path: Path, database_factory: Callable[[], str]) -> Iterator[Flask]:
    """An app on a database of its own, so its connections can be broken without touching the suite's."""
    app = make_app(tmp_path / "instance", database_factory())
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_production_cookies_are_secure_and_plain_http_is_sent_to_https(
    own_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIDELITY_ENV", "production")
    monkeypatch.setenv("FIDELITY_SECRET_KEY", "a-production-secret-for-the-test")
    app = make_app(tmp_path / "production", own_app.config["DATABASE_URL"])
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["FORCE_HTTPS"]
    client = app.test_client()
    redirected = client.get("/login")
    assert redirected.status_code in (301, 302) and redirected.headers["Location"].startswith("https://")
    # A load balancer's health check comes straight to the app, over plain HTTP.
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    with app.app_context():
        email = factories.user(Role.ADMIN).email
    page = client.get("/login", base_url="https://fidelity.example.org").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    # Over HTTPS the CSRF check also wants the page the form came from (a same-origin Referer, which the
    # Referrer-Policy lets browsers send).
    answer = client.post(
        "/login",
        base_url="https://fidelity.example.org",
        headers={"Referer": "https://fidelity.example.org/login"},
        data={"email": email, "password": factories.PASSWORD, "csrf_token": token.group(1)},
    )
    assert answer.status_code == 302
    cookie = next(value for name, value in answer.headers.items() if name == "Set-Cookie" and "session=" in value)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with app.app_context():
        db.engine.dispose()


def test_healthz_answers_without_login(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_pages_answer_503_while_the_database_is_gone_and_recover_on_their_own(own_app: Flask) -> None:
    with own_app.app_context():
        email = factories.user(Role.ADMIN).email
        engine = db.engine
    client = own_app.test_client()
    assert login(client, email).status_code == 302
    assert client.get("/").status_code == 200

    def refuse(*_args: Any) -> None:
        raise engine.dialect.loaded_dbapi.OperationalError("the database server is down")

    event.listen(engine, "do_connect", refuse)
    engine.dispose()  # the pooled connections go with the server
    try:
        down = client.get("/")
        assert down.status_code == 503 and down.headers["Retry-After"] == "30"
        assert "The database cannot be reached just now" in down.get_data(as_text=True)
        assert client.get("/healthz").status_code == 503
    finally:
        event.remove(engine, "do_connect", refuse)
    # Back again: the same process, no restart.
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200


def test_an_unreachable_database_server_is_a_503(tmp_path: Path) -> None:
    app = make_app(
        tmp_path / "instance",
        "postgresql://postgres@127.0.0.1:9/nowhere",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}},
    )
    client = app.test_client()
    assert client.get("/healthz").status_code == 503
    page = client.get("/login")  # the form itself needs no database
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert token is not None
    answer = client.post("/login", data={"email": "someone@example.org", "password": "x", "csrf_token": token.group(1)})
    assert answer.status_code == 503 and "Temporarily unavailable" in answer.get_data(as_text=True)
