"""The journeys of a unit: the list filtered by where people stand, and one journey with its jobs and courses."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fidelity.models import Decision, JobSpell, NotAcceptedReason, Role
from tests import factories
from tests.test_web import login


def test_the_list_filters_by_state_and_code_and_shows_a_journey(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    today = date.today()
    factories.journey(unit, today - timedelta(days=30), code="WAIT-1")
    supported = factories.journey(
        unit, today - timedelta(days=90), code="SUP-1", enrolment_date=today - timedelta(days=60)
    )
    supported.jobs.append(JobSpell(start_date=today - timedelta(days=20), competitive=True, hours_per_week=20))
    session.commit()
    factories.journey(unit, today - timedelta(days=200), code="LEFT-1", exit_date=today - timedelta(days=100),
                      exit_reason="withdrew")  # fmt: skip
    refused = {"decision": Decision.NOT_ACCEPTED, "not_accepted_reason": NotAcceptedReason.NOT_READY}
    factories.journey(
        unit, today - timedelta(days=50), code="REF-1", decision_date=today - timedelta(days=45), **refused
    )
    login(client, manager.email)

    def codes(query: str) -> list[str]:
        page = client.get(f"/units/{unit.code}/journeys{query}").get_data(as_text=True)
        return [c for c in ("WAIT-1", "SUP-1", "LEFT-1", "REF-1") if f">{c}</a>" in page]

    assert codes("") == ["WAIT-1", "SUP-1", "LEFT-1", "REF-1"]
    assert codes("?state=waiting") == ["WAIT-1"]
    assert codes("?state=supported") == ["SUP-1"]
    assert codes("?state=left") == ["LEFT-1"]
    assert codes("?state=not_accepted") == ["REF-1"]
    assert codes("?code=sup") == ["SUP-1"]
    page = " ".join(client.get(f"/units/{unit.code}/journeys/{supported.id}").get_data(as_text=True).split())
    assert "Journey SUP-1" in page and '<td>Yes</td><td class="num">20</td>' in page.replace("> <", "><")
    other = factories.unit()
    elsewhere = factories.journey(other, today, code="ELSEWHERE")
    assert client.get(f"/units/{unit.code}/journeys/{elsewhere.id}").status_code == 404
