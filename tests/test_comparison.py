"""Comparing units: the figures on a small hand-made dataset, the filters, the exports, who may, and a query count
that does not grow with the number of units."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import event, select, update

from fidelity import clock
from fidelity.comparison.table import half_year, rate_column, rate_quarters, served_column, total_column
from fidelity.extensions import db
from fidelity.models import ActionStatus, QuarterlyOutcome, Role, Unit
from fidelity.monitoring.kept import bring_up_to_date, counted_before, refresh_outcomes
from fidelity.monitoring.outcomes import DEFINITIONS_VERSION
from fidelity.monitoring.quarters import Quarter
from tests import factories
from tests.factories import app_today
from tests.shown import day
from tests.test_web import login

TODAY = app_today()
LAST = Quarter.of(TODAY).previous()


def outcome(unit: Any, quarter: Quarter, **counts: Any) -> QuarterlyOutcome:
    values: dict[str, Any] = {
        "served": 0, "in_competitive_work": 0, "in_education": 0, "job_starts": 0, "education_starts": 0,
        "median_days_to_employer_contact": None, "contact_window_closed": 0, "contact_within_30": 0,
        "retention_window_closed": 0, "retained_90": 0, "waiting_at_end": 0, "median_days_to_enrolment": None,
        "specialist_fte": None,
    }  # fmt: skip
    row = QuarterlyOutcome(unit_id=unit.id, year=quarter.year, quarter=quarter.number, definitions_version="1",
                           **(values | counts))  # fmt: skip
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def dataset(session: Any, registry: Any) -> dict[str, Any]:
    keys = registry.get("ips-25").item_keys
    north, south = factories.area(), factories.area()
    first, second, third = factories.unit(north), factories.unit(north), factories.unit(north)
    elsewhere = factories.unit(south)
    manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=north.id)
    frontline = factories.user(Role.FRONTLINE_MANAGER, unit_id=first.id)
    old = TODAY.replace(year=TODAY.year - 2)
    # First unit: a self-assessment two years ago (all 3: 75), then a final external review this year (all 4, but
    # O6 2 and V4 3: 100 - 2 - 1 = 97), by two reviewers.
    factories.self_assessment(first, frontline, dict.fromkeys(keys, 3), old)
    reviewers = [factories.user(Role.EXTERNAL_REVIEWER), factories.user(Role.EXTERNAL_REVIEWER)]
    agreed = {key: (4, "") for key in keys} | {"O6": (2, "Take every referral"), "V4": (3, "Meet employers sooner")}
    factories.final_external_review(first, reviewers, TODAY - timedelta(days=10), agreed)
    # Second unit: one self-assessment a year and a half ago, all 5 but O1 1: 121, exemplary, due 12 months later.
    factories.self_assessment(second, manager, dict.fromkeys(keys, 5) | {"O1": 1}, TODAY - timedelta(days=548))
    factories.self_assessment(elsewhere, manager, dict.fromkeys(keys, 2), TODAY - timedelta(days=30))
    # Outcomes: the first unit served 20 in the last full quarter, 9 in competitive work, 3 in education, 2
    # specialists; 7 waiting now, a median of 40 days to enrolment this quarter.
    outcome(first, LAST, served=20, in_competitive_work=9, in_education=3, specialist_fte=2.0)
    outcome(first, Quarter.of(TODAY), served=18, waiting_at_end=7, median_days_to_enrolment=40.0)
    factories.action(second, manager, TODAY - timedelta(days=3))
    factories.action(second, manager, TODAY - timedelta(days=30), ActionStatus.DONE)
    return {"units": (first, second, third), "elsewhere": elsewhere, "manager": manager, "frontline": frontline}


def rows_of(csv_text: str) -> dict[str, dict[str, str]]:
    return {row["unit"]: row for row in csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))}


def test_the_figures_of_each_unit(client: Any, dataset: dict[str, Any]) -> None:
    first, second, third = dataset["units"]
    login(client, dataset["manager"].email)
    response = client.get("/comparison.csv?scale=ips-25&kind=all")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset, exactly
    name = 'attachment; filename="{}-ips-25-' + app_today().isoformat() + '.{}"'
    assert response.headers["Content-Disposition"] == name.format("comparison", "csv")
    swedish = client.get("/comparison.xlsx?scale=ips-25&kind=all", headers={"Accept-Language": "sv"})
    assert swedish.headers["Content-Disposition"] == name.format("jamforelse", "xlsx")
    rows = rows_of(response.get_data(as_text=True))
    assert set(rows) == {first.code, second.code, third.code}  # not the other area's unit
    one, two, three = rows[first.code], rows[second.code], rows[third.code]
    assert (one["review_kind"], one["total"], one["band"]) == ("external", "97", "fair")
    assert (one["item_O6"], one["item_V4"], one["item_S1"]) == ("2", "3", "4")
    # Zero exclusion is O6 and V14: (2 + 4) / 2.
    assert one["principle_zero-exclusion"] == "3.0"
    # Each group of monitoring figures names the quarter it counts.
    assert (one["waiting"], one["median_days_to_enrolment"]) == ("7", "40.0")
    assert one["waiting_quarter"] == str(Quarter.of(TODAY))
    assert (one["employment_rate"], one["education_rate"], one["caseload_per_specialist"]) == ("0.45", "0.15", "10.0")
    assert (one["rates_quarter"], one["review_overdue"], one["overdue_actions"]) == (str(LAST), "False", "0")
    # The third unit was never reviewed: due now, as the page lists it; its rates, none, rest on nobody.
    assert (three["never_reviewed"], three["review_overdue"], one["never_reviewed"]) == ("True", "False", "False")
    assert (one["few_served"], one["served"], three["few_served"]) == ("False", "20", "False")
    assert "quarter" not in one
    assert (two["total"], two["band"], two["review_overdue"], two["overdue_actions"]) == (
        "121",
        "exemplary",
        "True",
        "1",
    )
    assert (three["total"], three["review_overdue"], three["next_review_due"]) == ("", "False", "")
    # Over time, as the page shows it: the latest total of each half-year with its kind (from the first half-year
    # with a review: the first unit's self-assessment two years ago), then the employment rate of each of the last
    # eight full quarters.
    halves = [name for name in one if name.startswith("total_") and not name.endswith("_kind")]
    assert halves[0] == total_column(half_year(TODAY.replace(year=TODAY.year - 2)))
    assert halves[-1] == total_column(half_year(TODAY))
    assert (one[halves[0]], one[halves[0] + "_kind"]) == ("75", "self_assessment")
    recent = total_column(half_year(TODAY - timedelta(days=10)))
    assert (one[recent], one[recent + "_kind"]) == ("97", "external")
    assert all(three[half] == "" for half in halves)
    rates = [name for name in one if name.startswith("employment_rate_")]
    assert rates == [rate_column(quarter) for quarter in rate_quarters(TODAY)] and rates[-1] == rate_column(LAST)
    assert [one[rate] for rate in rates] == [""] * 7 + ["0.45"]
    assert list(one)[list(one).index("overdue_actions") + 1] == halves[0]


def test_filters_never_mix_kinds_silently(client: Any, dataset: dict[str, Any]) -> None:
    first = dataset["units"][0]
    login(client, dataset["manager"].email)
    own = rows_of(client.get("/comparison.csv?scale=ips-25&kind=self_assessment").get_data(as_text=True))
    assert (own[first.code]["review_kind"], own[first.code]["total"]) == ("self_assessment", "75")
    external = rows_of(client.get("/comparison.csv?scale=ips-25&kind=external").get_data(as_text=True))
    assert external[dataset["units"][1].code]["total"] == ""  # it has only self-assessments
    recent = rows_of(client.get(f"/comparison.csv?kind=self_assessment&first_year={TODAY.year}").get_data(as_text=True))
    assert recent[first.code]["total"] == ""  # its self-assessment is older than the period
    page = " ".join(client.get("/comparison?scale=ips-25&kind=all").get_data(as_text=True).split())
    assert 'class="kind kind-external"' in page and 'class="kind kind-self_assessment"' in page
    assert "Self-assessments and external reviews are marked as such" in page


def test_a_period_that_ends_before_the_newest_review_shows_the_latest_inside_it(
    client: Any, dataset: dict[str, Any], registry: Any
) -> None:
    first, second, third = dataset["units"]
    keys = registry.get("ips-25").item_keys
    last_year = TODAY.year - 1
    # The third unit: a self-assessment inside the period (all 2: 50) and a newer one after it (all 4: 100).
    factories.self_assessment(third, dataset["manager"], dict.fromkeys(keys, 2), date(last_year - 1, 6, 1))
    factories.self_assessment(third, dataset["manager"], dict.fromkeys(keys, 4), date(TODAY.year, 1, 1))
    login(client, dataset["manager"].email)
    for kind in ("all", "self_assessment"):
        rows = rows_of(client.get(f"/comparison.csv?kind={kind}&last_year={last_year}").get_data(as_text=True))
        assert (rows[third.code]["total"], rows[third.code]["review_date"]) == ("50", f"{last_year - 1}-06-01")
    # The first unit's newest review (external, this year) is after the period: its self-assessment of two years
    # ago is the latest inside it; of external reviews it has none inside.
    rows = rows_of(client.get(f"/comparison.csv?kind=all&last_year={last_year}").get_data(as_text=True))
    assert (rows[first.code]["review_kind"], rows[first.code]["total"]) == ("self_assessment", "75")
    external = rows_of(client.get(f"/comparison.csv?kind=external&last_year={last_year}").get_data(as_text=True))
    assert external[first.code]["total"] == ""
    # The second unit's only review, a year and a half ago, is inside the period either way.
    assert rows[second.code]["total"] == ("121" if (TODAY - timedelta(days=548)).year <= last_year else "")
    # The schedule still counts from the newest review of all: the external one, fair, so six months on.
    due = (TODAY - timedelta(days=10) + relativedelta(months=6)).isoformat()
    assert rows[first.code]["next_review_due"] == due


def test_the_excel_export_and_the_page(client: Any, dataset: dict[str, Any]) -> None:
    login(client, dataset["manager"].email)
    workbook = load_workbook(io.BytesIO(client.get("/comparison.xlsx?kind=all").data))
    sheet = workbook["comparison"]
    header = [cell.value for cell in sheet[1]]
    assert header[:7] == ["unit", "name", "area", "review_date", "review_kind", "total", "band"]
    assert sheet.max_row == 4
    # Dates are dates and rates percentages, for a spreadsheet to sort and count with.
    typed = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert isinstance(typed["review_date"].value, datetime) and typed["review_date"].number_format == "YYYY-MM-DD"
    assert typed["employment_rate"].number_format == typed["education_rate"].number_format == "0.0%"
    assert typed[rate_column(LAST)].number_format == "0.0%" and typed[rate_column(LAST)].value == 0.45
    assert sheet.freeze_panes == "D2"
    # Each column is wide enough for its longest value, a unit's name, as well as its heading.
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sheet.column_dimensions["B"].width == max(10, max(map(len, names)) + 2)
    assert sheet.column_dimensions["A"].width == 10  # short codes: the narrowest width
    page = client.get("/comparison").get_data(as_text=True)
    assert '<img src="/comparison/chart.svg' in page
    assert "2 units have a review overdue or never made, or actions overdue" in page
    first, second, third = dataset["units"]
    overdue = page[page.index('id="overdue-title"') : page.index('id="items-title"')]
    due = TODAY - timedelta(days=548) + relativedelta(months=12)  # exemplary: the next review a year later
    # The second's review is overdue, the third was never reviewed (due from the start), after it; the first is fine.
    assert first.code not in overdue and overdue.index(second.code) < overdue.index(third.code)
    # The overdue actions' count leads to the unit's action plan.
    plan = f'<td class="num"><a href="/units/{second.code}#action-plan">1</a></td>'
    assert f"<td>{day(due)}</td>" in overdue and plan in overdue
    assert "<td>never reviewed</td>" in overdue
    # A unit listed for an action overdue alone says when its review is due, rather than a bare dash.
    factories.action(first, dataset["manager"], TODAY - timedelta(days=1))
    page = client.get("/comparison").get_data(as_text=True)
    overdue = " ".join(page[page.index('id="overdue-title"') : page.index('id="items-title"')].split())
    first_due = next(row for row in overdue.split("<tr>") if first.code in row)
    assert '<span class="hint">not yet: due ' in first_due and f'/units/{first.code}#action-plan">1</a>' in first_due
    page = client.get("/comparison").get_data(as_text=True)
    # The item table gives each unit's next review: the second's is overdue; the third, never reviewed, is due now.
    items = page[page.index('id="items-title"') : page.index('id="principles-title"')]
    assert f'<td class="nowrap due-cell">{day(due)} <strong class="over">overdue</strong></td>' in items
    assert items.count("now: never reviewed") == 1
    # The employment rate over the last eight full quarters, shaded by the benchmarks: 9 of 20 is average (41-50 %).
    over_time = page[page.index('id="employment-title"') : page.index('id="waiting-title"')]
    assert over_time.count('<th scope="col" class="num">') == 8 and f">{LAST.year}" in over_time
    assert '<td class="num rate-average">45' in over_time
    assert "below 31%; from 31% (minimum); from 41% (average); from 50% (excellent)" in over_time
    # A link that carries a language (as a shared or bookmarked address may) keeps the chart in the page's language.
    shared = client.get("/comparison?kind=all&lang=sv&page=1")
    assert shared.status_code == 200
    assert 'src="/comparison/chart.svg?lang=en&amp;kind=all"' in shared.get_data(as_text=True)
    chart = client.get("/comparison/chart.svg?kind=all")
    assert chart.mimetype == "image/svg+xml" and chart.data.startswith(b"<svg")
    assert b"Fidelity against employment" in chart.data and b'xmlns="http://www.w3.org/2000/svg"' in chart.data


def test_the_exports_round_a_caseload_as_the_page_does(client: Any, dataset: dict[str, Any]) -> None:
    # 77 served by 4 specialists: 19.25, which the page shows as 19.3 (half up). Python's round(19.25, 1) is 19.2.
    second = dataset["units"][1]
    outcome(second, LAST, served=77, in_competitive_work=35, specialist_fte=4.0)
    login(client, dataset["manager"].email)
    page = " ".join(client.get("/comparison?kind=all").get_data(as_text=True).split())
    assert '<td class="num">19.3</td>' in page
    row = rows_of(client.get("/comparison.csv?kind=all").get_data(as_text=True))[second.code]
    assert (row["caseload_per_specialist"], row["employment_rate"]) == ("19.25", "0.4545")  # 35 / 77 = 0.454545...
    sheet = load_workbook(io.BytesIO(client.get("/comparison.xlsx?kind=all").data))["comparison"]
    header = [cell.value for cell in sheet[1]]
    cells = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells[second.code]["caseload_per_specialist"] == 19.25


def test_specialists_per_supervisor_beside_the_caseload(client: Any, dataset: dict[str, Any]) -> None:
    """The last full quarter's specialists per full-time supervisor, judged as the outcomes page judges it: 4.5
    specialists to 0.4 supervisor is 11.25, above the model's 10; 3 specialists with no supervisor say so; the first
    unit's quarter was counted before the supervisors were kept."""
    first, second, third = dataset["units"]
    outcome(second, LAST, served=40, in_competitive_work=20, specialist_fte=4.5, supervisor_fte=0.4)
    outcome(third, LAST, served=30, in_competitive_work=15, specialist_fte=3.0, supervisor_fte=0.0)
    login(client, dataset["manager"].email)
    page = client.get("/comparison?kind=all").get_data(as_text=True)
    start = page.index('id="monitoring-title"')
    monitoring = " ".join(page[start : page.index("</table>", start)].split())
    assert f"Specialists per full-time supervisor, {LAST} (model: 10 at most)" in monitoring
    # Each row's last cell, by the row's heading.
    last_cell = {
        row.split("</th>")[0]: row.split("<td")[-1].strip() for row in monitoring.split('<th scope="row">')[1:]
    }
    above = 'class="num">11.3 <strong class="over"><span aria-hidden="true">⚠</span> above 10</strong></td>'
    assert last_cell[second.name].startswith(above)
    assert "no supervisor recorded</strong></td>" in last_cell[third.name]
    assert last_cell[first.name].startswith('class="num"><span class="none">–</span></td>')
    # The area's row gives none: ratios do not add up across units, as caseloads do not.
    assert last_cell["All 3 units"].startswith('class="num"><span class="none">–</span></td>')
    rows = rows_of(client.get("/comparison.csv?kind=all").get_data(as_text=True))
    staffing = ["specialist_fte", "supervisor_fte", "caseload_per_specialist", "specialists_per_supervisor"]
    columns = list(rows[first.code])
    assert columns[columns.index("specialist_fte") :][:4] == staffing
    assert [rows[second.code][name] for name in staffing] == ["4.5", "0.4", "8.89", "11.25"]
    assert [rows[third.code][name] for name in staffing] == ["3.0", "0.0", "10.0", ""]  # no supervisor: 0
    assert [rows[first.code][name] for name in staffing] == ["2.0", "", "10.0", ""]
    sheet = load_workbook(io.BytesIO(client.get("/comparison.xlsx?kind=all").data))["comparison"]
    header = [cell.value for cell in sheet[1]]
    cells_of = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert (
        cells_of[second.code]["specialists_per_supervisor"] == 11.25 and cells_of[second.code]["supervisor_fte"] == 0.4
    )


