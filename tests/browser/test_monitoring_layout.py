"""A frontline manager's monitoring pages in a real browser, laid out as people read them: a journey's jobs under
their column headers, codes and dates on one line in the journey list, every count with its rate on one line on the
outcomes page in English and Swedish; every page passes axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import func, select

from fidelity.demo import DEMO_DOMAIN
from fidelity.extensions import db
from fidelity.models import JobSpell, Journey, Unit
from tests.browser.conftest import Accessibility, Language, LiveServer
from tests.browser.test_accessibility import log_in_by_keyboard

# How many lines an element's text takes on the screen.
LINES = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
}"""


def journey_with_jobs(server: LiveServer, unit_code: str) -> tuple[int, str]:
    """The id and code of the unit's first journey with two jobs or more."""
    with server.app.app_context():
        found = db.session.execute(
            select(Journey.id, Journey.code)
            .join(Unit, Unit.id == Journey.unit_id)
            .join(JobSpell, JobSpell.journey_id == Journey.id)
            .where(Unit.code == unit_code)
            .group_by(Journey.id)
            .having(func.count(JobSpell.id) >= 2)
            .order_by(Journey.id)
            .limit(1)
        ).one()
        return found.id, found.code


def test_monitoring_pages_line_up_and_keep_figures_whole(
    demo_server: LiveServer, browser: Any, accessibility: Accessibility
) -> None:
    journey_id, code = journey_with_jobs(demo_server, "NRV-02")
    for language in (Language("en"), Language("sv")):
        page = language.context(browser, viewport={"width": 1366, "height": 900}).new_page()
        log_in_by_keyboard(page, demo_server, f"nrv-02@{DEMO_DOMAIN}")

        # Each field of a job sits under its column's header.
        page.goto(f"{demo_server.url}/units/NRV-02/journeys/{journey_id}")
        accessibility.check(page)
        table = page.locator("table.spells").first
        headers = [box(cell) for cell in table.locator("thead th").all()][1:]  # after the column naming each job
        for number, row in enumerate(table.locator("tbody tr").all(), start=1):
            assert row.locator("th").inner_text() == language("Job %(number)d", number=number)
            fields = row.locator("input:not([type=hidden])").all()
            assert len(fields) == 4
            for field, (left, right) in zip(fields, headers, strict=False):
                field_left, field_right = box(field)
                assert left <= field_left and field_right <= right, (field_left, field_right, left, right)
        page.click("a.button[href$='/delete']")
        accessibility.check(page)  # the confirmation page
        assert page.locator("h1").inner_text() == language("Delete the journey %(code)s?", code=code)

        # Codes and dates of the journey list on one line each, in the list of everyone and in that of the people
        # waiting, which has a column of days waited after the referral's.
        for shown in ("", "?state=waiting_long"):
            page.goto(f"{demo_server.url}/units/NRV-02/journeys{shown}")
            accessibility.check(page)
            rows = page.locator("table.journeys tbody tr").all()
            assert rows and all(row.locator("td.date").count() == 3 for row in rows)
            for row in rows:
                for cell in (row.locator("th a"), *row.locator("td.date").all()):
                    assert cell.evaluate(LINES) <= 1, cell.inner_text()

        # On the outcomes page, "31 of 78 (40 %)" stays whole.
        page.goto(f"{demo_server.url}/units/NRV-02/outcomes")
        accessibility.check(page)
        cells = page.locator("table.outcomes td.num").all()
        assert cells
        for cell in cells:
            assert cell.evaluate(LINES) <= 1, cell.inner_text()
        page.context.close()


def test_on_an_upright_tablet_each_job_is_a_card_with_its_buttons_in_view(
    demo_server: LiveServer, browser: Any
) -> None:
    """At 768 px a job's row would be wider than the screen, hiding its Save and Delete: each job's fields wrap
    instead, each under its own name, all within the page."""
    journey_id, _code = journey_with_jobs(demo_server, "NRV-02")
    language = Language("sv")
    page = language.context(browser, viewport={"width": 768, "height": 1024}).new_page()
    log_in_by_keyboard(page, demo_server, f"nrv-02@{DEMO_DOMAIN}")
    page.goto(f"{demo_server.url}/units/NRV-02/journeys/{journey_id}")
    width = page.evaluate("document.documentElement.clientWidth")
    rows = page.locator("table.spells").first.locator("tbody tr").all()
    assert len(rows) >= 2
    for row in rows:
        for element in [*row.locator("input:not([type=hidden])").all(), row.locator("button"), row.locator("a")]:
            left, right = box(element)
            assert left >= 0 and right <= width, (element, left, right, width)
        for name in ("Started", "Ended", "Hours per week"):
            label = row.locator("label", has_text=language(name)).first
            assert label.is_visible() and box(label)[1] <= width
    page.context.close()


