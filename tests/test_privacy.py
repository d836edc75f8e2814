"""No free text a person types may name a person served by their identity number: an action, its comments, a local
adaptation, a review's evidence, rationale, recommendations and the reason for a correction. The form says why and
nothing is written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from fidelity.models import Action, Adaptation, Role
from tests import factories
from tests.test_actions import add, new_url
from tests.test_reviews import edit_url, form_state, review_of, scoring_data, start
from tests.test_web import csrf_token, login

DUE = (factories.app_today() + timedelta(days=30)).isoformat()
REFUSED = (
    "This holds what looks like a personal identity number. Write nothing that identifies a person the unit serves."
)


def count(session: Any, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_action_naming_a_person_by_number_is_refused(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    response = add(client, unit, title="Follow up", description="Call back 811218-9876 about the job.",
                   owner=str(manager.id), due_date=DUE)  # fmt: skip
    assert response.status_code == 400
    assert REFUSED in response.get_data(as_text=True)
    assert count(session, Action) == 0
    # Dates and sums are fine.
    ok = add(client, unit, title="Follow up", description="Call back before 2026-12-01; 1234 kr for the course.",
             owner=str(manager.id), due_date=DUE)  # fmt: skip
    assert ok.status_code == 302 and count(session, Action) == 1
    assert client.get(new_url(unit)).status_code == 200


def test_an_adaptation_naming_a_person_by_number_is_refused(client: Any, session: Any) -> None:
    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    url = f"/units/{unit.code}/adaptations/new"
    data = {"csrf_token": csrf_token(client, url), "title": "Needs assessment first", "reason": "law_or_regulation",
            "since": "2025-01-01", "decided_by": "19811218-9876"}  # fmt: skip
    response = client.post(url, data=data)
    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)
    assert count(session, Adaptation) == 0


def test_evidence_naming_a_person_by_number_is_not_saved(client: Any, session: Any) -> None:
    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    assert start(client, unit).status_code == 302
    review = review_of(session, unit)
    url = edit_url(unit, review.id)
    data = form_state(client, url) | scoring_data({"S1": 4}, {"S1": "Caseload list, see 8112189876."})
    response = client.post(url, data=data)
    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)
    session.expire_all()
    assert review_of(session, unit).ratings == []
