"""The log of who read people's records: what each page logs, the page that shows it, and the purge."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask.testing import FlaskCliRunner
from sqlalchemy import select

from fidelity.cli import main
from fidelity.models import AuditEntry, JobSpell, RecordRead, ReviewStatus, Role
from fidelity.models.types import as_utc
from fidelity.monitoring.purge import cutoff_date
from tests import factories
from tests.factories import app_today
from tests.shown import day
from tests.test_journey_pages import post
from tests.test_web import login


def reads(session: Any) -> list[tuple[str, int | None, str]]:
    session.expire_all()
    return [(r.what, r.journey_id, r.actor_label) for r in session.scalars(select(RecordRead).order_by(RecordRead.id))]


def managed_journey(client: Any, code: str) -> tuple[Any, Any, Any]:
    """A unit, its frontline manager (logged in) and a journey referred 40 days ago with `code`."""
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, app_today() - timedelta(days=40), code=code)
    login(client, manager.email)
    return unit, manager, journey


def test_each_page_that_shows_someone_s_record_logs_who_read_it_and_nothing_of_the_record(
    client: Any, session: Any
) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    journey = factories.journey(unit, app_today() - timedelta(days=40), code="READ-1")
    journey.jobs.append(JobSpell(start_date=app_today() - timedelta(days=5), competitive=True))
    session.commit()
    job = journey.jobs[0]
    login(client, manager.email)
    base = f"/units/{unit.code}"
    pages = [
        (f"{base}/journeys", ("journeys", None)),
        (f"{base}/journeys/{journey.id}", ("journey", journey.id)),
        (f"{base}/journeys/{journey.id}/edit", ("journey", journey.id)),
        (f"{base}/journeys/{journey.id}/delete", ("journey", journey.id)),
        (f"{base}/journeys/{journey.id}/jobs/{job.id}/delete", ("journey", journey.id)),
        (f"{base}/waiting-list", ("waiting", None)),
        (f"{base}/journeys/export.csv", ("export", None)),
        (f"{base}/journeys/export.xlsx", ("export", None)),
    ]
    for url, _read in pages:
        assert client.get(url).status_code == 200, url
    assert reads(session) == [(what, journey_id, manager.email) for _url, (what, journey_id) in pages]
    (logged, *_) = session.scalars(select(RecordRead)).all()
    assert logged.unit_id == unit.id and logged.actor_id == manager.id

    # Figures name no one, and a change is in the audit trail: neither is a read.
    for url in (f"{base}/outcomes", f"{base}/outcomes.csv", f"{base}/waiting-list.csv", base):
        assert client.get(url).status_code == 200, url
    saved = post(client, f"{base}/journeys/{journey.id}/edit", code="READ-1", referral_date=journey.referral_date)
    assert saved.status_code == 302
    assert len(reads(session)) == len(pages)


def test_a_list_that_shows_nobody_and_figures_without_codes_log_nothing(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    assert client.get(f"/units/{unit.code}/journeys").status_code == 200
    assert client.get(f"/units/{unit.code}/waiting-list").status_code == 200
    # A reviewer whose review is final sees the waiting list's figures, and no one in it.
    factories.journey(unit, app_today() - timedelta(days=10), code="WAITS-2")
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)
    factories.external_review(unit, [reviewer], app_today() - timedelta(days=50), ReviewStatus.FINAL)
    login(client, reviewer.email)
    text = client.get(f"/units/{unit.code}/waiting-list").get_data(as_text=True)
    assert "WAITS-2" not in text
    assert reads(session) == []


def test_the_unit_s_managers_see_who_read_its_records_and_each_journey_s_reads(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)  # reads the records while a review of the unit is under way
    factories.external_review(unit, [reviewer], app_today(), ReviewStatus.DRAFT)
    kept = factories.journey(unit, app_today() - timedelta(days=40), code="Kept-1")
    gone = factories.journey(unit, app_today() - timedelta(days=40), code="GONE-1")
    login(client, reviewer.email)
    for journey in (kept, gone):
        assert client.get(f"/units/{unit.code}/journeys/{journey.id}").status_code == 200
    assert client.get(f"/units/{unit.code}/journeys").status_code == 200
    login(client, manager.email)
    gone_id = gone.id
    assert client.get(f"/units/{unit.code}/journeys/{gone_id}/delete").status_code == 200
    deleted = post(client, f"/units/{unit.code}/journeys/{gone_id}/delete")
    assert deleted.status_code == 302

    page = " ".join(client.get(f"/units/{unit.code}/reads").get_data(as_text=True).split())
    link = f'<a href="/units/{unit.code}/journeys/{kept.id}"><strong>Kept-1</strong></a>'
    assert f"The journey&#39;s page: {link}" in page
    assert f'The journey&#39;s page: <span class="code">#{gone_id}</span> (deleted since)' in page
    assert "The list of journeys" in page and page.count(reviewer.email) == 3 and page.count(manager.email) == 1
    # The manager's own look at the deleted journey's delete page is there too, newest first.
    assert page.index(manager.email) < page.index(reviewer.email)

    # One journey's reads, by its code in any capitals: its own pages only.
    one = " ".join(client.get(f"/units/{unit.code}/reads?journey=kept-1").get_data(as_text=True).split())
    assert link in one and "The list of journeys" not in one and f"#{gone_id}" not in one
    unknown = client.get(f"/units/{unit.code}/reads?journey=GONE-1").get_data(as_text=True)
    assert "The unit has no journey with the code GONE-1" in unknown and "<table" not in unknown
    journey_page = client.get(f"/units/{unit.code}/journeys/{kept.id}").get_data(as_text=True)
    assert f'href="/units/{unit.code}/reads?journey=Kept-1"' in journey_page


def test_the_purge_deletes_the_reads_logged_before_its_cut_off(runner: FlaskCliRunner, session: Any) -> None:
    unit, other = factories.unit(), factories.unit()
    now = datetime.combine(app_today(), datetime.min.time(), tzinfo=UTC)
    for where, days in ((unit, 800), (unit, 700), (unit, 100), (other, 10)):
        session.add(RecordRead(at=now - timedelta(days=days), actor_label="someone@example.org", unit_id=where.id,
                               what="journeys"))  # fmt: skip
    session.commit()

    result = runner.invoke(main, ["purge", "--older-than", "12"])

    assert result.exit_code == 0, result.output
    assert f"  {unit.code}: 0 removed; quarters locked: none; reads of its records logged before the cut-off " \
           "deleted: 2" in result.output  # fmt: skip
    assert other.code not in result.output
    session.expire_all()
    left = session.scalars(select(RecordRead).order_by(RecordRead.at)).all()
    assert [(r.unit_id, (now - as_utc(r.at)).days) for r in left] == [(unit.id, 100), (other.id, 10)]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).one()
    assert (entry.unit_id, entry.entity, entry.changes["reads_deleted"]) == (unit.id, "audit_log", [None, 2])


def test_a_refused_change_shows_the_record_and_is_logged_as_a_read(client: Any, session: Any) -> None:
    """A refused job, course or journey form shows the whole record, as opening it does: it is no way around the log."""
    unit, manager, journey = managed_journey(client, "POST-1")
    base = f"/units/{unit.code}/journeys/{journey.id}"
    refused_job = post(client, f"{base}/jobs", start_date="", save="1")
    assert refused_job.status_code == 400 and "POST-1" in refused_job.get_data(as_text=True)
    refused_form = post(client, f"{base}/edit", code="POST-1", referral_date="")
    assert refused_form.status_code == 400 and "POST-1" in refused_form.get_data(as_text=True)
    assert reads(session) == [("journey", journey.id, manager.email)] * 2


def test_a_code_with_swedish_letters_is_found_in_any_capitals_and_a_far_page_is_empty(
    client: Any, session: Any
) -> None:
    unit, _manager, journey = managed_journey(client, "öst-77")
    assert client.get(f"/units/{unit.code}/journeys/{journey.id}").status_code == 200
    # SQLite's upper() knows only ASCII letters: the code is compared in Python.
    found = client.get(f"/units/{unit.code}/reads?journey=ÖST-77").get_data(as_text=True)
    assert "öst-77</strong></a>" in found and "The unit has no journey" not in found
    for page in ("reads", "journeys", "audit"):
        far = client.get(f"/units/{unit.code}/{page}?page=99999999999999999999")
        assert far.status_code == 200, page


def test_another_site_cannot_open_records_or_exports_in_someone_s_name(client: Any, session: Any) -> None:
    """The session cookie goes with a link from anywhere (SameSite=Lax): a page on another site could otherwise make a
    logged-in manager's browser open journeys and download exports, logged as theirs."""
    unit, _manager, journey = managed_journey(client, "SITE-1")
    base = f"/units/{unit.code}"
    urls = [f"{base}/journeys", f"{base}/journeys/{journey.id}", f"{base}/journeys/{journey.id}/edit",
            f"{base}/waiting-list", f"{base}/journeys/export.csv", f"{base}/journeys/export.xlsx"]  # fmt: skip
    urls += [f"{base}/journeys/{journey.id}/delete", f"{base}/journeys/{journey.id}/history"]
    for url in urls:
        for where in ("cross-site", "same-site"):  # another site, or another of the organisation's
            refused = client.get(url, headers={"Sec-Fetch-Site": where})
            text = refused.get_data(as_text=True)
            assert refused.status_code == 403 and "a page on another site opened it" in text, url
            assert f'href="{url}"' in text, url  # opened from here, it is their own click
    assert reads(session) == []
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).first() is None
    # From the app's own pages, a bookmark or a typed address: as ever.
    for origin in ("same-origin", "none"):
        assert client.get(f"{base}/journeys/{journey.id}", headers={"Sec-Fetch-Site": origin}).status_code == 200
    assert len(reads(session)) == 2


