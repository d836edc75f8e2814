"""Logging in and out, login required by default, CSRF, and units scoped to the user."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from fidelity.models import ApiToken, Organisation, Role
from tests import factories

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client: Any, url: str = "/login") -> str:
    match = TOKEN.search(client.get(url).get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def login(client: Any, email: str, password: str = factories.PASSWORD, next_url: str = "") -> Any:
    token = csrf_token(client)
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def test_pages_require_login(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_unknown_pages_are_404_even_anonymously(client: Any) -> None:
    assert client.get("/no-such-page").status_code == 404


def test_login_page_is_public_and_marked_up_for_translation(client: Any) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert '<label for="email">E-mail</label>' in page and "Log in" in page


def test_wrong_password_is_a_form_error(client: Any, session: Any) -> None:
    user = factories.user(Role.ADMIN)
    response = login(client, user.email, "wrong")
    assert response.status_code == 200
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_post_without_csrf_token_is_rejected(client: Any, session: Any) -> None:
    user = factories.user(Role.ADMIN)
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "security token is missing" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_is_a_post_with_csrf(client: Any, session: Any) -> None:
    user = factories.user(Role.ADMIN)
    login(client, user.email)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no token
    assert client.get("/").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/",
        "javascript:alert(1)",
        "/%5Cevil.example/x",  # a backslash, which browsers read as a slash
        "/%09/evil.example/x",  # a tab, which URL parsers drop
        "/%0D%0ASet-Cookie:%20x=1",  # a line break, which no header may hold
    ],
)
def test_next_never_leaves_the_site(client: Any, session: Any, target: str) -> None:
    user = factories.user(Role.ADMIN)
    response = login(client, user.email, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/\\evil.example/x", "/units\r\nSet-Cookie: x=1", "/\t/evil.example"])
def test_the_language_switch_goes_back_only_to_a_page_of_this_site(client: Any, target: str) -> None:
    token = csrf_token(client)
    answer = client.post("/language", data={"csrf_token": token, "locale": "sv", "next": target})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


def test_a_nul_character_anywhere_in_a_request_is_refused(client: Any, session: Any) -> None:
    """PostgreSQL cannot hold or compare text with a NUL character: such input is a 400 (in a path, which then names
    nothing, a 404), never a 500 (or, on SQLite, a name stored with it), whether logged in or not."""
    admin = factories.user(Role.ADMIN)
    token = csrf_token(client)
    refused = client.post("/login", data={"csrf_token": token, "email": "a\x00@example.org", "password": "x"})
    assert refused.status_code == 400
    assert login(client, admin.email).status_code == 302
    token = csrf_token(client, "/")
    for url, form in (
        ("/account/tokens", {"name": "Export\x00"}),
        ("/admin/organisations/new", {"code": "NUL-ORG", "name": "A\x00B"}),
        ("/admin/organisations/new", {"code": "NUL-ORG", "name": "AB", "x\x00": "1"}),
    ):
        assert client.post(url, data={"csrf_token": token, **form}).status_code == 400
    assert client.get("/admin/units/A%00B/edit").status_code == 404
    assert client.get("/?page=%00").status_code == 400
    assert session.scalar(select(func.count()).select_from(Organisation).where(Organisation.code == "NUL-ORG")) == 0
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0
    api = client.get("/api/v1/units?page=%00")
    assert api.status_code == 400 and "error" in api.get_json()


def test_each_role_sees_its_own_units_with_latest_scores(client: Any, session: Any, registry: Any) -> None:
    north, south = factories.area(), factories.area()
    mine, neighbour, far = factories.unit(north), factories.unit(north), factories.unit(south)
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=mine.id)
    scores = {key: 4 for key in registry.get("ips-25").item_keys}
    factories.self_assessment(mine, manager, scores | {"S1": 3}, date(2025, 3, 15))
    factories.self_assessment(mine, manager, scores, date(2025, 9, 15))

    login(client, manager.email)
    page = client.get("/").get_data(as_text=True)
    assert mine.name in page and neighbour.name not in page and far.name not in page
    assert "<strong>100</strong> / 125" in page and "Good fidelity" in page
    assert "Sep 15, 2025 · self-assessment" in page  # which kind of review the total is from
    assert "Not offered" in page  # the unit offers IPS only, so the SEd scale does not apply

    second_tier = factories.user(Role.SECOND_TIER_MANAGER, area_id=north.id)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, second_tier.email)
    page = client.get("/").get_data(as_text=True)
    assert mine.name in page and neighbour.name in page and far.name not in page

    admin = factories.user(Role.ADMIN)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, admin.email)
    page = client.get("/").get_data(as_text=True)
    assert all(u.name in page for u in (mine, neighbour, far))


def test_a_reviewer_sees_the_units_of_the_reviews_assigned_to_them(client: Any, session: Any) -> None:
    assigned, other = factories.unit(), factories.unit()
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)
    factories.external_review(assigned, [reviewer], date(2025, 10, 1))
    login(client, reviewer.email)
    page = client.get("/").get_data(as_text=True)
    assert assigned.name in page and other.name not in page
    assert client.get(f"/units/{assigned.code}").status_code == 200
    assert client.get(f"/units/{other.code}").status_code == 404

    # The assignment counts only while the user is an external reviewer.
    session.delete(reviewer.roles[0])
    session.commit()
    assert client.get(f"/units/{assigned.code}").status_code == 404
    assert assigned.name not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "said"),
    [
        (Role.ADMIN, 'There are no units yet. <a href="/admin/">Add the organisation, an area and the first unit'),
        (Role.EXTERNAL_REVIEWER, "a unit becomes visible once you are made a reviewer of one of its external reviews"),
        (None, "An administrator gives you access to a unit or an area."),
    ],
)
def test_a_home_page_without_units_says_what_to_do(client: Any, session: Any, role: Role | None, said: str) -> None:
    """The first administrator, on a database with nothing in it yet, is sent to Administration, not told to ask an
    administrator; a reviewer is told how a unit comes into sight."""
    login(client, factories.user(role).email)
    page = " ".join(client.get("/").get_data(as_text=True).split())
    assert said in page