def test_the_workbook_has_a_key_to_every_column_in_the_reader_s_language(
    client: Any, dataset: dict[str, Any], registry: Any
) -> None:
    login(client, dataset["manager"].email)
    english = load_workbook(io.BytesIO(client.get("/comparison.xlsx?kind=all").data))
    assert english.sheetnames == ["comparison", "Key"]
    rows = list(english["Key"].iter_rows(values_only=True))
    # A line for every column of the first sheet, in the same order, each with a label and a definition.
    assert rows[0] == ("column", "figure", "definition")
    assert [column for column, _label, _text in rows[1:]] == [cell.value for cell in english["comparison"][1]]
    assert all(label and text for _column, label, text in rows[1:])
    key = {column: (label, text) for column, label, text in rows[1:]}
    # Items and principles by their titles; the monitoring figures as the outcomes' workbook gives them, and the
    # columns over time by their kind, whichever half-year or quarter they name.
    assert key["item_O6"][0] == "Zero exclusion criteria" and key["principle_zero-exclusion"][0] == "2. Zero exclusion"
    assert key["caseload_per_specialist"][1].startswith("People served divided by the work/study specialists'")
    assert "zero-exclusion principle forbids" in key["screened_out_4q"][1]
    assert "1 to 9 people" in key["few_served"][1] and "12 months after one at good" in key["next_review_due"][1]
    over_time = [column for column in key if column.startswith("employment_rate_")]
    assert len(over_time) == 8 and {key[column][0] for column in over_time} == {"Employment rate in the quarter"}
    halves = [column for column in key if re.fullmatch(r"total_\d{4}H[12]", column)]
    assert halves and {key[column][0] for column in halves} == {"Total in the half-year"}
    swedish = load_workbook(io.BytesIO(client.get("/comparison.xlsx?kind=all", headers={"Accept-Language": "sv"}).data))
    assert swedish.sheetnames == ["jämförelse", "Nyckel"]
    rows = list(swedish["Nyckel"].iter_rows(values_only=True))
    assert rows[0] == ("kolumn", "mått", "definition")
    assert [column for column, _label, _text in rows[1:]] == [cell.value for cell in swedish["jämförelse"][1]]
    key = {column: (label, text) for column, label, text in rows[1:]}
    assert key["punkt_O6"][0] == registry.text("sv").get("ips-25").item("O6").title == "Inga uteslutningskriterier"
    principle = registry.text("sv").principles.get("zero-exclusion")
    assert key["princip_zero-exclusion"][0] == f"2. {principle.title}" != "2. Zero exclusion"
    assert key["deltagare_per_specialist"][0] == "Deltagare per specialist"
    # A label the page breaks with a soft hyphen is whole in a cell.
    assert key["i_arbete_öppna_marknaden"][0] == "I arbete på öppna arbetsmarknaden"
    # The CSV stays one table.
    assert client.get("/comparison.csv?kind=all").get_data(as_text=True).count("Zero exclusion") == 0


