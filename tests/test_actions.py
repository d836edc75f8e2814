"""Action plans: add an action (from scratch or from a review's recommendation), change its status, comment on it;
who may own one; the unit page's plan; every change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from fidelity.models import Action, ActionComment, ActionStatus, AuditEntry, ReviewStatus, Role
from tests import factories
from tests.factories import app_today
from tests.shown import day
from tests.test_admin import counted_queries
from tests.test_web import csrf_token, login

TODAY = app_today()


@dataclass
class Plan:
    unit: Any
    manager: Any  # the unit's frontline manager
    second_tier: Any  # of the unit's area
    other_manager: Any  # frontline manager of another unit in the same area
    reviewer: Any
    other_unit: Any


@pytest.fixture
def plan(session: Any) -> Plan:
    north = factories.area()
    unit, other_unit = factories.unit(north), factories.unit(north)
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)
    factories.external_review(unit, [reviewer], date(2025, 10, 1))
    return Plan(
        unit=unit,
        manager=factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id),
        second_tier=factories.user(Role.SECOND_TIER_MANAGER, area_id=north.id),
        other_manager=factories.user(Role.FRONTLINE_MANAGER, unit_id=other_unit.id),
        reviewer=reviewer,
        other_unit=other_unit,
    )


def new_url(unit: Any, query: str = "") -> str:
    return f"/units/{unit.code}/actions/new" + (f"?{query}" if query else "")


def add(client: Any, unit: Any, query: str = "", **fields: Any) -> Any:
    url = new_url(unit, query)
    data = {"csrf_token": csrf_token(client, url)} | fields
    return client.post(url, data=data)


def actions_of(session: Any, unit: Any) -> list[Action]:
    return list(session.scalars(select(Action).where(Action.unit_id == unit.id).order_by(Action.id)).all())


def reloaded(session: Any, action: Action) -> Action:
    """The action as the database holds it now (the requests closed the session it came from)."""
    return session.scalars(select(Action).where(Action.id == action.id)).one()


def audit_of(session: Any, entity: str, entity_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.id)
        ).all()
    )


def test_a_frontline_manager_adds_an_action_and_it_is_audited(client: Any, session: Any, plan: Plan) -> None:
    login(client, plan.manager.email)
    page = client.get(new_url(plan.unit)).get_data(as_text=True)
    # The owners offered: the unit's frontline manager and the area's second-tier manager, nobody else.
    assert f'value="{plan.manager.id}"' in page and f'value="{plan.second_tier.id}"' in page
    assert f'value="{plan.other_manager.id}"' not in page and f'value="{plan.reviewer.id}"' not in page
    assert '<option value="O6">IPS Supported Employment Fidelity Scale (25 items) · O6 Zero exclusion criteria' in page

    due = TODAY + timedelta(days=90)
    response = add(client, plan.unit, title="Stop screening out referrals", description="Take every referral.",
                   owner=str(plan.second_tier.id), due_date=due.isoformat(), item="O6")  # fmt: skip
    [action] = actions_of(session, plan.unit)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/units/{plan.unit.code}/actions/{action.id}"
    assert (action.title, action.description, action.owner_id, action.due_date) == (
        "Stop screening out referrals", "Take every referral.", plan.second_tier.id, due)  # fmt: skip
    assert (action.status, action.item_key, action.review_id, action.created_by_id) == (
        ActionStatus.OPEN, "O6", None, plan.manager.id)  # fmt: skip

    [created] = audit_of(session, "actions", action.id)
    assert (created.action, created.actor_label, created.unit_id) == ("create", plan.manager.email, plan.unit.id)
    assert created.changes["title"] == [None, "Stop screening out referrals"]
    assert created.changes["status"] == [None, "open"]

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Stop screening out referrals" in page and plan.second_tier.display_name in page and day(due) in page
    trail = client.get(f"/units/{plan.unit.code}/audit").get_data(as_text=True)
    assert (
        f'created action <strong>Stop screening out referrals</strong> <span class="code">#{action.id}</span>' in trail
    )


def test_a_second_tier_manager_may_add_an_action_owned_by_the_frontline_manager(
    client: Any, session: Any, plan: Plan
) -> None:
    login(client, plan.second_tier.email)
    response = add(client, plan.unit, title="Caseloads to 20", owner=str(plan.manager.id),
                   due_date=(TODAY + timedelta(days=30)).isoformat())  # fmt: skip
    assert response.status_code == 302
    [action] = actions_of(session, plan.unit)
    assert (action.owner_id, action.created_by_id) == (plan.manager.id, plan.second_tier.id)


@pytest.mark.parametrize("who", ["other_manager", "reviewer", "inactive"])
def test_an_owner_without_a_role_covering_the_unit_is_refused(client: Any, session: Any, plan: Plan, who: str) -> None:
    if who == "inactive":
        owner = factories.user(Role.FRONTLINE_MANAGER, unit_id=plan.unit.id)
        owner.active = False
        session.commit()
    else:
        owner = getattr(plan, who)
    login(client, plan.manager.email)
    response = add(client, plan.unit, title="Anything", owner=str(owner.id),
                   due_date=(TODAY + timedelta(days=30)).isoformat())  # fmt: skip
    assert response.status_code == 400
    assert "The owner must be a frontline manager of the unit or a second-tier manager of its area." in (
        response.get_data(as_text=True)
    )
    assert actions_of(session, plan.unit) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "", "owner": "manager", "due_date": "future"}, "This field is required."),
        ({"title": "x" * 301, "owner": "manager", "due_date": "future"}, "Field cannot be longer than 300"),
        ({"title": "A title", "owner": "", "due_date": "future"}, "Choose an owner."),
        ({"title": "A title", "owner": "manager", "due_date": ""}, "Give a due date."),
        ({"title": "A title", "owner": "manager", "due_date": "past"}, "The due date cannot be in the past."),
        ({"title": "A title", "owner": "manager", "due_date": "future", "item": "Z9"}, "Not a valid choice."),
    ],
)
def test_bad_input_comes_back_with_its_message(
    client: Any, session: Any, plan: Plan, fields: dict[str, str], message: str
) -> None:
    values = {"owner": str(plan.manager.id) if fields["owner"] == "manager" else fields["owner"]}
    values["due_date"] = {"future": (TODAY + timedelta(days=7)).isoformat(),
                          "past": (TODAY - timedelta(days=1)).isoformat()}.get(fields["due_date"], "")  # fmt: skip
    login(client, plan.manager.email)
    response = add(client, plan.unit, **(fields | values))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert actions_of(session, plan.unit) == []


# --- from a review's recommendation ---------------------------------------------------------------------------


def test_an_action_from_a_final_reviews_recommendation_is_prefilled_and_linked(
    client: Any, session: Any, plan: Plan
) -> None:
    review = factories.final_external_review(
        plan.unit, [plan.reviewer], date(2026, 1, 20), {"V4": (2, "Make the first employer contact within 30 days.")}
    )
    login(client, plan.manager.email)
    query = f"review={review.id}&item=V4"
    page = client.get(new_url(plan.unit, query)).get_data(as_text=True)
    assert 'value="Make the first employer contact within 30 days."' in page
    assert "From the review of Jan 20, 2026" in page and "V4" in page
    assert 'name="item"' not in page  # the item comes from the review

    response = add(client, plan.unit, query, title="Make the first employer contact within 30 days.",
                   owner=str(plan.manager.id), due_date=(TODAY + timedelta(days=60)).isoformat())  # fmt: skip
    assert response.status_code == 302
    [action] = actions_of(session, plan.unit)
    assert (action.review_id, action.item_key) == (review.id, "V4")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "From review" in page
    assert (
        f'<a href="/units/{plan.unit.code}/external/{review.id}">External review Jan 20, 2026 (#{review.id})</a>'
        in page
    )
    assert '<span class="key">V4</span> Rapid search for competitive job' in page


def test_an_action_from_a_recommendation_names_the_plan_s_pending_actions_on_the_same_item(
    client: Any, session: Any, plan: Plan
) -> None:
    """An action on V4 made by hand months ago, still open, would be repeated by a new one from the review's
    recommendation on V4: the page lists it (not a done one, nor one on another item)."""
    open_one = factories.action(plan.unit, plan.manager, TODAY - timedelta(days=5), title="Visit employers weekly")
    open_one.item_key = "V4"
    done = factories.action(plan.unit, plan.manager, TODAY + timedelta(days=5), title="Old V4 work")
    done.item_key, done.status = "V4", ActionStatus.DONE
    other = factories.action(plan.unit, plan.manager, TODAY + timedelta(days=5), title="Caseload")
    other.item_key = "S1"
    session.commit()
    review = factories.final_external_review(plan.unit, [plan.reviewer], date(2026, 1, 20), {"V4": (2, "Sooner.")})
    login(client, plan.manager.email)
    page = " ".join(client.get(new_url(plan.unit, f"review={review.id}&item=V4")).get_data(as_text=True).split())
    assert "The plan already has actions on this item that are still to be done:" in page
    assert f'<a href="/units/{plan.unit.code}/actions/{open_one.id}">Visit employers weekly</a>' in page
    assert "Overdue by 5 days" in page
    assert "Old V4 work" not in page and "Caseload" not in page
    assert "The plan already has actions" not in client.get(new_url(plan.unit, f"review={review.id}&item=O6")).get_data(
        as_text=True
    )


def test_a_recommendation_made_an_action_twice_by_mistake_is_refused_and_a_deliberate_second_is_added(
    client: Any, session: Any, plan: Plan
) -> None:
    """The back button, a second tab or a double click sends a form from before the first action was made: nothing
    is added, and the page says so. A second action is added only from a page that showed the first."""
    review = factories.final_external_review(
        plan.unit, [plan.reviewer], date(2026, 1, 20), {"V4": (2, "Meet employers sooner."), "O1": (3, "Merge teams.")}
    )
    login(client, plan.manager.email)
    url = new_url(plan.unit, f"review={review.id}&item=V4")
    stale = {"csrf_token": csrf_token(client, url), "title": "Meet employers sooner.", "owner": str(plan.manager.id),
             "due_date": (TODAY + timedelta(days=60)).isoformat()}  # fmt: skip
    assert client.post(url, data=stale).status_code == 302
    [first] = actions_of(session, plan.unit)
    again = client.post(url, data=stale)
    assert again.status_code == 409 and [action.id for action in actions_of(session, plan.unit)] == [first.id]
    text = again.get_data(as_text=True)
    assert "Meanwhile an action was made from this recommendation. Nothing was added" in text
    assert f'href="/units/{plan.unit.code}/actions/{first.id}">Meet employers sooner.</a>' in text

    # The review's page links the action instead of offering to make another; other recommendations are offered.
    page = client.get(f"/units/{plan.unit.code}/external/{review.id}").get_data(as_text=True)
    assert f"/actions/new?review={review.id}&amp;item=V4" not in page
    assert f"/actions/new?review={review.id}&amp;item=O1" in page
    assert f'<span class="made-action">Made an action: <a href="/units/{plan.unit.code}/actions/{first.id}"' in page
    assert "(Open)</span>" in page

    # The page that shows the first action lets a second be added deliberately.
    page = client.get(url).get_data(as_text=True)
    assert "Already made from this recommendation:" in page and 'name="another" value="1"' in page
    assert client.post(url, data=stale | {"another": "1"}).status_code == 302
    assert len(actions_of(session, plan.unit)) == 2

    # Both dropped, the recommendation is offered again, and taken up without a second thought.
    for action in actions_of(session, plan.unit):
        action.status = ActionStatus.DROPPED
    session.commit()
    page = client.get(f"/units/{plan.unit.code}/external/{review.id}").get_data(as_text=True)
    assert f"/actions/new?review={review.id}&amp;item=V4" in page and "Dropped before:" in page
    assert "Each was dropped" in client.get(url).get_data(as_text=True)
    assert client.post(url, data=stale).status_code == 302
    assert len(actions_of(session, plan.unit)) == 3


def test_an_amendment_counts_the_actions_made_from_the_review_it_amends(client: Any, session: Any, plan: Plan) -> None:
    review = factories.final_external_review(plan.unit, [plan.reviewer], date(2026, 1, 20), {"V4": (2, "Sooner.")})
    made = factories.action(plan.unit, plan.manager, TODAY + timedelta(days=30), title="Meet employers sooner")
    made.review_id, made.item_key = review.id, "V4"
    amendment = factories.final_external_review(plan.unit, [plan.reviewer], date(2026, 1, 20), {"V4": (2, "Sooner.")})
    amendment.corrects_id = review.id
    session.commit()
    login(client, plan.manager.email)
    page = client.get(f"/units/{plan.unit.code}/external/{amendment.id}").get_data(as_text=True)
    assert f"/actions/new?review={amendment.id}&amp;item=V4" not in page
    assert f'href="/units/{plan.unit.code}/actions/{made.id}" title="Meet employers sooner"' in page
    form = client.get(new_url(plan.unit, f"review={amendment.id}&item=V4")).get_data(as_text=True)
    assert "Already made from this recommendation:" in form


def test_a_long_recommendation_gives_a_short_title_and_the_whole_text_as_description(
    client: Any, session: Any, plan: Plan
) -> None:
    text = "Agree with psychiatry on shared meetings every week " * 5
    review = factories.final_external_review(plan.unit, [plan.reviewer], date(2026, 1, 20), {"O1": (2, text)})
    login(client, plan.manager.email)
    page = client.get(new_url(plan.unit, f"review={review.id}&item=O1")).get_data(as_text=True)
    assert 'value="Agree with psychiatry on shared meetings every week Agree with' in page
    assert "…" in page and f"{text.strip()}</textarea>" in page


@pytest.mark.parametrize("case", ["draft", "consensus", "self_assessment", "other_unit", "unknown", "bad_item", "text"])
def test_a_link_to_anything_but_a_final_review_of_the_unit_and_an_item_of_its_scale_is_404(
    client: Any, session: Any, plan: Plan, case: str
) -> None:
    if case in ("draft", "consensus"):
        review = factories.external_review(plan.unit, [plan.reviewer], date(2026, 1, 20))
        review.status = ReviewStatus(case)
        session.commit()
    elif case == "self_assessment":
        review = factories.self_assessment(plan.unit, plan.manager, {"S1": 3}, date(2026, 1, 20))
    else:
        review = factories.final_external_review(
            plan.other_unit if case == "other_unit" else plan.unit, [plan.reviewer], date(2026, 1, 20), {}
        )
    query = {
        "unknown": f"review={review.id + 1000}&item=S1",
        "bad_item": f"review={review.id}&item=A1",  # an item of the SEd scale, not of IPS-25
        "text": "review=first&item=S1",
    }.get(case, f"review={review.id}&item=S1")
    login(client, plan.manager.email)
    assert client.get(new_url(plan.unit, query)).status_code == 404
    url = new_url(plan.unit, query)
    token = csrf_token(client, new_url(plan.unit))
    data = {"csrf_token": token, "title": "x", "owner": str(plan.manager.id), "due_date": TODAY.isoformat()}
    assert client.post(url, data=data).status_code == 404
    assert actions_of(session, plan.unit) == []


# --- status and comments --------------------------------------------------------------------------------------


def action_url(unit: Any, action: Any, suffix: str = "") -> str:
    return f"/units/{unit.code}/actions/{action.id}{suffix}"


def test_status_changes_and_comments_are_saved_and_audited(client: Any, session: Any, plan: Plan) -> None:
    action = factories.action(plan.unit, plan.manager, TODAY + timedelta(days=10))
    login(client, plan.second_tier.email)
    token = csrf_token(client, action_url(plan.unit, action))

    response = client.post(action_url(plan.unit, action, "/status"), data={"csrf_token": token, "status": "done"})
    assert response.status_code == 302 and response.headers["Location"] == action_url(plan.unit, action)
    assert reloaded(session, action).status is ActionStatus.DONE
    update = audit_of(session, "actions", action.id)[-1]
    assert (update.action, update.actor_label, update.unit_id) == ("update", plan.second_tier.email, plan.unit.id)
    assert update.changes["status"] == ["open", "done"]

    response = client.post(action_url(plan.unit, action, "/comments"),
                           data={"csrf_token": token, "text": "  Agreed at the team meeting.\n"})  # fmt: skip
    assert response.status_code == 302
    [comment] = session.scalars(select(ActionComment).where(ActionComment.action_id == action.id)).all()
    assert (comment.text, comment.author_id) == ("Agreed at the team meeting.", plan.second_tier.id)
    [created] = audit_of(session, "action_comments", comment.id)
    assert (created.action, created.unit_id, created.changes["text"]) == (
        "create", plan.unit.id, [None, "Agreed at the team meeting."])  # fmt: skip

    page = client.get(action_url(plan.unit, action)).get_data(as_text=True)
    assert "Agreed at the team meeting." in page and plan.second_tier.display_name in page
    assert '<option selected value="done">Done</option>' in page


@pytest.mark.parametrize(
    ("suffix", "data", "message"),
    [
        ("/status", {"status": "finished"}, "Not a valid choice."),
        ("/comments", {"text": "   "}, "Write a comment."),
        ("/comments", {"text": "x" * 5001}, "Field cannot be longer than 5000"),
    ],
)
def test_a_bad_status_or_comment_is_a_400_with_the_message(
    client: Any, session: Any, plan: Plan, suffix: str, data: dict[str, str], message: str
) -> None:
    action = factories.action(plan.unit, plan.manager, TODAY + timedelta(days=10))
    login(client, plan.manager.email)
    token = csrf_token(client, action_url(plan.unit, action))
    response = client.post(action_url(plan.unit, action, suffix), data={"csrf_token": token} | data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    action = reloaded(session, action)
    assert action.status is ActionStatus.OPEN and action.comments == []


def test_an_action_of_another_unit_is_404_under_this_units_code(client: Any, session: Any, plan: Plan) -> None:
    # The second-tier manager may read and plan for both units, but an action belongs to one.
    elsewhere = factories.action(plan.other_unit, plan.other_manager, TODAY + timedelta(days=10))
    login(client, plan.second_tier.email)
    token = csrf_token(client, "/")
    assert client.get(action_url(plan.other_unit, elsewhere)).status_code == 200
    assert client.get(action_url(plan.unit, elsewhere)).status_code == 404
    assert client.post(action_url(plan.unit, elsewhere, "/status"),
                       data={"csrf_token": token, "status": "done"}).status_code == 404  # fmt: skip
    assert client.post(action_url(plan.unit, elsewhere, "/comments"),
                       data={"csrf_token": token, "text": "x"}).status_code == 404  # fmt: skip
    elsewhere = reloaded(session, elsewhere)
    assert elsewhere.status is ActionStatus.OPEN and elsewhere.comments == []


def test_a_reader_without_the_plan_permission_sees_the_action_but_no_forms(
    client: Any, session: Any, plan: Plan
) -> None:
    action = factories.action(plan.unit, plan.manager, TODAY + timedelta(days=10), title="Weekly employer visits")
    login(client, plan.reviewer.email)
    page = client.get(action_url(plan.unit, action)).get_data(as_text=True)
    assert "Weekly employer visits" in page
    assert "/status" not in page and "Add comment" not in page
    unit_page = client.get(f"/units/{plan.unit.code}").get_data(as_text=True)
    assert "Weekly employer visits" in unit_page and "Add an action" not in unit_page


def test_an_overdue_action_is_changed_keeping_its_status_comments_and_link(
    client: Any, session: Any, plan: Plan
) -> None:
    """Rewording an overdue action keeps its past due date; a new date must not be past; every change is audited."""
    action = factories.action(plan.unit, plan.manager, TODAY - timedelta(days=21), ActionStatus.IN_PROGRESS,
                              title="Take referrals without waiting")  # fmt: skip
    session.add(ActionComment(action_id=action.id, author_id=plan.manager.id, text="Raised with the council."))
    session.commit()
    login(client, plan.second_tier.email)
    url = action_url(plan.unit, action, "/edit")
    assert f'href="{url}"' in client.get(action_url(plan.unit, action)).get_data(as_text=True)
    form = client.get(url).get_data(as_text=True)
    assert 'value="Take referrals without waiting"' in form and f'value="{TODAY - timedelta(days=21)}"' in form
    token = csrf_token(client, url)
    fields = {"csrf_token": token, "title": "Take every referral at once", "description": "No needs assessment first.",
              "owner": str(plan.manager.id), "due_date": str(TODAY - timedelta(days=21))}  # fmt: skip
    response = client.post(url, data=fields)
    assert response.status_code == 302 and response.headers["Location"] == action_url(plan.unit, action)
    changed = reloaded(session, action)
    assert (changed.title, changed.description, changed.due_date) == (
        "Take every referral at once", "No needs assessment first.", TODAY - timedelta(days=21))  # fmt: skip
    assert changed.status is ActionStatus.IN_PROGRESS and [c.text for c in changed.comments] == [
        "Raised with the council."
    ]
    update = audit_of(session, "actions", action.id)[-1]
    assert update.changes["title"] == ["Take referrals without waiting", "Take every referral at once"]
    assert "status" not in update.changes and "due_date" not in update.changes

    # A new date in the past, and an owner who may not plan for the unit, are refused; nothing changes.
    past = client.post(url, data=fields | {"due_date": str(TODAY - timedelta(days=1))})
    assert past.status_code == 400 and "The due date cannot be in the past." in past.get_data(as_text=True)
    stranger = client.post(url, data=fields | {"owner": str(plan.other_manager.id), "due_date": str(TODAY)})
    assert stranger.status_code == 400 and "The owner must be" in stranger.get_data(as_text=True)
    assert reloaded(session, action).due_date == TODAY - timedelta(days=21)
    # Moved on a month, to the frontline manager's colleague in the area.
    moved = client.post(
        url, data=fields | {"owner": str(plan.second_tier.id), "due_date": str(TODAY + timedelta(days=30))}
    )
    assert moved.status_code == 302
    assert (reloaded(session, action).owner_id, reloaded(session, action).due_date) == (
        plan.second_tier.id, TODAY + timedelta(days=30))  # fmt: skip


def test_only_those_who_plan_for_the_unit_change_an_action(client: Any, session: Any, plan: Plan) -> None:
    action = factories.action(plan.unit, plan.manager, TODAY + timedelta(days=10), title="Weekly employer visits")
    login(client, plan.reviewer.email)
    url = action_url(plan.unit, action, "/edit")
    assert url not in client.get(action_url(plan.unit, action)).get_data(as_text=True)
    assert client.get(url).status_code == 403
    data = {"csrf_token": csrf_token(client, "/"), "title": "Gone", "owner": str(plan.manager.id),
            "due_date": str(TODAY + timedelta(days=10))}  # fmt: skip
    assert client.post(url, data=data).status_code == 403
    assert reloaded(session, action).title == "Weekly employer visits"


# --- the unit page --------------------------------------------------------------------------------------------


def test_the_unit_page_lists_the_plan_with_overdue_actions_marked_in_words(
    client: Any, session: Any, plan: Plan
) -> None:
    factories.action(plan.unit, plan.manager, TODAY - timedelta(days=12), title="Late one")
    factories.action(plan.unit, plan.manager, TODAY - timedelta(days=30), ActionStatus.DONE, title="Done one")
    factories.action(plan.unit, plan.second_tier, TODAY + timedelta(days=5), ActionStatus.IN_PROGRESS,
                     title="Under way")  # fmt: skip
    login(client, plan.manager.email)
    page = client.get(f"/units/{plan.unit.code}").get_data(as_text=True)
    plan_section = page[page.index('id="action-plan"') : page.index("All reviews")]
    # Pending ones by due date first, then the finished ones.
    assert plan_section.index("Late one") < plan_section.index("Under way") < plan_section.index("Done one")
    assert plan_section.count("Overdue by 12 days") == 1  # the done one is past its date but not overdue
    assert "In progress" in plan_section and "Done" in plan_section and plan.second_tier.display_name in plan_section
    assert f'href="/units/{plan.unit.code}/actions/new"' in plan_section


def test_the_unit_page_loads_the_plan_in_a_constant_number_of_queries(
    app: Flask, client: Any, session: Any, plan: Plan
) -> None:
    login(client, plan.manager.email)
    factories.action(plan.unit, plan.manager, TODAY + timedelta(days=5))
    with counted_queries(app) as few:
        assert client.get(f"/units/{plan.unit.code}").status_code == 200
    for days in range(6):
        owner = factories.user(Role.FRONTLINE_MANAGER, unit_id=plan.unit.id)
        factories.action(plan.unit, owner, TODAY + timedelta(days=days - 3))
    with counted_queries(app) as many:
        page = client.get(f"/units/{plan.unit.code}")
    assert page.status_code == 200 and page.get_data(as_text=True).count("/actions/") >= 8
    assert len(many) == len(few)


def test_the_operation_refuses_a_copy_of_a_standing_action_unless_told_it_is_meant(session: Any, plan: Plan) -> None:
    """The rule is the operation's, whoever calls it; the page only says what the caller knew."""
    from fidelity.actions.operations import ActionValues, CopyRefused, ReviewLink, create_action

    review = factories.final_external_review(plan.unit, [plan.reviewer], date(2026, 1, 20), {"V4": (2, "Sooner.")})
    first = factories.action(plan.unit, plan.manager, TODAY + timedelta(days=30), title="Meet employers sooner")
    link = ReviewLink(review, None, "V4", "Sooner.", (first,))  # type: ignore[arg-type]
    values = ActionValues("Meet employers sooner", "", plan.manager.id, TODAY + timedelta(days=60))
    with pytest.raises(CopyRefused):
        create_action(plan.unit, values, plan.manager, link)
    assert create_action(plan.unit, values, plan.manager, link, another=True).review_id == review.id
    first.status = ActionStatus.DROPPED
    assert create_action(plan.unit, values, plan.manager, link).item_key == "V4"  # a dropped one stands no more
