"""The follow-up page: reviews due and overdue, and overdue actions, in the units a user may see; and the unit
page's next review dates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from flask import Flask
from sqlalchemy import update

from fidelity.models import ActionStatus, Role, Unit
from tests import factories
from tests.shown import day
from tests.test_reviews_due import TODAY, ips_scores, months_ago
from tests.test_web import login


def test_the_follow_up_page_lists_what_is_due_and_overdue_in_the_users_units(
    app: Flask, client: Any, session: Any, registry: Any
) -> None:
    north, south = factories.area(), factories.area()
    late, mixed, fine, elsewhere = (
        factories.unit(north),
        factories.unit(north, sed=True),
        factories.unit(north),
        factories.unit(south),
    )
    managers = {unit.id: factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id) for unit in (late, mixed, fine)}
    managers[elsewhere.id] = factories.user(Role.FRONTLINE_MANAGER, unit_id=elsewhere.id)
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)
    # Overdue: 99 seven months ago, so due a month ago.
    factories.self_assessment(late, managers[late.id], ips_scores(registry, 99), months_ago(7))
    # Due soon on IPS (good, eleven months ago); never reviewed on SEd.
    factories.final_external_review(
        mixed, [reviewer], months_ago(11), {k: (s, "") for k, s in ips_scores(registry, 105).items()}
    )
    # Scheduled: not listed.
    factories.self_assessment(fine, managers[fine.id], ips_scores(registry, 90), months_ago(1))
    # Another area's overdue unit and action: not this manager's.
    factories.self_assessment(elsewhere, managers[elsewhere.id], ips_scores(registry, 80), months_ago(9))
    factories.action(elsewhere, managers[elsewhere.id], TODAY - timedelta(days=3), title="Someone else's")

    factories.action(late, managers[late.id], TODAY - timedelta(days=20), title="Write the referral routine")
    factories.action(late, managers[late.id], TODAY - timedelta(days=40), ActionStatus.DONE, title="Finished")
    factories.action(fine, managers[fine.id], TODAY + timedelta(days=2), title="Not yet due")

    second_tier = factories.user(Role.SECOND_TIER_MANAGER, area_id=north.id)
    login(client, second_tier.email)
    page = client.get("/follow-up").get_data(as_text=True)
    assert 'href="/follow-up"' in page  # in the navigation
    due = page[page.index('id="reviews-due"') : page.index('id="overdue-actions"')]
    overdue = page[page.index('id="overdue-actions"') :]

    assert due.index(late.name) < due.index(mixed.name)  # overdue first
    late_due = months_ago(7) + relativedelta(months=6)
    assert f"{day(months_ago(7))}</td>" in due and "99 / 125" in due and day(late_due) in due
    assert f"{(TODAY - late_due).days} day" in due and "Overdue" in due
    assert "Never reviewed" in due and "Supported Education" in due and "Due soon" in due and "105 / 125" in due
    assert fine.name not in due and elsewhere.name not in due
    assert "guided self-assessment counts" in due

    assert "Write the referral routine" in overdue and managers[late.id].display_name in overdue
    assert '<td class="num">20</td>' in overdue
    for absent in ("Finished", "Not yet due", "Someone else&#39;s", elsewhere.name):
        assert absent not in overdue

    # A frontline manager sees only their own unit, here with nothing pressing.
    other = app.test_client()
    login(other, managers[fine.id].email)
    own = other.get("/follow-up").get_data(as_text=True)
    assert "No review is due in the next 60 days." in own and "No action is overdue." in own
    assert late.name not in own


def test_the_unit_page_says_when_each_scale_is_next_due(client: Any, session: Any, registry: Any) -> None:
    unit = factories.unit(sed=True)
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    factories.self_assessment(unit, manager, ips_scores(registry, 100), months_ago(2))
    login(client, manager.email)
    page = client.get(f"/units/{unit.code}").get_data(as_text=True)
    due = day(months_ago(2) + relativedelta(months=12))
    assert f"Next review due {due}" in page and "Scheduled" in page
    assert "Next review due now" in page and "Never reviewed" in page  # SEd


def test_a_new_unit_is_due_its_first_review_six_months_after_it_started(
    client: Any, session: Any, registry: Any
) -> None:
    """Not "never reviewed" from its first day: its first review is due as one below good fidelity would be. On the
    unit page, the follow-up list (once pressing) and the comparison."""
    area = factories.area()
    new, late = factories.unit(area), factories.unit(area)
    new.started_on, late.started_on = months_ago(2), months_ago(8)
    session.commit()
    second_tier = factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id)
    login(client, second_tier.email)

    page = client.get(f"/units/{new.code}").get_data(as_text=True)
    first = months_ago(2) + relativedelta(months=6)
    assert f"First review due {day(first)}" in page and "Scheduled" in page
    assert f"(6 months after the unit started, on {day(months_ago(2))})" in page
    assert "Never reviewed" not in page and "Next review due now" not in page
    starting = TODAY + timedelta(days=30)  # starting next month, set up ahead
    session.execute(update(Unit).where(Unit.id == new.id).values(started_on=starting))
    session.commit()
    ahead = client.get(f"/units/{new.code}").get_data(as_text=True)
    assert f"(6 months after the unit starts, on {day(starting)})" in ahead
    session.execute(update(Unit).where(Unit.id == new.id).values(started_on=months_ago(2)))
    session.commit()
    follow_up = client.get("/follow-up").get_data(as_text=True)
    due = follow_up[follow_up.index('id="reviews-due"') : follow_up.index('id="overdue-actions"')]
    assert new.name not in due  # four months ahead: not pressing
    late_due = months_ago(8) + relativedelta(months=6)
    late_days = (TODAY - late_due).days
    assert late.name in due and "Never reviewed" in due and f"{late_days} days overdue" in due

    late_page = client.get(f"/units/{late.code}").get_data(as_text=True)
    assert f"First review due {day(late_due)}" in late_page and "Never reviewed" in late_page
    assert f'<strong class="over">{late_days} days overdue</strong>' in late_page
    comparison = client.get("/comparison").get_data(as_text=True)
    overdue = comparison[comparison.index('id="overdue-title"') :]
    assert f"{day(late_due)} (never reviewed)" in overdue and new.name not in overdue.split("</table>")[0]