def test_on_a_touch_screen_controls_fit_a_finger_and_a_wide_table_says_it_scrolls(
    demo_server: LiveServer, browser: Any
) -> None:
    language = Language("sv")
    hint = language("Swipe or scroll sideways to see the whole table.")
    for width, touch, scrolls in ((768, True, True), (1366, False, False)):
        page = language.context(browser, viewport={"width": width, "height": 1024}, has_touch=touch).new_page()
        log_in_by_keyboard(page, demo_server, f"nrv-02@{DEMO_DOMAIN}")
        page.goto(f"{demo_server.url}/units/NRV-02/journeys")
        shown = page.locator(".scroll-hint")
        assert shown.count() == 1 and shown.inner_text().endswith(hint)
        assert shown.is_visible() is scrolls  # said only while the table does not fit
        heights = [page.locator(selector).first.bounding_box()["height"] for selector in ("nav a", "#state", "table a")]
        assert all(height >= 40 for height in heights) is touch, heights
        page.context.close()


def box(element: Any) -> tuple[float, float]:
    """An element's left and right edges on the page."""
    found = element.bounding_box()
    assert found is not None
    return found["x"], found["x"] + found["width"]


def test_on_a_phone_no_monitoring_page_scrolls_sideways_and_a_refused_form_says_all_at_its_top(
    demo_server: LiveServer, browser: Any
) -> None:
    """At 375 px a unit manager's pages keep their wide tables (and the outcomes chart) in boxes of their own. A
    refused journey lists every problem at once at the top, which takes the focus; a job saved brings the page back
    to the jobs, with its message there."""
    from tests.browser.test_narrow_layout import fits

    journey_id, _code = journey_with_jobs(demo_server, "NRV-02")
    for language in (Language("en"), Language("sv")):
        phone = {"width": 375, "height": 812}
        page = language.context(browser, viewport=phone, has_touch=True, is_mobile=True).new_page()
        log_in_by_keyboard(page, demo_server, f"nrv-02@{DEMO_DOMAIN}")
        for path in ("/", "/follow-up", "/units/NRV-02", *(f"/units/NRV-02/{name}" for name in
                     ("journeys", "waiting-list", "outcomes", "staffing", "journeys/import", "journeys/new",
                      f"journeys/{journey_id}"))):  # fmt: skip
            response = page.goto(demo_server.url + path)
            assert response is not None and response.ok, path
            fits(page)
        # A name for a code, no referral date and no reason for not accepting: all three at once.
        page.goto(f"{demo_server.url}/units/NRV-02/journeys/new")
        page.fill("#code", "Anna Svensson")
        page.select_option("#decision", "not_accepted")
        page.locator("input[type=submit][name=save]").click()
        summary = page.locator("div.form-errors")
        assert summary.locator("li").count() == 3, summary.inner_text()
        expect(page.locator(".form-errors").first).to_be_focused(timeout=5000)  # set on load
        assert page.evaluate("document.activeElement.classList.contains('form-errors')")
        assert summary.locator("a[href='#referral_date']").count() == 1
        assert summary.locator("a[href='#not_accepted_reason']").count() == 1
        fits(page)
        # A job saved: back at the jobs, the message under their heading.
        page.goto(f"{demo_server.url}/units/NRV-02/journeys/{journey_id}")
        page.fill("#new-job-start", "2026-01-10")
        page.fill("#new-job-hours", "many")
        page.locator("form#add-job input[type=submit]").click()  # refused: listed at the top, linked to the field
        page.wait_for_selector("div.form-errors")
        assert page.locator("div.form-errors a[href='#new-job-hours']").count() == 1
        hours = page.locator("#new-job-hours")
        assert hours.get_attribute("aria-invalid") == "true"
        assert page.locator(f"#{hours.get_attribute('aria-describedby')}").inner_text().strip()
        # The first job saved as it is: back at the jobs, with the message there.
        page.locator("table.spells.editable tbody tr").first.locator("button[name=save]").click()
        page.wait_for_selector("h2#jobs + p.flash")  # the saved page, not the one the button was on
        assert page.url.endswith("#jobs")
        message = page.locator("h2#jobs + p.flash")
        assert message.count() == 1 and message.is_visible()
        assert page.locator("p.flash").count() == 1  # not at the top as well
        page.context.close()


def test_scrolling_regions_are_named_by_their_table_and_stops_only_when_they_scroll(
    demo_server: LiveServer, browser: Any, tmp_path: Any
) -> None:
    regions = "document.querySelectorAll('.table-scroll')"
    for width, narrow in ((1366, False), (375, True)):
        page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        log_in_by_keyboard(page, demo_server, f"nrv-02@{DEMO_DOMAIN}")
        page.goto(f"{demo_server.url}/units/NRV-02/outcomes")
        found = page.evaluate(
            f"""Array.from({regions}).filter(r => r.querySelector('table')).map(r => [
                r.scrollWidth <= r.clientWidth + 1, r.getAttribute('tabindex'), r.getAttribute('role'),
                r.getAttribute('aria-label')])"""
        )
        assert found
        for fits, tabindex, role, label in found:
            if fits:  # nothing to scroll: no keyboard stop, no landmark
                assert (tabindex, role, label) == (None, None, None)
            else:
                assert (tabindex, role) == ("0", "region") and label.startswith("Table; scroll to see all of it: ")
        labels = [label for fits, _tabindex, _role, label in found if not fits]
        assert len(labels) == len(set(labels))  # each told apart by its table's heading
        if narrow:  # the widest table scrolls on a phone
            assert "Table; scroll to see all of it: Work and education" in labels
        page.context.close()


