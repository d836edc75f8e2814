"""Two people, or two tabs, changing the same journey. A form carries the values its page showed, so that a save made
from an older page is merged with what changed since, field by field: each side's changes stand, and only a field
both changed (differently) is refused, for the person to settle. An import that writes a journey's jobs again with new
ids, but the same values, changes nothing a page showed."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from sqlalchemy import select

from fidelity.models import AgeBand, Decision, EducationSpell, ExitReason, Goal, JobSpell, Journey, Role
from fidelity.monitoring.journey_operations import (
    JourneyChanged,
    journey_snapshot,
    save_journey,
    save_spell,
    spell_snapshot,
)
from tests import factories
from tests.journey_data import csv_file
from tests.journey_data import journey as journey_row
from tests.test_journey_import_pages import upload
from tests.test_web import csrf_token, login

SEEN = re.compile(r'name="seen"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="seen"')


def seen_on(page: str) -> str:
    """The first snapshot a page gives its forms, as the browser sends it back."""
    match = SEEN.search(page)
    assert match, "no snapshot on the page"
    return html.unescape(match.group(1) or match.group(2))


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


def stored(session: Any, journey: Journey) -> Journey:
    session.expire_all()
    found = session.get(Journey, journey.id)
    assert found is not None
    return found


def test_changes_to_different_fields_from_two_pages_both_stand(client: Any, session: Any) -> None:
    unit, manager, journey = a_journey(session)
    login(client, manager.email)
    edit = f"/units/{unit.code}/journeys/{journey.id}/edit"
    tab_a, tab_b = seen_on(client.get(edit).get_data(as_text=True)), seen_on(client.get(edit).get_data(as_text=True))
    # Tab B records the age band; tab A, opened before that, changes only the goal.
    assert post(client, edit, **fields(age_band="40_49"), seen=tab_b).status_code == 302
    saved = post(client, edit, **fields(goal="both"), seen=tab_a)
    assert saved.status_code == 302
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Meanwhile someone else changed: Age band; their changes are kept." in page
    after = stored(session, journey)
    assert (after.age_band, after.goal) == (AgeBand.AGE_40_49, Goal.BOTH)  # before, tab A put the age band back


def test_a_field_both_changed_is_for_the_person_to_settle(client: Any, session: Any) -> None:
    unit, manager, journey = a_journey(session)
    login(client, manager.email)
    edit = f"/units/{unit.code}/journeys/{journey.id}/edit"
    tab_a, tab_b = seen_on(client.get(edit).get_data(as_text=True)), seen_on(client.get(edit).get_data(as_text=True))
    # Tab B sets the goal to education and records the age band; tab A sets the goal to both.
    assert post(client, edit, **fields(goal="education", age_band="40_49"), seen=tab_b).status_code == 302
    stale = post(client, edit, **fields(goal="both"), seen=tab_a)
    text = stale.get_data(as_text=True)
    page = " ".join(text.split())
    assert stale.status_code == 409
    assert "Nothing was saved: journey CF-1 changed after you opened this page" in page
    assert "<li>Goal: Education</li>" in page  # what it holds now, where both changed it
    assert "<li>Age band" not in page  # changed by the other side alone: not the person's to settle
    # The form: what tab A typed where it changed a field, and what is stored where it did not.
    assert '<option selected value="both">' in page and '<option selected value="40_49">' in page
    after = stored(session, journey)
    assert (after.goal, after.age_band) == (Goal.EDUCATION, AgeBand.AGE_40_49)  # nothing of tab A's was written
    # Saving the refused page settles the goal, and keeps the other side's age band.
    again = seen_on(text)
    assert again == journey_snapshot(after)
    assert post(client, edit, **fields(goal="both", age_band="40_49"), seen=again).status_code == 302
    after = stored(session, journey)
    assert (after.goal, after.age_band) == (Goal.BOTH, AgeBand.AGE_40_49)


def test_an_import_made_while_the_form_was_open_is_merged_with_it(client: Any, session: Any) -> None:
    unit, manager, journey = a_journey(session)
    login(client, manager.email)
    edit = f"/units/{unit.code}/journeys/{journey.id}/edit"
    opened = seen_on(client.get(edit).get_data(as_text=True))
    imported = journey_row(code="CF-1", referral_date="2026-01-05", decision_date="2026-01-06",
                           first_meeting_date="2026-01-10", enrolment_date="2026-01-20", age_band="18_24",
                           first_employer_contact_date="2026-01-25", job1_start="2026-02-01", job1_hours="",
                           goal="work")  # fmt: skip
    assert upload(client, unit.code, csv_file([imported]), "journeys.csv").status_code == 302
    # The form did not show the meeting, the contact or the age band the import wrote: they stand.
    assert post(client, edit, **fields(goal="education"), seen=opened).status_code == 302
    after = stored(session, journey)
    assert (after.goal, after.age_band, after.first_meeting_date) == (Goal.EDUCATION, AgeBand.AGE_18_24,
                                                                      date(2026, 1, 10))  # fmt: skip


def test_a_job_is_merged_and_an_import_that_writes_it_again_unchanged_changes_nothing_a_row_showed(
    client: Any, session: Any
) -> None:
    unit, manager, journey = a_journey(session)
    job = session.scalars(select(JobSpell)).one()
    login(client, manager.email)
    page = f"/units/{unit.code}/journeys/{journey.id}"
    opened = seen_on(client.get(page).get_data(as_text=True))
    assert opened == spell_snapshot(job)
    # Someone ends the job; the older page sets its hours: both stand.
    assert post(client, f"{page}/jobs/{job.id}", start_date="2026-02-01", end_date="2026-04-30", competitive="y",
                save="1", seen=opened).status_code == 302  # fmt: skip
    saved = post(client, f"{page}/jobs/{job.id}", start_date="2026-02-01", competitive="y", hours_per_week="30",
                 save="1", seen=opened)  # fmt: skip
    assert saved.status_code == 302
    assert "Meanwhile someone else changed: Ended; their changes are kept." in client.get(page).get_data(as_text=True)
    session.expire_all()
    assert (session.get(JobSpell, job.id).end_date, session.get(JobSpell, job.id).hours_per_week) == (
        date(2026, 4, 30), 30.0)  # fmt: skip
    # An import writes the journey's job again, with a new id and the same values: a row opened before it saves.
    opened = seen_on(client.get(page).get_data(as_text=True))
    imported = journey_row(code="CF-1", referral_date="2026-01-05", decision_date="2026-01-06",
                           first_meeting_date="2026-01-10", enrolment_date="2026-01-20", age_band="",
                           first_employer_contact_date="", job1_start="2026-02-01", job1_end="2026-04-30",
                           job1_hours="30", goal="work")  # fmt: skip
    assert upload(client, unit.code, csv_file([imported]), "journeys.csv").status_code == 302
    session.expire_all()
    (again,) = session.scalars(select(JobSpell)).all()
    assert again.id != job.id
    assert post(client, f"{page}/jobs/{job.id}", start_date="2026-02-01", end_date="2026-04-30", competitive="y",
                hours_per_week="35", save="1", seen=opened).status_code == 302  # fmt: skip
    session.expire_all()
    assert session.get(JobSpell, again.id).hours_per_week == 35.0


def test_a_job_both_changed_or_gone_is_refused_keeping_what_was_typed(client: Any, session: Any) -> None:
    unit, manager, journey = a_journey(session)
    job = session.scalars(select(JobSpell)).one()
    login(client, manager.email)
    page = f"/units/{unit.code}/journeys/{journey.id}"
    opened = seen_on(client.get(page).get_data(as_text=True))
    assert post(client, f"{page}/jobs/{job.id}", start_date="2026-02-01", competitive="y", hours_per_week="25",
                save="1", seen=opened).status_code == 302  # fmt: skip
    stale = post(client, f"{page}/jobs/{job.id}", start_date="2026-02-01", competitive="y", hours_per_week="30",
                 save="1", seen=opened)  # fmt: skip
    text = " ".join(stale.get_data(as_text=True).split())
    assert stale.status_code == 409
    assert "You and someone else both changed Hours per week (now 25) of the job after you opened this page." in text
    assert f'id="job-{job.id}-hours"' in text and 'value="30"' in text  # what was typed, in its row
    # Deleting from the older page is refused too: the job is no longer what the row showed.
    deleted = post(client, f"{page}/jobs/{job.id}", delete="1", seen=opened)
    assert deleted.status_code == 409 and "Check it, and delete it again" in deleted.get_data(as_text=True)
    session.expire_all()
    assert session.get(JobSpell, job.id).hours_per_week == 25.0
    # An import that changes the job writes it again: a row shown before is about a job that is gone.
    imported = journey_row(code="CF-1", referral_date="2026-01-05", decision_date="2026-01-06",
                           first_meeting_date="2026-01-10", enrolment_date="2026-01-20", age_band="",
                           first_employer_contact_date="", job1_start="2026-02-01", job1_hours="10",
                           goal="work")  # fmt: skip
    opened = seen_on(client.get(page).get_data(as_text=True))
    assert upload(client, unit.code, csv_file([imported]), "journeys.csv").status_code == 302
    gone = post(client, f"{page}/jobs/{job.id}", start_date="2026-03-01", competitive="y", hours_per_week="12",
                save="1", seen=opened)  # fmt: skip
    text = " ".join(gone.get_data(as_text=True).split())
    assert gone.status_code == 409 and "The job you changed is no longer in the journey" in text
    assert 'value="2026-03-01"' in text and 'value="12"' in text  # in the form for a new job
    deleted = post(client, f"{page}/jobs/{job.id}", delete="1", seen=opened)
    assert deleted.status_code == 409 and "The job is no longer in the journey" in deleted.get_data(as_text=True)
    # A new job or course overwrites nothing: it is added whatever changed since the page was opened.
    assert post(client, f"{page}/education", start_date="2026-03-01", seen=opened).status_code == 302
    session.expire_all()
    assert len(session.scalars(select(EducationSpell)).all()) == 1


def test_merging_in_the_operations(session: Any) -> None:
    unit, _manager, journey = a_journey(session)
    record = {"code": "CF-1", "referral_date": date(2026, 1, 5), "decision": "accepted",
              "decision_date": date(2026, 1, 6), "enrolment_date": date(2026, 1, 20), "goal": "work"}  # fmt: skip
    shown = journey_snapshot(journey)
    journey.exit_reason, journey.exit_date = ExitReason.GOAL_REACHED, date(2026, 6, 1)
    session.flush()
    assert journey_snapshot(journey) != shown
    # A save from the page shown before keeps the exit, which it did not touch.
    saved, kept = save_journey(unit, record | {"goal": "both"}, journey, shown)
    assert (saved.goal, saved.exit_reason) == (Goal.BOTH, ExitReason.GOAL_REACHED)
    assert [name for name, _value in kept] == ["exit_date", "exit_reason"]
    # A script's form, without a snapshot, is taken as it is.
    saved, kept = save_journey(unit, record | {"exit_date": date(2026, 6, 1), "exit_reason": "goal_reached"}, journey)
    assert saved.goal == Goal.WORK and kept == []
    job = journey.jobs[0]
    row = spell_snapshot(job)
    job.hours_per_week = 10.0
    session.flush()
    try:
        save_spell(journey, "jobs", {"start_date": date(2026, 2, 1), "end_date": None, "competitive": True,
                                     "hours_per_week": 12.0}, job.id, row)  # fmt: skip
    except JourneyChanged as changed:
        assert changed.merged.conflicts == [("hours_per_week", 10.0)] and changed.spell_id == job.id
    else:
        raise AssertionError("a change to hours both sides changed went through")
