"""The journeys of a unit: the list filtered by where people stand, and one journey with its jobs and courses."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from fidelity.audit import ERASE_MISTAKE, ERASE_REASON, ERASE_REQUEST, ERASED
from fidelity.cli import main
from fidelity.models import (
    AuditEntry,
    Decision,
    EducationSpell,
    ExitReason,
    Goal,
    JobSpell,
    Journey,
    NotAcceptedReason,
    ReviewStatus,
    Role,
)
from tests import factories
from tests.factories import app_today
from tests.test_web import csrf_token, login

TODAY_TEXT = app_today().isoformat()


def test_the_list_filters_by_state_and_code_and_shows_a_journey(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    today = app_today()
    factories.journey(unit, today - timedelta(days=30), code="WAIT-1")
    supported = factories.journey(
        unit, today - timedelta(days=90), code="SUP-1", enrolment_date=today - timedelta(days=60)
    )
    supported.jobs.append(JobSpell(start_date=today - timedelta(days=20), competitive=True, hours_per_week=20))
    session.commit()
    factories.journey(unit, today - timedelta(days=200), code="LEFT-1", exit_date=today - timedelta(days=100),
                      exit_reason="withdrew")  # fmt: skip
    refused = {"decision": Decision.NOT_ACCEPTED, "not_accepted_reason": NotAcceptedReason.NOT_READY}
    factories.journey(
        unit, today - timedelta(days=50), code="REF-1", decision_date=today - timedelta(days=45), **refused
    )
    login(client, manager.email)

    def codes(query: str) -> list[str]:
        page = client.get(f"/units/{unit.code}/journeys{query}").get_data(as_text=True)
        return [c for c in ("WAIT-1", "SUP-1", "LEFT-1", "REF-1") if f">{c}</a>" in page]

    assert codes("") == ["WAIT-1", "SUP-1", "LEFT-1", "REF-1"]
    assert codes("?state=waiting") == ["WAIT-1"]
    assert codes("?state=supported") == ["SUP-1"]
    assert codes("?state=left") == ["LEFT-1"]
    assert codes("?state=not_accepted") == ["REF-1"]
    assert codes("?code=sup") == ["SUP-1"]
    page = " ".join(client.get(f"/units/{unit.code}/journeys/{supported.id}").get_data(as_text=True).split())
    assert "Journey SUP-1" in page and 'inputmode="decimal" size="4" name="hours_per_week" value="20"' in page
    other = factories.unit()
    elsewhere = factories.journey(other, today, code="ELSEWHERE")
    assert client.get(f"/units/{unit.code}/journeys/{elsewhere.id}").status_code == 404


def post(client: Any, url: str, **data: Any) -> Any:
    return client.post(url, data=data | {"csrf_token": csrf_token(client)})


def test_the_list_shows_who_needs_attention_waiting_long_or_without_an_employer_contact(
    client: Any, session: Any
) -> None:
    """Waiting over 30 days: referred 31 days ago and neither started nor refused (not 30 days ago). No employer
    contact 30 days after enrolment: supported, enrolled 31 days ago or more, no contact recorded, and a goal of work
    (or none given); not someone whose goal is education alone, nor someone who has met an employer, nor someone who
    left."""
    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    today = app_today()

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    factories.journey(unit, ago(31), code="WAIT-31")
    factories.journey(unit, ago(30), code="WAIT-30")
    factories.journey(unit, ago(60), code="REFUSED-60", decision=Decision.NOT_ACCEPTED, decision_date=ago(50),
                      not_accepted_reason=NotAcceptedReason.NOT_READY)  # fmt: skip
    started = {"decision": Decision.ACCEPTED, "decision_date": ago(80)}
    factories.journey(unit, ago(90), code="NO-CONTACT", enrolment_date=ago(31), goal=Goal.WORK, **started)
    factories.journey(unit, ago(90), code="NO-GOAL", enrolment_date=ago(45), **started)
    factories.journey(unit, ago(90), code="DAY-30", enrolment_date=ago(30), goal=Goal.WORK, **started)
    factories.journey(unit, ago(90), code="STUDIES", enrolment_date=ago(60), goal=Goal.EDUCATION, **started)
    factories.journey(unit, ago(90), code="MET", enrolment_date=ago(60), goal=Goal.BOTH,
                      first_employer_contact_date=ago(50), **started)  # fmt: skip
    factories.journey(unit, ago(90), code="GONE", enrolment_date=ago(60), exit_date=ago(5),
                      exit_reason=ExitReason.WITHDREW, **started)  # fmt: skip
    session.commit()

    def codes(state: str) -> set[str]:
        page = client.get(f"/units/{unit.code}/journeys?state={state}").get_data(as_text=True)
        return {c for c in re.findall(r">([A-Z0-9-]+)</a>", page) if c != unit.code}

    assert codes("waiting_long") == {"WAIT-31"}
    assert codes("no_employer_contact") == {"NO-CONTACT", "NO-GOAL"}
    page = client.get(f"/units/{unit.code}/journeys").get_data(as_text=True)
    assert '<option value="waiting_long">Waiting over 30 days</option>' in page
    assert '<option value="no_employer_contact">No employer contact 30 days after enrolment</option>' in page


def test_a_list_of_people_waiting_shows_the_longest_wait_first_with_the_days_waited_page_after_page(
    client: Any, session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Waiting over 30 days, and waiting: the earliest referral first (two referred the same day by their codes), each
    with the days from referral to today, right-aligned as numbers are; the pages go on in that order. Any other list
    keeps the latest referral first, without the column: not everyone on it waits."""
    monkeypatch.setattr("fidelity.monitoring.journey_queries.PER_PAGE", 2)
    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    today = app_today()

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    for days, code in ((45, "W-45"), (31, "W-31"), (81, "W-81"), (40, "W-40-B"), (40, "W-40-A"), (5, "W-5")):
        factories.journey(unit, ago(days), code=code)
    factories.journey(unit, ago(100), code="STARTED", decision=Decision.ACCEPTED, decision_date=ago(95),
                      enrolment_date=ago(90))  # fmt: skip

    def shown(state: str, page: int) -> tuple[list[tuple[str, str]], str]:
        text = client.get(f"/units/{unit.code}/journeys?state={state}&page={page}").get_data(as_text=True)
        text = " ".join(text.split())
        # Each row's code with the cell after its date of referral.
        rows = re.findall(r'>([A-Z0-9-]+)</a></th> <td class="date">[^<]*</td> (<td[^>]*>[^<]*</td>)', text)
        return rows, text

    first, page = shown("waiting_long", 1)
    assert first == [("W-81", '<td class="num">81</td>'), ("W-45", '<td class="num">45</td>')]
    assert '<th scope="col">Referred</th><th scope="col" class="num">Days waiting</th>' in page
    assert "Page 1 of 3" in page and f'href="/units/{unit.code}/journeys?state=waiting_long&amp;page=2"' in page
    assert [code for code, _days in shown("waiting_long", 2)[0]] == ["W-40-A", "W-40-B"]
    assert shown("waiting_long", 3)[0] == [("W-31", '<td class="num">31</td>')]
    # Waiting, however long: the same order, the shortest wait last.
    assert [code for page in (1, 2, 3) for code, _days in shown("waiting", page)[0]] == [
        "W-81", "W-45", "W-40-A", "W-40-B", "W-31", "W-5"
    ]  # fmt: skip
    assert shown("waiting", 3)[0][-1] == ("W-5", '<td class="num">5</td>')
    # Everyone: the latest referral first, and no days waited (the person who started waits no more).
    everyone, page = shown("all", 1)
    assert [code for code, _cell in everyone] == ["W-5", "W-31"] and "Days waiting" not in page
    assert shown("all", 4)[0][0][0] == "STARTED"
    # A search runs to pages of its own, each keeping it.
    page = client.get(f"/units/{unit.code}/journeys?state=all&code=w-4").get_data(as_text=True)
    assert "Page 1 of 2" in page  # W-45, W-40-B and W-40-A, two a page
    after = f'href="/units/{unit.code}/journeys?state=all&amp;code=w-4&amp;page=2"'
    assert after in page
    second = client.get(f"/units/{unit.code}/journeys?state=all&code=w-4&page=2").get_data(as_text=True)
    assert re.findall(r">(W-[0-9A-Z-]+)</a></th>", second) == ["W-45"]  # the earliest referral last


