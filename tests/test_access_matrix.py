"""Every route of the app, requested by every role and anonymously, on a unit inside and outside the user's scope.

The routes come from the app's URL map: a route without a row in MATRIX fails the suite, so nobody can add a page
without deciding who may reach it. POSTs carry a valid CSRF token and no other field, so an allowed POST shows
what the view does with an empty form (400) or a one-button action (302), and a refused one shows 403 or 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask, url_for
from sqlalchemy import func, select

from fidelity.account.operations import create_token
from fidelity.extensions import db
from fidelity.models import AuditEntry, JobStatus, Journey, ReportJob, ReviewStatus, Role, RoleAssignment
from fidelity.models.types import utcnow
from tests import factories
from tests.test_web import TOKEN, login

ROLES = ("anonymous", "no_role", "admin", "second_tier", "frontline", "reviewer")

# A status for both scopes, or (inside the user's scope, outside it).
Expected = int | tuple[int, int]

# Reading a unit and its reviews: every role that covers the unit; outside their scope a unit does not exist.
READ: dict[str, Expected] = {
    "anonymous": 302,
    "no_role": (404, 404),
    "admin": (200, 200),
    "second_tier": (200, 404),
    "frontline": (200, 404),
    "reviewer": (200, 404),
}
# The unit's audit trail: managers and administrators, not external reviewers.
AUDIT: dict[str, Expected] = READ | {"reviewer": (403, 404)}
# People's records one by one: the unit's frontline managers, and external reviewers while a review of the unit is
# under way (the matrix's reviewer has one); administrators and second-tier managers see the figures only.
RECORDS: dict[str, Expected] = READ | {"admin": (403, 403), "second_tier": (403, 404)}
# A journey's changes with their values: those who read both the records and the audit trail (not a reviewer).
RECORDS_AND_AUDIT: dict[str, Expected] = RECORDS | {"reviewer": (403, 404)}


def self_assess(allowed: int) -> dict[str, Expected]:
    """Scoring a self-assessment: the unit's frontline manager only; others who may read the unit get 403."""
    return READ | {"admin": (403, 403), "second_tier": (403, 404), "frontline": (allowed, 404), "reviewer": (403, 404)}


def commission(allowed: int) -> dict[str, Expected]:
    """Starting an external review: administrators anywhere, second-tier managers in their area."""
    return READ | {"admin": (allowed, allowed), "second_tier": (allowed, 404), "frontline": (403, 404),
                   "reviewer": (403, 404)}  # fmt: skip


def assigned(allowed: int) -> dict[str, Expected]:
    """A step of an external review: its assigned reviewers only; others who may read the unit get 403."""
    return READ | {"admin": (403, 403), "second_tier": (403, 404), "frontline": (403, 404), "reviewer": (allowed, 404)}


def plan(allowed: int) -> dict[str, Expected]:
    """Action plans: the unit's frontline managers and its area's second-tier managers; others who may read the unit
    get 403."""
    return READ | {
        "admin": (403, 403),
        "second_tier": (allowed, 404),
        "frontline": (allowed, 404),
        "reviewer": (403, 404),
    }


def area(allowed: int) -> dict[str, Expected]:
    """A whole area: administrators and the area's second-tier managers; to everyone else it does not exist."""
    return {
        "anonymous": 302,
        "no_role": (404, 404),
        "admin": (allowed, allowed),
        "second_tier": (allowed, 404),
        "frontline": (404, 404),
        "reviewer": (404, 404),
    }


def record(allowed: int) -> dict[str, Expected]:
    """Writing people's records and staffing, importing and exporting them: the unit's frontline managers only;
    others who may read the unit get 403."""
    return READ | {"admin": (403, 403), "second_tier": (403, 404), "frontline": (allowed, 404), "reviewer": (403, 404)}


def comparers(allowed: int) -> dict[str, Expected]:
    """Comparing units: administrators and second-tier managers, each for the areas they answer for."""
    return {"anonymous": 302, "admin": allowed, "second_tier": allowed} | dict.fromkeys(
        ("no_role", "frontline", "reviewer"), 403
    )