def test_an_employment_rate_below_the_minimum_benchmark_is_marked(client: Any, dataset: dict[str, Any]) -> None:
    """31 % is the benchmarks' minimum, compared in whole per cent as the charts shade it: 30.6 % rounds to 31 and
    is not marked; 30.4 % is."""
    _first, second, third = dataset["units"]
    outcome(second, LAST, served=500, in_competitive_work=152)  # 30.4 %
    outcome(third, LAST, served=500, in_competitive_work=153)  # 30.6 %
    login(client, dataset["manager"].email)
    page = client.get("/comparison?kind=all").get_data(as_text=True)
    monitoring = " ".join(page[page.index('id="monitoring-title"') : page.index("<tfoot")].split())  # the units
    assert monitoring.count("below 31%") == 1
    below = '30% <span class="count">(152 of 500)</span> <strong class="over"><span aria-hidden="true">⚠</span> below'
    assert below in monitoring
    assert '<td class="num">31% <span class="count">(153 of 500)</span></td>' in monitoring
    # The rates over time are shaded by the same rule: 30.6 % at the minimum, 30.4 % below it; each over its count.
    over_time = " ".join(page[page.index('id="employment-title"') : page.index('id="waiting-title"')].split())
    assert over_time.count('<td class="num rate-minimum">31%<span class="count">153 of 500</span></td>') == 1
    assert over_time.count('<td class="num rate-below">30%<span class="count">152 of 500</span></td>') == 1


