"""The outcomes page, its CSV and Excel exports, and the staffing page."""

from __future__ import annotations

import csv as csv_module
import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import select

from fidelity.downloads import NARROWEST, WIDEST
from fidelity.models import AuditEntry, Decision, ExitReason, NotAcceptedReason, QuarterlyOutcome, Role, StaffingQuarter
from fidelity.monitoring.outcome_pages import EXPORT_COLUMNS
from fidelity.monitoring.outcomes import DEFINITIONS, DEFINITIONS_VERSION
from fidelity.monitoring.quarters import Quarter, quarters_between
from fidelity.monitoring.staffing import planned
from tests import factories
from tests.factories import app_today
from tests.test_web import csrf_token, login

BEFORE, LAST = Quarter(2025, 1), Quarter(2025, 2)
THIS = Quarter.of(app_today())
EVERY = list(quarters_between(BEFORE, THIS))


@pytest.fixture
def unit(session: Any) -> Any:
    """Three people, referred and enrolled on Jan 1, 2025 and still served; one works and one studies from Apr 1, 2025.
    Staffing is recorded for 2025 Q2 only: 0.1 specialist FTE."""
    result = factories.unit()
    start = BEFORE.start
    factories.journey(result, start, enrolment_date=start, jobs=((LAST.start, None),))
    factories.journey(result, start, enrolment_date=start, studies=((LAST.start, None),))
    factories.journey(result, start, enrolment_date=start)
    factories.staffing(result, LAST.year, LAST.number, 0.1)
    return result


@pytest.fixture
def manager(client: Any, unit: Any) -> Any:
    user = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, user.email)
    return user


def shown(quarter: Quarter) -> str:
    """A quarter as the pages write it in English: never broken across lines."""
    return str(quarter).replace(" ", "\u00a0")


def row_of(page: str, quarter: Quarter, table: int = 0) -> str:
    """The text of the row for `quarter` in the page's `table`-th outcomes table, tags stripped, spaces collapsed."""
    body = page.split('<table class="outcomes">')[table + 1].split("</table>")[0]
    for row in body.split("<tr")[1:]:
        text = " ".join(re.sub(r"<[^>]+>", " ", "<tr" + row).split())
        if text.startswith(str(quarter)):
            return text
    raise AssertionError(f"no row for {quarter}")


def test_the_page_counts_the_figures_and_keeps_them(client: Any, session: Any, unit: Any, manager: Any) -> None:
    response = client.get(f"/units/{unit.code}/outcomes")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # 2025 Q2: 3 served; 1 of 3 in competitive work (33 %); 1 of 3 in education; 1 job start, 1 education start; the
    # job reached day 90 on Jun 30 (Apr 1 + 29 + 31 + 30 days) and was held.
    # Among 3 people, the rate is marked few rather than set against the benchmarks. Nobody exited, no job ended.
    few = "few"
    assert 'aria-label="Only 3 people served: one person moves the rate by 33 points, so it is not set against' in page
    assert row_of(page, LAST) == f"{LAST} 3 0 1 of 3 (33%) {few} 1 of 3 (33%) 1 0 1 1 of 1 (100%)"
    # The three were referred in Q1 and accepted; nobody waits.
    assert row_of(page, LAST, table=1) == f"{LAST} 0 – – – 0 nobody waiting"  # nobody referred, nobody gave up
    assert row_of(page, BEFORE, table=1) == f"{BEFORE} 3 0 of 3 (0%) 0 of 3 (0%) 0 of 3 (0%) 0 nobody waiting"
    # The three enrolled on the day they were referred, in Q1; day 30 of each (Jan 31) fell in Q1.
    # 3 / 0.1 FTE = 30 per specialist, above 20; the specialist has no supervisor recorded.
    assert row_of(page, LAST, table=2) == f"{LAST} – – – 0.1 30 ⚠ above 20 0 ⚠ no supervisor recorded"
    assert row_of(page, BEFORE, table=2) == f"{BEFORE} 0 – 0 of 3 (0%) not recorded – – –"
    # Nobody in work, but among 3 people: too few to be said below the 31 % minimum.
    assert row_of(page, BEFORE) == f"{BEFORE} 3 0 0 of 3 (0%) {few} 0 of 3 (0%) 0 0 0 –"
    assert 'aria-label="below the minimum' not in page
    assert row_of(page, THIS).startswith(f"{THIS} to date 3 0 1 of 3 (33%) ")
    # The summary speaks of the latest full quarter, and says why it sets no benchmark against it.
    assert f"In {shown(THIS.previous())}, 33% of the people served were in competitive work (1 of 3):" in page
    assert "too few people to set against the benchmarks: with 3 served, one person moves the rate by 33 points" in page
    assert "at or above the minimum" not in page
    assert "“few”: too few people to set against the benchmarks. With fewer than 10 served" in page
    # The chart, with the benchmarks named; its legend under it in the page, where it wraps to a phone's width.
    assert "<svg" in page and "Minimum 31%" in page and "Excellent 50%" in page
    legend = page[page.index('<ul class="chart-legend">') : page.index("<figcaption>")]
    assert legend.count('<svg class="legend-key"') == 3 and "Employment rate</li>" in legend
    assert "Hollow: fewer than 10 people served, or the quarter to date</li>" in legend
    # Under it, what the lines are, where they come from, and how a rate is set against them.
    caption = " ".join(page.split("<figcaption>")[1].split("</figcaption>")[0].split())
    assert caption.startswith("The dashed lines are benchmarks for the quarterly employment rate only, from a ")
    assert "31% minimum standard, 41% average, 50% excellent. The education rate has no benchmark." in caption
    assert "30.5% shows as 31% and reaches the minimum." in caption
    # The definitions and their version.
    assert f"version {DEFINITIONS_VERSION}" in page
    assert all(d.text.replace("'", "&#39;") in page for d in DEFINITIONS)
    kept = session.scalars(select(QuarterlyOutcome).where(QuarterlyOutcome.unit_id == unit.id)).all()
    assert sorted((r.year, r.quarter) for r in kept) == [(q.year, q.number) for q in EVERY]