def admin_only(allowed: int) -> dict[str, Expected]:
    """Organisation set-up: administrators; every other logged-in user gets 403."""
    refused = dict.fromkeys(("no_role", "second_tier", "frontline", "reviewer"), 403)
    return {"anonymous": 302, "admin": allowed} | refused


def everyone(status: int, anonymous: int | None = None) -> dict[str, Expected]:
    return dict.fromkeys(ROLES, status) | {"anonymous": status if anonymous is None else anonymous}


MATRIX: dict[tuple[str, str], dict[str, Expected]] = {
    ("static", "GET"): everyone(200),
    ("auth.login", "GET"): everyone(200),
    ("health.healthz", "GET"): everyone(200),
    ("auth.login", "POST"): everyone(200),  # the empty form comes back with its errors
    ("auth.logout", "POST"): everyone(302),  # to the login page, logged out (or never logged in)
    ("auth.language", "POST"): everyone(302),  # back to the page it was pressed on (no language given: unchanged)
    ("units.index", "GET"): everyone(200, anonymous=302),
    ("units.show", "GET"): READ,
    ("units.audit", "GET"): AUDIT,
    ("units.reads", "GET"): AUDIT,
    ("reviews.show", "GET"): READ,
    ("reviews.summary", "GET"): READ,
    ("reviews.start", "GET"): self_assess(200),
    ("reviews.start", "POST"): self_assess(400),  # no scale chosen
    ("reviews.edit", "GET"): self_assess(200),
    ("reviews.edit", "POST"): self_assess(400),  # no draft revision
    ("reviews.correct", "GET"): self_assess(200),  # asks why
    ("reviews.correct", "POST"): self_assess(400),  # no reason given
    ("external.new", "GET"): commission(200),
    ("external.new", "POST"): commission(400),  # no scale, dates or reviewers
    ("external.show", "GET"): READ,
    ("external.rate", "GET"): assigned(200),
    ("external.rate", "POST"): assigned(400),  # no revision
    ("external.summary", "GET"): assigned(200),
    ("external.start_consensus", "POST"): assigned(409),  # nobody has rated every item yet
    ("external.consensus", "GET"): assigned(200),
    ("external.consensus", "POST"): assigned(400),  # no revision
    ("external.sign_off", "POST"): assigned(409),  # the consensus is not complete
    ("external.amend", "GET"): assigned(200),  # asks why
    ("external.amend", "POST"): assigned(400),  # no reason given
    ("external.withdraw", "GET"): commission(409),  # a final review is never withdrawn
    ("external.withdraw", "POST"): commission(409),
    ("actions.follow_up", "GET"): everyone(200, anonymous=302),  # each sees their own units
    ("actions.show", "GET"): READ,
    ("actions.new", "GET"): plan(200),
    ("actions.new", "POST"): plan(400),  # no title, owner or due date
    ("actions.edit", "GET"): plan(200),
    ("actions.edit", "POST"): plan(400),  # no title, owner or due date
    ("actions.set_status", "POST"): plan(400),  # no status chosen
    ("actions.comment", "POST"): plan(400),  # no text
    ("adaptations.index", "GET"): READ,
    ("adaptations.new", "GET"): plan(200),
    ("adaptations.new", "POST"): plan(400),  # nothing filled in
    ("adaptations.edit", "GET"): plan(200),
    ("adaptations.edit", "POST"): plan(400),
    ("adaptations.confirm_delete", "GET"): plan(200),  # asks first, and offers to record the end instead
    ("adaptations.delete", "POST"): plan(302),
    ("reports.review", "GET"): READ,
    ("area_reports.index", "GET"): area(200),
    ("area_reports.start", "POST"): area(302),  # to the job's progress page
    ("area_reports.progress", "GET"): area(200),
    ("area_reports.download", "GET"): area(200),
    ("monitoring.waiting", "GET"): READ,
    ("monitoring.journeys", "GET"): RECORDS,
    ("monitoring.journey", "GET"): RECORDS,
    ("monitoring.journey_history", "GET"): RECORDS_AND_AUDIT,
    ("monitoring.new_journey", "GET"): record(200),
    ("monitoring.new_journey", "POST"): record(400),  # no code or referral date
    ("monitoring.edit_journey", "GET"): record(200),
    ("monitoring.edit_journey", "POST"): record(400),
    ("monitoring.confirm_delete", "GET"): record(200),  # what deleting would delete, and the button
    ("monitoring.confirm_delete_spell", "GET"): record(200),  # the job deleting would delete, and the button
    ("monitoring.delete", "POST"): record(302),  # to the unit's journeys
    ("monitoring.spell", "POST"): record(400),  # a job without a start date
    ("outcomes.show", "GET"): READ,
    ("outcomes.csv", "GET"): READ,
    ("monitoring.waiting_csv", "GET"): READ,
    ("monitoring.waiting_xlsx", "GET"): READ,
    ("outcomes.xlsx", "GET"): READ,
    ("outcomes.staffing", "GET"): READ,
    ("outcomes.staffing", "POST"): record(400),  # no quarter or staffing given
    ("journeys.import_page", "GET"): record(200),
    ("journeys.import_page", "POST"): record(400),  # no file
    # No file held under the token: back to the import page, saying so. Whose file it is: test_journey_import_pages.
    ("journeys.confirm_import", "POST"): record(302),
    ("journeys.check_page", "GET"): record(302),
    ("journeys.export_csv", "GET"): record(200),
    ("journeys.export_xlsx", "GET"): record(200),
    ("journeys.template_csv", "GET"): READ,  # the empty layout: anyone who may read the unit
    ("journeys.template_xlsx", "GET"): READ,
    ("comparison.page", "GET"): comparers(200),
    ("comparison.csv", "GET"): comparers(200),
    ("comparison.xlsx", "GET"): comparers(200),
    ("comparison.chart", "GET"): comparers(200),
    ("admin.index", "GET"): admin_only(200),
    ("admin.new_organisation", "GET"): admin_only(200),
    ("admin.new_organisation", "POST"): admin_only(400),
    ("admin.new_area", "GET"): admin_only(200),
    ("admin.new_area", "POST"): admin_only(400),
    ("admin.new_unit", "GET"): admin_only(200),
    ("admin.new_unit", "POST"): admin_only(400),
    ("admin.edit_unit", "GET"): admin_only(200),
    ("admin.edit_unit", "POST"): admin_only(400),
    ("admin.new_user", "GET"): admin_only(200),
    ("admin.new_user", "POST"): admin_only(400),
    ("admin.user", "GET"): admin_only(200),
    ("admin.grant_role", "POST"): admin_only(400),
    ("admin.revoke_role", "POST"): admin_only(302),
    ("admin.set_active", "POST"): admin_only(400),
    ("admin.set_password", "POST"): admin_only(400),  # no password
    ("admin.end_user_sessions", "POST"): admin_only(302),  # the spare user's sessions end
    ("admin.edit_user", "POST"): admin_only(400),  # no address
    ("admin.audit", "GET"): admin_only(200),
    ("account.tokens", "GET"): everyone(200, anonymous=302),  # each their own tokens
    ("account.password", "GET"): everyone(200, anonymous=302),  # each their own password
    ("account.password", "POST"): everyone(400, anonymous=302),  # nothing typed
    ("account.tokens", "POST"): everyone(400, anonymous=302),  # no name
    # Each their own; this session goes on, as a new one: the second post's form token was the old session's.
    ("account.end_other_sessions", "POST"): dict.fromkeys(ROLES, (302, 400)) | {"anonymous": 302},
    # Own tokens only: the token inside is the frontline manager's, the one outside their colleague's.
    ("account.revoke", "POST"): dict.fromkeys(ROLES, (404, 404)) | {"anonymous": 302, "frontline": (302, 404)},
    # The API under a browser's session: the cookie opens nothing there, whoever is logged in. What a token opens
    # is in tests/test_api_access.py, endpoint by endpoint against the pages.
    ("api.openapi", "GET"): everyone(200),
    ("api.units", "GET"): everyone(401),
    ("api.unit", "GET"): everyone(401),
    ("api.reviews", "GET"): everyone(401),
    ("api.review", "GET"): everyone(401),
    ("api.adaptations", "GET"): everyone(401),
    ("api.metrics", "GET"): everyone(401),
    ("admin.set_locale", "POST"): admin_only(302),  # no language chosen: the browser's, saved
}