def test_a_rate_among_few_people_served_is_marked_few_and_not_below_the_minimum(
    client: Any, dataset: dict[str, Any]
) -> None:
    _first, second, third = dataset["units"]
    outcome(second, LAST, served=9, in_competitive_work=0)  # 0 of 9: one person would make it 11 %
    outcome(third, LAST, served=10, in_competitive_work=0)
    db.session.commit()
    login(client, dataset["manager"].email)
    page = client.get("/comparison?kind=all").get_data(as_text=True)
    monitoring = " ".join(page[page.index('id="monitoring-title"') : page.index("<tfoot")].split())  # the units
    assert monitoring.count("below 31%") == 1  # 0 of 10 only
    assert '0% <span class="count">(0 of 9)</span> <span class="few"' in monitoring
    assert "Only 9 people served: one person moves the rate by 11 points" in monitoring
    over_time = " ".join(page[page.index('id="employment-title"') : page.index('id="waiting-title"')].split())
    assert over_time.count('<td class="num rate-few">0%<span class="count">0 of 9</span><span class="few"') == 1
    assert over_time.count('<td class="num rate-below">0%<span class="count">0 of 10</span></td>') == 1
    assert "“few”: too few people to set against the benchmarks. With fewer than 10 served" in over_time
    # The export gives the counts for the reader to weigh.
    row = rows_of(client.get("/comparison.csv?kind=all").get_data(as_text=True))[second.code]
    assert (row["served"], row["in_competitive_work"], row[served_column(LAST)], row[rate_column(LAST)]) == (
        "9", "0", "9", "0.0")  # fmt: skip
    # The scatter draws the unit's point hollow, and says what a hollow point is.
    chart = client.get("/comparison/chart.svg?kind=all").get_data(as_text=True)
    assert "Hollow: fewer than 10 people served" in chart
    # Without such a rate on the page, the note is not given.
    db.session.execute(QuarterlyOutcome.__table__.update().values(served=10))
    db.session.commit()
    page = client.get("/comparison?kind=all").get_data(as_text=True)
    assert "“few”: too few people" not in page and "Under each rate: the people in work of those served." in page


def test_the_page_says_which_units_the_chart_leaves_out_and_why(client: Any, dataset: dict[str, Any]) -> None:
    first, second, third = dataset["units"]
    login(client, dataset["manager"].email)
    page = " ".join(client.get("/comparison?kind=all").get_data(as_text=True).split())
    scatter = page[page.index('id="scatter-title"') :]
    assert (
        f'{second.name} <span class="code">{second.code}</span></span> (nobody served in {LAST}, or no figures for it)'
        in scatter
    )
    assert f'{third.name} <span class="code">{third.code}</span></span> (no review of this kind in the period).' in (
        scatter
    )
    assert first.name not in scatter  # in the chart
    # The heading says what is compared, for the page printed: all the user's areas, or the one chosen.
    assert "<h1>Compare units: All my areas</h1>" in page
    area = first.area
    chosen = client.get(f"/comparison?kind=all&area={area.code}").get_data(as_text=True)
    assert f"<h1>Compare units: {area.name}</h1>" in chosen and f"<title>Compare units · {area.name}" in chosen
    # "E marks an external review" only where an external review is marked: not among self-assessments alone.
    assert "E marks an external review" in page
    page = client.get("/comparison?kind=all&first_year=2020&last_year=" + str(TODAY.year - 1)).get_data(as_text=True)
    assert "E marks an external review" not in page