def test_a_rate_among_ten_people_served_is_set_against_the_benchmarks(client: Any, session: Any) -> None:
    # Ten people served since 2025 Q1; three in work from 2025 Q2: 30 %, below the 31 % minimum in 2025 Q2.
    unit = factories.unit()
    start = BEFORE.start
    for number in range(10):
        factories.journey(unit, start, enrolment_date=start, jobs=((LAST.start, None),) if number < 3 else ())
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    page = client.get(f"/units/{unit.code}/outcomes").get_data(as_text=True)
    assert row_of(page, LAST) == f"{LAST} 10 0 3 of 10 (30%) &nbsp; ⚠ 0 of 10 (0%) 3 0 0 3 of 3 (100%)"
    below = 'role="img" aria-label="below the minimum standard of 31%" title="below the minimum standard of 31%">⚠<'
    assert page.count(below) == len(EVERY) - 1  # every quarter ended: 30 %, and 0 % in 2025 Q1
    assert 'class="few"' not in page and "“few”" not in page  # nor the note of what it means
    # The latest full quarter is set against the benchmarks in words.
    assert "(3 of 10): <strong>below the minimum standard of 31%</strong>." in " ".join(page.split())


def kept_quarter(session: Any, unit: Any, quarter: Any) -> QuarterlyOutcome:
    """The unit's kept figures of `quarter`."""
    return session.scalars(
        select(QuarterlyOutcome).where(
            QuarterlyOutcome.unit_id == unit.id,
            QuarterlyOutcome.year == quarter.year,
            QuarterlyOutcome.quarter == quarter.number,
        )
    ).one()


def test_a_locked_quarter_shows_its_kept_figures(client: Any, session: Any, unit: Any, manager: Any) -> None:
    client.get(f"/units/{unit.code}/outcomes")
    kept = kept_quarter(session, unit, BEFORE)
    kept.locked, kept.served = True, 7  # as if four journeys counted in it had been purged since
    kept.referred = kept.not_accepted = kept.screened_out = None  # and locked before definitions version 2
    session.add(AuditEntry(at=datetime(2026, 2, 3, 9, tzinfo=UTC), actor_label="cli", action="purge",
                           entity="journeys", entity_id=unit.code, unit_id=unit.id,
                           changes={"removed": [None, 4], "cutoff": [None, "2025-04-01"]}))  # fmt: skip
    session.commit()
    page = client.get(f"/units/{unit.code}/outcomes").get_data(as_text=True)
    assert row_of(page, BEFORE).startswith(f"{BEFORE} locked 7 ")
    assert row_of(page, BEFORE, table=1) == f"{BEFORE} locked not counted before this quarter was locked – 0 –"
    assert "A locked quarter keeps the figures it had" in page
    assert "The latest deletion, on Feb 3, 2026, removed the journeys that ended before Apr 1, 2025." in page


def test_a_quarter_locked_before_its_supervisors_were_kept_says_so(
    client: Any, session: Any, unit: Any, manager: Any
) -> None:
    client.get(f"/units/{unit.code}/outcomes")
    kept = kept_quarter(session, unit, LAST)
    assert kept.supervisor_fte == 0.0  # kept under the current definitions: no supervisor recorded
    kept.locked, kept.supervisor_fte, kept.definitions_version = True, None, "5"  # as if locked under version 5
    session.commit()
    page = client.get(f"/units/{unit.code}/outcomes").get_data(as_text=True)
    assert row_of(page, LAST, table=2) == (
        f"{LAST} locked definitions 5 – – – 0.1 30 ⚠ above 20 – not counted before this quarter was locked"
    )


@pytest.mark.parametrize(("served", "shown", "marked"), [(501, "20", False), (503, "20.1", True)])
def test_a_caseload_is_marked_above_20_only_where_it_is_shown_above(
    client: Any, session: Any, unit: Any, manager: Any, served: int, shown: str, marked: bool
) -> None:
    """501 people to 25 specialists is 20.04, shown as 20: a mark "above 20" beside it would contradict it."""
    client.get(f"/units/{unit.code}/outcomes")
    kept = kept_quarter(session, unit, BEFORE)
    kept.locked, kept.served, kept.specialist_fte, kept.supervisor_fte = True, served, 25.0, 2.5
    session.commit()
    row = row_of(client.get(f"/units/{unit.code}/outcomes").get_data(as_text=True), BEFORE, table=2)
    assert f" 25 {shown} " in row + " "
    assert ("above 20" in row) is marked