@dataclass
class World:
    """Two units in two areas, a user per role scoped to the first, and the objects the routes name."""

    inside: Any
    outside: Any
    users: dict[str, Any]
    reviews: dict[tuple[str, bool], int]  # (kind of review, inside?) -> id
    actions: dict[bool, int]  # inside? -> id of an action of that unit
    journeys: dict[bool, int]  # inside? -> id of a journey of that unit
    adaptations: dict[bool, int]  # inside? -> id of an adaptation of that unit
    jobs: dict[bool, int]  # inside? -> id of a finished area report of that unit's area
    spare: Any  # a user the admin pages act on
    spare_roles: dict[bool, Any]  # a role of the spare user's to revoke, one per scope
    tokens: dict[bool, int]  # inside? -> id of an API token of that unit's frontline manager


@pytest.fixture
def world(session: Any) -> World:
    return build_world(session)


def build_world(session: Any) -> World:
    north, south = factories.area(), factories.area()
    inside, outside = factories.unit(north), factories.unit(south)
    frontline = factories.user(Role.FRONTLINE_MANAGER, unit_id=inside.id)
    other_manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=outside.id)
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)
    users = {
        "no_role": factories.user(),
        "admin": factories.user(Role.ADMIN),
        "second_tier": factories.user(Role.SECOND_TIER_MANAGER, area_id=north.id),
        "frontline": frontline,
        "reviewer": reviewer,
    }
    reviews: dict[tuple[str, bool], int] = {}
    actions: dict[bool, int] = {}
    journeys: dict[bool, int] = {}
    adaptations: dict[bool, int] = {}
    jobs: dict[bool, int] = {}
    for unit, manager, is_inside in ((inside, frontline, True), (outside, other_manager, False)):
        reviews["submitted", is_inside] = factories.self_assessment(unit, manager, {"S1": 3}, date(2025, 3, 15)).id
        reviews["draft", is_inside] = factories.draft_self_assessment(unit, manager, date(2025, 9, 15)).id
        actions[is_inside] = factories.action(unit, manager, date(2025, 12, 1)).id
        journeys[is_inside] = factories.journey(
            unit, date(2025, 6, 1), code=f"J-{unit.code}", jobs=((date(2025, 8, 1), None),)
        ).id
        job = ReportJob(
            area_id=unit.area_id, status=JobStatus.DONE, total=1, done=1, pdf=b"%PDF-1.4", file_name="a.pdf"
        )
        session.add(job)
        session.commit()
        jobs[is_inside] = job.id
        adaptations[is_inside] = factories.adaptation(
            unit, "Needs assessment first", date(2025, 1, 1), items=["ips-25:O6"], principles=["zero-exclusion"]
        ).id
    # The reviewer is assigned to the external reviews of the unit inside their scope only; the unit outside has its
    # own, by other reviewers.
    others = [factories.user(Role.EXTERNAL_REVIEWER), factories.user(Role.EXTERNAL_REVIEWER)]
    for unit, team, is_inside in ((inside, [reviewer, others[0]], True), (outside, others, False)):
        for stage in (ReviewStatus.DRAFT, ReviewStatus.CONSENSUS, ReviewStatus.FINAL):
            reviews[f"external_{stage.value}", is_inside] = factories.external_review(
                unit, team, date(2025, 10, 1), stage
            ).id
    spare = factories.user()
    spare_roles = {}
    for is_inside, unit in ((True, inside), (False, outside)):
        spare_roles[is_inside] = RoleAssignment(role=Role.FRONTLINE_MANAGER, unit_id=unit.id)
        spare.roles.append(spare_roles[is_inside])
    tokens = {
        is_inside: create_token(manager, "Export", None, utcnow()).token.id
        for is_inside, manager in ((True, frontline), (False, other_manager))
    }
    session.commit()
    return World(inside, outside, users, reviews, actions, journeys, adaptations, jobs, spare, spare_roles, tokens)


