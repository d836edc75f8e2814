"""Two people, or two tabs, changing the same action or its status: a save made from a page opened before another
change is refused (409) with where the action now differs from what was sent, and writes nothing, rather than
silently putting back the values the page had shown; saving again from the refused page goes through."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from fidelity.actions.operations import ActionChanged, ActionValues, action_digest, edit_action
from fidelity.models import Action, ActionStatus, Role
from tests import factories
from tests.factories import app_today
from tests.shown import day
from tests.test_stale import hidden_fields, opened, text_of
from tests.test_web import login

TODAY = app_today()


@pytest.fixture
def action(session: Any) -> Action:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    result = factories.action(unit, manager, TODAY + timedelta(days=10), title="Weekly employer visits")
    assert result.unit.code and result.owner.email  # loaded before the requests close the session
    return result


def planner(client: Any, action: Action) -> tuple[str, dict[str, str]]:
    login(client, action.owner.email)
    url = f"/units/{action.unit.code}/actions/{action.id}"
    fields = {"title": action.title, "description": "", "owner": str(action.owner_id),
              "due_date": str(action.due_date), "item": ""}  # fmt: skip
    return url, fields


def test_an_action_changed_from_an_older_page_is_refused_and_can_then_be_changed_on_purpose(
    client: Any, session: Any, action: Action
) -> None:
    url, fields = planner(client, action)
    edit = f"{url}/edit"
    tab_a, tab_b = opened(client, edit), opened(client, edit)
    assert tab_a["seen"] == tab_b["seen"]
    # Tab B moves the due date on; tab A, opened before that, rewords the title only.
    moved = TODAY + timedelta(days=30)
    assert client.post(edit, data=tab_b | fields | {"due_date": str(moved)}).status_code == 302
    stale = client.post(edit, data=tab_a | fields | {"title": "Fortnightly employer visits"})
    page = text_of(stale)
    assert stale.status_code == 409
    assert "Nothing was saved: the action changed after you opened this page" in page
    assert '<div class="conflict" role="alert">' in page
    assert f"<li>Due date: {day(moved)}</li>" in page  # what it holds now, where it differs from what was typed
    assert "<li>Title: Weekly employer visits</li>" in page  # tab A's own change, not made
    assert "<li>Owner" not in page and "<li>Description" not in page  # as typed
    assert 'value="Fortnightly employer visits"' in page and f'value="{action.due_date}"' in page  # kept as typed
    session.expire_all()
    stored = session.get(Action, action.id)
    assert (stored.title, stored.due_date) == ("Weekly employer visits", moved)  # tab B's change stands
    # The refused page carries the action as it is now: saving it again is a choice made knowing what changed.
    again = hidden_fields(stale.get_data(as_text=True))
    assert again["seen"] == opened(client, edit)["seen"] != tab_a["seen"]
    assert client.post(edit, data=again | fields | {"title": "Fortnightly employer visits"}).status_code == 302
    session.expire_all()
    stored = session.get(Action, action.id)
    assert (stored.title, stored.due_date) == ("Fortnightly employer visits", action.due_date)


def test_an_older_page_that_would_change_nothing_or_the_status_alone_is_let_through(
    client: Any, session: Any, action: Action
) -> None:
    url, fields = planner(client, action)
    edit = f"{url}/edit"
    tab_a, tab_b = opened(client, edit), opened(client, edit)
    # The status has a form of its own, which the edit form leaves alone: a change of it is no reason to refuse.
    status = opened(client, url)
    assert client.post(f"{url}/status", data=status | {"status": "in_progress"}).status_code == 302
    assert client.post(edit, data=tab_a | fields | {"description": "With the job coach."}).status_code == 302
    # Tab B, now older, sends just what the action holds: nothing would be put back, so nothing is refused.
    assert client.post(edit, data=tab_b | fields | {"description": "With the job coach."}).status_code == 302
    assert "Nothing was changed." in client.get(url).get_data(as_text=True)
    session.expire_all()
    stored = session.get(Action, action.id)
    assert (stored.description, stored.status) == ("With the job coach.", ActionStatus.IN_PROGRESS)


def test_a_status_changed_from_an_older_page_is_refused_and_can_then_be_changed_on_purpose(
    client: Any, session: Any, action: Action
) -> None:
    url, _fields = planner(client, action)
    tab_a, tab_b = opened(client, url), opened(client, url)
    assert client.post(f"{url}/status", data=tab_b | {"status": "done"}).status_code == 302
    stale = client.post(f"{url}/status", data=tab_a | {"status": "in_progress"})
    page = text_of(stale)
    assert stale.status_code == 409
    assert "Nothing was saved: the action's status changed after you opened this page" in page
    assert "It is now Done." in page and '<option selected value="in_progress">' in page  # the choice kept
    session.expire_all()
    assert session.get(Action, action.id).status is ActionStatus.DONE
    # The same status as the one it now has is no change, and nothing to refuse.
    assert client.post(f"{url}/status", data=tab_a | {"status": "done"}).status_code == 302
    again = hidden_fields(stale.get_data(as_text=True))
    assert again["seen"] == opened(client, url)["seen"] != tab_a["seen"]
    assert client.post(f"{url}/status", data=again | {"status": "in_progress"}).status_code == 302
    session.expire_all()
    assert session.get(Action, action.id).status is ActionStatus.IN_PROGRESS


def test_the_operation_refuses_a_stale_change_and_writes_nothing(session: Any, action: Action) -> None:
    seen = action_digest(action)
    values = ActionValues("Weekly employer visits", "", action.owner_id, action.due_date)
    assert edit_action(action, values, seen) is False  # nothing to change, nothing to refuse
    action.title = "Changed meanwhile"
    assert action_digest(action) != seen
    mine = ActionValues("Mine", "", action.owner_id, action.due_date)
    with pytest.raises(ActionChanged) as refused:
        edit_action(action, mine, seen)
    assert refused.value.record is action and action.title == "Changed meanwhile"
    assert edit_action(action, mine, None) is True and action.title == "Mine"  # a form without a digest: a script's