def test_job_endings_and_exits_stand_beside_job_starts_and_people_served(
    client: Any, session: Any, unit: Any, manager: Any
) -> None:
    """A fourth person, enrolled on Jan 1, 2025, holds two jobs that end in 2025 Q2 (Apr 11 to May 11, May 21 to
    May 31) and exits on Jun 10. The quarter before last was locked under definitions version 6, before job endings
    and exits were kept."""
    start = LAST.start
    factories.journey(unit, BEFORE.start, enrolment_date=BEFORE.start, exit_date=start + timedelta(days=70),
                      exit_reason=ExitReason.GOAL_REACHED,
                      jobs=((start + timedelta(days=10), start + timedelta(days=40)),
                            (start + timedelta(days=50), start + timedelta(days=60))))  # fmt: skip
    client.get(f"/units/{unit.code}/outcomes")
    kept = kept_quarter(session, unit, BEFORE)
    assert (kept.job_endings, kept.exits) == (0, 0)  # counted under the current definitions
    kept.locked, kept.job_endings, kept.exits, kept.definitions_version = True, None, None, "6"
    session.commit()
    page = client.get(f"/units/{unit.code}/outcomes").get_data(as_text=True)
    # 4 served, 1 exit; 2 of 4 in work; 3 job starts (the first person's and the fourth's two), 2 job endings; the
    # fourth's jobs reach their day 90 only in Q3.
    assert row_of(page, LAST) == f"{LAST} 4 1 2 of 4 (50%) few 1 of 4 (25%) 3 2 1 1 of 1 (100%)"
    # Not counted before the quarter was locked: a dash, not 0.
    assert row_of(page, BEFORE) == f"{BEFORE} locked definitions 6 4 – 0 of 4 (0%) few 0 of 4 (0%) 0 – 0 –"
    assert 'href="#definition-exits">Exits<' in page and 'id="definition-job_endings"' in page
    assert row_of(page, THIS).startswith(f"{THIS} to date 3 0 ")  # the fourth person left

    lines = list(csv_module.DictReader(io.StringIO(client.get(f"/units/{unit.code}/outcomes.csv").get_data(
        as_text=True).lstrip("\ufeff"))))  # fmt: skip
    assert [(line["exits"], line["job_endings"]) for line in lines[:2]] == [("", ""), ("1", "2")]  # empty: not kept
    sv = {"Accept-Language": "sv"}
    swedish = pd.read_excel(io.BytesIO(client.get(f"/units/{unit.code}/outcomes.xlsx", headers=sv).data))
    assert swedish.iloc[1][["i_stöd", "avslut", "påbörjade_anställningar", "avslutade_anställningar"]].tolist() == [
        4, 1, 3, 2]  # fmt: skip
    assert swedish.iloc[0][["avslut", "avslutade_anställningar"]].isna().all()


def test_referrals_screened_out_are_marked_as_breaches_of_zero_exclusion(client: Any, unit: Any, manager: Any) -> None:
    # In the quarter before last: one referral refused as not motivated (a breach), one declined by the person (not
    # a breach), one still waiting since the quarter's first day.
    quarter = THIS.previous()
    start = quarter.start
    for days, reason in ((1, NotAcceptedReason.NOT_MOTIVATED), (2, NotAcceptedReason.DECLINED)):
        factories.journey(unit, start + timedelta(days=days), decision=Decision.NOT_ACCEPTED,
                          decision_date=start + timedelta(days=days + 2), not_accepted_reason=reason)  # fmt: skip
    factories.journey(unit, start)
    page = client.get(f"/units/{unit.code}/outcomes").get_data(as_text=True)
    waited = (quarter.end - start).days
    breach = "⚠ Breach of zero exclusion: 1 of 3 (33%)"  # the sign for the eye, the words for a screen reader
    # Of the one not refused, who still waits, nobody gave up.
    assert row_of(page, quarter, table=1) == f"{quarter} 3 2 of 3 (67%) {breach} 0 of 1 (0%) 1 {waited}"
    body = page.split('<table class="outcomes">')[2].split("</table>")[0]
    assert body.count('<strong class="breach">') == 1
    csv = pd.read_csv(io.BytesIO(client.get(f"/units/{unit.code}/outcomes.csv").data))
    line = csv[(csv["year"] == quarter.year) & (csv["quarter"] == quarter.number)].iloc[0]
    assert (line["referred"], line["not_accepted"], line["screened_out"], line["screened_out_share"]) == (
        3,
        2,
        1,
        0.3333,
    )
    assert line["longest_wait_at_end"] == waited
    assert (line["gave_up"], line["gave_up_share"]) == (0, 0.0)
    # Whole numbers are written as such, also beside quarters where nobody waited (an empty cell there).
    text = client.get(f"/units/{unit.code}/outcomes.csv").get_data(as_text=True)
    rows = {tuple(r.split(",")[1:3]): r.split(",") for r in text.splitlines()[1:]}
    header = text.splitlines()[0].split(",")
    longest = header.index("longest_wait_at_end")
    assert rows[str(quarter.year), str(quarter.number)][longest] == str(waited)
    assert "" in {r[longest] for r in rows.values()} and not any(r[longest].endswith(".0") for r in rows.values())
    assert list(csv.columns)[list(csv.columns).index("gave_up") + 1] == "gave_up_share"