def url_params(world: World, endpoint: str, inside: bool) -> dict[str, Any]:
    unit = world.inside if inside else world.outside
    review_for: dict[str, str] = {
        "external.show": "external_draft",
        "external.rate": "external_draft",
        "external.summary": "external_draft",
        "external.start_consensus": "external_draft",
        "external.consensus": "external_consensus",
        "external.sign_off": "external_consensus",
        "external.amend": "external_final",
        "external.withdraw": "external_final",
        "reports.review": "submitted",
        "reviews.show": "submitted",
        "reviews.correct": "submitted",
        "reviews.edit": "draft",
        "reviews.summary": "draft",
    }
    params: dict[str, Callable[[], dict[str, Any]]] = {
        "static": lambda: {"filename": "fidelity.css"},
        "admin.edit_unit": lambda: {"code": unit.code},
        "admin.user": lambda: {"user_id": world.spare.id},
        "admin.grant_role": lambda: {"user_id": world.spare.id},
        "admin.set_active": lambda: {"user_id": world.spare.id},
        "admin.set_locale": lambda: {"user_id": world.spare.id},
        "admin.set_password": lambda: {"user_id": world.spare.id},
        "admin.end_user_sessions": lambda: {"user_id": world.spare.id},
        "admin.edit_user": lambda: {"user_id": world.spare.id},
        "admin.revoke_role": lambda: {"user_id": world.spare.id, "assignment_id": world.spare_roles[inside].id},
    }
    if endpoint.startswith("area_reports."):
        job = {"area_reports.progress": world.jobs[inside], "area_reports.download": world.jobs[inside]}
        return {"code": unit.area.code} | ({"job_id": job[endpoint]} if endpoint in job else {})
    if endpoint == "account.revoke":
        return {"token_id": world.tokens[inside]}
    if endpoint.startswith("api.") and endpoint not in ("api.units", "api.openapi"):
        review = {"api.review": {"review_id": world.reviews["submitted", inside]}}
        return {"code": unit.code} | review.get(endpoint, {})
    if endpoint in ("adaptations.edit", "adaptations.confirm_delete"):
        return {"code": unit.code, "adaptation_id": world.adaptations[inside]}
    if endpoint == "adaptations.delete":  # a fresh one each time: deleting it is what the route does
        fresh = factories.adaptation(unit, "Temporary", date(2025, 1, 1), items=[], principles=["integration"])
        return {"code": unit.code, "adaptation_id": fresh.id}
    if endpoint in ("monitoring.journey", "monitoring.journey_history", "monitoring.edit_journey",
                    "monitoring.confirm_delete"):  # fmt: skip
        return {"code": unit.code, "journey_id": world.journeys[inside]}
    if endpoint == "monitoring.confirm_delete_spell":
        job = db.session.get(Journey, world.journeys[inside]).jobs[0]
        return {"code": unit.code, "journey_id": world.journeys[inside], "kind": "jobs", "spell_id": job.id}
    if endpoint == "monitoring.spell":
        return {"code": unit.code, "journey_id": world.journeys[inside], "kind": "jobs"}
    if endpoint == "monitoring.delete":  # a fresh one each time: deleting it is what the route does
        return {"code": unit.code, "journey_id": factories.journey(unit, date(2025, 6, 1)).id}
    if endpoint in ("journeys.confirm_import", "journeys.check_page"):
        return {"code": unit.code, "token": "not-held"}
    if endpoint in ("actions.show", "actions.edit", "actions.set_status", "actions.comment"):
        return {"code": unit.code, "action_id": world.actions[inside]}
    if endpoint in review_for:
        return {"code": unit.code, "review_id": world.reviews[review_for[endpoint], inside]}
    if endpoint.startswith(
        ("units.", "reviews.", "external.", "actions.", "monitoring.", "adaptations.", "outcomes.", "journeys.")
    ) and endpoint not in (
        "units.index",
        "actions.follow_up",
    ):
        return {"code": unit.code}
    return params.get(endpoint, dict)()


