"""Two people, or two tabs, changing the same journey: a save made from a page opened before another change is
refused with what changed, and writes nothing, rather than silently putting back the values the page had shown."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select

from fidelity.models import AgeBand, Decision, ExitReason, Goal, JobSpell, Journey, Role
from fidelity.monitoring.journey_operations import JourneyChanged, journey_digest, require_unchanged, save_spell
from tests import factories
from tests.journey_data import csv_file
from tests.journey_data import journey as journey_row
from tests.test_journey_import_pages import upload
from tests.test_web import csrf_token, login

SEEN = re.compile(r'name="seen"[^>]*value="([0-9a-f]+)"|value="([0-9a-f]+)"[^>]*name="seen"')


def seen_on(client: Any, url: str) -> str:
    """The journey's digest that the page at `url` gives its forms (the first one, on a journey's page)."""
    match = SEEN.search(client.get(url).get_data(as_text=True))
    assert match, f"no digest on {url}"
    return match.group(1) or match.group(2)


def fields(**changes: str) -> dict[str, str]:
    base = {"code": "CF-1", "referral_date": "2026-01-05", "decision": "accepted", "decision_date": "2026-01-06",
            "enrolment_date": "2026-01-20", "goal": "work"}  # fmt: skip
    return base | changes


def post(client: Any, url: str, **data: str) -> Any:
    return client.post(url, data=data | {"csrf_token": csrf_token(client)})


def a_journey(session: Any) -> tuple[Any, Any, Journey]:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="CF-1", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 6), enrolment_date=date(2026, 1, 20), goal=Goal.WORK,
                                jobs=((date(2026, 2, 1), None),))  # fmt: skip
    session.commit()
    return unit, manager, journey


def test_a_save_from_a_form_opened_before_another_change_is_refused_and_can_then_be_made_on_purpose(
    client: Any, session: Any
) -> None:
    unit, manager, journey = a_journey(session)
    login(client, manager.email)
    edit = f"/units/{unit.code}/journeys/{journey.id}/edit"
    tab_a, tab_b = seen_on(client, edit), seen_on(client, edit)
    assert tab_a == tab_b
    # Tab B records the age band; tab A, opened before that, changes only the goal.
    assert post(client, edit, **fields(age_band="40_49"), seen=tab_b).status_code == 302
    stale = post(client, edit, **fields(goal="both"), seen=tab_a)
    page = " ".join(stale.get_data(as_text=True).split())
    assert stale.status_code == 409
    assert "Nothing was saved: journey CF-1 changed after you opened this page" in page
    assert "<li>Age band: 40-49</li>" in page  # what it holds now, where it differs from what was typed
    assert "<li>Goal: Work</li>" in page  # tab A's own change, not made
    assert "<li>Code" not in page and "<li>Referred" not in page  # as typed
    assert '<option selected value="both">' in page  # what tab A typed stays in the form
    session.expire_all()
    stored = session.get(Journey, journey.id)
    assert (stored.age_band, stored.goal) == (AgeBand.AGE_40_49, Goal.WORK)  # tab B's change stands
    # The refused page carries the journey as it is now: saving it again is a choice made knowing what changed.
    again = SEEN.search(stale.get_data(as_text=True))
    assert again and (again.group(1) or again.group(2)) == seen_on(client, edit) != tab_a
    assert post(client, edit, **fields(goal="both"), seen=again.group(1) or again.group(2)).status_code == 302
    session.expire_all()
    assert (session.get(Journey, journey.id).goal, session.get(Journey, journey.id).age_band) == (Goal.BOTH, None)


def test_an_import_made_while_the_form_was_open_counts_as_a_change(client: Any, session: Any) -> None:
    unit, manager, journey = a_journey(session)
    login(client, manager.email)
    edit = f"/units/{unit.code}/journeys/{journey.id}/edit"
    opened = seen_on(client, edit)
    imported = journey_row(code="CF-1", referral_date="2026-01-05", decision_date="2026-01-06",
                           first_meeting_date="2026-01-10", enrolment_date="2026-01-20", age_band="18_24",
                           first_employer_contact_date="2026-01-25", job1_start="2026-02-01")  # fmt: skip
    assert upload(client, unit.code, csv_file([imported]), "journeys.csv").status_code == 302
    refused = post(client, edit, **fields(goal="education"), seen=opened)
    assert refused.status_code == 409 and "<li>Age band: 18-24</li>" in refused.get_data(as_text=True)
    session.expire_all()
    assert session.scalars(select(Journey.goal)).one() == Goal.WORK


def test_a_job_changed_from_an_older_page_is_refused_with_the_journey_as_it_is_now(client: Any, session: Any) -> None:
    unit, manager, journey = a_journey(session)
    job = session.scalars(select(JobSpell)).one()
    login(client, manager.email)
    page = f"/units/{unit.code}/journeys/{journey.id}"
    opened = seen_on(client, page)
    # Someone ends the job; the older page then sets its hours, and would have cleared the end date.
    assert post(client, f"{page}/jobs/{job.id}", start_date="2026-02-01", end_date="2026-04-30", competitive="y",
                save="1", seen=opened).status_code == 302  # fmt: skip
    stale = post(client, f"{page}/jobs/{job.id}", start_date="2026-02-01", competitive="y", hours_per_week="30",
                 save="1", seen=opened)  # fmt: skip
    text = " ".join(stale.get_data(as_text=True).split())
    assert stale.status_code == 409 and "Journey CF-1 changed after you opened this page" in text
    assert 'value="30"' in text  # what was typed is back in the row, to save again if it still applies
    # Deleting from the older page and adding from it are refused too.
    assert post(client, f"{page}/jobs/{job.id}", delete="1", seen=opened).status_code == 409
    assert post(client, f"{page}/education", start_date="2026-03-01", seen=opened).status_code == 409
    session.expire_all()
    stored = session.get(JobSpell, job.id)
    assert (stored.end_date, stored.hours_per_week) == (date(2026, 4, 30), None)
    assert len(session.get(Journey, journey.id).education) == 0
    # From the page as it is now, the same change goes through.
    now = seen_on(client, page)
    assert post(client, f"{page}/jobs/{job.id}", start_date="2026-02-01", end_date="2026-04-30", competitive="y",
                hours_per_week="30", save="1", seen=now).status_code == 302  # fmt: skip


def test_the_digest_follows_the_journey_and_its_jobs_and_courses(session: Any) -> None:
    _unit, _manager, journey = a_journey(session)
    before = journey_digest(journey)
    assert journey_digest(journey) == before  # the same journey, the same digest
    require_unchanged(journey, before)
    require_unchanged(journey, None)  # a form without one (a script's) is not checked
    journey.exit_reason = ExitReason.GOAL_REACHED
    assert journey_digest(journey) != before
    journey.exit_reason = None
    assert journey_digest(journey) == before
    save_spell(journey, "education", {"start_date": date(2026, 3, 1), "end_date": None}, seen=before)
    after = journey_digest(journey)
    assert after != before
    try:
        save_spell(journey, "education", {"start_date": date(2026, 4, 1), "end_date": None}, seen=before)
    except JourneyChanged as changed:
        assert changed.journey is journey
    else:
        raise AssertionError("a save from before the course was added went through")
    journey.jobs[0].hours_per_week = 10
    assert journey_digest(journey) not in (before, after)