def test_an_import_s_problems_take_the_focus(demo_server: LiveServer, browser: Any, tmp_path: Any) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in_by_keyboard(page, demo_server, f"nrv-02@{DEMO_DOMAIN}")
    page.goto(f"{demo_server.url}/units/NRV-02/journeys/import")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,referral_date\nAnna Svensson,2026-13-01\n", encoding="utf-8")
    page.set_input_files("input[type=file]", str(bad))
    page.locator("form[enctype] [type=submit]").first.click()
    problems = page.locator("section.import-problems")
    problems.wait_for()
    expect(page.locator(".import-problems").first).to_be_focused(timeout=5000)  # set on load
    assert page.evaluate("document.activeElement.classList.contains('import-problems')")
    assert "Nothing was imported" in problems.inner_text()
    assert "Missing columns:" in problems.inner_text()  # the header names two of the layout's columns
    page.context.close()


def test_an_import_s_check_takes_the_focus_and_is_answered_by_keyboard(
    demo_server: LiveServer, browser: Any, accessibility: Accessibility, tmp_path: Any
) -> None:
    """The unit's own export with one enrolled person's exit added: the check says what would change, in Swedish,
    and nothing is imported until asked; 'Do not import' lets it go."""
    page = Language("sv").context(browser, viewport={"width": 1280, "height": 900}).new_page()
    log_in_by_keyboard(page, demo_server, f"nrv-02@{DEMO_DOMAIN}")
    page.goto(f"{demo_server.url}/units/NRV-02/journeys/import")
    with page.expect_download() as download:
        page.click("a[href$='export.csv']")
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    lines = exported.splitlines()
    header = lines[0].split(";")  # semicolons, as Swedish Excel saves a CSV file
    exit_at, enrolled_at = header.index("avslutsdatum"), header.index("inskrivning")  # a Swedish user's names
    at = next(
        n for n, line in enumerate(lines[1:], start=1) if line.split(";")[enrolled_at] and not line.split(";")[exit_at]
    )
    cells = lines[at].split(";")
    cells[exit_at], cells[header.index("avslutsskäl")] = "2026-11-20", "withdrew"
    lines[at] = ";".join(cells)
    changed = tmp_path / "changed.csv"
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.goto(f"{demo_server.url}/units/NRV-02/journeys/import")
    page.set_input_files("input[type=file]", str(changed))
    page.locator("form[enctype] [type=submit]").first.click()
    page.wait_for_selector("section.import-check")
    expect(page.locator(".import-check").first).to_be_focused(timeout=5000)  # set on load
    assert page.evaluate("document.activeElement.classList.contains('import-check')")
    assert "av dem ändras" in page.inner_text("section.import-check")
    rows = page.locator("table.import-changes tbody tr")
    assert rows.count() == 2  # the exit's date and reason, under their Swedish names
    assert page.inner_text("table.import-changes tbody th") == cells[header.index("kod")]
    assert "avslutsdatum" in page.inner_text("table.import-changes")
    accessibility.check(page)
    page.keyboard.press("Tab")  # from the section to Import, then to Do not import
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "cancel"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{demo_server.url}/units/NRV-02/journeys/import")
    assert "Inget importerades." in page.inner_text("main")
    page.context.close()


def test_on_a_phone_a_second_tier_manager_s_pages_do_not_scroll_sideways(demo_server: LiveServer, browser: Any) -> None:
    """At 375 px the comparison keeps to the screen in English and Swedish, for either scale: its chart, an image 700
    px wide, shrinks to the screen's width, and the scale's long title keeps within its choice; the wide tables
    scroll in boxes of their own."""
    from tests.browser.test_narrow_layout import fits

    for language in (Language("en"), Language("sv")):
        phone = {"width": 375, "height": 812}
        page = language.context(browser, viewport=phone, has_touch=True, is_mobile=True).new_page()
        log_in_by_keyboard(page, demo_server, f"north.manager@{DEMO_DOMAIN}")
        for path in ("/", "/follow-up", "/comparison", "/comparison?scale=sed", "/comparison?kind=external"):
            response = page.goto(demo_server.url + path)
            assert response is not None and response.ok, path
            fits(page)
        page.goto(demo_server.url + "/comparison")
        chart = page.locator("figure.compare-chart img")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
        box = chart.bounding_box()
        assert box is not None and box["width"] <= 375 and box["height"] > 100  # shrunk, not squashed flat
        scale = page.locator("select#scale").bounding_box()
        form = page.locator("form.filters").bounding_box()
        assert scale is not None and form is not None and scale["x"] + scale["width"] <= form["x"] + form["width"]
        page.context.close()
