"""The API's access matrix equals the pages'.

For every role, and for a unit inside and outside the user's scope, each API endpoint is asked with the user's token
and the page that shows the same thing is asked in the user's browser session. The statuses must be equal (401 from
the API where the page sends an anonymous visitor to log in), and where both answer, they must show the same rows:
the units, the unit's reviews, its adaptations, its quarters. Every API endpoint but the public description must
have its page here, so that no endpoint escapes the comparison.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, url_for

from fidelity.account.operations import create_token
from fidelity.models.types import utcnow
from tests.test_access_matrix import ROLES, World, build_world, signed_in_client

# Each API endpoint and the pages that show the same thing; a review is on the self-assessment or the external
# review page, by its kind.
PAGES: dict[str, tuple[str, ...]] = {
    "api.units": ("units.index",),
    "api.unit": ("units.show",),
    "api.reviews": ("units.show",),
    "api.review": ("reviews.show", "external.show"),
    "api.adaptations": ("adaptations.index",),
    "api.metrics": ("outcomes.show",),
}
PUBLIC = {"api.openapi"}


@dataclass(frozen=True)
class Case:
    label: str
    api: str
    page: str
    params: dict[str, Any]


def cases(world: World) -> list[Case]:
    """The units list, then each unit endpoint on the unit inside the user's scope and outside it, and every review
    of either unit under each unit's code (a review of the other unit is not found under this one)."""
    result = [Case("units", "api.units", "units.index", {})]
    for inside, unit in ((True, world.inside), (False, world.outside)):
        where = "inside" if inside else "outside"
        code = {"code": unit.code}
        result += [
            Case(f"unit {where}", "api.unit", "units.show", code),
            Case(f"reviews {where}", "api.reviews", "units.show", code),
            Case(f"adaptations {where}", "api.adaptations", "adaptations.index", code),
            Case(f"metrics {where}", "api.metrics", "outcomes.show", code),
        ]
        for (kind, review_inside), review_id in sorted(world.reviews.items()):
            page = "reviews.show" if kind in ("submitted", "draft") else "external.show"
            whose = "its own" if review_inside == inside else "the other unit's"
            result.append(Case(f"{kind} review, {whose}, under the unit {where}", "api.review", page,
                               code | {"review_id": review_id}))  # fmt: skip
    return result


def every_item(client: Any, url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every item of a paginated API list, page by page."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = client.get(url, query_string={"page": page, "per_page": 2}, headers=headers).get_json()
        items += body["items"]
        if page * body["per_page"] >= body["total"]:
            return items
        page += 1


def review_ids_on_the_unit_page(html: str) -> set[int]:
    table = html.split("All reviews", 1)[1]
    return {int(n) for n in re.findall(r'href="/units/[^/"]+/(?:reviews|external)/(\d+)"', table)}


# What a page lists, and what the API lists, for the endpoints that list rows.
Rows = Callable[[str], set[Any]]
PAGE_ROWS: dict[str, Rows] = {
    "api.units": lambda html: set(re.findall(r'<a href="/units/([^/"]+)">', html)),
    "api.reviews": review_ids_on_the_unit_page,
    "api.adaptations": lambda html: set(re.findall(r'<article class="adaptation">\s*<h3>([^<]*)</h3>', html)),
    "api.metrics": lambda html: {
        " ".join(quarter.split())
        for quarter in re.findall(r'<th scope="row">\s*<span class="quarter">(\d{4}\s+Q[1-4])', html)
    },
}
API_ROWS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "api.units": lambda item: item["code"],
    "api.reviews": lambda item: item["id"],
    "api.adaptations": lambda item: item["title"],
    "api.metrics": lambda item: f"{item['year']} Q{item['quarter']}",
}


def test_every_api_endpoint_is_compared_with_its_pages(app: Flask, session: Any) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert endpoints - PUBLIC == set(PAGES), "an API endpoint without its pages in PAGES, or a stale row"
    compared = {(case.api, case.page) for case in cases(build_world(session))}
    assert compared == {(api, page) for api, pages in PAGES.items() for page in pages}


@pytest.mark.parametrize("role", ROLES)
def test_the_api_answers_as_the_pages_do(app: Flask, session: Any, role: str) -> None:
    world = build_world(session)
    browser, _csrf = signed_in_client(app, world, role)
    headers = {}
    if role != "anonymous":
        headers = {"Authorization": "Bearer " + create_token(world.users[role], "test", None, utcnow()).secret}
        session.commit()
    api = app.test_client()
    differences = []
    answered = set()
    listing = set()  # the endpoints whose rows were compared with something in them
    for case in cases(world):
        with app.test_request_context():
            page_url, api_url = url_for(case.page, **case.params), url_for(case.api, **case.params)
        page = browser.get(page_url)
        response = api.get(api_url, headers=headers)
        expected = 401 if role == "anonymous" and page.status_code == 302 else page.status_code
        answered.add(response.status_code)
        if response.status_code != expected:
            differences.append(f"{case.label}: page {page.status_code}, API {response.status_code}")
        elif expected == 200 and case.api in PAGE_ROWS:
            shown = PAGE_ROWS[case.api](page.get_data(as_text=True))
            listed = {API_ROWS[case.api](item) for item in every_item(api, api_url, headers)}
            if shown != listed:
                differences.append(f"{case.label}: the page shows {sorted(shown)}, the API lists {sorted(listed)}")
            if shown:
                listing.add(case.api)
    assert not differences, "\n".join(differences)
    # The comparison means something: each role is let in somewhere, or kept out.
    assert answered == {"anonymous": {401}, "no_role": {200, 404}}.get(role, {200, 404})
    assert listing == (set() if role in ("anonymous", "no_role") else set(PAGE_ROWS))