def test_referrals_screened_out_and_the_longest_wait_side_by_side(client: Any, dataset: dict[str, Any]) -> None:
    first, second, third = dataset["units"]
    # The first unit screened out 2 of 8 referrals over the last four full quarters; the second none of 5; the
    # third has no figures. 7 wait now in the first, the longest for 95 days.
    outcome(first, LAST.previous(), referred=3, screened_out=1)
    db.session.execute(
        QuarterlyOutcome.__table__.update()
        .where(QuarterlyOutcome.unit_id == first.id, QuarterlyOutcome.year == LAST.year,
               QuarterlyOutcome.quarter == LAST.number)
        .values(referred=5, screened_out=1)
    )  # fmt: skip
    db.session.execute(
        QuarterlyOutcome.__table__.update()
        .where(QuarterlyOutcome.unit_id == first.id, QuarterlyOutcome.year == TODAY.year,
               QuarterlyOutcome.quarter == Quarter.of(TODAY).number)
        .values(longest_wait_at_end=95, referred=4, screened_out=4)  # the current quarter: not counted yet
    )  # fmt: skip
    outcome(second, LAST, referred=5, screened_out=0)
    db.session.execute(
        QuarterlyOutcome.__table__.update()
        .where(QuarterlyOutcome.unit_id == second.id)
        .values(definitions_version=DEFINITIONS_VERSION, not_accepted=0, gave_up=0)  # gave up counted: none
    )  # fmt: skip
    db.session.commit()
    login(client, dataset["manager"].email)
    page = client.get("/comparison?kind=all").get_data(as_text=True)
    monitoring = " ".join(page[page.index('id="monitoring-title"') : page.index("<tfoot")].split())  # the units
    first_quarter = LAST.previous().previous().previous()
    assert f"Screened out against zero exclusion, {first_quarter} to {LAST}" in monitoring  # split() took the nbsp
    breach = '<span class="visually-hidden">Breach of zero exclusion:</span> 2 of 8 <span class="rate">(25%)</span>'
    assert breach + "</strong>" in monitoring
    # None screened out is written as a count of the whole with its share too, as the gave-up cell beside it is.
    none_of_five = '<td class="num">0 of 5 <span class="rate">(0%)</span></td>'
    assert monitoring.count('class="breach"') == 1 and f"{none_of_five} {none_of_five}" in monitoring
    assert '<td class="num">7</td> <td class="num">95</td>' in monitoring
    # The area's units added up, under them: 2 of 13 screened out, the longest wait of them all.
    totals = " ".join(page[page.index("<tfoot") : page.index("</tfoot>")].split())
    assert '<th scope="row">All 3 units</th>' in totals and '<td class="num">95</td>' in totals
    assert 'Breach of zero exclusion:</span> 2 of 13 <span class="rate">(15%)</span>' in totals
    rows = rows_of(client.get("/comparison.csv?kind=all").get_data(as_text=True))
    one, two, three = rows[first.code], rows[second.code], rows[third.code]
    assert (one["referrals_4q"], one["screened_out_4q"], one["screened_out_share_4q"]) == ("8", "2", "0.25")
    assert (one["longest_wait_days"], two["screened_out_share_4q"], three["referrals_4q"]) == ("95", "0.0", "")
    assert one["screening_quarters"] == f"{first_quarter}-{LAST}"
    sheet = load_workbook(io.BytesIO(client.get("/comparison.xlsx?kind=all").data))["comparison"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, header.index("screened_out_share_4q") + 1).number_format == "0.0%"


def test_who_may_compare(client: Any, dataset: dict[str, Any]) -> None:
    login(client, dataset["frontline"].email)
    assert client.get("/comparison").status_code == 403
    client.post("/logout", data={"csrf_token": _token(client)})
    login(client, dataset["manager"].email)
    assert client.get(f"/comparison?area={dataset['elsewhere'].area.code}").status_code == 400  # not their area
    # The exports and the chart refuse it too, saying why, and hold nothing of the other area.
    for export in ("/comparison.csv", "/comparison.xlsx", "/comparison/chart.svg"):
        refused = client.get(f"{export}?area={dataset['elsewhere'].area.code}")
        assert refused.status_code == 400 and refused.mimetype == "text/plain"
        assert refused.get_data(as_text=True) == "The comparison cannot be made: Area: Not a valid choice."
    # A period that starts after this year has no reviews to show: it is refused, saying so.
    future = client.get(f"/comparison?first_year={TODAY.year + 1}")
    assert future.status_code == 400
    assert f"The period cannot start after this year: there are no reviews in {TODAY.year + 1} yet." in future.get_data(
        as_text=True
    )
    # Years the wrong way round are refused, saying so, rather than turned round unseen.
    reversed_years = client.get("/comparison?first_year=2026&last_year=2024")
    assert reversed_years.status_code == 400
    assert "The last year comes before the first: 2024 is before 2026." in reversed_years.get_data(as_text=True)
    assert client.get("/comparison.csv?first_year=2026&last_year=2024").get_data(as_text=True) == (
        "The comparison cannot be made: To year: The last year comes before the first: 2024 is before 2026."
    )
    assert client.get("/comparison?first_year=2024&last_year=2024").status_code == 200
    # A year that is no number gets one error that says so, not a second about its range.
    assert client.get("/comparison.csv?first_year=abc").get_data(as_text=True) == (
        "The comparison cannot be made: From year: Not a valid integer value."
    )
    assert "between 1990 and 2100" in client.get("/comparison.csv?first_year=1900").get_data(as_text=True)


def _token(client: Any) -> str:
    from tests.test_web import csrf_token

    return csrf_token(client, "/login")


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_page_costs_the_same_queries_for_3_units_and_for_30(
    app: Flask, client: Any, session: Any, registry: Any
) -> None:
    keys = registry.get("ips-25").item_keys
    area = factories.area()
    manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id)

    def add_units(count: int) -> None:
        for number in range(count):
            unit = factories.unit(area)
            factories.self_assessment(unit, manager, dict.fromkeys(keys, 3 + number % 3), TODAY - timedelta(days=40))
            outcome(unit, LAST, served=10, in_competitive_work=4)
            factories.action(unit, manager, TODAY - timedelta(days=5))

    login(client, manager.email)
    add_units(3)
    with counted(app) as three:
        assert client.get("/comparison?kind=all").status_code == 200
    add_units(27)
    with counted(app) as thirty:
        page = client.get("/comparison?kind=all").get_data(as_text=True)
    assert "30 units have a review overdue or never made, or actions overdue" in page
    assert page.count('#action-plan">1</a></td></tr>') == 30
    assert len(three) == len(thirty), "\n".join(thirty)