def test_a_manager_adds_changes_and_deletes_a_journey_checked_as_an_import_would(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    new = f"/units/{unit.code}/journeys/new"
    # A personal identity number as the code, and an enrolment before the referral: both refused, nothing written.
    refused = post(client, new, code="19800101-1234", referral_date="2026-03-01", enrolment_date="2026-02-01")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "personal identity number" in text
    assert "Enrolled (Feb 1, 2026) is before Referred (Mar 1, 2026)" in text
    assert session.scalars(select(Journey)).all() == []

    added = post(client, new, code="NRV-0001", referral_date="2026-03-01", decision="accepted",
                 decision_date="2026-03-05", goal="work", age_band="25_29")  # fmt: skip
    journey = session.scalars(select(Journey)).one()
    assert added.status_code == 302 and added.headers["Location"] == f"/units/{unit.code}/journeys/{journey.id}"
    assert (journey.code, journey.decision, journey.goal) == ("NRV-0001", Decision.ACCEPTED, Goal.WORK)
    assert post(client, new, code="nrv-0001", referral_date="2026-03-02").status_code == 400  # the code is taken

    base = f"/units/{unit.code}/journeys/{journey.id}"
    started = {"enrolment_date": "2026-03-20", "first_meeting_date": "2026-03-10"}
    changed = post(client, f"{base}/edit", code="NRV-0001", referral_date="2026-03-01", decision="accepted",
                   decision_date="2026-03-05", **started)  # fmt: skip
    assert changed.status_code == 302
    # A job, then a job ending before it starts (refused), then the job ended, then a course added and deleted.
    assert (
        post(client, f"{base}/jobs", start_date="2026-05-04", competitive="y", hours_per_week="20").status_code == 302
    )
    job = session.scalars(select(JobSpell)).one()
    bad = post(client, f"{base}/jobs/{job.id}", start_date="2026-05-04", end_date="2026-04-01", save="1")
    assert bad.status_code == 400 and "Nothing was saved" in bad.get_data(as_text=True)
    assert (
        post(client, f"{base}/jobs/{job.id}", start_date="2026-05-04", end_date="2026-08-31", save="1").status_code
        == 302
    )
    assert post(client, f"{base}/education", start_date="2026-09-01").status_code == 302
    course = session.scalars(select(EducationSpell)).one()
    assert post(client, f"{base}/education/{course.id}", delete="1").status_code == 302
    session.expire_all()
    stored = session.scalars(select(JobSpell)).one()
    assert (stored.end_date, stored.competitive, stored.hours_per_week) == (date(2026, 8, 31), False, None)
    assert session.scalars(select(EducationSpell)).all() == []
    entities = session.scalars(select(AuditEntry.entity).where(AuditEntry.unit_id == unit.id)).all()
    assert {"journeys", "job_spells", "education_spells"} <= set(entities)

    assert post(client, f"{base}/delete").status_code == 302
    assert session.scalars(select(Journey)).all() == [] and session.scalars(select(JobSpell)).all() == []


def test_deleting_a_journey_asks_first_and_says_what_goes_with_it(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="DEL-1", enrolment_date=date(2026, 1, 20),
                                jobs=((date(2026, 2, 1), date(2026, 3, 1)), (date(2026, 4, 1), None)),
                                studies=((date(2026, 2, 1), None),))  # fmt: skip
    login(client, manager.email)
    base = f"/units/{unit.code}/journeys/{journey.id}"
    page = " ".join(client.get(base).get_data(as_text=True).split())
    # The journey's page only leads to the question: no form there deletes anything.
    assert f'<a class="button" href="{base}/delete">Delete the journey</a>' in page
    assert f'action="{base}/delete"' not in page

    asked = client.get(f"{base}/delete")
    text = " ".join(asked.get_data(as_text=True).split())
    assert asked.status_code == 200 and "<h1>Delete the journey DEL-1?</h1>" in text
    assert "The journey DEL-1, referred on Jan 5, 2026, with everything recorded on it:" in text
    assert "<li>2 jobs</li> <li>1 course of study</li>" in text
    assert f'<form method="post" action="{base}/delete">' in text and 'name="csrf_token"' in text
    # Erasing the trail too is asked for, never the default.
    assert '<input aria-describedby="erase-hint" id="erase" name="erase" type="checkbox" value="y">' in text
    assert f'<a href="{base}">Cancel: keep the journey</a>' in text
    session.expire_all()
    assert session.get(Journey, journey.id) is not None  # asking deletes nothing

    assert post(client, f"{base}/delete").status_code == 302
    assert session.scalars(select(Journey)).all() == [] and session.scalars(select(EducationSpell)).all() == []
    deleted = session.scalars(
        select(AuditEntry.entity).where(AuditEntry.unit_id == unit.id, AuditEntry.action == "delete")
    ).all()
    assert sorted(deleted) == ["education_spells", "job_spells", "job_spells", "journeys"]
    assert client.get(f"{base}/delete").status_code == 404

    other = factories.journey(unit, date(2026, 1, 5), code="DEL-2")
    swedish = client.get(f"/units/{unit.code}/journeys/{other.id}/delete", headers={"Accept-Language": "sv"})
    assert "<li>0 anställningar</li>" in swedish.get_data(as_text=True)


def test_readers_see_the_journey_without_forms(client: Any, session: Any) -> None:
    area = factories.area()
    unit = factories.unit(area)
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)
    factories.external_review(unit, [reviewer], app_today(), ReviewStatus.DRAFT)  # under way: the records it needs
    journey = factories.journey(unit, date(2026, 1, 5), code="R-1", enrolment_date=date(2026, 1, 20),
                                jobs=((date(2026, 3, 1), None),))  # fmt: skip
    login(client, reviewer.email)
    page = " ".join(client.get(f"/units/{unit.code}/journeys/{journey.id}").get_data(as_text=True).split())
    assert (
        "<td>Mar 1, 2026</td>" in page
        and "Change the journey" not in page
        and '<form method="post" class="spell-row' not in page
    )
    assert client.get(f"/units/{unit.code}/journeys/new").status_code == 403


