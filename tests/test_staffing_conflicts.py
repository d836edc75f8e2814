"""Two people, or two tabs, setting the same quarter's staffing: a save made from a form filled before another change
to that quarter is merged with it figure by figure; only a figure both changed, differently, refuses the save (409),
writing nothing and listing just those figures; saving again from the refused page settles them. A quarter typed in
instead of the one the form was filled with is not compared."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from fidelity.models import Role, StaffingQuarter
from fidelity.monitoring.quarters import Quarter
from tests import factories
from tests.factories import app_today
from tests.test_stale import flashed, hidden_fields, opened, text_of
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


def test_an_older_page_that_changed_the_other_figure_is_merged_and_keeps_the_other_change(
    client: Any, session: Any, staffed: Any
) -> None:
    url = f"/units/{staffed.code}/staffing"
    tab_a, tab_b = opened(client, f"{url}?quarter={key(LAST)}"), opened(client, f"{url}?quarter={key(LAST)}")
    assert tab_a["seen"] == tab_b["seen"] and tab_a["seen_quarter"] == key(LAST)
    # Tab B corrects the specialists; tab A, opened before that, adds a supervisor and leaves the 0.1 it was shown.
    assert client.post(url, data=tab_b | {"quarter": key(LAST), "specialist_fte": "0.5"}).status_code == 302
    saved = client.post(url, data=tab_a | {"quarter": key(LAST), "specialist_fte": "0.1", "supervisor_fte": "0.2"})
    page = flashed(client, saved)
    assert "Staffing for 2025 Q2 saved." in page
    assert "Meanwhile someone else changed: Work/study specialists (FTE); their changes are kept." in page
    assert staffing_of(session, staffed)[key(LAST)] == (0.5, 0.2)  # both changes stand


def test_a_figure_both_changed_is_refused_alone_and_saving_again_settles_it(
    client: Any, session: Any, staffed: Any
) -> None:
    url = f"/units/{staffed.code}/staffing"
    tab_a, tab_b = opened(client, f"{url}?quarter={key(LAST)}"), opened(client, f"{url}?quarter={key(LAST)}")
    theirs = {"quarter": key(LAST), "specialist_fte": "0.5", "supervisor_fte": "0.3"}
    assert client.post(url, data=tab_b | theirs).status_code == 302
    # Tab A, opened before that, changes the specialists to something else and leaves the supervisors as shown.
    typed = {"quarter": key(LAST), "specialist_fte": "0.7", "supervisor_fte": "0"}
    refused = client.post(url, data=tab_a | typed)
    page = text_of(refused)
    assert refused.status_code == 409
    assert "Nothing was saved: the staffing of 2025 Q2 changed after you opened this page" in page
    assert "Both you and someone else changed these; it now holds:" in page
    assert "<li>Work/study specialists (FTE): 0.5</li>" in page and "<li>Supervisors (FTE)" not in page
    assert staffing_of(session, staffed)[key(LAST)] == (0.5, 0.3)  # nothing written
    # The form shows tab A's specialists and tab B's supervisors, which tab A left as it was shown.
    assert 'value="0.7"' in page and 'value="0.3"' in page
    again = hidden_fields(refused.get_data(as_text=True))
    assert again["seen"] == opened(client, f"{url}?quarter={key(LAST)}")["seen"] != tab_a["seen"]
    assert again["seen_quarter"] == key(LAST)
    page = flashed(client, client.post(url, data=again | typed | {"supervisor_fte": "0.3"}))
    assert "Staffing for 2025 Q2 saved." in page and "Meanwhile someone else changed" not in page
    assert staffing_of(session, staffed)[key(LAST)] == (0.7, 0.3)


def test_a_quarter_recorded_after_the_page_showed_it_empty_is_not_replaced_unseen(
    client: Any, session: Any, staffed: Any
) -> None:
    url = f"/units/{staffed.code}/staffing"
    tab_a, tab_b = opened(client, url), opened(client, url)  # filled with this quarter, not recorded yet
    assert tab_a["seen_quarter"] == key(THIS)
    assert client.post(url, data=tab_b | {"quarter": key(THIS), "specialist_fte": "2"}).status_code == 302
    refused = client.post(url, data=tab_a | {"quarter": key(THIS), "specialist_fte": "3"})
    page = text_of(refused)
    assert refused.status_code == 409 and "<li>Work/study specialists (FTE): 2</li>" in page
    assert "<li>Supervisors (FTE)" not in page  # left empty as shown: no conflict
    assert staffing_of(session, staffed)[key(THIS)] == (2.0, 0.0)
    # A quarter typed in instead of the one the form was filled with showed none of its figures: not compared.
    assert client.post(url, data=tab_a | {"quarter": key(LAST), "specialist_fte": "4"}).status_code == 302
    assert staffing_of(session, staffed)[key(LAST)] == (4.0, 0.0)