def test_a_locked_quarters_staffing_no_longer_changes(client: Any, session: Any, unit: Any, manager: Any) -> None:
    client.get(f"/units/{unit.code}/outcomes")
    kept = kept_quarter(session, unit, LAST)
    kept.locked = True  # as after a purge
    session.commit()
    page = " ".join(client.get(f"/units/{unit.code}/staffing").get_data(as_text=True).split())
    assert f'<th scope="row">{LAST} <span class="tag locked">locked</span></th>' in page
    assert f"Change {LAST}" not in page and "its staffing no longer changes" in page
    refused = post_staffing(client, unit, quarter=f"{LAST.year}Q{LAST.number}", specialist_fte="4")
    assert refused.status_code == 400
    assert f"{shown(LAST)} is locked: its figures were kept" in refused.get_data(as_text=True)
    assert staffing_of(session, unit)[LAST.year, LAST.number] == (0.1, 0.0)
    assert post_staffing(client, unit, quarter=f"{THIS.year}Q{THIS.number}", specialist_fte="4").status_code == 302


def test_people_served_without_specialist_time_are_pointed_out(client: Any, unit: Any, manager: Any) -> None:
    assert post_staffing(client, unit, quarter=f"{BEFORE.year}Q{BEFORE.number}", specialist_fte="0").status_code == 302
    page = client.get(f"/units/{unit.code}/outcomes").get_data(as_text=True)
    # Neither specialists nor supervisors: no specialists per supervisor either.
    assert row_of(page, BEFORE, table=2).endswith(" 0 ⚠ no specialist time recorded for 3 served 0 –")


def test_specialists_per_supervisor_are_set_against_the_models_ten(client: Any, unit: Any, manager: Any) -> None:
    # 4.5 specialist FTE / 0.4 supervisor FTE = 11.25, above 10; 5 / 0.5 = 10 exactly, within.
    assert post_staffing(client, unit, quarter=f"{BEFORE.year}Q{BEFORE.number}", specialist_fte="4.5",
                         supervisor_fte="0.4").status_code == 302  # fmt: skip
    assert post_staffing(client, unit, quarter=f"{THIS.year}Q{THIS.number}", specialist_fte="5",
                         supervisor_fte="0.5").status_code == 302  # fmt: skip
    page = client.get(f"/units/{unit.code}/outcomes").get_data(as_text=True)
    assert "Specialists per full-time supervisor (at most 10)" in page
    # 3 served / 4.5 FTE = 0.67 per specialist; then the supervisors and the specialists per supervisor.
    assert row_of(page, BEFORE, table=2).endswith(" 4.5 0.7 0.4 11.3 ⚠ above 10")
    assert row_of(page, THIS, table=2).endswith(" 5 0.6 0.5 10")
    assert row_of(page, LAST, table=2).endswith(" 0.1 30 ⚠ above 20 0 ⚠ no supervisor recorded")
    assert 'id="definition-specialists_per_supervisor"' in page

    staffing = client.get(f"/units/{unit.code}/staffing").get_data(as_text=True)
    assert "Specialists per full-time supervisor (at most 10)" in staffing
    assert staffing_row(staffing, BEFORE) == f"{BEFORE} 4.5 0.4 11.3 ⚠ above 10 Change {BEFORE}"
    assert staffing_row(staffing, THIS) == f"{THIS} 5 0.5 10 Change {THIS}"
    # 0.1 specialist FTE: fewer than the 2 full-time specialists of a vocational unit (item O4), and no supervisor.
    assert staffing_row(staffing, LAST) == f"{LAST} 0.1 ⚠ below 2 0 ⚠ no supervisor recorded Change {LAST}"
    assert "has at least 2 full-time work/study specialists and a supervisor who leads them" in staffing


def test_a_unit_without_journeys(client: Any, session: Any) -> None:
    empty = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=empty.id).email)
    page = client.get(f"/units/{empty.code}/outcomes").get_data(as_text=True)
    assert "No journeys recorded yet" in page and "<svg" not in page
    assert "Download CSV" in page and f"version {DEFINITIONS_VERSION}" in page


def test_a_swedish_reader_s_downloads_are_named_in_swedish_in_ascii(client: Any, unit: Any, manager: Any) -> None:
    """Files a Swedish reader downloads to send on are named in Swedish, in letters any mail program keeps."""
    sv = {"Accept-Language": "sv"}
    names = {}
    for path in ("outcomes.csv", "outcomes.xlsx", "waiting-list.xlsx", "journeys/export.xlsx",
                 "journeys/export.csv", "journeys/template.xlsx"):  # fmt: skip
        response = client.get(f"/units/{unit.code}/{path}", headers=sv)
        assert response.status_code == 200, path
        names[path] = response.headers["Content-Disposition"].removeprefix('attachment; filename="').rstrip('"')
    day = app_today().isoformat()
    assert names == {
        "outcomes.csv": f"{unit.code}-resultat-{day}.csv",
        "outcomes.xlsx": f"{unit.code}-resultat-{day}.xlsx",
        "waiting-list.xlsx": f"{unit.code}-vantelista-{day}.xlsx",
        "journeys/export.xlsx": f"{unit.code}-forlopp-{day}.xlsx",
        "journeys/export.csv": f"{unit.code}-forlopp-{day}.csv",
        "journeys/template.xlsx": "forlopp-mall.xlsx",
    }
    assert all(name.isascii() for name in names.values())