def test_the_purge_s_cut_off_is_midnight_in_the_app_s_time_zone(runner: FlaskCliRunner, session: Any) -> None:
    """Stockholm is ahead of UTC: a read at 00:30 there on the cut-off day is 23:30 or 22:30 UTC the day before, and is
    kept; one a minute before midnight there goes."""
    unit = factories.unit()
    cutoff = cutoff_date(app_today(), 12)
    midnight = datetime.combine(cutoff, time.min, tzinfo=ZoneInfo("Europe/Stockholm"))
    for moment in (midnight + timedelta(minutes=30), midnight - timedelta(minutes=1)):
        session.add(RecordRead(at=moment.astimezone(UTC), actor_label="someone@example.org", unit_id=unit.id,
                               what="journeys"))  # fmt: skip
    session.commit()
    assert runner.invoke(main, ["purge", "--older-than", "12"]).exit_code == 0
    session.expire_all()
    (left,) = session.scalars(select(RecordRead)).all()
    assert as_utc(left.at) == (midnight + timedelta(minutes=30)).astimezone(UTC)


def test_a_head_request_and_an_export_of_no_journey_are_not_reads(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    assert client.get(f"/units/{unit.code}/journeys/export.csv").status_code == 200  # the header alone
    journey = factories.journey(unit, app_today() - timedelta(days=40), code="HEAD-1")
    assert client.head(f"/units/{unit.code}/journeys/{journey.id}").status_code == 200
    assert reads(session) == []


def test_area_managers_and_administrators_see_the_figures_and_the_trail_but_no_one_s_record(
    client: Any, session: Any
) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    area_manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=unit.area_id)
    admin = factories.user(Role.ADMIN)
    journey = factories.journey(unit, app_today() - timedelta(days=40), code="WAITS-7")
    base = f"/units/{unit.code}"
    withheld = "A change to a person's record: its values are shown to those who keep the unit's records."
    for reader in (area_manager, admin):
        login(client, reader.email)
        assert client.get(f"{base}/journeys").status_code == 403
        assert client.get(f"{base}/journeys/{journey.id}").status_code == 403
        waiting = client.get(f"{base}/waiting-list").get_data(as_text=True)
        assert "WAITS-7" not in waiting and '<dd class="waiting-count">1</dd>' in waiting  # the figures, no codes
        # The trail says a journey was made, and when, without its code or values.
        trail = client.get(f"{base}/audit").get_data(as_text=True)
        assert withheld in trail and "WAITS-7" not in trail
        assert day(app_today() - timedelta(days=40)) not in trail  # the referral date, as the trail writes dates
        # The log of reads cannot be asked whether a code is the unit's, nor which journey number it is.
        log = client.get(f"{base}/reads?journey=WAITS-7").get_data(as_text=True).split('<main id="main">')[1]
        assert 'name="journey"' not in log and "WAITS-7" not in log and "no journey with the code" not in log
    assert session.scalars(select(RecordRead)).all() == []  # nothing of anyone's was read
    login(client, manager.email)
    trail = client.get(f"{base}/audit").get_data(as_text=True)
    assert "WAITS-7" in trail and withheld not in trail  # the unit's own managers see it all