def test_the_kept_quarterly_figures_follow_every_change(client: Any, session: Any) -> None:
    from fidelity.models import QuarterlyOutcome

    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    started = {"decision": "accepted", "decision_date": "2026-01-08", "first_meeting_date": "2026-01-10"}
    post(client, f"/units/{unit.code}/journeys/new", code="K-1", referral_date="2026-01-05",
         enrolment_date="2026-01-12", **started)  # fmt: skip
    journey = session.scalars(select(Journey)).one()
    post(client, f"/units/{unit.code}/journeys/{journey.id}/jobs", start_date="2026-02-02", competitive="y")

    def first_quarter() -> tuple[int, int]:
        session.expire_all()
        row = session.scalars(
            select(QuarterlyOutcome).where(
                QuarterlyOutcome.unit_id == unit.id, QuarterlyOutcome.year == 2026, QuarterlyOutcome.quarter == 1
            )
        ).one()
        return row.served, row.in_competitive_work

    assert first_quarter() == (1, 1)  # counted without anyone opening the outcomes page
    job = session.scalars(select(JobSpell)).one()
    post(client, f"/units/{unit.code}/journeys/{journey.id}/jobs/{job.id}", delete="1")
    assert first_quarter() == (1, 0)


def test_a_mistyped_year_is_refused_on_the_form_and_a_changed_job_is_named_by_its_own_number(
    client: Any, session: Any
) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    mistyped = post(client, f"/units/{unit.code}/journeys/new", code="NRV-0001", referral_date="1026-03-01")
    assert mistyped.status_code == 400 and "is the year right?" in mistyped.get_data(as_text=True)
    assert session.scalars(select(Journey)).all() == []

    journey = factories.journey(unit, date(2026, 1, 5), code="NRV-0002", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 6), enrolment_date=date(2026, 1, 10))  # fmt: skip
    journey.jobs.extend(
        [
            JobSpell(start_date=date(2026, 2, 1), end_date=date(2026, 3, 1), competitive=True),
            JobSpell(start_date=date(2026, 1, 20), competitive=True),
        ]
    )
    session.commit()
    session.expire_all()
    first = journey.jobs[0]  # the first to start, shown as job 1
    assert first.start_date == date(2026, 1, 20)
    base = f"/units/{unit.code}/journeys/{journey.id}"
    bad = post(client, f"{base}/jobs/{first.id}", start_date="2026-01-20", end_date="2026-01-15", save="1")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Ended, job 1 (Jan 15, 2026) is before Started, job 1 (Jan 20, 2026)" in text
    # The table names each row as the message does: job 1 is the row of the first job to start.
    table = text.split('<table class="units spells editable">')[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].split("<tr>")[1:]
    assert 'scope="row" class="nowrap">Job 1</th>' in rows[0] and 'value="2026-01-20"' in rows[0]
    assert 'scope="row" class="nowrap">Job 2</th>' in rows[1] and 'value="2026-02-01"' in rows[1]
    swedish = client.post(
        f"{base}/jobs/{first.id}",
        data={"start_date": "2026-01-20", "end_date": "2026-01-15", "save": "1", "csrf_token": csrf_token(client)},
        headers={"Accept-Language": "sv"},
    ).get_data(as_text=True)
    assert ", anställning 1 (15 jan. 2026) kan inte ligga före " in swedish and "job1_" not in swedish
    future = post(client, f"{base}/jobs", start_date=(app_today() + timedelta(days=1)).isoformat(), save="1")
    assert future.status_code == 400 and "is after today" in future.get_data(as_text=True)


def test_hours_a_week_take_a_decimal_comma(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="NRV-0003", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 6), enrolment_date=date(2026, 1, 10))  # fmt: skip
    session.commit()
    login(client, manager.email)
    base = f"/units/{unit.code}/journeys/{journey.id}"
    page = client.get(base).get_data(as_text=True)
    assert 'inputmode="decimal"' in page and 'type="number"' not in page
    assert post(client, f"{base}/jobs", start_date="2026-02-02", hours_per_week="12,5", save="1").status_code == 302
    assert session.scalars(select(JobSpell.hours_per_week)).one() == 12.5
    swedish = client.get(base, headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert 'name="hours_per_week" value="12,5"' in swedish
    refused = post(client, f"{base}/jobs", start_date="2026-03-02", hours_per_week="full time", save="1")
    assert refused.status_code == 400 and "Write a number" in refused.get_data(as_text=True)
    too_many = post(client, f"{base}/jobs", start_date="2026-03-02", hours_per_week="81", save="1")
    assert too_many.status_code == 400 and "Give a number from 0 to 80." in too_many.get_data(as_text=True)
    assert session.scalars(select(JobSpell.hours_per_week)).all() == [12.5]


def test_deleting_a_job_or_course_asks_first_and_is_audited(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="SP-1", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 6), enrolment_date=date(2026, 1, 20),
                                jobs=((date(2026, 2, 1), date(2026, 3, 1)),),
                                studies=((date(2026, 2, 1), None),))  # fmt: skip
    job, course = session.scalars(select(JobSpell)).one(), session.scalars(select(EducationSpell)).one()
    login(client, manager.email)
    base = f"/units/{unit.code}/journeys/{journey.id}"
    page = client.get(base).get_data(as_text=True)
    # The journey's page only leads to the question.
    named = '<span class="visually-hidden"> Job 1</span>'
    assert f'<a href="{base}/jobs/{job.id}/delete">Delete{named}</a>' in page and 'name="delete"' not in page
    asked = client.get(f"{base}/jobs/{job.id}/delete")
    text = " ".join(asked.get_data(as_text=True).split())
    assert asked.status_code == 200 and "Delete this job of SP-1?" in text and "Feb 1, 2026" in text
    assert session.get(JobSpell, job.id) is not None  # asking deletes nothing
    assert client.get(f"{base}/jobs/{course.id + 1000}/delete").status_code == 404

    for kind, spell, message in (("jobs", job, "The job is deleted"), ("education", course, "The course is deleted")):
        done = post(client, f"{base}/{kind}/{spell.id}", delete="1")
        assert done.status_code == 302
        assert f"{message} from journey SP-1." in client.get(done.headers["Location"]).get_data(as_text=True)
    session.expire_all()
    assert session.scalars(select(JobSpell)).all() == [] and session.scalars(select(EducationSpell)).all() == []
    deleted = session.scalars(
        select(AuditEntry).where(AuditEntry.unit_id == unit.id, AuditEntry.action == "delete").order_by(AuditEntry.id)
    ).all()
    assert [(e.entity, e.entity_id) for e in deleted] == [
        ("job_spells", str(job.id)),
        ("education_spells", str(course.id)),
    ]
    assert deleted[0].changes["start_date"] == ["2026-02-01", None]