# For each blueprint, a role its POST routes let in on a unit inside the user's scope.
POSTING_ROLE = {
    "auth": "anonymous",
    "reviews": "frontline",
    "actions": "frontline",
    "adaptations": "frontline",
    "area_reports": "second_tier",
    "journeys": "frontline",
    "admin": "admin",
    "external": "reviewer",
    "outcomes": "frontline",
    "monitoring": "frontline",
    "account": "frontline",
}


def routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }


def test_every_route_has_a_row_in_the_matrix(app: Flask) -> None:
    missing = routes(app) - set(MATRIX)
    assert not missing, f"routes without a row in the access matrix: {sorted(missing)}"
    stale = set(MATRIX) - routes(app)
    assert not stale, f"matrix rows for routes that no longer exist: {sorted(stale)}"


def signed_in_client(app: Flask, world: World, role: str) -> tuple[Any, str]:
    """A client logged in as `role` (or anonymous) and its CSRF token."""
    client = app.test_client()
    if role != "anonymous":
        response = login(client, world.users[role].email)
        assert response.status_code == 302, f"{role} could not log in"
    page = client.get("/login").get_data(as_text=True)
    match = TOKEN.search(page)
    assert match, f"no CSRF token for {role}"
    return client, match.group(1) or match.group(2)


