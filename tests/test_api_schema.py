"""Schemathesis against the API's own OpenAPI document, through the app itself (WSGI). Requests the document allows
get no server error and answers that keep to it (status, content type, headers and body schema); the same request
without its token is refused, and any method but GET is a 405. Requests it does not allow (a page of -3, a page size
of 'x') are refused with a 4xx it documents.

Requests are generated from the document's parameters, and also aimed at the units and reviews of a small dataset
so that most answers carry data: a second-tier manager's token, an area with a unit that has a self-assessment, a
draft, external reviews under way and final, an adaptation, journeys and staffing, and a unit outside the area.
Derandomised, so a run is the same every time.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks

from fidelity.account.operations import create_token
from fidelity.models import ReviewStatus, Role
from fidelity.models.types import utcnow
from tests import factories

CONFORMANCE = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
# Requests the document allows: answered as it says, refused without the token, and a 405 for any other method.
POSITIVE = (GenerationMode.POSITIVE, 25, [*CONFORMANCE, checks.ignored_auth, checks.unsupported_method])
# Requests it does not allow (a page of -3, a page size of 'x'): refused with a 4xx it documents, never a 500.
NEGATIVE = (GenerationMode.NEGATIVE, 10, [*CONFORMANCE, checks.negative_data_rejection])


@pytest.fixture
def dataset(session: Any, registry: Any) -> dict[str, Any]:
    area = factories.area()
    unit, neighbour, outside = factories.unit(area, sed=True), factories.unit(area), factories.unit()
    manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id)
    frontline = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    scores = {key: 4 for key in registry.get("ips-25").item_keys}
    reviewers = [factories.user(Role.EXTERNAL_REVIEWER), factories.user(Role.EXTERNAL_REVIEWER)]
    reviews = [
        factories.self_assessment(unit, frontline, scores | {"S1": 2}, date(2025, 3, 1)),
        factories.draft_self_assessment(unit, frontline, date(2025, 9, 1)),
        factories.external_review(unit, reviewers, date(2025, 5, 1), ReviewStatus.CONSENSUS),
        factories.final_external_review(unit, reviewers, date(2025, 6, 1), {k: (3, "More") for k in scores}),
        factories.self_assessment(outside, reviewers[0], scores, date(2025, 3, 1)),
    ]
    factories.adaptation(unit, "Needs assessment first", date(2025, 1, 1), items=["ips-25:O6"], principles=[])
    start = date(2025, 1, 6)
    factories.journey(unit, start, enrolment_date=start, jobs=((date(2025, 3, 1), None),))
    factories.journey(unit, date(2025, 2, 1))
    factories.staffing(unit, 2025, 1, 1.5)
    secret = create_token(manager, "Schema test", None, utcnow()).secret
    session.commit()
    return {
        "codes": [unit.code, neighbour.code, outside.code],
        "reviews": [(r.unit.code, r.id) for r in reviews],
        "headers": {"Authorization": f"Bearer {secret}"},
    }


def aimed(operation: Any, dataset: dict[str, Any], mode: GenerationMode) -> Any:
    """Cases of `operation` from the document alone, and with its path aimed at the dataset's units and reviews (the
    unit with data first), on the first page as well as any."""
    headers = dataset["headers"]
    names = {parameter.name for parameter in operation.path_parameters}
    paths: list[dict[str, Any]] = [{}]
    if names == {"code"}:
        paths = [{"code": code} for code in dataset["codes"]] + paths
    elif names == {"code", "review_id"}:
        paths = [{"code": code, "review_id": review_id} for code, review_id in dataset["reviews"]] + paths
    queries: list[dict[str, Any] | None] = [None]
    if "page" in {parameter.name for parameter in operation.query}:
        queries = [{"page": 1}, None]
    return st.one_of(
        *(
            operation.as_strategy(mode, headers=headers, path_parameters=path, query=query)
            for path in paths
            for query in queries
        )
    )


@pytest.mark.parametrize(("mode", "examples", "checked"), [POSITIVE, NEGATIVE], ids=["positive", "negative"])
def test_the_api_keeps_to_its_openapi_document(
    app: Flask, session: Any, dataset: dict[str, Any], mode: GenerationMode, examples: int, checked: list[Any]
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Every endpoint but the document itself, which Schemathesis leaves out as the schema's own location.
    paths = set(app.test_client().get("/api/v1/openapi.json").get_json()["paths"]) - {"/api/v1/openapi.json"}
    assert {operation.label for operation in operations} == {f"GET {path}" for path in paths}
    for operation in operations:

        @given(case=aimed(operation, dataset, mode))
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def keeps_to_the_document(case: Any) -> None:
            case.call_and_validate(checks=checked)

        keeps_to_the_document()