def test_a_refused_job_keeps_what_was_typed(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="SP-2", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 6), enrolment_date=date(2026, 1, 20),
                                exit_date=date(2026, 6, 30), exit_reason=ExitReason.GOAL_REACHED,
                                jobs=((date(2026, 2, 1), None),))  # fmt: skip
    job = session.scalars(select(JobSpell)).one()
    login(client, manager.email)
    base = f"/units/{unit.code}/journeys/{journey.id}"
    # A new job starting after the exit: refused by the journey's checks, and the fields keep what was typed.
    added = post(client, f"{base}/jobs", start_date="2026-07-01", end_date="2026-08-01", hours_per_week="12,5")
    text = added.get_data(as_text=True)
    assert added.status_code == 400 and "Nothing was saved" in text
    assert 'value="2026-07-01"' in text and 'value="2026-08-01"' in text and 'value="12,5"' in text
    # A changed job ending before it starts: its own row keeps what was typed.
    changed = post(client, f"{base}/jobs/{job.id}", start_date="2026-02-01", end_date="2026-01-15", save="1")
    text = changed.get_data(as_text=True)
    assert (
        changed.status_code == 400 and f'id="job-{job.id}-end" type="date" name="end_date" value="2026-01-15"' in text
    )
    # A field the form refuses is named beside the row.
    hours = post(client, f"{base}/jobs/{job.id}", start_date="2026-02-01", hours_per_week="100", save="1")
    assert hours.status_code == 400 and 'value="100"' in hours.get_data(as_text=True)
    assert "Hours per week: " in hours.get_data(as_text=True)
    session.expire_all()
    assert session.get(JobSpell, job.id).end_date is None and len(session.scalars(select(JobSpell)).all()) == 1


def test_the_audit_trail_names_the_journey_and_the_quarter_each_change_is_about(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="AUD-7", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 6), enrolment_date=date(2026, 1, 20),
                                jobs=((date(2026, 2, 1), None),), studies=((date(2026, 2, 1), None),))  # fmt: skip
    job, course = session.scalars(select(JobSpell)).one(), session.scalars(select(EducationSpell)).one()
    login(client, manager.email)
    base = f"/units/{unit.code}/journeys/{journey.id}"
    # Each change names only what it changed: neither the journey nor the quarter is among it.
    post(client, f"{base}/jobs/{job.id}", start_date="2026-02-01", hours_per_week="30", competitive="y", save="1")
    post(client, f"{base}/education/{course.id}", delete="1")
    post(client, f"{base}/edit", code="AUD-7", referral_date="2026-01-05", decision="accepted",
         decision_date="2026-01-06", enrolment_date="2026-01-21")  # fmt: skip
    staffing = {"quarter": "2026Q1", "specialist_fte": "2", "csrf_token": csrf_token(client, "/")}
    client.post(f"/units/{unit.code}/staffing", data=staffing)
    client.post(f"/units/{unit.code}/staffing", data=staffing | {"specialist_fte": "3"})

    page = " ".join(client.get(f"/units/{unit.code}/audit").get_data(as_text=True).split())
    assert f'changed job <strong>AUD-7</strong> <span class="code">#{job.id}</span>' in page
    assert f'deleted course <strong>AUD-7</strong> <span class="code">#{course.id}</span>' in page
    assert f'changed journey <strong>AUD-7</strong> <span class="code">#{journey.id}</span>' in page
    assert "changed staffing of a quarter <strong>2026 Q1</strong>" in page
    assert "created staffing of a quarter <strong>2026 Q1</strong>" in page


def test_a_journey_s_changes_are_listed_on_a_page_of_their_own(client: Any, session: Any) -> None:
    """Who set this exit date? Every change to one journey and its jobs and courses, newest first, and none of
    another journey's; reading it is logged as reading the journey is."""
    from fidelity.models import RecordRead

    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="HIS-1", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 6), enrolment_date=date(2026, 1, 20),
                                jobs=((date(2026, 2, 1), None),))  # fmt: skip
    other = factories.journey(unit, date(2026, 1, 5), code="HIS-2", jobs=((date(2026, 3, 1), None),))
    job = journey.jobs[0]
    login(client, manager.email)
    base = f"/units/{unit.code}/journeys/{journey.id}"
    post(client, f"{base}/jobs/{job.id}", start_date="2026-02-01", hours_per_week="30", competitive="y", save="1")
    left = {"exit_date": "2026-03-31", "exit_reason": "goal_reached"}
    post(client, f"{base}/edit", code="HIS-1", referral_date="2026-01-05", decision="accepted",
         decision_date="2026-01-06", enrolment_date="2026-01-20", **left)  # fmt: skip
    post(client, f"/units/{unit.code}/journeys/{other.id}/edit", code="HIS-2", referral_date="2026-01-07")

    assert f'href="/units/{unit.code}/journeys/{journey.id}/history">Changes to this journey</a>' in (
        client.get(base).get_data(as_text=True)
    )
    reads = session.scalar(select(func.count()).select_from(RecordRead))
    page = " ".join(client.get(f"{base}/history").get_data(as_text=True).split())
    assert "<h1>Changes to HIS-1</h1>" in page
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 4  # newest first: the journey's change, its job's, and their making
    assert f'changed journey <strong>HIS-1</strong> <span class="code">#{journey.id}</span>' in rows[0]
    assert "Mar 31, 2026" in rows[0] and manager.email in rows[0]
    assert f'changed job <strong>HIS-1</strong> <span class="code">#{job.id}</span>' in rows[1]
    assert "created journey" in " ".join(rows[2:]) and "created job" in " ".join(rows[2:])
    assert "HIS-2" not in page.split("<tbody>")[1]  # the other journey's change is its own
    assert session.scalar(select(func.count()).select_from(RecordRead)) == reads + 1