@pytest.mark.parametrize(("endpoint", "method"), sorted(MATRIX), ids=lambda v: str(v))
def test_access(app: Flask, world: World, endpoint: str, method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Access is what is tested here; the PDFs themselves are made (slowly) in tests/test_reports.py.
    monkeypatch.setattr("fidelity.reports.area_routes.launch", lambda job_id: None)
    monkeypatch.setattr("fidelity.reports.routes.review_pdf", lambda *args: b"%PDF-1.4")
    expected = MATRIX[endpoint, method]
    assert set(expected) == set(ROLES), f"{endpoint} {method}: the row must name every role"
    seen: dict[str, Expected] = {}
    for role in ROLES:
        client, token = signed_in_client(app, world, role)
        statuses = []
        for inside in (True, False):
            with app.test_request_context():
                url = url_for(endpoint, **url_params(world, endpoint, inside))
            response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
            response.close()
            statuses.append(response.status_code)
            if response.status_code == 302 and role == "anonymous" and endpoint not in ("auth.logout", "auth.language"):
                assert response.headers["Location"].startswith("/login"), f"{endpoint}: anonymous not sent to login"
        wanted = expected[role]
        inside_status, outside_status = statuses
        same = isinstance(wanted, int) and inside_status == outside_status
        seen[role] = inside_status if same else (inside_status, outside_status)
    assert seen == expected


@pytest.mark.parametrize("endpoint", sorted(e for e, m in MATRIX if m == "POST"))
def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(
    app: Flask, world: World, session: Any, endpoint: str
) -> None:
    # Someone the route lets in, so that only the missing token stands in the way.
    role = POSTING_ROLE[endpoint.split(".")[0]]
    client, _token = signed_in_client(app, world, role)
    with app.test_request_context():
        url = url_for(endpoint, **url_params(world, endpoint, inside=True))
    audited = session.scalar(select(func.count()).select_from(AuditEntry))
    response = client.post(url, data={"scale": "ips-25", "review_date": "2025-01-01", "active": "0"})
    assert response.status_code == 400 and "security token is missing" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audited
