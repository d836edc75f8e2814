"""The site's error pages: in its layout and the reader's language, saying why; the API keeps answering in JSON."""

from __future__ import annotations

from typing import Any

import pytest

from fidelity.account.operations import create_token
from fidelity.models import Role
from fidelity.models.types import utcnow
from tests import factories
from tests.test_web import csrf_token, login


def text(response: Any) -> str:
    return " ".join(response.get_data(as_text=True).split())


def test_a_page_not_found_or_not_allowed_is_one_of_the_sites_pages(client: Any, session: Any) -> None:
    unit, other = factories.unit(), factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    missing = client.get("/units/NO-SUCH-UNIT")
    page = text(missing)
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "<h1>Not found</h1>" in page and "The requested URL was not found" not in page
    assert 'href="/logout"' in page or "Log out" in page  # the site's header, not a bare page
    assert client.get(f"/units/{other.code}").status_code == 404  # another unit does not exist for them
    forbidden = client.get(f"/units/{unit.code}/external/new")
    assert forbidden.status_code == 403 and "<h1>Not for you</h1>" in text(forbidden)
    wrong_method = client.delete(f"/units/{unit.code}")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]


def test_a_reason_given_is_kept_and_the_page_speaks_swedish(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    refused = client.post(f"/units/{unit.code}/reviews/new", data={"scale": "ips-25"})  # no CSRF token
    assert refused.status_code == 400 and "The form&#39;s security token is missing" in text(refused)
    assert "<h1>The request could not be used</h1>" in text(refused) and "CSRF" not in text(refused)
    client.post("/language", data={"csrf_token": csrf_token(client), "locale": "sv", "next": "/"})
    missing = text(client.get("/units/NO-SUCH-UNIT"))
    assert "<h1>Hittades inte</h1>" in missing and "Not found" not in missing
    swedish = text(client.post(f"/units/{unit.code}/reviews/new", data={"scale": "ips-25"}))
    assert "Formulärets säkerhetsnyckel saknas" in swedish and "CSRF" not in swedish


def test_the_api_still_answers_in_json(client: Any, session: Any) -> None:
    response = client.get("/api/v1/units/NO-SUCH-UNIT")
    assert response.status_code == 401 and response.is_json


@pytest.fixture
def failing(app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The units page and the API's list of units fail as no one foresaw, answered as in production (not raised
    into the test)."""

    def fail(*args: Any) -> Any:
        raise RuntimeError("an error nobody foresaw")

    monkeypatch.setattr("fidelity.units.routes.visible_units", fail)
    monkeypatch.setattr("fidelity.api.routes.visible_units", fail)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    return app


def test_an_unforeseen_error_is_one_of_the_sites_pages_in_the_readers_language(
    client: Any, session: Any, failing: Any
) -> None:
    user = factories.user(Role.ADMIN)
    user.locale = "sv"
    session.commit()
    login(client, user.email)
    response = client.get("/")
    page = text(response)
    assert response.status_code == 500 and "<h1>Något gick fel hos oss</h1>" in page and "Fel 500" in page
    assert "Internal Server Error" not in page and "RuntimeError" not in page
    assert client.get("/account/password").status_code == 200  # the session and the database go on


def test_an_unforeseen_error_in_the_api_is_json_and_no_response_is_kept(
    client: Any, session: Any, failing: Any
) -> None:
    user = factories.user(Role.ADMIN)
    secret = create_token(user, "t", None, utcnow()).secret
    session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    failed = client.get("/api/v1/units", headers=headers)
    assert failed.status_code == 500 and failed.is_json and "nothing was changed" in failed.json["error"]
    assert client.get("/api/v1/openapi.json", headers=headers).headers["Cache-Control"] == "no-store"


def test_a_database_error_is_logged_without_the_values_it_names(
    app: Any, session: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL quotes the refused row in its message, and SQLAlchemy adds the statement's parameters: a journey's
    code and dates. The log keeps the traceback, the kind of error and the constraint, not the values."""
    from datetime import date

    from sqlalchemy.exc import IntegrityError

    from fidelity.models import Journey

    unit = factories.unit()
    factories.journey(unit, date(2026, 1, 5), code="SECRET-CODE-7")
    session.commit()
    savepoint = session.begin_nested()
    session.add(Journey(unit_id=unit.id, code="SECRET-CODE-7", referral_date=date(2026, 1, 5)))
    with pytest.raises(IntegrityError) as refused:
        session.flush()
    savepoint.rollback()
    with app.app_context(), caplog.at_level("ERROR"):
        try:
            raise refused.value
        except IntegrityError:
            app.logger.exception("Exception on /units/x/journeys/new [POST]")
    logged = caplog.text
    assert "SECRET-CODE-7" not in logged and "2026-01-05" not in logged
    assert "IntegrityError" in logged and "Traceback" in logged
    if session.get_bind().dialect.name == "postgresql":
        assert "SQLSTATE 23505" in logged and "constraint uq_journeys_unit_id" in logged