def test_a_correction_replaces_the_review_it_corrects(client: Any, session: Any, registry: Any) -> None:
    keys = registry.get("ips-25").item_keys
    area = factories.area()
    unit = factories.unit(area)
    manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id)
    wrong = factories.self_assessment(unit, manager, dict.fromkeys(keys, 5), TODAY - timedelta(days=20))
    right = factories.self_assessment(unit, manager, dict.fromkeys(keys, 3), wrong.review_date)
    right.corrects_id = wrong.id
    # A correction of the correction begun but not submitted replaces nothing yet.
    factories.draft_self_assessment(unit, manager, wrong.review_date).corrects_id = right.id
    db.session.commit()
    login(client, manager.email)
    row = rows_of(client.get("/comparison.csv?kind=all").get_data(as_text=True))[unit.code]
    assert (row["total"], row["item_S1"], row["review_date"]) == ("75", "3", right.review_date.isoformat())
    page = client.get("/comparison?kind=all").get_data(as_text=True)
    totals = page[page.index('id="totals-title"') :]
    assert ">75<" in totals and ">125<" not in totals


def test_a_unit_that_does_not_offer_what_the_scale_measures_is_left_out(
    client: Any, session: Any, registry: Any
) -> None:
    """On the SEd scale, a unit that offers IPS alone is no unit without a review: it is not compared, and the page
    says how many were left out."""
    area = factories.area()
    ips_only, both = factories.unit(area), factories.unit(area, sed=True)
    manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id)
    factories.self_assessment(both, manager, dict.fromkeys(registry.get("sed").item_keys, 4), TODAY - timedelta(days=9))
    login(client, manager.email)
    page = " ".join(client.get("/comparison?scale=sed").get_data(as_text=True).split())
    assert "1 unit that does not offer what this scale measures is left out." in page
    assert both.name in page and ips_only.name not in page
    assert set(rows_of(client.get("/comparison.csv?scale=sed").get_data(as_text=True))) == {both.code}
    # On the IPS scale both are compared, and nothing is said to be left out.
    ips = client.get("/comparison?scale=ips-25").get_data(as_text=True)
    assert ips_only.name in ips and both.name in ips and "left out" not in ips


def test_the_sed_scale_sets_its_units_against_education_not_work(client: Any, session: Any, registry: Any) -> None:
    area = factories.area()
    unit = factories.unit(area, sed=True)
    manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id)
    factories.self_assessment(unit, manager, dict.fromkeys(registry.get("sed").item_keys, 4), TODAY - timedelta(days=9))
    # 10 served in the last full quarter: 2 in competitive work, 6 in education.
    outcome(unit, LAST, served=10, in_competitive_work=2, in_education=6)
    login(client, manager.email)
    page = " ".join(client.get("/comparison?scale=sed").get_data(as_text=True).split())
    over_time = page[page.index('id="employment-title"') : page.index('id="waiting-title"')]
    assert "Education rate over time" in over_time and "Employment rate over time" not in over_time
    # No employment benchmark's shade; the count under the rate.
    assert '<td class="num">60%<span class="count">6 of 10</span></td>' in over_time and "rate-" not in over_time
    assert "Fidelity and education" in page and "Fidelity and employment" not in page
    # The employment rate of 20% stands in the table of waiting and outcomes, not set against the employment
    # benchmarks; on the IPS scale the same unit's is.
    assert '20% <span class="count">(2 of 10)</span></td>' in page and "below 31%" not in page
    assert "below 31%" in client.get("/comparison?scale=ips-25").get_data(as_text=True)
    assert '<p class="meta">1 unit · ' in page  # one, said as one
    swedish_page = client.get("/comparison?scale=sed", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert '<p class="meta">1 enhet · ' in swedish_page
    chart = client.get("/comparison/chart.svg?scale=sed").data
    assert b"Fidelity against education" in chart and b"Education rate, last full quarter" in chart
    assert b"Minimum" not in chart  # the employment benchmarks are not drawn
    row = rows_of(client.get("/comparison.csv?scale=sed").get_data(as_text=True))[unit.code]
    assert row[rate_column(LAST, "education")] == "0.6" and rate_column(LAST) not in row
    assert (row["employment_rate"], row["education_rate"]) == ("0.2", "0.6")  # both, as for any scale
    swedish = client.get("/comparison.csv?scale=sed", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(swedish.lstrip("\ufeff")), delimiter=";"))
    label = f"{LAST.year}Q{LAST.number}"  # the quarter as the English names write it
    assert (row[f"andel_i_studier_{label}"], row[f"i_stöd_{label}"]) == ("0,6", "10")
    # The IPS scale goes on setting the same unit against work.
    ips = client.get("/comparison/chart.svg?scale=ips-25").data
    assert b"Fidelity against employment" in ips and b"Minimum" in ips
    # An education rate among few people is marked few, but not said to be kept from benchmarks it has none of.
    db.session.execute(QuarterlyOutcome.__table__.update().values(served=5, in_education=3))
    db.session.commit()
    page = " ".join(client.get("/comparison?scale=sed").get_data(as_text=True).split())
    over_time = page[page.index('id="employment-title"') : page.index('id="waiting-title"')]
    assert 'aria-label="Only 5 people served: one person moves the rate by 20 points."' in over_time
    assert "so it is not set against the benchmarks" not in over_time


def test_figures_not_counted_today_are_counted_again_before_the_comparison_reads_them(client: Any) -> None:
    """A unit's kept figures change with the days alone: the wait of someone still waiting grows, a quarter ends. The
    comparison counts again those of a unit not counted today, and only those, before it shows them."""
    area = factories.area()
    unit = factories.unit(area)
    factories.journey(unit, TODAY - timedelta(days=10))  # still waiting
    refresh_outcomes(unit, TODAY)
    db.session.commit()
    row = db.session.scalars(
        select(QuarterlyOutcome).where(
            QuarterlyOutcome.unit_id == unit.id, QuarterlyOutcome.year == Quarter.of(TODAY).year,
            QuarterlyOutcome.quarter == Quarter.of(TODAY).number,
        )
    ).one()  # fmt: skip
    assert row.longest_wait_at_end == 10
    # As counted yesterday, when the person had waited a day less.
    row.longest_wait_at_end, row.computed_at = 9, clock.start_of(TODAY) - timedelta(minutes=1)
    db.session.commit()
    assert counted_before([unit.id], TODAY) == [unit.id]

    login(client, factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id).email)
    exported = rows_of(client.get("/comparison.csv?scale=ips-25&kind=all").get_data(as_text=True))
    assert exported[unit.code]["longest_wait_days"] == "10"
    row = db.session.get_one(QuarterlyOutcome, row.id, populate_existing=True)
    assert (row.longest_wait_at_end, counted_before([unit.id], TODAY)) == (10, [])
    counted = row.computed_at
    assert client.get("/comparison?scale=ips-25&kind=all").status_code == 200
    assert db.session.get_one(QuarterlyOutcome, row.id, populate_existing=True).computed_at == counted


