"""What the API answers: units with their latest scores, reviews with their ratings or consensus scores (and none
while an external review is under way), adaptations with their cost, the kept quarterly figures; pages of rows;
a fixed number of queries whatever a page holds; and a description that names every endpoint."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from fidelity.account.operations import create_token
from fidelity.models import ExitReason, Review, ReviewStatus, Role, Unit, User
from fidelity.models.types import utcnow
from fidelity.monitoring.quarters import Quarter, quarters_between
from tests import factories
from tests.factories import app_today
from tests.test_admin import counted_queries
from tests.test_web import login


class Api:
    """A client that sends one user's token with every request and expects JSON back."""

    def __init__(self, client: Any, user: User) -> None:
        self.client = client
        self.headers = {"Authorization": "Bearer " + create_token(user, "Test", None, utcnow()).secret}
        factories.db.session.commit()

    def get(self, url: str, status: int = 200, **query: Any) -> Any:
        response = self.client.get(url, query_string=query, headers=self.headers)
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.mimetype == "application/json"
        return response.get_json()


@pytest.fixture
def unit(session: Any) -> Unit:
    return factories.unit()


@pytest.fixture
def manager(unit: Unit) -> User:
    return factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)


@pytest.fixture
def api(client: Any, manager: User) -> Api:
    return Api(client, manager)


def scores(registry: Any, **changed: int) -> dict[str, int]:
    return {key: 4 for key in registry.get("ips-25").item_keys} | changed


def test_a_unit_and_its_latest_scores(api: Api, unit: Unit, manager: User, registry: Any) -> None:
    factories.self_assessment(unit, manager, scores(registry, S1=3), date(2025, 3, 15))
    latest = factories.self_assessment(unit, manager, scores(registry), date(2025, 9, 15))
    body = api.get(f"/api/v1/units/{unit.code}")
    assert body == {
        "code": unit.code,
        "name": unit.name,
        "area": {"code": unit.area.code, "name": unit.area.name},
        "host_type": "municipal_social_services",
        "offers_ips": True,
        "offers_sed": False,
        "target_group": "Adults",
        "started_on": None,
        "latest": [
            {
                "review_id": latest.id,
                "kind": "self_assessment",
                "scale_id": "ips-25",
                "scale_version": "1.0",
                "review_date": "2025-09-15",
                "total": 100,
                "max": 125,
                "band": {"key": "good", "label": "Good fidelity", "min": 100, "max": 114},
            }
        ],
    }
    assert api.get("/api/v1/units")["items"] == [body]
    # The day it started, once recorded, from which its first review on a scale is due.
    factories.db.session.execute(
        Unit.__table__.update().where(Unit.__table__.c.id == unit.id).values(started_on=date(2024, 2, 1))
    )
    factories.db.session.commit()
    assert api.get(f"/api/v1/units/{unit.code}")["started_on"] == "2024-02-01"


def test_a_self_assessment_with_its_ratings(api: Api, unit: Unit, manager: User, registry: Any) -> None:
    review = factories.self_assessment(unit, manager, scores(registry, S1=3), date(2025, 3, 15))
    review.ratings[0].evidence, review.ratings[0].sources = "Caseloads from the register", ["MIS"]
    factories.db.session.commit()
    body = api.get(f"/api/v1/units/{unit.code}/reviews/{review.id}")
    assert {
        k: body[k] for k in ("id", "kind", "status", "scale_id", "scale_version", "review_date", "corrects_id")
    } == {
        "id": review.id,
        "kind": "self_assessment",
        "status": "submitted",
        "scale_id": "ips-25",
        "scale_version": "1.0",
        "review_date": "2025-03-15",
        "corrects_id": None,
    }
    score = body["score"]
    assert (score["total"], score["max"], score["band"]["key"], score["complete"]) == (99, 125, "fair", True)
    assert score["missing"] == [] and score["below_4"] == ["S1"]
    assert [s["key"] for s in score["sections"]] == [s.key for s in registry.get("ips-25").sections]
    assert len(score["principles"]) == 8 and all(p["mean"] is not None for p in score["principles"])
    assert [r["item"] for r in body["ratings"]] == list(registry.get("ips-25").item_keys)
    first = body["ratings"][0]
    assert first == {"item": review.ratings[0].item_key, "score": 3 if first["item"] == "S1" else 4,
                     "evidence": "Caseloads from the register", "sources": ["MIS"]}  # fmt: skip