def test_an_external_reviewer_reads_people_s_records_only_while_a_review_is_under_way(
    client: Any, session: Any
) -> None:
    unit = factories.unit()
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)
    journey = factories.journey(unit, app_today() - timedelta(days=40), code="WAITS-1")
    final = factories.external_review(unit, [reviewer], app_today() - timedelta(days=50), ReviewStatus.FINAL)
    login(client, reviewer.email)
    base = f"/units/{unit.code}"
    # After the review is final: the unit, the review and the unit's figures, but no one's record.
    assert client.get(f"{base}/journeys").status_code == 403
    assert client.get(f"{base}/journeys/{journey.id}").status_code == 403
    waiting = client.get(f"{base}/waiting-list")
    text = " ".join(waiting.get_data(as_text=True).split())
    assert waiting.status_code == 200 and "WAITS-1" not in text
    assert "The people waiting are listed, by code, for those who keep the unit" in text
    assert '<dd class="waiting-count">1</dd>' in text  # the figures stay
    unit_page = client.get(base)
    assert unit_page.status_code == 200 and f'href="{base}/journeys"' not in unit_page.get_data(as_text=True)
    assert client.get(f"{base}/external/{final.id}").status_code == 200
    # A review of the unit assigned to them and under way: the records, as the review needs them.
    factories.external_review(unit, [reviewer], app_today(), ReviewStatus.CONSENSUS)
    assert client.get(f"{base}/journeys").status_code == 200
    assert client.get(f"{base}/journeys/{journey.id}").status_code == 200
    assert "WAITS-1" in client.get(f"{base}/waiting-list").get_data(as_text=True)
    assert f'href="{base}/journeys"' in client.get(base).get_data(as_text=True)


def test_saving_a_job_or_course_says_which_was_saved(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="SAY-1", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 6), enrolment_date=date(2026, 1, 20))  # fmt: skip
    login(client, manager.email)
    base = f"/units/{unit.code}/journeys/{journey.id}"
    # Each brings the page back to its own list, the message under the list's heading rather than at the top.
    job = post(client, f"{base}/jobs", start_date="2026-02-01", competitive="y")
    assert job.headers["Location"].endswith(f"{base}#jobs")
    page = client.get(job.headers["Location"]).get_data(as_text=True)
    assert '<h2 id="jobs">Jobs</h2>\n<p class="flash" role="status">The job is saved in journey SAY-1.</p>' in page
    assert page.count("The job is saved") == 1
    course = post(client, f"{base}/education", start_date="2026-03-01")
    assert course.headers["Location"].endswith(f"{base}#education")
    page = client.get(course.headers["Location"]).get_data(as_text=True)
    assert '<h2 id="education">Education</h2>\n<p class="flash" role="status">The course is saved' in page
    # The import page takes only the files it reads.
    page = client.get(f"/units/{unit.code}/journeys/import").get_data(as_text=True)
    assert 'accept=".csv,.xlsx,' in page


def test_the_journey_page_gives_each_element_its_own_id(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="IDS-1", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 6), enrolment_date=date(2026, 1, 20),
                                jobs=((date(2026, 2, 1), None), (date(2026, 5, 1), None)),
                                studies=((date(2026, 3, 1), None),))  # fmt: skip
    login(client, manager.email)
    page = client.get(f"/units/{unit.code}/journeys/{journey.id}").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) > 20 and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_the_reasons_that_screen_people_out_are_grouped_as_breaches(client: Any, session: Any) -> None:
    """The decision's reasons come in two groups: those that screen a person out, named as breaching zero exclusion,
    and the others; the choice is made knowing which it is."""
    from html.parser import HTMLParser

    from fidelity.models.monitoring import ZERO_EXCLUSION_BREACHES

    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    page = client.get(f"/units/{unit.code}/journeys/new").get_data(as_text=True)

    groups: dict[str | None, list[str]] = {}

    class Reasons(HTMLParser):
        inside, group = False, None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            if tag == "select":
                self.inside = found.get("name") == "not_accepted_reason"
            elif self.inside and tag == "optgroup":
                self.group = found["label"]
            elif self.inside and tag == "option":
                groups.setdefault(self.group, []).append(str(found["value"]))

        def handle_endtag(self, tag: str) -> None:
            if tag == "optgroup":
                self.group = None

    Reasons().feed(page)
    assert groups == {
        None: [""],
        "Screening out: breaches zero exclusion": [reason.value for reason in NotAcceptedReason
                                                   if reason in ZERO_EXCLUSION_BREACHES],
        "Other reasons": [reason.value for reason in NotAcceptedReason if reason not in ZERO_EXCLUSION_BREACHES],
    }  # fmt: skip


def test_a_referral_not_accepted_offers_no_job_or_course_to_add(client: Any, session: Any) -> None:
    unit = factories.unit()
    refused = factories.journey(unit, date(2026, 1, 5), code="NO-1", decision=Decision.NOT_ACCEPTED,
                                decision_date=date(2026, 1, 9),
                                not_accepted_reason=NotAcceptedReason.DECLINED)  # fmt: skip
    accepted = factories.journey(unit, date(2026, 1, 5), code="YES-1", enrolment_date=date(2026, 1, 20))
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    hint = "A referral that was not accepted has no jobs or courses."
    page = client.get(f"/units/{unit.code}/journeys/{refused.id}").get_data(as_text=True)
    assert hint in page and 'class="spell-row add"' not in page and "Change the journey" in page
    page = client.get(f"/units/{unit.code}/journeys/{accepted.id}").get_data(as_text=True)
    assert hint not in page and page.count('class="spell-row add"') == 2


def test_the_list_offers_the_export_to_those_who_may_export(client: Any, session: Any) -> None:
    area = factories.area()
    unit = factories.unit(area)
    links = (
        f'href="/units/{unit.code}/journeys/export.xlsx" download',
        f'href="/units/{unit.code}/journeys/export.csv"',
    )
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    page = client.get(f"/units/{unit.code}/journeys").get_data(as_text=True)
    assert all(link in page for link in links) and "Export all to Excel" in page
    assert client.get(f"/units/{unit.code}/journeys/export.xlsx").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id).email)
    page = client.get(f"/units/{unit.code}/journeys").get_data(as_text=True)
    assert not any(link in page for link in links)
    assert client.get(f"/units/{unit.code}/journeys/export.xlsx").status_code == 403