def test_csv_and_excel_exports_give_the_same_figures(client: Any, unit: Any, manager: Any) -> None:
    response = client.get(f"/units/{unit.code}/outcomes.csv")
    # The whole header, exactly: one charset, not the one given and another added by werkzeug.
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{unit.code}-outcomes-{app_today()}.csv"'
    csv = pd.read_csv(io.BytesIO(response.data))
    assert list(csv["year"] * 10 + csv["quarter"]) == [q.year * 10 + q.number for q in EVERY]
    last = csv.iloc[1]
    assert last["definitions_version"] == int(DEFINITIONS_VERSION)
    assert (last["served"], last["in_competitive_work"], last["employment_rate"]) == (3, 1, 0.3333)
    assert (last["specialist_fte"], last["caseload_per_specialist"]) == (0.1, 30.0)
    assert list(csv["to_date"]) == [q == THIS for q in EVERY] and not csv["locked"].any()
    assert pd.isna(csv.iloc[0]["specialist_fte"])  # no staffing recorded for the quarter before last

    response = client.get(f"/units/{unit.code}/outcomes.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{unit.code}-outcomes-{app_today()}.xlsx"'
    excel = pd.read_excel(io.BytesIO(response.data), sheet_name="Outcomes")
    # The same figures; in the workbook the time of counting is a time, and rates are shown as percentages.
    csv["computed_at_utc"] = pd.to_datetime(csv["computed_at_utc"])
    pd.testing.assert_frame_equal(excel, csv, check_dtype=False)
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Outcomes"]
    formats = {cell.value: below.number_format for cell, below in zip(sheet[1], sheet[3], strict=True)}
    assert formats["employment_rate"] == formats["retention_90"] == "0.0%"
    assert formats["served"] == "General" and formats["computed_at_utc"] == "YYYY-MM-DD HH:MM:SS"
    # The definitions' version is a number in the workbook, as in the waiting list's, not text.
    version = next(below for cell, below in zip(sheet[1], sheet[3], strict=True) if cell.value == "definitions_version")
    assert (version.value, version.data_type) == (int(DEFINITIONS_VERSION), "n")


SWEDISH_HEADER = [
    "enhet", "år", "kvartal", "definitionsversion", "i_stöd", "avslut", "i_arbete_öppna_marknaden", "andel_i_arbete",
    "i_studier", "andel_i_studier", "påbörjade_anställningar", "avslutade_anställningar", "påbörjade_utbildningar",
    "mediantal_dagar_till_arbetsgivarkontakt", "nådde_dag_30", "arbetsgivarkontakt_inom_30",
    "andel_arbetsgivarkontakt_inom_30", "nådde_dag_90", "varat_90_dagar", "andel_varat_90_dagar",
    "väntande_vid_kvartalets_slut", "mediantal_dagar_till_inskrivning", "längsta_väntan_vid_kvartalets_slut",
    "remitterade", "ej_antagna", "bortsållade", "andel_bortsållade", "specialister_årsarbetare",
    "ips_ledare_årsarbetare", "gav_upp", "andel_gav_upp", "deltagare_per_specialist", "specialister_per_ips_ledare",
    "låst", "hittills", "beräknad_utc",
]  # fmt: skip


def test_a_swedish_reader_s_exports_name_the_columns_in_swedish(client: Any, unit: Any, manager: Any) -> None:
    url = f"/units/{unit.code}/outcomes"
    english = pd.read_csv(io.BytesIO(client.get(f"{url}.csv", headers={"Accept-Language": "en"}).data))
    assert list(english.columns)[:8] == ["unit", "year", "quarter", "definitions_version", "served", "exits",
                                         "in_competitive_work", "employment_rate"]  # fmt: skip
    assert list(english.columns) == list(EXPORT_COLUMNS)  # as other tools read them
    sv = {"Accept-Language": "sv"}
    text = client.get(f"{url}.csv", headers=sv).get_data(as_text=True).lstrip("\ufeff")
    assert text.startswith("enhet;år;kvartal;definitionsversion;i_stöd;")
    # True and false as a Swedish reader writes them, ja and nej; read back, the same values as in English.
    assert ";nej;" in text or ";nej\n" in text
    swedish = pd.read_csv(io.StringIO(text), sep=";", decimal=",", true_values=["ja"], false_values=["nej"])
    assert list(swedish.columns) == SWEDISH_HEADER
    # The same values under the Swedish names.
    pd.testing.assert_frame_equal(swedish.set_axis(english.columns, axis=1), english)
    assert swedish.iloc[1]["andel_i_arbete"] == english.iloc[1]["employment_rate"] == 0.3333

    workbook = client.get(f"{url}.xlsx", headers=sv).data
    excel = pd.read_excel(io.BytesIO(workbook), sheet_name="Resultat")  # the sheet named in Swedish too
    english_excel = pd.read_excel(io.BytesIO(client.get(f"{url}.xlsx").data), sheet_name="Outcomes")
    assert list(excel.columns) == SWEDISH_HEADER and list(english_excel.columns) == list(EXPORT_COLUMNS)
    pd.testing.assert_frame_equal(excel.set_axis(english_excel.columns, axis=1), english_excel)
    # Rates still shown as percentages, the time of counting as a time.
    sheet = openpyxl.load_workbook(io.BytesIO(workbook))["Resultat"]
    formats = {cell.value: below.number_format for cell, below in zip(sheet[1], sheet[3], strict=True)}
    assert formats["andel_i_arbete"] == formats["andel_varat_90_dagar"] == formats["andel_gav_upp"] == "0.0%"
    assert formats["i_stöd"] == "General" and formats["beräknad_utc"] == "YYYY-MM-DD HH:MM:SS"


def test_the_workbook_keeps_its_header_and_quarter_in_view_and_every_heading_whole(
    client: Any, unit: Any, manager: Any
) -> None:
    """The header row and the columns that say which quarter a line counts (unit, year, quarter) stay in view while
    the reader scrolls; each column is as wide as its heading as the reader's workbook writes it, with a character's
    margin each side, up to the widest a column is made: a long Swedish heading is not cut to its English name's
    width."""
    for language, first in (("en", ["unit", "year", "quarter"]), ("sv", ["enhet", "år", "kvartal"])):
        data = client.get(f"/units/{unit.code}/outcomes.xlsx", headers={"Accept-Language": language}).data
        sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
        assert sheet.freeze_panes == "D2" and [cell.value for cell in sheet[1][:3]] == first
        widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
        narrow = {heading: width for heading, width in widths.items() if width < min(len(heading) + 2, WIDEST)}
        assert narrow == {} and widths[first[0]] == NARROWEST, language
    # The longest Swedish heading, 39 characters (its English name has 31), whole at the widest.
    assert widths["mediantal_dagar_till_arbetsgivarkontakt"] == WIDEST


def test_the_workbook_says_what_each_column_gives(client: Any, unit: Any, manager: Any) -> None:
    url = f"/units/{unit.code}/outcomes.xlsx"
    workbook = client.get(url).data
    assert openpyxl.load_workbook(io.BytesIO(workbook)).sheetnames == ["Outcomes", "Definitions"]
    key = pd.read_excel(io.BytesIO(workbook), sheet_name="Definitions")
    # A line for every column of the figures, in their order, each with a label and a definition.
    assert list(key.columns) == ["column", "figure", "definition"]
    assert list(key["column"]) == list(EXPORT_COLUMNS) and key["figure"].notna().all()
    lines = key.set_index("column")
    # A count and its rate by the definition the page gives; a rate under its own name.
    texts = {d.key: d.text for d in DEFINITIONS}
    assert lines.loc["in_competitive_work", "definition"] == texts["in_competitive_work"]
    assert lines.loc["employment_rate"].tolist() == ["Employment rate", texts["in_competitive_work"]]
    assert lines.loc["caseload_per_specialist", "definition"] == texts["caseload"]
    assert lines.loc["contact_window_closed", "figure"] == "People whose first 30 days ended"
    # A count is said to be a number, its share a share: contact_within_30 counts people, share_within_30 shares.
    assert lines.loc["contact_within_30", "definition"].startswith("Of the people whose first 30 days ended")
    assert "the number who had met an employer" in lines.loc["contact_within_30", "definition"]
    assert lines.loc["share_within_30", "definition"] == texts["contact_within_30"]
    assert "the number still held" in lines.loc["retained_90", "definition"]
    assert "retention rule" in lines.loc["locked", "definition"]
    # The definitions are long: their column is wide and wraps them; each line's other cells sit at its top.
    sheet = openpyxl.load_workbook(io.BytesIO(workbook))["Definitions"]
    assert sheet.column_dimensions["C"].width == 90 and sheet["C2"].alignment.wrap_text
    assert sheet["A2"].alignment.vertical == "top" and not sheet["A2"].alignment.wrap_text

    swedish = pd.read_excel(io.BytesIO(client.get(url, headers={"Accept-Language": "sv"}).data), sheet_name=None)
    assert list(swedish) == ["Resultat", "Definitioner"]
    key = swedish["Definitioner"]
    assert list(key.columns) == ["kolumn", "mått", "definition"] and list(key["kolumn"]) == SWEDISH_HEADER
    employment = key.set_index("kolumn").loc["andel_i_arbete"]
    assert employment["mått"] == "Andel i arbete" and employment["definition"].startswith("Personer i stöd")


def test_the_exports_give_the_supervisors_and_the_specialists_per_supervisor(
    client: Any, unit: Any, manager: Any
) -> None:
    factories.staffing(unit, BEFORE.year, BEFORE.number, 4.5, 0.4)
    csv = pd.read_csv(io.BytesIO(client.get(f"/units/{unit.code}/outcomes.csv").data))
    columns = list(csv.columns)
    # The supervisors right beside the specialists; each quarter's ratios side by side.
    assert columns[columns.index("specialist_fte") :][:2] == ["specialist_fte", "supervisor_fte"]
    assert columns[columns.index("caseload_per_specialist") :][:2] == [
        "caseload_per_specialist", "specialists_per_supervisor"]  # fmt: skip
    before, last, this = csv.iloc[0], csv.iloc[1], csv.iloc[-1]
    staffed = before[["specialist_fte", "supervisor_fte", "specialists_per_supervisor"]].tolist()
    assert staffed == [4.5, 0.4, 11.25]
    # Specialists without a supervisor: 0 supervisors, no figure; no staffing: neither.
    assert (last["supervisor_fte"], pd.isna(last["specialists_per_supervisor"])) == (0.0, True)
    assert pd.isna(this["supervisor_fte"]) and pd.isna(this["specialists_per_supervisor"])
    excel = pd.read_excel(io.BytesIO(client.get(f"/units/{unit.code}/outcomes.xlsx").data), sheet_name="Outcomes")
    assert list(excel.columns) == columns
    assert excel.iloc[0]["specialists_per_supervisor"] == 11.25 and excel.iloc[0]["supervisor_fte"] == 0.4
    # In Swedish, the same order under the Swedish names.
    sv = {"Accept-Language": "sv"}
    swedish = pd.read_excel(io.BytesIO(client.get(f"/units/{unit.code}/outcomes.xlsx", headers=sv).data))
    staffing = list(swedish.columns)[columns.index("specialist_fte") :][:2]
    assert staffing == ["specialister_årsarbetare", "ips_ledare_årsarbetare"]
    assert swedish.iloc[0][staffing].tolist() == [4.5, 0.4]


# --- staffing -------------------------------------------------------------------------------------------------


def post_staffing(client: Any, unit: Any, **fields: str) -> Any:
    token = csrf_token(client, f"/units/{unit.code}/staffing")
    return client.post(f"/units/{unit.code}/staffing", data={"csrf_token": token, **fields})


def staffing_row(page: str, quarter: Quarter) -> str:
    """The text of the row for `quarter` in the staffing table, tags stripped, spaces collapsed."""
    body = page.split('<table class="admin staffing">')[1].split("</table>")[0]
    for row in body.split("<tr")[1:]:
        text = " ".join(re.sub(r"<[^>]+>", " ", "<tr" + row).split()).replace("\u00a0", " ")
        if text.startswith(str(quarter)):
            return text
    raise AssertionError(f"no row for {quarter}")


def staffing_of(session: Any, unit: Any) -> dict[tuple[int, int], tuple[float, float]]:
    session.expire_all()
    rows = session.scalars(select(StaffingQuarter).where(StaffingQuarter.unit_id == unit.id)).all()
    return {(r.year, r.quarter): (r.specialist_fte, r.supervisor_fte) for r in rows}


def test_staffing_is_set_and_replaced_quarter_by_quarter(client: Any, session: Any, unit: Any, manager: Any) -> None:
    response = post_staffing(client, unit, quarter=f"{THIS.year} q{THIS.number}", specialist_fte="2,5",
                             supervisor_fte="0.2")  # fmt: skip
    assert response.status_code == 302
    assert staffing_of(session, unit)[THIS.year, THIS.number] == (2.5, 0.2)
    post_staffing(client, unit, quarter=f"{THIS.year}Q{THIS.number}", specialist_fte="3")
    assert staffing_of(session, unit) == {(LAST.year, LAST.number): (0.1, 0.0), (THIS.year, THIS.number): (3.0, 0.0)}
    page = client.get(f"/units/{unit.code}/staffing").get_data(as_text=True)
    assert f"Staffing for {shown(THIS)} saved." in page
    assert f"Change {shown(THIS)}" in page and f"Set {shown(BEFORE)}" in page  # a quarter with journeys but no staffing
    # Caseload follows: 3 served / 3 FTE; the supervisor left empty counts as none.
    outcomes = client.get(f"/units/{unit.code}/outcomes").get_data(as_text=True)
    assert row_of(outcomes, THIS, table=2).endswith(" 3 1 0 ⚠ no supervisor recorded")
    audited = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "staffing_quarters", AuditEntry.actor_id == manager.id)
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.changes["specialist_fte"]) for e in audited] == [
        ("create", [None, 2.5]),
        ("update", [2.5, 3.0]),
    ]


