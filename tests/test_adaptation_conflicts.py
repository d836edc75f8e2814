"""Two people, or two tabs, changing the same local adaptation: a save made from a page opened before another change
is refused (409) with where the adaptation now differs from what was typed, and writes nothing; saving again from the
refused page goes through."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fidelity.models import Adaptation, Role
from tests import factories
from tests.test_stale import hidden_fields, opened, text_of
from tests.test_web import login


def test_an_adaptation_changed_from_an_older_page_is_refused_and_can_then_be_changed_on_purpose(
    client: Any, session: Any
) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    adaptation = factories.adaptation(unit, "Age limit 18-30", date(2024, 1, 1), items=[],
                                      principles=["zero-exclusion"])  # fmt: skip
    login(client, manager.email)
    url = f"/units/{unit.code}/adaptations/{adaptation.id}"
    fields = {"title": "Age limit 18-30", "description": "", "reason": "law_or_regulation", "since": "2024-01-01",
              "until": "", "decided_by": "", "principles": ["zero-exclusion"]}  # fmt: skip
    tab_a, tab_b = opened(client, url), opened(client, url)
    assert tab_a["seen"] == tab_b["seen"]
    # Tab B records who decided; tab A, opened before that, records the day the adaptation ended.
    assert client.post(url, data=tab_b | fields | {"decided_by": "Social welfare board"}).status_code == 302
    stale = client.post(url, data=tab_a | fields | {"until": "2026-06-30"})
    page = text_of(stale)
    assert stale.status_code == 409
    assert "Nothing was saved: the adaptation changed after you opened this page" in page
    assert "<li>Decided by: Social welfare board</li>" in page
    assert "<li>Until (leave empty while it lasts): empty</li>" in page  # tab A's own change, not made
    assert "<li>What the unit does differently" not in page and "<li>Principles" not in page  # as typed
    assert 'value="2026-06-30"' in page  # what tab A typed stays in the form
    session.expire_all()
    stored = session.get(Adaptation, adaptation.id)
    assert (stored.decided_by, stored.until) == ("Social welfare board", None)
    again = hidden_fields(stale.get_data(as_text=True))
    assert again["seen"] == opened(client, url)["seen"] != tab_a["seen"]
    assert client.post(url, data=again | fields | {"until": "2026-06-30"}).status_code == 302
    session.expire_all()
    stored = session.get(Adaptation, adaptation.id)
    assert (stored.decided_by, stored.until) == ("", date(2026, 6, 30))


def test_the_adaptation_notice_names_a_changed_reason_and_principles(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    adaptation = factories.adaptation(unit, "Age limit", date(2024, 1, 1), items=[], principles=["zero-exclusion"])
    login(client, manager.email)
    url = f"/units/{unit.code}/adaptations/{adaptation.id}"
    fields = {"title": "Age limit", "reason": "law_or_regulation", "since": "2024-01-01",
              "principles": ["zero-exclusion"]}  # fmt: skip
    tab_a, tab_b = opened(client, url), opened(client, url)
    assert client.post(url, data=tab_b | fields | {"reason": "funding", "principles": []}
                       | {"items": ["ips-25:O6"]}).status_code == 302  # fmt: skip
    page = text_of(client.post(url, data=tab_a | fields | {"title": "Age limit 18-30"}))
    assert "<li>Why: Funding</li>" in page and "<li>Principles it departs from: empty</li>" in page
    assert re.search(r"<li>Scale items it departs from: O6 [^<;]+</li>", page)
