"""The waiting list on small journeys worked by hand."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl
import pandas as pd
import pytest
from babel.dates import format_date
from dateutil.relativedelta import relativedelta
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from fidelity import clock
from fidelity.cli import main
from fidelity.downloads import NARROWEST, WIDEST
from fidelity.models import AuditEntry, Decision, Journey, NotAcceptedReason, Role
from fidelity.models.types import as_utc
from fidelity.monitoring.frames import frames_from_records
from fidelity.monitoring.journey_files import csv_bytes
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.wait_pages import QUARTERS_SHOWN
from fidelity.monitoring.waiting import (
    EXPORT_COLUMNS,
    WAITING_DEFINITIONS_VERSION,
    export_frame,
    referral_quarters,
    waiting_list,
)
from tests import factories
from tests.factories import app_today
from tests.test_web import login

TODAY = date(2026, 6, 30)


def journeys(*rows: dict[str, object]) -> object:
    return frames_from_records([{"id": i + 1, "code": f"P{i + 1}"} | row for i, row in enumerate(rows)]).journeys


def test_nobody_referred() -> None:
    result = waiting_list(journeys(), TODAY)
    assert result.waiting == () and result.referred == 0 and result.longest_wait is None
    assert (result.gave_up_share, result.not_accepted_share, result.breach_share) == (None, None, None)
    assert (result.to_first_meeting.people, result.to_first_meeting.median, result.to_first_meeting.p90) == (
        0,
        None,
        None,
    )


def test_who_is_waiting_and_for_how_long() -> None:
    table = journeys(
        {"referral_date": "2026-01-10", "decision": "accepted", "decision_date": "2026-01-20"},  # waiting 171 days
        {"referral_date": "2026-06-01"},  # no decision yet: waiting 29 days
        {"referral_date": "2026-02-01", "enrolment_date": "2026-03-01"},  # started
        {"referral_date": "2026-02-01", "exit_date": "2026-04-01", "exit_reason": "withdrew"},  # left
        {"referral_date": "2026-02-01", "decision": "not_accepted", "not_accepted_reason": "not_ready"},  # refused
        {"referral_date": "2026-07-15"},  # referred after today
        {"referral_date": "2026-05-01", "enrolment_date": "2026-08-01"},  # starts after today: still waiting, 60 days
    )
    result = waiting_list(table, TODAY)
    assert [(p.code, p.days_waiting, p.accepted) for p in result.waiting] == [
        ("P1", 171, True),
        ("P7", 60, False),
        ("P2", 29, False),
    ]
    assert result.longest_wait == 171
    # Of the three waiting, one accepted and not started, two waiting for a decision.
    assert (result.accepted_waiting, result.awaiting_decision) == (1, 2)
    # Of the people referred in the period and not refused, the same three still wait (P6 is referred after today).
    assert result.still_waiting == 3


def test_a_past_day_counts_only_what_was_known_then() -> None:
    # As a report on a review of Mar 31 counts it: P2 was refused (not ready) and P3 left only in April, and P4's
    # acceptance came in April: on Mar 31 all three were waiting, none refused and nobody screened out.
    table = journeys(
        {"referral_date": "2026-01-10", "decision": "accepted", "decision_date": "2026-01-20"},
        {"referral_date": "2026-02-01", "decision": "not_accepted", "decision_date": "2026-04-10",
         "not_accepted_reason": "not_ready"},
        {"referral_date": "2026-02-01", "exit_date": "2026-04-01", "exit_reason": "withdrew"},
        {"referral_date": "2026-03-01", "decision": "accepted", "decision_date": "2026-04-02",
         "first_meeting_date": "2026-04-03"},
    )  # fmt: skip
    then = waiting_list(table, date(2026, 3, 31))
    assert [(p.code, p.accepted, p.first_meeting_date) for p in then.waiting] == [
        ("P1", True, None), ("P2", False, None), ("P3", False, None), ("P4", False, None)
    ]  # fmt: skip
    assert (then.not_accepted, then.breaches, then.gave_up) == (0, 0, 0)
    now = waiting_list(table, TODAY)
    assert [(p.code, p.accepted) for p in now.waiting] == [("P1", True), ("P4", True)]  # P4 met, not yet enrolled
    assert (now.not_accepted, now.breaches, now.gave_up) == (1, 1, 1)


def test_days_to_first_meeting_and_enrolment() -> None:
    # First meetings in the period after 10, 20, 30 and 100 days: median (20 + 30) / 2 = 25;
    # 90th percentile, linear: position 0.9 * 3 = 2.7 between 30 and 100 -> 30 + 0.7 * 70 = 79.
    # Enrolments in the period after 40 and 60 days: median 50, p90 40 + 0.9 * 20 = 58.
    # One first meeting before the period (2025-05-01) does not count.
    table = journeys(
        {"referral_date": "2026-01-01", "first_meeting_date": "2026-01-11", "enrolment_date": "2026-02-10"},
        {"referral_date": "2026-01-01", "first_meeting_date": "2026-01-21", "enrolment_date": "2026-03-02"},
        {"referral_date": "2026-01-01", "first_meeting_date": "2026-01-31"},
        {"referral_date": "2026-01-01", "first_meeting_date": "2026-04-11"},
        {"referral_date": "2025-04-01", "first_meeting_date": "2025-05-01", "enrolment_date": "2025-05-10"},
    )
    result = waiting_list(table, TODAY)
    assert result.period_start == date(2025, 7, 1)  # twelve months to today, both days counted: a year, no more
    assert (result.to_first_meeting.people, result.to_first_meeting.median) == (4, 25.0)
    assert result.to_first_meeting.p90 == pytest.approx(79.0)
    assert (result.to_enrolment.people, result.to_enrolment.median) == (2, 50.0)
    assert result.to_enrolment.p90 == pytest.approx(58.0)


def test_the_period_is_twelve_months_to_the_day() -> None:
    """A referral twelve months before today, to the day, falls a day before the year that ends today."""
    table = journeys({"referral_date": "2025-06-30"}, {"referral_date": "2025-07-01"}, {"referral_date": "2026-06-30"})
    assert waiting_list(table, TODAY).referred == 2
    assert waiting_list(table, TODAY, months=3).referred == 1  # from 1 April 2026


def test_giving_up_and_screening_out() -> None:
    # Referred in the period: 8 (one more, in 2025-03, is before it). Refused: 3 (2 breach zero exclusion).
    # Not refused: 5, of whom 2 left before starting because they withdrew or lost contact -> 2 / 5;
    # one moved away before starting (not giving up) and one withdrew after enrolment (not while waiting).
    table = journeys(
        {"referral_date": "2026-01-05", "exit_date": "2026-02-01", "exit_reason": "withdrew"},
        {"referral_date": "2026-01-05", "exit_date": "2026-03-01", "exit_reason": "lost_contact"},
        {"referral_date": "2026-01-05", "exit_date": "2026-03-01", "exit_reason": "moved_away"},
        {"referral_date": "2026-01-05", "enrolment_date": "2026-01-20", "exit_date": "2026-05-01",
         "exit_reason": "withdrew"},
        {"referral_date": "2026-02-05"},
        {"referral_date": "2026-02-05", "decision": "not_accepted", "not_accepted_reason": "not_motivated"},
        {"referral_date": "2026-03-05", "decision": "not_accepted", "not_accepted_reason": "not_motivated"},
        {"referral_date": "2026-03-05", "decision": "not_accepted", "not_accepted_reason": "declined"},
        {"referral_date": "2025-03-05", "decision": "not_accepted", "not_accepted_reason": "substance_use"},
    )  # fmt: skip
    result = waiting_list(table, TODAY)
    assert result.referred == 8
    assert (result.gave_up, result.gave_up_share) == (2, pytest.approx(2 / 5))
    assert (result.not_accepted, result.not_accepted_share) == (3, pytest.approx(3 / 8))
    assert (result.breaches, result.breach_share) == (2, pytest.approx(2 / 8))
    assert [(r.reason, r.people, r.breach) for r in result.reasons] == [
        ("not_motivated", 2, True),
        ("declined", 1, False),
    ]


def test_the_period_starts_no_earlier_than_the_latest_purge_s_cut_off() -> None:
    """A purge deletes the journeys that ended before its cut-off: the refusals and those who gave up of the months
    before it are gone, while the people still served are kept, so the period starts on the cut-off."""
    # What was left after a purge with the cut-off 1 March 2026: of January's referrals, only the one still served.
    table = journeys(
        {"referral_date": "2026-01-05", "decision": "accepted", "enrolment_date": "2026-01-20"},
        {"referral_date": "2026-03-01", "decision": "not_accepted", "not_accepted_reason": "not_ready"},
        {"referral_date": "2026-04-05", "exit_date": "2026-05-01", "exit_reason": "withdrew"},
        {"referral_date": "2026-04-05"},
    )  # fmt: skip
    result = waiting_list(table, TODAY, purged_before=date(2026, 3, 1))
    assert (result.period_start, result.starts_at_purge, result.referred) == (date(2026, 3, 1), True, 3)
    assert (result.not_accepted_share, result.gave_up_share) == (pytest.approx(1 / 3), pytest.approx(1 / 2))
    assert result.to_enrolment.people == 0  # January's enrolment is before the period
    # Counted over the whole year, the kept enrolment would have been 1 of 4 and the refusal 1 in 4, not 1 in 3.
    assert waiting_list(table, TODAY).referred == 4
    # A cut-off before the period's start changes nothing; nor one after the day counted (a report on a past day:
    # its whole period lost journeys, which the report says).
    for cutoff in (date(2025, 1, 1), date(2026, 7, 1)):
        other = waiting_list(table, TODAY, purged_before=cutoff)
        assert (other.period_start, other.starts_at_purge, other.referred) == (date(2025, 7, 1), False, 4)


def test_a_shorter_period() -> None:
    table = journeys({"referral_date": "2026-01-05"}, {"referral_date": "2026-05-05"})
    assert waiting_list(table, TODAY, months=3).referred == 1


def test_the_page_lists_who_waits_and_highlights_screening_out(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    today = app_today()
    factories.journey(unit, today - timedelta(days=90), code="W-LONG")
    accepted = {"decision": Decision.ACCEPTED, "decision_date": today - timedelta(days=2)}
    factories.journey(unit, today - timedelta(days=5), code="W-SHORT", **accepted)
    factories.journey(unit, today - timedelta(days=60), code="STARTED", enrolment_date=today - timedelta(days=30))
    factories.journey(unit, today - timedelta(days=62), code="STARTED-2", enrolment_date=today - timedelta(days=31))
    refused = {
        "decision": Decision.NOT_ACCEPTED,
        "decision_date": today - timedelta(days=35),
        "not_accepted_reason": NotAcceptedReason.NOT_MOTIVATED,
    }
    factories.journey(unit, today - timedelta(days=40), code="REFUSED", **refused)
    login(client, manager.email)
    page = " ".join(client.get(f"/units/{unit.code}/waiting-list").get_data(as_text=True).split())
    assert '<dd class="waiting-count">2</dd>' in page
    assert '<dd class="awaiting-decision">1</dd>' in page and '<dd class="accepted-waiting">1</dd>' in page
    # Days to enrolment 30 and 31: a median of 30.5, written as the outcomes page writes medians.
    assert "Days to enrolment: median / 90th percentile</dt><dd>30.5 / " in page
    # Each share says what it is counted from: nobody gave up of the four not refused; one of five was screened out.
    # ... and how many of them still wait, who may yet give up: W-LONG and W-SHORT.
    gave_up = 'Gave up while waiting, of those not refused</dt><dd>0 of 4 <span class="rate">(0%)</span> '
    gave_up += '<span class="still-waiting">'
    assert gave_up + "2 of them still wait" in page
    # Marked for the eye and in words, not by its colour alone.
    sign = '<span aria-hidden="true">⚠</span>'
    breach = f'{sign}<span class="visually-hidden">Breach of zero exclusion:</span> 1 of 5 <span class="rate">(20%)'
    breach += "</span>"
    assert f"Screened out against zero exclusion</dt><dd>{breach}</dd>" in page
    assert page.index("W-LONG") < page.index("W-SHORT") and "STARTED" not in page and "REFUSED" not in page
    longest = session.scalars(select(Journey).where(Journey.code == "W-LONG")).one()
    assert f'<a class="code" href="/units/{unit.code}/journeys/{longest.id}">W-LONG</a>' in page  # to record its steps
    assert '<tr class="breach"> <th scope="row">Judged not motivated</th>' in page
    assert "Breach: screens people out" in page
    assert f'href="/units/{unit.code}/waiting-list.csv"' in page

    exported = client.get(f"/units/{unit.code}/waiting-list.csv")
    assert exported.headers["Content-Type"] == "text/csv; charset=utf-8"
    name = f"{unit.code}-waiting-list-{app_today()}.csv"
    assert exported.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    frame = pd.read_csv(io.BytesIO(exported.data))
    assert int(frame["referred"].sum()) == 5 and int(frame["not_accepted_not_motivated"].sum()) == 1
    assert int(frame["zero_exclusion_breaches"].sum()) == 1 and set(frame["unit"]) == {unit.code}
    data = client.get(f"/units/{unit.code}/waiting-list.xlsx").data
    workbook = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(workbook) == ["Waiting list", "Definitions"] and workbook["Waiting list"]["referred"].sum() == 5
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Waiting list"]
    formats = {cell.value: below.number_format for cell, below in zip(sheet[1], sheet[2], strict=True)}
    assert formats["gave_up_share"] == formats["breach_share"] == "0.0%" and formats["referred"] == "General"
    # The definitions' version is a number in the workbook, as in the outcomes', not text.
    version = next(below for cell, below in zip(sheet[1], sheet[2], strict=True) if cell.value == "definitions_version")
    assert (version.value, version.data_type) == (int(WAITING_DEFINITIONS_VERSION), "n")

    # The second sheet says what each column gives, in order: a reason's column names the reason, and says whether
    # refusing for it screens people out.
    key = workbook["Definitions"]
    assert list(key["column"]) == list(workbook["Waiting list"].columns) and key["definition"].notna().all()
    lines = key.set_index("column")
    assert lines.loc["not_accepted_not_motivated", "figure"] == "Not accepted: Judged not motivated"
    assert "zero-exclusion principle forbids" in lines.loc["not_accepted_not_motivated", "definition"]
    assert "zero-exclusion" not in lines.loc["not_accepted_declined", "definition"]
    assert "or with no reason recorded" in lines.loc["not_accepted_other", "definition"]  # as the counts take them
    assert "at least this" in lines.loc["longest_wait_so_far_days", "definition"]
    swedish = client.get(f"/units/{unit.code}/waiting-list.xlsx", headers={"Accept-Language": "sv"}).data
    key = pd.read_excel(io.BytesIO(swedish), sheet_name="Definitioner").set_index("kolumn")
    assert key.loc["ej_antagna_ej_motiverad", "mått"] == "Ej antagna: Bedömd som inte motiverad"
    assert key.loc["längsta_väntan_hittills_dagar", "mått"] == "Längsta väntan hittills (dagar)"


def test_each_reason_s_count_links_to_the_people_it_counts(
    client: Any, session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count of referrals refused for a reason opens the journey list of those referrals, as the waiting list
    counts them: referred in its period, refused by today, a refusal without a reason counted as other. Its pages
    keep the reason; someone who may read only the figures gets no link."""
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    today = app_today()

    def refused(code: str, days_ago: int, reason: NotAcceptedReason | None, decided: int = 1) -> None:
        decision = {"decision": Decision.NOT_ACCEPTED, "decision_date": today - timedelta(days=days_ago - decided)}
        factories.journey(unit, today - timedelta(days=days_ago), code=code, not_accepted_reason=reason, **decision)

    for number in range(3):
        refused(f"NM-{number}", 30 + number, NotAcceptedReason.NOT_MOTIVATED)
    refused("NM-OLD", 500, NotAcceptedReason.NOT_MOTIVATED)  # referred before the period: not counted
    refused("OTHER", 20, NotAcceptedReason.OTHER)
    refused("NO-REASON", 10, None)  # counted as other
    refused("READY", 15, NotAcceptedReason.NOT_READY)
    login(client, manager.email)
    page = client.get(f"/units/{unit.code}/waiting-list").get_data(as_text=True)
    since = (today - relativedelta(months=12) + timedelta(days=1)).isoformat()
    links = dict(re.findall(r'<a href="(/units/[^"]+/journeys\?[^"]*reason=[^"]+)">(\d+)</a>', page))
    assert len(links) == 3 and sorted(links.values()) == ["1", "2", "3"]
    for link, count in links.items():
        assert f"since={since}" in link
        listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
        codes = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', listed)
        assert len(codes) == int(count), (link, codes)
        assert f"as the waiting list counts them: {count}." in listed
    by_reason = {re.search(r"reason=(\w+)", link).group(1): link for link in links}  # type: ignore[union-attr]
    listed = client.get(by_reason["other"].replace("&amp;", "&")).get_data(as_text=True)
    assert "NO-REASON" in listed and "OTHER" in listed and "READY" not in listed
    listed = client.get(by_reason["not_motivated"].replace("&amp;", "&")).get_data(as_text=True)
    assert "NM-OLD" not in listed and "“Judged not motivated”" in listed
    assert '<option value="not_accepted" selected>' in listed

    # Its pages keep the reason and the period.
    monkeypatch.setattr("fidelity.monitoring.journey_queries.PER_PAGE", 2)
    first = client.get(by_reason["not_motivated"].replace("&amp;", "&")).get_data(as_text=True)
    after = re.search(r'<a href="([^"]+)">Next</a>', first)
    assert after is not None and "reason=not_motivated" in after.group(1) and f"since={since}" in after.group(1)
    second = client.get(after.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert len(re.findall(r'<th scope="row"><a href="[^"]+">NM-\d</a></th>', second)) == 1  # the third of three
    # Someone who may not read the records sees the counts alone.
    area = factories.user(Role.SECOND_TIER_MANAGER, area_id=unit.area_id)
    login(client, area.email)
    page = client.get(f"/units/{unit.code}/waiting-list").get_data(as_text=True)
    assert "reason=" not in page and ">3</td>" in page


def test_the_workbook_keeps_its_header_and_quarter_in_view_and_every_heading_whole(client: Any, session: Any) -> None:
    """The header row and the columns that say which quarter a line counts (unit, year, quarter) stay in view while
    the reader scrolls; each column is as wide as its heading as the reader's workbook writes it (the Swedish one,
    not the English name), with a character's margin each side, up to the widest a column is made."""
    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    start = Quarter.of(app_today()).previous().start
    factories.journey(unit, start, decision=Decision.NOT_ACCEPTED, decision_date=start + timedelta(days=3),
                      not_accepted_reason=NotAcceptedReason.NEEDS_ASSESSMENT_NOT_GRANTED)  # fmt: skip
    for language, first, reason in (
        ("en", ["unit", "year", "quarter"], "not_accepted_needs_assessment_not_granted"),
        ("sv", ["enhet", "år", "kvartal"], "ej_antagna_behovsbedömning_ej_beviljad"),
    ):
        data = client.get(f"/units/{unit.code}/waiting-list.xlsx", headers={"Accept-Language": language}).data
        sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
        assert sheet.freeze_panes == "D2" and [cell.value for cell in sheet[1][:3]] == first
        widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
        narrow = {heading: width for heading, width in widths.items() if width < min(len(heading) + 2, WIDEST)}
        assert narrow == {}, language
        assert widths[reason] == min(len(reason) + 2, WIDEST) and widths[first[0]] == NARROWEST
    assert len("ej_antagna_behovsbedömning_ej_beviljad") + 2 == WIDEST  # the Swedish heading whole, margins and all


def test_each_quarters_referrals_are_counted_for_the_export() -> None:
    # 2026 Q1: three referred; one met after 10 days and enrolled after 30, one withdrew before starting, one was
    # screened out as not motivated. 2026 Q2 (to 30 June): one referred, waiting. 2025 Q4: one referred, declined.
    table = journeys(
        {"referral_date": "2026-01-10", "decision": "accepted", "decision_date": "2026-01-15",
         "first_meeting_date": "2026-01-20", "enrolment_date": "2026-02-09"},
        {"referral_date": "2026-02-01", "exit_date": "2026-03-01", "exit_reason": "withdrew"},
        {"referral_date": "2026-03-01", "decision": "not_accepted", "not_accepted_reason": "not_motivated"},
        {"referral_date": "2026-05-01"},
        {"referral_date": "2025-12-01", "decision": "not_accepted", "not_accepted_reason": "declined"},
    )  # fmt: skip
    frame = export_frame("NRV-01", referral_quarters(table, TODAY))
    assert list(zip(frame["year"], frame["quarter"], frame["referred"], strict=True)) == [
        (2025, 4, 1),
        (2026, 1, 3),
        (2026, 2, 1),
    ]
    q1 = frame.iloc[1]
    assert (q1["first_meetings"], q1["days_to_first_meeting_median"]) == (1, 10.0)
    assert (q1["enrolments"], q1["days_to_enrolment_median"], q1["days_to_enrolment_p90"]) == (1, 30.0, 30.0)
    assert (q1["gave_up"], q1["gave_up_share"]) == (1, 0.5)  # of the two not refused
    # Still waiting: nobody of Q1's (enrolled, left, refused), Q2's one; Q4's was refused.
    assert list(frame["still_waiting"]) == [0, 0, 1]
    # Q2's one, referred on 1 May, has waited 60 days so far on 30 June; nobody waits from the others.
    assert frame["longest_wait_so_far_days"].tolist()[2] == 60 and frame["longest_wait_so_far_days"][:2].isna().all()
    # Whole days written whole in the CSV, though other quarters have none: 60, not 60.0.
    lines = csv_bytes(frame).decode("utf-8-sig").splitlines()
    column = lines[0].split(",").index("longest_wait_so_far_days")
    assert [line.split(",")[column] for line in lines[1:]][:3] == ["", "", "60"]
    assert (q1["not_accepted"], q1["not_accepted_share"], q1["zero_exclusion_breaches"]) == (1, 0.3333, 1)
    assert (q1["not_accepted_not_motivated"], q1["not_accepted_declined"]) == (1, 0)
    assert frame.iloc[0]["not_accepted_declined"] == 1 and frame.iloc[0]["zero_exclusion_breaches"] == 0
    assert frame.iloc[2]["days_to_first_meeting_median"] is None or pd.isna(
        frame.iloc[2]["days_to_first_meeting_median"]
    )
    # 30 June is the quarter's last day: still under way, as the outcomes count it; on 1 July it is whole, and the
    # quarter begun that day is to date, with nobody referred yet.
    assert list(frame["to_date"]) == [False, False, True]
    after = export_frame("NRV-01", referral_quarters(table, date(2026, 7, 1)))
    assert list(after["to_date"]) == [False, False, False, True] and list(after["referred"]) == [1, 3, 1, 0]
    assert list(frame.columns) == EXPORT_COLUMNS and not frame["journeys_purged"].any()
    empty = export_frame("NRV-01", referral_quarters(journeys(), TODAY))
    assert empty.empty and list(empty.columns) == EXPORT_COLUMNS  # headed all the same
    # After a purge with the cut-off 1 February 2026, the quarters that began before it have lost journeys.
    purged = export_frame("NRV-01", referral_quarters(table, TODAY, purge_cutoff=date(2026, 2, 1)))
    assert list(purged["journeys_purged"]) == [True, True, False]


def test_the_longest_wait_so_far_of_a_quarter_s_referrals_still_waiting() -> None:
    # 2026 Q1, on 30 June: P1 (10 Jan) enrolled, P2 (1 Feb) still waits for a decision, P3 (20 Feb) accepted and
    # still waits though they met a specialist, P4 (5 Jan) was refused, P5 (2 Jan) left; P6 (15 Mar) still waits.
    table = journeys(
        {"referral_date": "2026-01-10", "enrolment_date": "2026-02-01"},
        {"referral_date": "2026-02-01"},
        {"referral_date": "2026-02-20", "decision": "accepted", "first_meeting_date": "2026-03-01"},
        {"referral_date": "2026-01-05", "decision": "not_accepted", "not_accepted_reason": "declined"},
        {"referral_date": "2026-01-02", "exit_date": "2026-01-20", "exit_reason": "withdrew"},
        {"referral_date": "2026-03-15"},
    )  # fmt: skip
    (q1, q2) = referral_quarters(table, TODAY)
    # Three still wait; the one referred first, on 1 February, has waited 149 days so far: a lower bound for their
    # wait, beside a median of days to a first meeting that counts P3 alone (9 days) and a median to enrolment, P1's.
    assert (q1.cohort.still_waiting, q1.cohort.longest_waiting) == (3, 149)
    assert (q1.cohort.to_first_meeting.median, q1.cohort.to_enrolment.median) == (9.0, 22.0)
    assert (q2.cohort.still_waiting, q2.cohort.longest_waiting) == (0, None)
    # Counted to the day asked for: a month on, the same person has waited 30 days longer.
    assert referral_quarters(table, date(2026, 7, 30))[0].cohort.longest_waiting == 179


def test_the_page_shows_the_last_two_years_of_referrals_quarter_by_quarter() -> None:
    # One referral a quarter from 2023 Q1 to 2026 Q2: fourteen quarters, of which the page shows the last eight.
    rows = [{"referral_date": f"{2023 + n // 4}-{3 * (n % 4) + 1:02d}-15"} for n in range(14)]
    table, today = journeys(*rows), date(2026, 6, 29)
    every = referral_quarters(table, today, purge_cutoff=date(2025, 1, 1))
    shown = referral_quarters(table, today, purge_cutoff=date(2025, 1, 1), last=QUARTERS_SHOWN)
    assert len(every) == 14 and QUARTERS_SHOWN == 8
    # Only the quarters shown are counted, and they are counted as they are among all of them.
    assert shown == every[-QUARTERS_SHOWN:]
    assert [(q.quarter.year, q.quarter.number) for q in shown] == [(2024, 3), (2024, 4)] + [
        (year, number) for year in (2025, 2026) for number in range(1, 5) if (year, number) <= (2026, 2)
    ]
    assert [q.cohort.referred for q in shown] == [1] * 8
    # 2026 Q2 is counted to 29 June; the quarters that began before the purge's cut-off lost journeys.
    assert [q.running for q in shown] == [False] * 7 + [True]
    assert [q.purged for q in shown] == [True, True] + [False] * 6
    # Its last day, 30 June, it is still to date (as on the outcomes page); the next day it is whole.
    assert referral_quarters(table, date(2026, 6, 30), last=1)[-1].running
    assert [q.running for q in referral_quarters(table, date(2026, 7, 1), last=2)] == [False, True]
    assert referral_quarters(table, today, last=20) == referral_quarters(table, today)  # fewer than asked for


def test_the_page_charts_and_lists_each_quarter_s_waits(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    today = app_today()
    this_quarter = Quarter.of(today)
    last_quarter = Quarter.of(this_quarter.start - timedelta(days=1))
    start = last_quarter.start
    # Last quarter: two met after 10 and 20 days and enrolled after 30 and 40; one still waits; one withdrew before
    # meeting anyone (gave up); one was not accepted, who could not give up.
    for days, code in ((10, "MET-1"), (20, "MET-2")):
        factories.journey(unit, start, code=code, decision=Decision.ACCEPTED, decision_date=start,
                          first_meeting_date=start + timedelta(days=days),
                          enrolment_date=start + timedelta(days=days + 20))  # fmt: skip
    factories.journey(unit, start + timedelta(days=1), code="WAITS")
    factories.journey(unit, start, code="WITHDREW", exit_date=start + timedelta(days=5), exit_reason="withdrew")
    factories.journey(unit, start, code="DECLINED", decision=Decision.NOT_ACCEPTED, decision_date=start,
                      not_accepted_reason=NotAcceptedReason.DECLINED)  # fmt: skip
    login(client, manager.email)
    page = " ".join(client.get(f"/units/{unit.code}/waiting-list").get_data(as_text=True).split())
    assert '<h2 id="quarters-title">Waits by quarter of referral</h2>' in page
    assert 'role="img" aria-label="Waits by quarter of referral"' in page
    row = page[page.index('<table class="units wait-quarters">') :]
    last = row[row.index(f'<span class="quarter">{last_quarter.year} Q{last_quarter.number}</span>') :]
    cells = [
        re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r'<td class="num">(.*?)</td>', last[: last.index("</tr>")])
    ]
    # Referred 5; to first meeting 15 / 19 (the 90th percentile between 10 and 20) of the 2 who met; to enrolment 35 /
    # 39 of the 2 who started; 1 waits.
    waited = (today - (start + timedelta(days=1))).days
    assert cells[:4] == ["5", "15 / 19 (2 people)", "35 / 39 (2 people)", f"1 (longest {waited} days so far)"]
    # Who gave up, as a count of those not refused with its share, as the period's figures above write it; then the
    # one not accepted, none screened out.
    assert cells[4:] == ["1 of 4 (25%)", "1", "0"]
    # The chart marks it too, and says so in its legend (under it, in the page's HTML, where it wraps to a phone's
    # width rather than scrolling out of sight with the chart) and to a screen reader.
    legend = page[page.index('<ul class="chart-legend">') :]
    legend = legend[: legend.index("</ul>")]
    assert '<svg class="legend-key"' in legend and 'aria-hidden="true"><polygon' in legend  # the triangle
    assert "Longest wait so far of those still waiting: their wait will be at least this</li>" in legend
    said = "Triangles mark the longest wait so far of those still waiting, at least as long as their wait will be"
    # (the page's spaces, the quarter's no-break one too, read as one space each)
    assert f"<desc>{said}: {last_quarter.year} Q{last_quarter.number}: {waited} days.</desc>" in page
    assert "Hollow: some of the quarter&#39;s referrals still wait, so its median may rise</li>" in legend
    assert "Hollow: some of the quarter" not in page[: page.index('<ul class="chart-legend">')]  # not in the SVG


def test_on_a_quarter_s_last_day_the_page_and_the_export_count_it_to_date_as_the_outcomes_do(
    client: Any, session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    factories.journey(unit, date(2026, 3, 20), code="EARLIER", enrolment_date=date(2026, 4, 10))
    factories.journey(unit, date(2026, 5, 10), code="WAITS")

    def on(day: datetime) -> tuple[str, pd.DataFrame, str]:
        monkeypatch.setattr(clock, "now", lambda: day)
        page = " ".join(client.get(f"/units/{unit.code}/waiting-list").get_data(as_text=True).split())
        frame = pd.read_csv(io.BytesIO(client.get(f"/units/{unit.code}/waiting-list.csv").data))
        outcomes = " ".join(client.get(f"/units/{unit.code}/outcomes").get_data(as_text=True).split())
        return page, frame, outcomes

    # 30 June 2026, noon in Stockholm: the last day of 2026 Q2, still under way.
    page, frame, outcomes = on(datetime(2026, 6, 30, 10, tzinfo=UTC))
    assert '<span class="quarter">2026 Q2</span> <span class="tag">to date</span>' in page
    assert '<span class="quarter">2026 Q1</span></th>' in page
    assert list(zip(frame["quarter"], frame["to_date"], strict=True)) == [(1, False), (2, True)]
    assert '2026 Q2</span> <span class="tag">to date</span>' in outcomes  # the outcomes page agrees
    # The next day, 1 July, it is whole, and 2026 Q3 is to date.
    page, frame, outcomes = on(datetime(2026, 7, 1, 10, tzinfo=UTC))
    assert '<span class="quarter">2026 Q2</span></th>' in page
    assert '<span class="quarter">2026 Q3</span> <span class="tag">to date</span>' in page
    assert list(zip(frame["quarter"], frame["to_date"], strict=True)) == [(1, False), (2, False), (3, True)]
    assert '2026 Q2</span> <span class="tag">to date</span>' not in outcomes


def test_the_page_says_when_a_purge_deleted_journeys_its_period_counted(
    client: Any, runner: FlaskCliRunner, session: Any
) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    today = app_today()
    cutoff = today - relativedelta(months=12)
    factories.gave_up_long_ago(unit, today)
    factories.journey(unit, today - timedelta(days=10), code="W-1")
    login(client, manager.email)

    def page(months: int, language: str = "en") -> str:
        url = f"/units/{unit.code}/waiting-list?months={months}"
        return " ".join(client.get(url, headers={"Accept-Language": language}).get_data(as_text=True).split())

    assert "retention rule" not in page(24)  # nothing purged yet
    assert runner.invoke(main, ["purge", "--older-than", "12"]).exit_code == 0
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).one()
    purged_on = as_utc(entry.at).date()
    # Two years back would reach before the cut-off, where the person who gave up 14 months ago is gone: the period
    # starts on the cut-off instead, and says why.
    english = page(24)
    shown = format_date(cutoff, "medium", locale="en")
    assert f"From {shown} to {format_date(today, 'medium', locale='en')}" in english
    assert (
        f"The period starts on {shown}, the cut-off of the purge of {format_date(purged_on, 'medium', locale='en')}: "
        "the journeys that ended before it were deleted, and they are more often the referrals not accepted and the "
        "people who gave up, so counting what is left of the months before would make the shares look better than "
        "they were." in english
    )
    assert "retention rule" not in english  # nothing the period counts is gone
    swedish = page(24, "sv")
    assert f"{format_date(cutoff, 'medium', locale='sv')}" in swedish and "gallring" in swedish
    # A year back the period starts on the cut-off itself: everything it counts is still kept, and nothing is said.
    assert "cut-off of the purge" not in page(12) and "cut-off of the purge" not in page(6)
    # The export marks each quarter that began before the cut-off: someone referred then may be gone from it.
    old = today - relativedelta(months=13)
    factories.journey(unit, old, code="KEPT", decision=Decision.ACCEPTED, decision_date=old, enrolment_date=old)
    frame = pd.read_csv(io.BytesIO(client.get(f"/units/{unit.code}/waiting-list.csv").data))
    marked = dict(zip(zip(frame["year"], frame["quarter"], strict=True), frame["journeys_purged"], strict=True))
    kept, now = Quarter.of(old), Quarter.of(today)
    assert marked[kept.year, kept.number] and not marked[now.year, now.number]


SWEDISH_HEADER = [
    "enhet", "år", "kvartal", "definitionsversion", "remitterade", "första_möten", "dagar_till_första_mötet_median",
    "dagar_till_första_mötet_p90", "inskrivningar", "dagar_till_inskrivning_median", "dagar_till_inskrivning_p90",
    "väntar_fortfarande", "längsta_väntan_hittills_dagar", "gav_upp", "andel_gav_upp", "ej_antagna",
    "andel_ej_antagna", "bortsållade",
    "andel_bortsållade", "ej_antagna_ej_motiverad", "ej_antagna_ej_redo", "ej_antagna_missbruk", "ej_antagna_symtom",
    "ej_antagna_behovsbedömning_ej_beviljad", "ej_antagna_brottsregister", "ej_antagna_utanför_behörighetsregel",
    "ej_antagna_tackade_nej", "ej_antagna_ej_nådd", "ej_antagna_flyttade", "ej_antagna_annat", "hittills",
    "förlopp_gallrade",
]  # fmt: skip


def test_a_swedish_reader_s_exports_name_the_columns_in_swedish(client: Any, session: Any) -> None:
    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    start = Quarter.of(app_today()).previous().start
    # Enrolled after 30 and 31 days (a median of 30.5), one screened out, one who gave up.
    for days in (30, 31):
        factories.journey(unit, start, enrolment_date=start + timedelta(days=days))
    factories.journey(unit, start, decision=Decision.NOT_ACCEPTED, decision_date=start + timedelta(days=3),
                      not_accepted_reason=NotAcceptedReason.NOT_MOTIVATED)  # fmt: skip
    factories.journey(unit, start, exit_date=start + timedelta(days=20), exit_reason="withdrew")
    url = f"/units/{unit.code}/waiting-list"
    english = pd.read_csv(io.BytesIO(client.get(f"{url}.csv", headers={"Accept-Language": "en"}).data))
    assert list(english.columns) == EXPORT_COLUMNS and EXPORT_COLUMNS[:5] == [
        "unit", "year", "quarter", "definitions_version", "referred"
    ]  # fmt: skip
    sv = {"Accept-Language": "sv"}
    text = client.get(f"{url}.csv", headers=sv).get_data(as_text=True).lstrip("\ufeff")
    # True and false as a Swedish reader writes them, ja and nej; read back, the same values as in English.
    assert ";nej;" in text or ";nej\n" in text
    swedish = pd.read_csv(io.StringIO(text), sep=";", decimal=",", true_values=["ja"], false_values=["nej"])
    assert list(swedish.columns) == SWEDISH_HEADER
    # The same values under the Swedish names, decimal commas and all.
    pd.testing.assert_frame_equal(swedish.set_axis(english.columns, axis=1), english)
    line = swedish.iloc[0]
    assert (line["remitterade"], line["dagar_till_inskrivning_median"], line["andel_gav_upp"]) == (4, 30.5, 0.3333)
    assert (line["bortsållade"], line["ej_antagna_ej_motiverad"], line["andel_bortsållade"]) == (1, 1, 0.25)
    assert ";30,5;" in text

    data = client.get(f"{url}.xlsx", headers=sv).data
    excel = pd.read_excel(io.BytesIO(data), sheet_name="Väntelista")  # the sheet named in Swedish too
    english_excel = pd.read_excel(io.BytesIO(client.get(f"{url}.xlsx").data), sheet_name="Waiting list")
    assert list(excel.columns) == SWEDISH_HEADER and list(english_excel.columns) == EXPORT_COLUMNS
    pd.testing.assert_frame_equal(excel.set_axis(english_excel.columns, axis=1), english_excel)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Väntelista"]
    formats = {cell.value: below.number_format for cell, below in zip(sheet[1], sheet[2], strict=True)}
    assert formats["andel_gav_upp"] == formats["andel_ej_antagna"] == formats["andel_bortsållade"] == "0.0%"
    assert formats["remitterade"] == formats["ej_antagna"] == "General"