def test_a_problem_between_fields_is_shown_at_the_field_it_is_about(client: Any, session: Any) -> None:
    """Dates out of order, an exit without its reason: listed above the form, and each at its own field, marked
    invalid, with what was typed kept."""
    from html.parser import HTMLParser

    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    refused = post(client, f"/units/{unit.code}/journeys/new", code="NRV-0009", referral_date="2026-03-01",
                   decision="accepted", first_meeting_date="2026-03-10", enrolment_date="2026-03-08",
                   exit_date="2026-04-01")  # fmt: skip
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)

    at_field: dict[str, list[str]] = {}
    invalid: set[str] = set()
    described: dict[str, str] = {}

    class Fields(HTMLParser):
        field: str | None = None  # the field whose errors are being read
        error: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            if found.get("aria-invalid") == "true":
                invalid.add(str(found["id"]))
            if found.get("aria-describedby") and found.get("id"):
                described[str(found["id"])] = str(found["aria-describedby"])
            if tag == "div" and str(found.get("id")).endswith("-error"):
                self.field = str(found["id"]).removesuffix("-error")
            if tag == "p" and found.get("class") == "error":
                self.error = self.field

        def handle_data(self, data: str) -> None:
            if self.error:
                at_field.setdefault(self.error, []).append(data)
                self.error = None

    Fields().feed(page)
    assert at_field == {
        "enrolment_date": ["Enrolled (Mar 8, 2026) is before First meeting (Mar 10, 2026)"],
        "exit_reason": ["Reason for leaving is required with Left the unit"],
    }
    assert invalid == {"enrolment_date", "exit_reason"}
    # Each invalid field is described by its errors, and the code by its rule (never a name or an identity number).
    assert described["enrolment_date"] == "enrolment_date-error" and described["exit_reason"] == "exit_reason-error"
    assert described["code"] == "code-hint"
    assert 'id="code-hint">A pseudonymous code your unit chooses. Never a name' in page
    assert page.count("Enrolled (Mar 8, 2026) is before First meeting (Mar 10, 2026)") == 2  # in the list above too
    assert 'value="2026-03-08"' in page


def test_a_new_journey_s_form_says_where_jobs_and_courses_go(client: Any, session: Any) -> None:
    unit = factories.unit()
    journey = factories.journey(unit, date(2026, 1, 5), code="J-1")
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    said = "Jobs and courses are added on the journey's page once it is saved."
    assert said in client.get(f"/units/{unit.code}/journeys/new").get_data(as_text=True)
    assert said not in client.get(f"/units/{unit.code}/journeys/{journey.id}/edit").get_data(as_text=True)


def test_a_refused_job_shows_its_problem_beside_its_own_row_or_form(client: Any, session: Any) -> None:
    unit = factories.unit()
    journey = factories.journey(unit, date(2026, 1, 5), code="ROW-1", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 6), enrolment_date=date(2026, 1, 10),
                                jobs=((date(2026, 1, 20), None), (date(2026, 2, 1), None)))  # fmt: skip
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    base = f"/units/{unit.code}/journeys/{journey.id}"
    second = journey.jobs[1]
    page = post(client, f"{base}/jobs/{second.id}", start_date="2026-02-01", end_date="2026-01-25", save="1")
    text = page.get_data(as_text=True)
    message = "Ended, job 2 (Jan 25, 2026) is before Started, job 2 (Feb 1, 2026)"
    assert page.status_code == 400 and text.count(message) == 2  # in the list above, and under its row
    row = text.split(f'id="job-{second.id}-start"')[1].split("</tr>")[0]
    assert f'<p class="error">{message}</p>' in row  # not "Ended: Ended, job 2 ..."
    added = post(client, f"{base}/jobs", start_date="2026-03-01", end_date="2026-02-15", save="1")
    form = added.get_data(as_text=True).split('class="spell-row add"')[1].split("</form>")[0]
    assert '<p class="error">Ended, job 3 (Feb 15, 2026) is before Started, job 3 (Mar 1, 2026)</p>' in form


def test_a_job_starting_after_the_exit_is_shown_at_the_job_s_start(client: Any, session: Any) -> None:
    unit = factories.unit()
    journey = factories.journey(unit, date(2026, 1, 5), code="LATE-1", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 6), enrolment_date=date(2026, 1, 10),
                                exit_date=date(2026, 2, 1), exit_reason=ExitReason.WITHDREW)  # fmt: skip
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    added = post(client, f"/units/{unit.code}/journeys/{journey.id}/jobs", start_date="2026-03-01", save="1")
    form = added.get_data(as_text=True).split('class="spell-row add"')[1].split("</form>")[0]
    assert "Started: Left the unit (Feb 1, 2026) is before Started, job 1 (Mar 1, 2026)" in form


def test_a_refused_journey_lists_every_problem_at_once_at_the_top_linked_to_its_field(
    client: Any, session: Any
) -> None:
    """A field left out used to hide the problems between the other fields until it was given: three rounds on a
    phone. Now one answer lists them all at the top, each linked to its field, and marks each field."""
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    refused = post(client, f"/units/{unit.code}/journeys/new", code="Anna Svensson", decision="not_accepted")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    summary = page[
        page.index('<div class="form-errors"') : page.index("</div>", page.index('<div class="form-errors"'))
    ]
    assert 'tabindex="-1" data-focus-on-load' in summary
    assert '<a href="#referral_date">Referred: This field is required.</a>' in summary
    assert re.search(r'<a href="#code">Code: contains a space[^<]*</a>', summary)
    assert re.search(r'<a href="#not_accepted_reason">[^<]*is required[^<]*</a>', summary)
    assert summary.count("<li>") == 3
    for field in ("code", "referral_date", "not_accepted_reason"):
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', page), field
    assert session.scalars(select(Journey).where(Journey.unit_id == unit.id)).first() is None


def test_a_refused_job_is_linked_to_its_field_which_its_errors_describe(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="ROW-1", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 6), enrolment_date=date(2026, 1, 20),
                                jobs=((date(2026, 2, 1), None),))  # fmt: skip
    job = session.scalars(select(JobSpell)).one()
    login(client, manager.email)
    base = f"/units/{unit.code}/journeys/{journey.id}"
    refused = post(client, f"{base}/jobs/{job.id}", start_date="2026-02-01", hours_per_week="100", save="1")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    row = f"job-{job.id}"
    assert re.search(rf'<a href="#{row}-hours">Hours per week: [^<]+</a>', page)
    hours = re.search(rf'<input[^>]*id="{row}-hours"[^>]*>', page)
    assert hours and 'aria-invalid="true"' in hours.group() and f'aria-describedby="{row}-errors"' in hours.group()
    start = re.search(rf'<input[^>]*id="{row}-start"[^>]*>', page)
    assert start and "aria-invalid" not in start.group()
    assert f'<div id="{row}-errors"><p class="error">' in page
    # Each row's buttons are named by their row for a screen reader's list of controls.
    assert 'Save<span class="visually-hidden"> Job 1</span>' in page