def test_only_units_with_journeys_not_counted_today_are_counted_again(session: Any) -> None:
    counted_today, counted_yesterday, without_journeys = factories.unit(), factories.unit(), factories.unit()
    for unit in (counted_today, counted_yesterday):
        factories.journey(unit, TODAY - timedelta(days=40), enrolment_date=TODAY - timedelta(days=30))
        refresh_outcomes(unit, TODAY)
    db.session.execute(
        update(QuarterlyOutcome)
        .where(QuarterlyOutcome.unit_id == counted_yesterday.id)
        .values(computed_at=clock.start_of(TODAY) - timedelta(seconds=1))
    )
    ids = [counted_today.id, counted_yesterday.id, without_journeys.id]
    assert counted_before(ids, TODAY) == [counted_yesterday.id]
    bring_up_to_date(ids, TODAY)
    assert counted_before(ids, TODAY) == []


def test_the_half_years_are_named_in_the_reader_s_language(client: Any, dataset: dict[str, Any]) -> None:
    login(client, dataset["manager"].email)
    this = half_year(TODAY).replace(" ", "\u00a0")
    english = client.get("/comparison?kind=all").get_data(as_text=True)
    swedish = client.get("/comparison?kind=all", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert f'<th scope="col" class="num">{this}</th>' in english
    halvår = this.replace("H", "halvår\u00a0")
    assert f'<th scope="col" class="num">{halvår}</th>' in swedish
    exported = client.get("/comparison.csv?kind=all", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    header = exported.lstrip("\ufeff").splitlines()[0].split(";")  # semicolons, as Swedish Excel takes a CSV file
    # The export's columns keep the half-year as the English names write it.
    assert f"totalpoäng_{half_year(TODAY).replace(' ', '')}" in header
    first = dataset["units"][0]
    row = next(line for line in csv.DictReader(io.StringIO(exported.lstrip("\ufeff")), delimiter=";")
               if line["enhet"] == first.code)  # fmt: skip
    assert (row["andel_i_arbete"], row["deltagare_per_specialist"]) == ("0,45", "10,0")  # decimal commas


def test_a_swedish_reader_s_exports_name_the_columns_in_swedish(
    client: Any, dataset: dict[str, Any], registry: Any
) -> None:
    login(client, dataset["manager"].email)
    sv = {"Accept-Language": "sv"}
    english = pd.read_csv(io.BytesIO(client.get("/comparison.csv?kind=all", headers={"Accept-Language": "en"}).data))
    text = client.get("/comparison.csv?kind=all", headers=sv).get_data(as_text=True).lstrip("\ufeff")
    # True and false as a Swedish reader writes them, ja and nej; read back, the same values as in English.
    assert ";nej;" in text or ";nej\n" in text
    swedish = pd.read_csv(io.StringIO(text), sep=";", decimal=",", true_values=["ja"], false_values=["nej"])
    keys = registry.get("ips-25").item_keys
    principles = [principle.key for principle in registry.principles.principles]
    halves = [name.removeprefix("total_") for name in english.columns if re.fullmatch(r"total_\d{4}H[12]", name)]
    quarters = [f"{quarter.year}Q{quarter.number}" for quarter in rate_quarters(TODAY)]
    # English as before, as other tools read it.
    assert list(english.columns) == [
        "unit", "name", "area", "review_date", "review_kind", "total", "band", *(f"item_{key}" for key in keys),
        *(f"principle_{key}" for key in principles), "waiting", "median_days_to_enrolment", "longest_wait_days",
        "waiting_quarter", "referrals_4q", "screened_out_4q", "screened_out_share_4q", "not_refused_4q", "gave_up_4q",
        "gave_up_share_4q", "screening_quarters", "served", "in_competitive_work", "employment_rate", "in_education",
        "education_rate", "specialist_fte", "supervisor_fte", "caseload_per_specialist", "specialists_per_supervisor",
        "rates_quarter", "few_served", "next_review_due",
        "review_overdue", "never_reviewed", "overdue_actions",
        *(name for half in halves for name in (f"total_{half}", f"total_{half}_kind")),
        *(name for quarter in quarters for name in (f"served_{quarter}", f"employment_rate_{quarter}")),
        *(name for quarter in quarters for name in (f"waiting_{quarter}", f"longest_wait_days_{quarter}")),
    ]  # fmt: skip
    assert list(swedish.columns) == [
        "enhet", "namn", "område", "bedömningsdatum", "bedömningsslag", "totalpoäng", "nivå",
        *(f"punkt_{key}" for key in keys), *(f"princip_{key}" for key in principles), "väntar",
        "mediantal_dagar_till_inskrivning", "längsta_väntan_dagar", "kvartal_väntan", "remisser_4kv",
        "bortsållade_4kv", "andel_bortsållade_4kv", "ej_avvisade_4kv", "gav_upp_4kv", "andel_gav_upp_4kv",
        "kvartal_remisser", "i_stöd", "i_arbete_öppna_marknaden", "andel_i_arbete", "i_studier", "andel_i_studier",
        "specialister_årsarbetare", "ips_ledare_årsarbetare", "deltagare_per_specialist",
        "specialister_per_ips_ledare", "kvartal_andelar", "få_i_stöd", "nästa_bedömning_senast", "bedömning_försenad",
        "aldrig_bedömd", "försenade_åtgärder",
        *(name for half in halves for name in (f"totalpoäng_{half}", f"totalpoäng_{half}_slag")),
        *(name for quarter in quarters for name in (f"i_stöd_{quarter}", f"andel_i_arbete_{quarter}")),
        *(name for quarter in quarters for name in (f"väntande_{quarter}", f"längsta_väntan_dagar_{quarter}")),
    ]  # fmt: skip
    assert len(halves) >= 5 and "punkt_O6" in swedish and "princip_zero-exclusion" in swedish
    # The same values under the Swedish names.
    pd.testing.assert_frame_equal(swedish.set_axis(english.columns, axis=1), english)
    first = swedish.set_index("enhet").loc[dataset["units"][0].code]
    assert (first["totalpoäng"], first["punkt_O6"], first["andel_i_arbete"], first["i_stöd"]) == (97, 2, 0.45, 20)
    assert first[f"andel_i_arbete_{quarters[-1]}"] == 0.45 and first["bedömningsslag"] == "external"
    # The last full quarter's waiting list: its figures kept nobody waiting, so no longest wait.
    assert first[f"väntande_{quarters[-1]}"] == 0 and pd.isna(first[f"längsta_väntan_dagar_{quarters[-1]}"])

    workbook = client.get("/comparison.xlsx?kind=all", headers=sv).data
    excel = pd.read_excel(io.BytesIO(workbook), sheet_name="jämförelse")  # the sheet named in Swedish too
    english_excel = pd.read_excel(io.BytesIO(client.get("/comparison.xlsx?kind=all").data), sheet_name="comparison")
    assert list(excel.columns) == list(swedish.columns) and list(english_excel.columns) == list(english.columns)
    pd.testing.assert_frame_equal(excel.set_axis(english_excel.columns, axis=1), english_excel)
    # Rates still percentages and dates dates, under their Swedish names.
    sheet = load_workbook(io.BytesIO(workbook))["jämförelse"]
    header = [cell.value for cell in sheet[1]]
    row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == dataset["units"][0].code)
    typed = dict(zip(header, row, strict=True))
    percent = ["andel_i_arbete", "andel_i_studier", f"andel_i_arbete_{quarters[-1]}", "andel_bortsållade_4kv",
               "andel_gav_upp_4kv"]  # fmt: skip
    assert {typed[name].number_format for name in percent} == {"0.0%"}
    assert typed["bedömningsdatum"].number_format == "YYYY-MM-DD" and typed["i_stöd"].number_format == "General"
    assert isinstance(typed["bedömningsdatum"].value, datetime) and sheet.freeze_panes == "D2"


def test_the_waiting_lists_over_time_side_by_side(client: Any, dataset: dict[str, Any]) -> None:
    """Each unit's waiting list at the end of each of the eight full quarters, from the kept figures."""
    first, second, _third = dataset["units"]
    before = LAST.previous()
    outcome(first, before, served=18, waiting_at_end=6, longest_wait_at_end=75)
    outcome(second, LAST, served=5, waiting_at_end=1, longest_wait_at_end=1)
    db.session.commit()
    login(client, dataset["manager"].email)
    page = " ".join(client.get("/comparison?kind=all").get_data(as_text=True).split())
    waits = page[page.index('id="waiting-title"') : page.index('id="monitoring-title"')]
    rows = waits.split('<th scope="row">')
    first_row = next(row for row in rows if row.startswith(first.name))
    # Six quarters without figures, then 6 waiting (longest 75 days), then 0 (nobody waiting: no longest wait).
    cells = first_row.split("</th>", 1)[1]
    assert cells.count('<td class="num">·</td>') == 6
    assert '<td class="num">6<span class="count">longest 75 days</span></td><td class="num">0</td>' in cells
    second_row = next(row for row in rows if row.startswith(second.name))
    assert '<td class="num">1<span class="count">longest 1 day</span></td>' in second_row


def test_the_page_marks_a_unit_that_fell_a_band_since_its_review_before(
    client: Any, dataset: dict[str, Any], registry: Any
) -> None:
    """Drift: each unit's latest total is set against the one before it, in points; a fall into a lower band is said
    in words and marked in the totals over time."""
    first, second, _third = dataset["units"]
    keys = registry.get("ips-25").item_keys
    # The second unit's 121 (exemplary) a year and a half ago, now 100: good.
    factories.self_assessment(second, dataset["manager"], dict.fromkeys(keys, 4), TODAY - timedelta(days=20))
    login(client, dataset["manager"].email)
    page = " ".join(client.get("/comparison?kind=all").get_data(as_text=True).split())
    items = page[page.index('id="items-title"') : page.index('id="principles-title"')]
    earlier = half_year(TODAY - timedelta(days=548))
    row = items[items.index(second.name) :]
    fell = '<strong class="over"><span aria-hidden="true">▼</span> down a band</strong>'
    assert f'<span class="drift">-21 since {earlier}</span>{fell}' in row
    # The first unit's latest, an external review, has no external review before it: its self-assessment two years
    # ago is another instrument, not a total to set it against.
    first_row = items[items.index(first.name) : items.index(second.name)]
    assert 'class="drift"' not in first_row and "down a band" not in first_row
    totals = page[page.index('id="totals-title"') : page.index('id="employment-title"')]
    assert totals.count('<span class="fell"') == 1 and "▼ marks a total in a lower band" in totals


def test_the_totals_row_names_two_units_both(client: Any, session: Any) -> None:
    """Under one unit there is no totals row; two are both units, in either language; more are all of them."""
    for units, english, swedish in ((2, "Both units", "Båda enheterna"), (4, "All 4 units", "Alla 4 enheter")):
        area = factories.area()
        for _n in range(units):
            factories.unit(area)
        login(client, factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id).email)
        for language, words in (("en", english), ("sv", swedish)):
            page = client.get("/comparison?kind=all", headers={"Accept-Language": language}).get_data(as_text=True)
            assert f'<tfoot><tr class="totals"><th scope="row">{words}</th>' in page


def test_a_long_unit_name_keeps_to_its_column_in_the_workbook(client: Any, session: Any) -> None:
    """A unit's name of 90 characters: its column keeps the widest width, on one line, as every data column does;
    only the key's definitions are wrapped."""
    area = factories.area()
    long = factories.unit(area)
    db.session.execute(update(Unit).where(Unit.id == long.id).values(name="Supported employment " * 4 + "of the north"))
    db.session.commit()
    login(client, factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id).email)
    workbook = load_workbook(io.BytesIO(client.get("/comparison.xlsx?kind=all").data))
    sheet = workbook["comparison"]
    assert len(sheet["B2"].value) > 80 and sheet.column_dimensions["B"].width == 40
    assert not any(cell.alignment.wrap_text for row in sheet.iter_rows() for cell in row)
    key = workbook["Key"]
    assert key.column_dimensions["C"].width == 90 and key["C2"].alignment.wrap_text