def test_a_draft_shows_its_scores_so_far(api: Api, unit: Unit, manager: User) -> None:
    draft = factories.self_assessment(unit, manager, {"S1": 3, "S2": 5}, date(2025, 9, 1))
    draft.status = ReviewStatus.DRAFT
    factories.db.session.commit()
    body = api.get(f"/api/v1/units/{unit.code}/reviews/{draft.id}")
    assert body["status"] == "draft" and body["submitted_at"] is None
    assert (body["score"]["total"], body["score"]["band"], body["score"]["complete"]) == (8, None, False)
    assert len(body["score"]["missing"]) == 23 and [r["item"] for r in body["ratings"]] == ["S1", "S2"]


def test_an_external_review_shows_its_consensus_once_final(api: Api, unit: Unit, registry: Any) -> None:
    reviewers = [factories.user(Role.EXTERNAL_REVIEWER), factories.user(Role.EXTERNAL_REVIEWER)]
    under_way = factories.external_review(unit, reviewers, date(2025, 10, 1), ReviewStatus.CONSENSUS)
    consensus = {key: (5, "") for key in registry.get("ips-25").item_keys} | {"O6": (2, "Drop the entry criteria")}
    final = factories.final_external_review(unit, reviewers, date(2025, 11, 1), consensus)

    hidden = api.get(f"/api/v1/units/{unit.code}/reviews/{under_way.id}")
    assert hidden["status"] == "consensus" and hidden["score"] is None and hidden["ratings"] is None
    assert hidden["visit_start"] == "2025-10-01"

    shown = api.get(f"/api/v1/units/{unit.code}/reviews/{final.id}")
    assert (
        shown["kind"] == "external" and shown["score"]["total"] == 122 and shown["score"]["band"]["key"] == "exemplary"
    )
    assert {"item": "O6", "score": 2, "evidence": "Drop the entry criteria", "sources": []} in shown["ratings"]
    assert len(shown["ratings"]) == 25

    listed = api.get(f"/api/v1/units/{unit.code}/reviews")["items"]
    assert [(r["id"], r["score"] and r["score"]["total"]) for r in listed] == [(final.id, 122), (under_way.id, None)]


def test_reviews_come_newest_first_a_page_at_a_time(api: Api, unit: Unit, manager: User, registry: Any) -> None:
    reviews = [factories.self_assessment(unit, manager, scores(registry), date(2025, month, 1)) for month in (1, 2, 3)]
    correction = factories.self_assessment(unit, manager, scores(registry, S1=5), date(2025, 1, 1))
    correction.corrects_id = reviews[0].id
    correction.change_reason = "S1 was scored from last year's figures."
    factories.db.session.commit()
    url = f"/api/v1/units/{unit.code}/reviews"

    every = api.get(url)
    assert (every["page"], every["per_page"], every["total"]) == (1, 50, 4)
    assert [r["id"] for r in every["items"]] == [reviews[2].id, reviews[1].id, correction.id, reviews[0].id]
    assert every["items"][3]["corrected_by"] == [correction.id] and every["items"][2]["corrects_id"] == reviews[0].id
    assert every["items"][2]["change_reason"] == "S1 was scored from last year's figures."
    assert every["items"][3]["change_reason"] is None

    second = api.get(url, page=2, per_page=3)
    assert ([r["id"] for r in second["items"]], second["page"], second["per_page"], second["total"]) == (
        [reviews[0].id],
        2,
        3,
        4,
    )
    assert api.get(url, page=3, per_page=3)["items"] == []
    assert len(api.get(url, per_page=200)["items"]) == 4


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"page": 0}, "page must be a whole number from 1 to 1000000."),
        ({"page": "two"}, "page must be a whole number from 1 to 1000000."),
        ({"page": "9" * 5000}, "page must be a whole number from 1 to 1000000."),
        ({"per_page": 201}, "per_page must be a whole number from 1 to 200."),
        ({"per_page": "-1"}, "per_page must be a whole number from 1 to 200."),
        ({"per_page": "１"}, "per_page must be a whole number from 1 to 200."),
    ],
)
def test_a_page_out_of_range_is_a_400_that_says_why(api: Api, unit: Unit, query: dict[str, Any], message: str) -> None:
    for url in ("/api/v1/units", f"/api/v1/units/{unit.code}/reviews", f"/api/v1/units/{unit.code}/metrics",
                f"/api/v1/units/{unit.code}/adaptations"):  # fmt: skip
        assert api.get(url, 400, **query) == {"error": message}


