"""Two people, or two tabs, setting the same quarter's staffing: a save made from a form filled before another change
to that quarter is refused (409) with what the quarter now holds, and writes nothing; saving again from the refused
page goes through. A quarter typed in instead of the one the form was filled with is not compared."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from fidelity.models import Role, StaffingQuarter
from fidelity.monitoring.quarters import Quarter
from tests import factories
from tests.factories import app_today
from tests.test_stale import hidden_fields, opened, text_of
from tests.test_web import login

LAST = Quarter(2025, 2)
THIS = Quarter.of(app_today())


def key(quarter: Quarter) -> str:
    return f"{quarter.year}Q{quarter.number}"


def staffing_of(session: Any, unit: Any) -> dict[str, tuple[float, float]]:
    session.expire_all()
    rows = session.scalars(select(StaffingQuarter).where(StaffingQuarter.unit_id == unit.id)).all()
    return {key(Quarter(r.year, r.quarter)): (r.specialist_fte, r.supervisor_fte) for r in rows}


@pytest.fixture
def staffed(client: Any, session: Any) -> Any:
    """A unit with 0.1 specialists and no supervisor recorded for 2025 Q2, and its frontline manager logged in."""
    unit = factories.unit()
    factories.staffing(unit, LAST.year, LAST.number, 0.1)
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    return unit


def test_a_quarters_staffing_changed_from_an_older_page_is_refused_and_can_then_be_set_on_purpose(
    client: Any, session: Any, staffed: Any
) -> None:
    url = f"/units/{staffed.code}/staffing"
    tab_a, tab_b = opened(client, f"{url}?quarter={key(LAST)}"), opened(client, f"{url}?quarter={key(LAST)}")
    assert tab_a["seen"] == tab_b["seen"] and tab_a["seen_quarter"] == key(LAST)
    # Tab B corrects the specialists; tab A, opened before that, adds a supervisor and leaves the 0.1 it was shown.
    assert client.post(url, data=tab_b | {"quarter": key(LAST), "specialist_fte": "0.5"}).status_code == 302
    stale = client.post(url, data=tab_a | {"quarter": key(LAST), "specialist_fte": "0.1", "supervisor_fte": "0.2"})
    page = text_of(stale)
    assert stale.status_code == 409
    assert "Nothing was saved: the staffing of 2025 Q2 changed after you opened this page" in page
    assert "<li>Work/study specialists (FTE): 0.5</li>" in page and "<li>Supervisors (FTE): 0</li>" in page
    assert 'value="0.1"' in page and 'value="0.2"' in page  # what tab A typed stays in the form
    assert staffing_of(session, staffed)[key(LAST)] == (0.5, 0.0)  # tab B's change stands
    again = hidden_fields(stale.get_data(as_text=True))
    assert again["seen"] == opened(client, f"{url}?quarter={key(LAST)}")["seen"] != tab_a["seen"]
    assert again["seen_quarter"] == key(LAST)
    data = again | {"quarter": key(LAST), "specialist_fte": "0.1", "supervisor_fte": "0.2"}
    assert client.post(url, data=data).status_code == 302
    assert staffing_of(session, staffed)[key(LAST)] == (0.1, 0.2)


def test_a_quarter_recorded_after_the_page_showed_it_empty_is_not_replaced_unseen(
    client: Any, session: Any, staffed: Any
) -> None:
    url = f"/units/{staffed.code}/staffing"
    tab_a, tab_b = opened(client, url), opened(client, url)  # filled with this quarter, not recorded yet
    assert tab_a["seen_quarter"] == key(THIS)
    assert client.post(url, data=tab_b | {"quarter": key(THIS), "specialist_fte": "2"}).status_code == 302
    refused = client.post(url, data=tab_a | {"quarter": key(THIS), "specialist_fte": "3", "supervisor_fte": "1"})
    assert refused.status_code == 409 and "<li>Work/study specialists (FTE): 2</li>" in text_of(refused)
    assert staffing_of(session, staffed)[key(THIS)] == (2.0, 0.0)
    # A quarter typed in instead of the one the form was filled with showed none of its figures: not compared.
    assert client.post(url, data=tab_a | {"quarter": key(LAST), "specialist_fte": "4"}).status_code == 302
    assert staffing_of(session, staffed)[key(LAST)] == (4.0, 0.0)
