"""Two people, or two tabs, changing the same local adaptation: a save made from a page opened before another change
is merged with it field by field; only a field both changed, differently, refuses the save (409), writing nothing
and listing just those fields; saving again from the refused page settles them and keeps the other changes."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from fidelity.models import Adaptation, Role
from tests import factories
from tests.shown import day
from tests.test_stale import flashed, hidden_fields, opened, text_of
from tests.test_web import login

FIELDS = {"title": "Age limit 18-30", "description": "", "reason": "law_or_regulation", "since": "2024-01-01",
          "until": "", "decided_by": "", "principles": ["zero-exclusion"]}  # fmt: skip


@pytest.fixture
def url(client: Any, session: Any) -> str:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    adaptation = factories.adaptation(unit, "Age limit 18-30", date(2024, 1, 1), items=[],
                                      principles=["zero-exclusion"])  # fmt: skip
    login(client, manager.email)
    return f"/units/{unit.code}/adaptations/{adaptation.id}"


def stored(session: Any, url: str) -> Adaptation:
    session.expire_all()
    found = session.get(Adaptation, int(url.rsplit("/", 1)[1]))
    assert found is not None
    return found


def test_an_older_page_that_changed_another_field_is_merged_and_keeps_the_other_change(
    client: Any, session: Any, url: str
) -> None:
    tab_a, tab_b = opened(client, url), opened(client, url)
    assert tab_a["seen"] == tab_b["seen"]
    # Tab B records who decided; tab A, opened before that, records the day the adaptation ended.
    assert client.post(url, data=tab_b | FIELDS | {"decided_by": "Social welfare board"}).status_code == 302
    page = flashed(client, client.post(url, data=tab_a | FIELDS | {"until": "2026-06-30"}))
    assert "Adaptation saved." in page
    assert "Meanwhile someone else changed: Decided by; their changes are kept." in page
    found = stored(session, url)
    assert (found.decided_by, found.until) == ("Social welfare board", date(2026, 6, 30))  # both changes stand


def test_a_field_both_changed_is_refused_alone_and_saving_again_settles_it(client: Any, session: Any, url: str) -> None:
    tab_a, tab_b = opened(client, url), opened(client, url)
    # Tab B records who decided and an end; tab A, opened before that, records another end.
    theirs = FIELDS | {"decided_by": "Social welfare board", "until": "2026-12-31"}
    assert client.post(url, data=tab_b | theirs).status_code == 302
    typed = FIELDS | {"until": "2026-06-30"}
    refused = client.post(url, data=tab_a | typed)
    page = text_of(refused)
    assert refused.status_code == 409
    assert "Nothing was saved: the adaptation changed after you opened this page" in page
    assert "Both you and someone else changed these; it now holds:" in page
    assert f"<li>Until (leave empty while it lasts): {day(date(2026, 12, 31))}</li>" in page
    assert "<li>Decided by" not in page and "<li>What the unit does differently" not in page
    found = stored(session, url)
    assert (found.decided_by, found.until) == ("Social welfare board", date(2026, 12, 31))  # nothing written
    # The form shows tab A's end and tab B's decision-maker, which tab A left as it was shown.
    assert 'value="2026-06-30"' in page and 'value="Social welfare board"' in page
    again = hidden_fields(refused.get_data(as_text=True))
    assert again["seen"] == opened(client, url)["seen"] != tab_a["seen"]
    resent = typed | {"decided_by": "Social welfare board"}  # the form as the refused page shows it
    page = flashed(client, client.post(url, data=again | resent))
    assert "Adaptation saved." in page and "Meanwhile someone else changed" not in page
    found = stored(session, url)
    assert (found.decided_by, found.until) == ("Social welfare board", date(2026, 6, 30))


def test_the_adaptation_notice_names_a_changed_reason_and_items(client: Any, session: Any, url: str) -> None:
    tab_a, tab_b = opened(client, url), opened(client, url)
    assert client.post(url, data=tab_b | FIELDS | {"reason": "funding", "principles": []}
                       | {"items": ["ips-25:O6"]}).status_code == 302  # fmt: skip
    typed = FIELDS | {"reason": "staffing", "items": ["ips-25:O5"]}
    refused = client.post(url, data=tab_a | typed)
    page = text_of(refused)
    assert refused.status_code == 409
    assert "<li>Why: Funding</li>" in page and "<li>Principles" not in page  # the principles: tab B's change only
    assert re.search(r"<li>Scale items it departs from: O6 [^<;]+</li>", page)