def test_reviews_of_other_units_and_unknown_ones_are_not_found(api: Api, unit: Unit, manager: User) -> None:
    other = factories.unit(unit.area)
    theirs = factories.draft_self_assessment(other, factories.user(Role.ADMIN), date(2025, 1, 1))
    assert api.get(f"/api/v1/units/{other.code}", 404) == {"error": "Not found."}
    assert api.get(f"/api/v1/units/{unit.code}/reviews/{theirs.id}", 404) == {"error": "Not found."}
    assert api.get(f"/api/v1/units/{unit.code}/reviews/2147483648", 404) == {"error": "Not found."}
    # A NUL character names no unit (PostgreSQL refuses it in a query): a 404 here and on the pages.
    assert api.get("/api/v1/units/U%00X", 404) == {"error": "Not found."}
    login(api.client, manager.email)
    assert api.client.get("/units/U%00X").status_code == 404


def test_adaptations_with_their_cost(api: Api, unit: Unit, manager: User, registry: Any) -> None:
    factories.self_assessment(unit, manager, scores(registry, O6=2, V4=3), date(2025, 3, 15))
    adaptation = factories.adaptation(
        unit,
        "Needs assessment first",
        date(2025, 1, 1),
        items=["ips-25:O6", "ips-25:V4"],
        principles=["zero-exclusion"],
    )
    factories.adaptation(unit, "Not yet", date(2099, 1, 1), items=[], principles=[])  # the page leaves it out too
    body = api.get(f"/api/v1/units/{unit.code}/adaptations")
    assert body["total"] == 1
    item = body["items"][0]
    assert {k: item[k] for k in ("id", "title", "reason", "since", "until", "in_force", "items")} == {
        "id": adaptation.id,
        "title": "Needs assessment first",
        "reason": "law_or_regulation",
        "since": "2025-01-01",
        "until": None,
        "in_force": True,
        "items": ["ips-25:O6", "ips-25:V4"],
    }
    assert item["cost"]["points_lost"] == 5 and "zero-exclusion" in item["cost"]["principles"]
    assert item["cost"]["points_lost_by_scale"] == [{"scale_id": "ips-25", "points_lost": 5}]
    assert [(i["key"], i["score"], i["top"], i["lost"]) for i in item["cost"]["items"]] == [
        ("O6", 2, 5, 3),
        ("V4", 3, 5, 2),
    ]
    # The only review came after it began: no score before it, no change known.
    assert [(i["before"], i["change"]) for i in item["cost"]["items"]] == [(None, None), (None, None)]
    assert item["cost"]["change_by_scale"] == []
    # A review before it began, with O6 at 4: O6 fell 2 since, V4 not at all.
    factories.self_assessment(unit, manager, scores(registry, O6=4, V4=3), date(2024, 9, 15))
    item = api.get(f"/api/v1/units/{unit.code}/adaptations")["items"][0]
    assert [(i["key"], i["before"], i["change"]) for i in item["cost"]["items"]] == [("O6", 4, -2), ("V4", 3, 0)]
    assert item["cost"]["change_by_scale"] == [{"scale_id": "ips-25", "change": -2}]


