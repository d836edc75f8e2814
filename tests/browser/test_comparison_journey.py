"""A second-tier manager compares the units of their area in a real browser, in English and in Swedish: filters by
review kind, reads the tables, and downloads the comparison as CSV and Excel; every page passes axe-core."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from fidelity.demo import DEMO_DOMAIN, UNITS
from tests.browser.conftest import Accessibility, Language, LiveServer
from tests.browser.test_accessibility import log_in_by_keyboard

NORTH = sorted(unit.code for unit in UNITS if unit.area == "NORTH")


def test_a_second_tier_manager_compares_and_exports(
    demo_server: LiveServer, browser: Any, accessibility: Accessibility, tmp_path: Path, language: Language
) -> None:
    context = language.context(browser, viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    log_in_by_keyboard(page, demo_server, f"north.manager@{DEMO_DOMAIN}")
    page.click("header a[href='/comparison']")
    page.wait_for_selector("#items-title")
    assert page.get_attribute("html", "lang") == language.code
    assert page.inner_text("#items-title") == language("Latest review, item by item")
    accessibility.check(page)
    # Only the units of the manager's own area, each with the kind of its latest review marked.
    rows = page.locator("section[aria-labelledby='items-title'] tbody tr")
    assert rows.count() == len(NORTH)
    assert page.locator("section[aria-labelledby='items-title'] .kind-external").count() >= 1

    page.select_option("#kind", "self_assessment")
    page.click("#compare")
    page.wait_for_url("**kind=self_assessment**")
    accessibility.check(page)
    assert page.locator("section[aria-labelledby='items-title'] .kind-external").count() == 0
    page.screenshot(path=str(tmp_path / "comparison.png"), full_page=True)

    with page.expect_download() as csv_download:
        page.click("#download-csv")
    # Semicolons and the columns' Swedish names in Swedish, as Swedish Excel opens a CSV file; commas in English.
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(text), delimiter=";" if language.code == "sv" else ","))
    unit, kind = ("enhet", "bedömningsslag") if language.code == "sv" else ("unit", "review_kind")
    assert sorted(line[unit] for line in lines) == NORTH
    assert {line[kind] for line in lines} <= {"self_assessment", ""}
    with page.expect_download() as xlsx_download:
        page.click("#download-xlsx")
    sheet_name = "jämförelse" if language.code == "sv" else "comparison"  # the sheet named in the reader's language
    sheet = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))[sheet_name]
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == NORTH
    context.close()