def test_a_code_the_unit_has_already_is_named_as_it_is_stored(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    factories.journey(unit, date(2026, 1, 5), code="NRV-Ab1")
    login(client, manager.email)
    new = f"/units/{unit.code}/journeys/new"
    same = post(client, new, code="NRV-Ab1", referral_date="2026-02-01").get_data(as_text=True)
    assert "The unit already has a journey with the code NRV-Ab1.</a>" in same
    other_capitals = post(client, new, code="nrv-ab1", referral_date="2026-02-01").get_data(as_text=True)
    assert (
        "The unit already has a journey with the code NRV-Ab1: codes that differ only in capitals are the same code."
        in other_capitals
    )


def test_a_journey_deleted_at_the_person_s_request_takes_its_trail_with_it(client: Any, session: Any) -> None:
    """A person who asks to be forgotten: the journey, its jobs and courses go, and so do the values every entry about
    them kept (the deletion's own too); who changed them and when stay, with an entry for the erasure. Another
    journey's trail is left as it was, and a later purge leaves the erased entries alone."""
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="FORGET-ME", enrolment_date=date(2026, 1, 20),
                                jobs=((date(2026, 2, 1), None),))  # fmt: skip
    kept = factories.journey(unit, date(2026, 1, 6), code="KEEP-ME")
    login(client, manager.email)
    base = f"/units/{unit.code}/journeys/{journey.id}"
    assert post(client, f"{base}/edit", code="FORGET-ME", referral_date="2026-01-05", decision="accepted",
                decision_date="2026-01-10", enrolment_date="2026-01-20", exit_date="2026-03-01",
                exit_reason="withdrew").status_code == 302  # fmt: skip
    about = (AuditEntry.entity.in_(["journeys", "job_spells"])) & (AuditEntry.unit_id == unit.id)
    before = {entry.id: dict(entry.changes) for entry in session.scalars(select(AuditEntry).where(about))}

    response = post(client, f"{base}/delete", erase="y")
    assert response.status_code == 302
    assert "Journey FORGET-ME deleted, and what the audit trail kept of it erased." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    session.expire_all()
    assert session.scalars(select(Journey.code)).all() == ["KEEP-ME"]
    entries = {entry.id: entry for entry in session.scalars(select(AuditEntry).where(about))}
    cleared = {ERASED: [None, TODAY_TEXT], ERASE_REASON: [None, ERASE_REQUEST]}  # at the person's request
    erased = {entry_id for entry_id, entry in entries.items() if entry.changes == cleared}
    # Created, changed and deleted: the journey and its job; KEEP-ME's creation is left as it was.
    assert len(erased) == 5 and entries[min(erased)].action == "create"
    assert {entry.action for entry_id, entry in entries.items() if entry_id in erased} == {"create", "update", "delete"}
    assert "FORGET-ME" not in str([entry.changes for entry in entries.values()])
    # Every other entry, KEEP-ME's creation among them, holds what it held.
    assert {entry_id: entries[entry_id].changes for entry_id in before if entry_id not in erased} == {
        entry_id: changes for entry_id, changes in before.items() if entry_id not in erased
    }
    assert any("KEEP-ME" in str(changes) for entry_id, changes in before.items() if entry_id not in erased)
    erasure = session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
    assert (erasure.entity, erasure.entity_id) == ("journeys", str(journey.id))
    assert erasure.changes == {"cleared": [None, 5], ERASE_REASON: [None, ERASE_REQUEST]}

    trail = " ".join(client.get(f"/units/{unit.code}/audit").get_data(as_text=True).split())
    assert "FORGET-ME" not in trail and "KEEP-ME" in trail
    assert trail.count("at the person's request: the journey is deleted.") == 5
    assert f'erased the trail of journey <span class="code">#{journey.id}</span>' in trail

    # Two months on, a purge with a month's retention: the deletion is older than its cut-off.
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.id.in_([*erased, erasure.id]))):
        entry.at = entry.at - timedelta(days=61)
    session.commit()
    runner = client.application.test_cli_runner()
    assert runner.invoke(main, ["purge", "--older-than", "1"]).exit_code == 0
    session.expire_all()
    assert all(session.get(AuditEntry, entry_id).changes == cleared for entry_id in erased)
    assert session.get(AuditEntry, erasure.id).changes["cleared"] == [None, 5]  # the erasure's own count stays
    assert session.get(Journey, kept.id) is not None


def test_a_job_or_course_sent_twice_is_added_once_and_the_page_says_so(client: Any, session: Any) -> None:
    """The back button and Save again, or a second click: the form for a new job or course carries the ones its page
    showed, and one with every value of a job the page did not show adds nothing. A job alike in every value to one
    the page showed is another job (two jobs of 20 hours from the same Monday), and one differing in any value too."""
    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    journey = factories.journey(unit, date(2026, 1, 5), code="TWICE-1", decision=Decision.ACCEPTED,
                                decision_date=date(2026, 1, 8), enrolment_date=date(2026, 1, 12))  # fmt: skip
    base = f"/units/{unit.code}/journeys/{journey.id}"
    page = client.get(base).get_data(as_text=True)
    assert 'id="new-job-seen" name="seen" type="hidden" value=""' in page  # no job shown yet
    job = {"start_date": "2026-02-02", "competitive": "y", "hours_per_week": "20", "seen": ""}
    assert post(client, f"{base}/jobs", **job).status_code == 302
    again = post(client, f"{base}/jobs", **job)  # the same page's form, sent again
    assert again.status_code == 302 and again.headers["Location"].endswith(f"{base}#jobs")
    page = " ".join(client.get(base).get_data(as_text=True).split())
    assert "Job 1 of journey TWICE-1 has these same values: nothing was added." in page
    session.expire_all()
    first = session.get(Journey, journey.id).jobs[0]
    assert f'id="new-job-seen" name="seen" type="hidden" value="{first.id}"' in page
    # From the page that shows the first job: a second job alike in every value is meant.
    assert post(client, f"{base}/jobs", **(job | {"seen": str(first.id)})).status_code == 302
    assert "nothing was added" not in client.get(base).get_data(as_text=True)
    assert post(client, f"{base}/jobs", **(job | {"hours_per_week": "10"})).status_code == 302
    # A form that says nothing of what its page showed takes any job alike for the same one.
    del job["seen"]
    assert post(client, f"{base}/jobs", **job).status_code == 302
    session.expire_all()
    assert [j.hours_per_week for j in session.get(Journey, journey.id).jobs] == [20.0, 20.0, 10.0]
    course = {"start_date": "2026-03-02", "end_date": "2026-06-12", "seen": ""}
    assert post(client, f"{base}/education", **course).status_code == 302
    assert post(client, f"{base}/education", **course).status_code == 302
    session.expire_all()
    assert len(session.get(Journey, journey.id).education) == 1
    assert "Course 1 of journey TWICE-1 has these same values: nothing was added." in client.get(base).get_data(
        as_text=True
    )