def test_a_quarter_that_has_not_begun_is_planned() -> None:
    assert planned(Quarter(2026, 2), date(2026, 3, 31))  # the day before it begins
    assert not planned(Quarter(2026, 2), date(2026, 4, 1))  # its first day
    assert not planned(Quarter(2026, 1), date(2026, 4, 1))  # over
    assert planned(Quarter(2027, 1), date(2026, 12, 31))


def test_staffing_for_a_quarter_to_come_is_saved_as_planned_and_counts_in_no_figure(
    client: Any, session: Any, unit: Any, manager: Any
) -> None:
    coming = THIS.next()
    outcomes = client.get(f"/units/{unit.code}/outcomes").get_data(as_text=True)
    response = post_staffing(client, unit, quarter=f"{coming.year}Q{coming.number}", specialist_fte="12",
                             supervisor_fte="1")  # fmt: skip
    assert response.status_code == 302  # planning ahead is allowed
    assert staffing_of(session, unit)[coming.year, coming.number] == (12.0, 1.0)
    page = client.get(f"/units/{unit.code}/staffing").get_data(as_text=True)
    assert f"Staffing for {shown(coming)} saved." in page
    assert f"{shown(coming)} has not begun yet: its staffing is planned, and counts in no outcome figure" in page
    assert staffing_row(page, coming) == f"{coming} planned 12 1 12 ⚠ above 10 Change {coming}"
    assert "planned" not in staffing_row(page, THIS) and "planned" not in staffing_row(page, LAST)
    assert "A planned quarter has not begun yet" in page
    # The quarters up to today's are counted as before; the planned quarter has no row, on the page or in the export.
    after = client.get(f"/units/{unit.code}/outcomes").get_data(as_text=True)
    assert [row_of(after, q, table=2) for q in EVERY] == [row_of(outcomes, q, table=2) for q in EVERY]
    with pytest.raises(AssertionError, match="no row"):
        row_of(after, coming, table=2)
    kept = session.scalars(select(QuarterlyOutcome).where(QuarterlyOutcome.unit_id == unit.id)).all()
    assert sorted((r.year, r.quarter) for r in kept) == [(q.year, q.number) for q in EVERY]
    csv = pd.read_csv(io.BytesIO(client.get(f"/units/{unit.code}/outcomes.csv").data))
    assert (csv.iloc[-1]["year"], csv.iloc[-1]["quarter"]) == (THIS.year, THIS.number)
    assert 12.0 not in set(csv["specialist_fte"])
    # Staffing for today's quarter is no plan.
    assert post_staffing(client, unit, quarter=f"{THIS.year}Q{THIS.number}", specialist_fte="3").status_code == 302
    page = client.get(f"/units/{unit.code}/staffing").get_data(as_text=True)
    assert f"Staffing for {shown(THIS)} saved." in page and "has not begun yet: its staffing is planned" not in page