def test_the_quarterly_figures_are_the_outcomes_export_s(client: Any, api: Api, unit: Unit, manager: User) -> None:
    start = date(2025, 1, 1)
    factories.journey(unit, start, enrolment_date=start, jobs=((date(2025, 4, 1), None),))
    factories.journey(unit, start, enrolment_date=start)
    # A third person, whose job ends on May 31, 2025 and who exits on Jun 10.
    factories.journey(unit, start, enrolment_date=start, exit_date=date(2025, 6, 10), exit_reason=ExitReason.OTHER,
                      jobs=((date(2025, 4, 1), date(2025, 5, 31)),))  # fmt: skip
    factories.staffing(unit, 2025, 2, 0.5)
    factories.staffing(unit, 2025, 1, 4.5, 0.4)
    body = api.get(f"/api/v1/units/{unit.code}/metrics", per_page=200)
    quarters = body["items"]
    assert quarters[0]["to_date"] and (quarters[-1]["year"], quarters[-1]["quarter"]) == (2025, 1)
    assert body["total"] == len(quarters) == len(list(quarters_between(Quarter(2025, 1), Quarter.of(app_today()))))
    q2 = next(q for q in quarters if (q["year"], q["quarter"]) == (2025, 2))
    assert q2["few_served"] is True  # 3 people: too few to set against the benchmarks
    assert (q2["served"], q2["in_competitive_work"], q2["employment_rate"], q2["caseload_per_specialist"]) == (
        3,
        2,
        2 / 3,
        6.0,
    )
    assert (q2["job_starts"], q2["job_endings"], q2["exits"]) == (2, 1, 1)
    # 0.5 specialist FTE with no supervisor recorded: nothing to divide by.
    assert (q2["specialist_fte"], q2["supervisor_fte"], q2["specialists_per_supervisor"]) == (0.5, 0.0, None)
    q1 = quarters[-1]
    assert (q1["specialist_fte"], q1["supervisor_fte"], q1["specialists_per_supervisor"]) == (4.5, 0.4, 11.25)

    login(client, manager.email)
    exported = list(csv.DictReader(io.StringIO(client.get(f"/units/{unit.code}/outcomes.csv").get_data(as_text=True))))
    assert len(exported) == len(quarters)
    for line, quarter in zip(reversed(exported), quarters, strict=True):
        assert (int(line["year"]), int(line["quarter"])) == (quarter["year"], quarter["quarter"])
        for name in ("served", "exits", "in_competitive_work", "job_starts", "job_endings", "waiting_at_end",
                     "definitions_version"):  # fmt: skip
            assert line[name] == str(quarter[name]), name
        ratio = quarter["specialists_per_supervisor"]
        assert line["specialists_per_supervisor"] == ("" if ratio is None else str(ratio))


def test_every_endpoint_takes_the_same_number_of_queries_however_many_rows(
    app: Flask, client: Any, session: Any, registry: Any
) -> None:
    def queries_for(rows: int) -> dict[str, int]:
        area = factories.area()
        units = [factories.unit(area) for _ in range(rows)]
        manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id)
        unit = units[0]
        for month in range(1, rows + 1):
            factories.self_assessment(unit, manager, scores(registry), date(2025, month, 1))
            factories.adaptation(unit, f"A{month}", date(2025, month, 1), items=["ips-25:O6"], principles=[])
            factories.journey(unit, date(2024, month, 1), enrolment_date=date(2024, month, 2))
        review = session.scalars(select(Review).where(Review.unit_id == unit.id)).first()
        api = Api(client, manager)
        counts = {}
        base = f"/api/v1/units/{unit.code}"
        for endpoint, url in (("units", "/api/v1/units"), ("unit", base), ("reviews", f"{base}/reviews"),
                              ("review", f"{base}/reviews/{review.id}"), ("adaptations", f"{base}/adaptations"),
                              ("metrics", f"{base}/metrics")):  # fmt: skip
            api.get(url)  # the token's last use and the kept figures are written once, the first time
            with counted_queries(app) as statements:
                api.get(url)
            counts[endpoint] = len(statements)
        return counts

    assert queries_for(2) == queries_for(6)


def test_the_description_names_every_endpoint_and_needs_no_token(app: Flask, client: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    document = response.get_json()
    rules = {
        rule.rule.replace("<code>", "{code}").replace("<int(max=2147483647):review_id>", "{review_id}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert set(document["paths"]) == rules
    secured = {path for path, item in document["paths"].items() if item["get"].get("security") != []}
    assert secured == rules - {"/api/v1/openapi.json"}
    assert document["components"]["securitySchemes"] == {"bearerAuth": {"type": "http", "scheme": "bearer"}}