def test_a_change_to_a_journey_of_a_locked_quarter_says_the_figures_stay(client: Any, session: Any) -> None:
    """A purge locked the figures up to 2026 Q1: a correction by hand to a journey referred then cannot reach them,
    and the page says so, as an import does; a journey referred later is saved without it."""
    from fidelity.monitoring.kept import lock_quarters, refresh_outcomes
    from fidelity.monitoring.quarters import Quarter

    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    early = factories.journey(unit, date(2026, 1, 12), code="EARLY", decision=Decision.ACCEPTED,
                              decision_date=date(2026, 1, 14), enrolment_date=date(2026, 1, 20))  # fmt: skip
    later = factories.journey(unit, date(2026, 4, 1), code="LATER")
    refresh_outcomes(unit, app_today())  # the figures kept, then locked as a purge locks them
    lock_quarters(unit, Quarter(2026, 1))
    session.commit()
    said = "was referred in a quarter locked by a purge (up to 2026\u00a0Q1): the figures of those quarters stay"
    base = f"/units/{unit.code}/journeys/{early.id}"
    edited = post(client, f"{base}/edit", code="EARLY", referral_date="2026-01-12", decision="accepted",
                  decision_date="2026-01-14", enrolment_date="2026-01-20", goal="work")  # fmt: skip
    assert edited.status_code == 302
    assert f"Journey EARLY {said}" in client.get(base).get_data(as_text=True)
    assert post(client, f"{base}/jobs", start_date="2026-02-02", competitive="y").status_code == 302
    assert f"Journey EARLY {said}" in client.get(base).get_data(as_text=True)
    other = f"/units/{unit.code}/journeys/{later.id}"
    assert post(client, f"{other}/edit", code="LATER", referral_date="2026-04-01", goal="work").status_code == 302
    assert "locked by a purge" not in client.get(other).get_data(as_text=True)


def test_a_date_that_cannot_be_read_says_what_was_typed_and_how_to_write_it(client: Any, session: Any) -> None:
    """A date typed past the browser's picker: the field says why it cannot be read, not that it is required."""
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    url = f"/units/{unit.code}/journeys/new"
    page = post(client, url, code="NRV-0001", referral_date="3/11", enrolment_date="2026-02-30").get_data(as_text=True)
    assert "&#39;3/11&#39; is not a date: write it as YYYY-MM-DD, such as 2026-03-16" in page
    assert "&#39;2026-02-30&#39; is no day of the calendar: that month has 28 days" in page
    assert "This field is required" not in page
    for nothing in ("", "  "):  # nothing typed: required, as before
        assert "This field is required" in post(client, url, code="NRV-0001", referral_date=nothing).get_data(True)
    assert session.scalars(select(Journey)).all() == []
    # A month and a day without their leading zeros are read.
    assert post(client, url, code="NRV-0001", referral_date="2026-3-6").status_code == 302
    assert session.scalars(select(Journey.referral_date)).all() == [date(2026, 3, 6)]


def test_a_referral_refused_for_a_reason_that_screens_people_out_is_named_a_breach_when_saved(
    client: Any, session: Any
) -> None:
    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    breach = "a reason that screens a person out, which zero exclusion forbids"
    refused = {"code": "NRV-0001", "referral_date": "2026-01-12", "decision": "not_accepted",
               "decision_date": "2026-01-20"}  # fmt: skip
    saved = post(client, f"/units/{unit.code}/journeys/new", **refused, not_accepted_reason="not_motivated")
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Journey NRV-0001 saved." in page and "Not accepted as “Judged not motivated”: " + breach in page
    journey = session.scalars(select(Journey)).one()
    edit = f"/units/{unit.code}/journeys/{journey.id}/edit"
    # Saved again with the same reason: said once, when it was given. Another breach is said again.
    form = client.get(edit).get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="([^"]*)"', form)
    assert seen
    again = post(client, edit, **refused, not_accepted_reason="not_motivated", seen=html.unescape(seen.group(1)))
    assert again.status_code == 302
    assert breach not in client.get(again.headers["Location"]).get_data(as_text=True)
    form = client.get(edit).get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="([^"]*)"', form)
    assert seen
    changed = post(client, edit, **refused, not_accepted_reason="not_ready", seen=html.unescape(seen.group(1)))
    assert "Not accepted as “Judged not ready for work or study”: " + breach in client.get(
        changed.headers["Location"]
    ).get_data(True)
    # A reason that does not screen out (the person declined) is no breach.
    other = post(client, f"/units/{unit.code}/journeys/new", **(refused | {"code": "NRV-0002"}),
                 not_accepted_reason="declined")  # fmt: skip
    assert breach not in client.get(other.headers["Location"]).get_data(as_text=True)


def test_a_journey_recorded_with_a_name_by_mistake_is_erased_for_that_reason(client: Any, session: Any) -> None:
    """A code that is a person's name, stored before the rules refused it: the journey is deleted and its trail
    erased, and the trail says why, rather than that the person asked."""
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, date(2026, 1, 5), code="Lindqvist-2")
    login(client, manager.email)
    form = client.get(f"/units/{unit.code}/journeys/{journey.id}/delete").get_data(as_text=True)
    assert 'name="erase_reason" type="radio" value="mistake"' in form
    response = post(client, f"/units/{unit.code}/journeys/{journey.id}/delete", erase="y", erase_reason="mistake")
    assert response.status_code == 302
    session.expire_all()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.unit_id == unit.id)).all()
    assert "Lindqvist" not in str([entry.changes for entry in entries])
    erasure = next(entry for entry in entries if entry.action == "erase")
    assert erasure.changes[ERASE_REASON] == [None, ERASE_MISTAKE]
    trail = " ".join(client.get(f"/units/{unit.code}/audit").get_data(as_text=True).split())
    assert "the journey was recorded with a detail that points at the person, by mistake, and is deleted." in trail
    assert "at the person's request" not in trail
    assert (
        '<span title="erase_reason">Why</span>: Recorded with a detail that points at the person, by mistake' in trail
    )
    # A reason that is neither is refused, and nothing is deleted.
    other = factories.journey(unit, date(2026, 1, 6), code="NRV-0002")
    refused = post(client, f"/units/{unit.code}/journeys/{other.id}/delete", erase="y", erase_reason="whim")
    assert refused.status_code == 400 and session.get(Journey, other.id) is not None
