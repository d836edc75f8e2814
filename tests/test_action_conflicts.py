"""Two people, or two tabs, changing the same action or its status: a save made from a page opened before another
change is merged with it field by field (fidelity/stale.py). A field this person left as the page showed it keeps
what someone else changed it to, and the save says so; only a field both changed, differently, refuses the save
(409): nothing is written, the notice lists just those fields, and saving again from the refused page settles them
while keeping everything else as it now is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from fidelity.actions.operations import ActionChanged, ActionValues, action_snapshot, edit_action
from fidelity.models import Action, ActionStatus, Role
from tests import factories
from tests.factories import app_today
from tests.shown import day
from tests.test_stale import flashed, hidden_fields, opened, text_of
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


def stored(session: Any, action: Action) -> tuple[str, str, Any]:
    session.expire_all()
    found = session.get(Action, action.id)
    return found.title, found.description, found.due_date


def test_an_older_page_that_changed_another_field_is_merged_and_keeps_the_other_change(
    client: Any, session: Any, action: Action
) -> None:
    url, fields = planner(client, action)
    edit = f"{url}/edit"
    tab_a, tab_b = opened(client, edit), opened(client, edit)
    assert tab_a["seen"] == tab_b["seen"]
    # Tab B moves the due date on; tab A, opened before that, rewords the title only.
    moved = TODAY + timedelta(days=30)
    assert client.post(edit, data=tab_b | fields | {"due_date": str(moved)}).status_code == 302
    saved = client.post(edit, data=tab_a | fields | {"title": "Fortnightly employer visits"})
    page = flashed(client, saved)
    assert "Action changed." in page
    assert "Meanwhile someone else changed: Due date; their changes are kept." in page
    assert stored(session, action) == ("Fortnightly employer visits", "", moved)  # both changes stand


def test_a_field_both_changed_is_refused_alone_and_saving_again_settles_it(
    client: Any, session: Any, action: Action
) -> None:
    url, fields = planner(client, action)
    edit = f"{url}/edit"
    tab_a, tab_b = opened(client, edit), opened(client, edit)
    # Tab B moves the due date and describes the action; tab A moves the due date elsewhere and rewords the title.
    theirs, mine = TODAY + timedelta(days=30), TODAY + timedelta(days=20)
    data_b = fields | {"due_date": str(theirs), "description": "With the job coach."}
    assert client.post(edit, data=tab_b | data_b).status_code == 302
    typed = fields | {"due_date": str(mine), "title": "Fortnightly employer visits"}
    refused = client.post(edit, data=tab_a | typed)
    page = text_of(refused)
    assert refused.status_code == 409
    assert "Nothing was saved: the action changed after you opened this page" in page
    assert "Both you and someone else changed these; it now holds:" in page
    assert f"<li>Due date: {day(theirs)}</li>" in page  # the field both changed, as it is now
    assert "<li>Description" not in page and "<li>Title" not in page and "<li>Owner" not in page
    assert stored(session, action) == ("Weekly employer visits", "With the job coach.", theirs)  # nothing written
    # The form shows what tab A typed where it changed something, and tab B's description, which it left.
    assert f'value="{mine}"' in page and 'value="Fortnightly employer visits"' in page
    assert "With the job coach.</textarea>" in page
    again = hidden_fields(refused.get_data(as_text=True))
    assert again["seen"] == opened(client, edit)["seen"] != tab_a["seen"]
    resent = typed | {"description": "With the job coach."}  # the form as the refused page shows it
    page = flashed(client, client.post(edit, data=again | resent))
    assert "Action changed." in page and "Meanwhile someone else changed" not in page
    assert stored(session, action) == ("Fortnightly employer visits", "With the job coach.", mine)


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
    found = session.get(Action, action.id)
    assert (found.description, found.status) == ("With the job coach.", ActionStatus.IN_PROGRESS)


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
    assert "It is now “Done”." in page and '<option selected value="in_progress">' in page  # the choice kept
    session.expire_all()
    assert session.get(Action, action.id).status is ActionStatus.DONE
    # The same status as the one it now has is no change, and nothing to refuse.
    assert client.post(f"{url}/status", data=tab_a | {"status": "done"}).status_code == 302
    again = hidden_fields(stale.get_data(as_text=True))
    assert again["seen"] == opened(client, url)["seen"] != tab_a["seen"]
    assert client.post(f"{url}/status", data=again | {"status": "in_progress"}).status_code == 302
    session.expire_all()
    assert session.get(Action, action.id).status is ActionStatus.IN_PROGRESS


def test_the_operation_merges_a_stale_change_and_refuses_only_a_conflict(session: Any, action: Action) -> None:
    seen = action_snapshot(action)
    values = ActionValues("Weekly employer visits", "", action.owner_id, action.due_date)
    assert edit_action(action, values, seen)[0] is False  # nothing to change, nothing to refuse
    action.title = "Changed meanwhile"
    changed, merged = edit_action(action, values, seen)  # left as shown: the title changed meanwhile stands
    assert changed is False and action.title == "Changed meanwhile" and merged.kept == [("title", "Changed meanwhile")]
    mine = ActionValues("Mine", "", action.owner_id, action.due_date)
    with pytest.raises(ActionChanged) as refused:
        edit_action(action, mine, seen)
    assert refused.value.record is action and action.title == "Changed meanwhile"
    assert refused.value.merged.conflicts == [("title", "Changed meanwhile")]
    assert edit_action(action, mine, None)[0] is True and action.title == "Mine"  # a form without a snapshot