def test_the_form_is_filled_with_the_quarter_asked_for(client: Any, unit: Any, manager: Any) -> None:
    page = client.get(f"/units/{unit.code}/staffing?quarter={LAST.year}Q{LAST.number}").get_data(as_text=True)
    assert f'value="{LAST.year}Q{LAST.number}"' in page and 'value="0.1"' in page
    page = client.get(f"/units/{unit.code}/staffing?quarter=nonsense").get_data(as_text=True)
    assert f'value="{THIS.year}Q{THIS.number}"' in page


def test_fte_fields_take_a_decimal_comma_in_the_browser_too(client: Any, session: Any, unit: Any, manager: Any) -> None:
    # Text inputs with a decimal keypad: a number input in an English browser refuses "0,5" before it is sent.
    page = client.get(f"/units/{unit.code}/staffing").get_data(as_text=True)
    inputs = re.findall(r"<input [^>]*>", page)
    for name in ("specialist_fte", "supervisor_fte"):
        [field] = [tag for tag in inputs if f'name="{name}"' in tag]
        assert 'type="text"' in field and 'inputmode="decimal"' in field and 'type="number"' not in field
    for comma, point in (("0,5", "0.25"), ("0.5", "0,25")):
        response = post_staffing(client, unit, quarter=f"{THIS.year}Q{THIS.number}", specialist_fte=comma,
                                 supervisor_fte=point)  # fmt: skip
        assert response.status_code == 302
        assert staffing_of(session, unit)[THIS.year, THIS.number] == (0.5, 0.25)
    refused = post_staffing(client, unit, quarter=f"{THIS.year}Q{THIS.number}", specialist_fte="0,5,1")
    assert refused.status_code == 400 and 'value="0,5,1"' in refused.get_data(as_text=True)  # given back as typed
    # A recorded quarter is shown in the reader's language: 0,5 in Swedish, 0.5 in English.
    url = f"/units/{unit.code}/staffing?quarter={THIS.year}Q{THIS.number}"
    assert 'value="0,5"' in client.get(url, headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert 'value="0.5"' in client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"quarter": "2026Q5", "specialist_fte": "1"}, "A year has four quarters, 1 to 4"),
        ({"quarter": "2026 Q", "specialist_fte": "1"}, "Write the quarter as a year and a quarter, such as 2026Q1."),
        ({"quarter": "1999Q4", "specialist_fte": "1"}, "Give a quarter from 2000 to"),
        ({"quarter": "", "specialist_fte": "1"}, "Give a quarter, such as 2026Q1."),
        ({"quarter": "2025Q1", "specialist_fte": "50.5"}, "Give a number from 0 to 50."),
        ({"quarter": "2025Q1", "specialist_fte": "-1"}, "Give a number from 0 to 50."),
        ({"quarter": "2025Q1", "specialist_fte": "two"}, "Write a number, such as 1.5."),
        ({"quarter": "2025Q1", "specialist_fte": "NaN"}, "Write a number, such as 1.5."),
        ({"quarter": "2025Q1", "specialist_fte": "1e1"}, "Write a number, such as 1.5."),  # not 10
        ({"quarter": "2025Q1", "specialist_fte": "1,5,0"}, "Write a number, such as 1.5."),
        ({"quarter": "2025Q1", "specialist_fte": ""}, "Give the specialists' full-time equivalents."),
        ({"quarter": "2025Q1", "specialist_fte": "1", "supervisor_fte": "51"}, "Give a number from 0 to 50."),
    ],
)
def test_bad_staffing_is_refused_and_changes_nothing(
    client: Any, session: Any, unit: Any, manager: Any, fields: dict[str, str], message: str
) -> None:
    before = staffing_of(session, unit)
    response = post_staffing(client, unit, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    # Listed at the top, linked to the field that is wrong, as every refused form does.
    summary = response.get_data(as_text=True).split('<div class="form-errors"')[1].split("</div>")[0]
    wrong = next(
        name for name in ("quarter", "specialist_fte", "supervisor_fte") if fields.get(name) not in ("1", "2025Q1")
    )
    assert re.search(rf'<li><a href="#{wrong}">[^<]*{re.escape(message)}', summary), summary
    if message.startswith("Write a number"):  # and only that: no range is checked for what is not a number
        assert "Give a number from 0 to 50." not in response.get_data(as_text=True)
    assert staffing_of(session, unit) == before


def test_readers_see_staffing_without_the_form(client: Any, session: Any, unit: Any) -> None:
    login(client, factories.user(Role.SECOND_TIER_MANAGER, area_id=unit.area_id).email)
    page = client.get(f"/units/{unit.code}/staffing").get_data(as_text=True)
    assert "0.1" in page and "Save staffing" not in page and "Change " not in page
