"""Pages at 800 px wide, in English and Swedish: none scrolls sideways, not even when a reviewer pastes a long URL
with no space in it, and the external review's table keeps the line breaks its reviewers typed."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from fidelity import scale_registry
from fidelity.account.operations import create_token
from fidelity.audit import Actor, acting_as
from fidelity.demo import DEMO_DOMAIN
from fidelity.extensions import db
from fidelity.models import Action, Review, ReviewKind, Role, Unit, User
from fidelity.models.api_token import NAME_MAX
from fidelity.models.types import utcnow
from tests import factories
from tests.browser.conftest import Language, LiveServer
from tests.browser.test_accessibility import log_in_by_keyboard
from tests.browser.test_monitoring_layout import LINES
from tests.browser.test_self_assessment import log_in

NARROW = {"width": 800, "height": 900}
# 200 characters with nowhere to break a line: what a pasted link to a document looks like.
LONG = "https://intranet.example.org/" + "fidelity_review_evidence_" * 6 + "x" * 21
# A recommendation long enough, with spaces, to give the narrative column room for a short line beside it.
SENTENCE = "Meet employers in the first week, visit two a week, and write down what each of them needs from the team."
# The page's width against the window's, as the page lays out in it: not window.innerWidth, which a phone's browser
# widens to a page too wide for it (zooming out), so that such a page would seem to fit.
WIDTH = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def fits(page: Any) -> None:
    """The page is no wider than the window: nothing to scroll sideways."""
    width, window = page.evaluate(WIDTH)
    assert width <= window, f"{page.url} is {width} px wide in a {window} px window"


def right_edge(element: Any) -> float:
    found = element.bounding_box()
    assert found is not None
    return float(found["x"] + found["width"])


def seed(server: LiveServer, recommendation: str, rationale: str = "") -> tuple[str, int, str, int]:
    """A unit with a final external review whose O6 has `recommendation` (and `rationale`), an overdue action whose
    title and description hold the long string, and the unit's frontline manager: the unit's code, the review, the
    manager's e-mail and the action."""
    with server.app.app_context(), acting_as(Actor(None, "test")):
        unit = factories.unit()
        manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
        reviewers = [factories.user(Role.EXTERNAL_REVIEWER), factories.user(Role.EXTERNAL_REVIEWER)]
        keys = scale_registry().get("ips-25").item_keys
        agreed = dict.fromkeys(keys, (4, "")) | {"O6": (2, recommendation), "V4": (3, SENTENCE)}
        review = factories.final_external_review(unit, reviewers, date(2026, 3, 11), agreed)
        review.strengths = f"Employers trust the team.\nTheir notes: {LONG}"
        for consensus in review.consensus:
            if consensus.item_key == "O6":
                consensus.rationale = rationale
        action = factories.action(unit, manager, date(2026, 6, 1), title=f"Read {LONG}")
        action.description = f"Read {LONG}\nand then act."
        db.session.commit()
        return unit.code, review.id, manager.email, action.id


def test_long_unbroken_text_stays_within_the_page(live_server: LiveServer, browser: Any, language: Language) -> None:
    code, review_id, email, action_id = seed(live_server, f"See {LONG}", rationale=f"Agreed after {LONG}")
    page = language.context(browser, viewport=NARROW).new_page()
    log_in(page, live_server, email)

    # The external review: the narrative column stays in its table, and the table within its scrolling box.
    page.goto(f"{live_server.url}/units/{code}/external/{review_id}")
    fits(page)
    table = page.locator("table.consensus-table")
    cell = page.locator("table.consensus-table td.narrative-cell").filter(has_text=LONG[:40])
    assert cell.count() == 1
    assert right_edge(cell) <= right_edge(table) + 0.5
    assert right_edge(table) <= right_edge(page.locator("div.table-scroll").filter(has=table)) + 0.5
    assert right_edge(page.locator(".result p.narrative")) <= page.evaluate("window.innerWidth")

    # The action's title and description on its page, its title in the unit's plan and among the overdue actions,
    # and the audit trail that shows the long values before and after.
    for path in (f"/units/{code}/actions/{action_id}", f"/units/{code}", "/follow-up"):
        page.goto(live_server.url + path)
        assert LONG in page.content(), path
        fits(page)
    page.goto(f"{live_server.url}/units/{code}/audit")
    assert LONG in page.content()
    fits(page)

    # A token named with no space in its name: in the list of tokens, and in the message when it is revoked.
    with live_server.app.app_context():
        manager = db.session.scalars(select(User).where(User.email == email)).one()
        create_token(manager, LONG[:NAME_MAX], None, utcnow())
        db.session.commit()
    page.goto(f"{live_server.url}/account/tokens")
    assert LONG[:NAME_MAX] in page.content()
    fits(page)
    page.locator("table.tokens details.confirm-revoke summary").first.click()  # revoking takes two steps
    page.locator("table.tokens button[type=submit]").first.click()
    page.wait_for_load_state()
    assert LONG[:NAME_MAX] in page.content()
    fits(page)
    page.context.close()


def test_the_review_table_keeps_the_reviewers_line_breaks(
    live_server: LiveServer, browser: Any, language: Language
) -> None:
    code, review_id, email, _action = seed(
        live_server, "Fewer cases.\nReview monthly.", rationale="Records say 2.\nInterviews say 3."
    )
    # Wide enough that each text would fit on one line if its line break were lost.
    page = language.context(browser, viewport={"width": 1600, "height": 900}).new_page()
    log_in(page, live_server, email)
    page.goto(f"{live_server.url}/units/{code}/external/{review_id}")
    cell = page.locator("table.consensus-table td.narrative-cell").filter(has_text="Fewer cases.")
    rationale, recommendation = cell.locator("p").nth(0), cell.locator("p").nth(1)
    assert rationale.evaluate(LINES) == 2, rationale.inner_text()
    assert recommendation.inner_text().startswith(language("Recommendation:"))
    # The two lines of the text; "Make it an action" follows the second, not on a line of its own.
    assert recommendation.evaluate(LINES) == 2, recommendation.inner_text()
    page.context.close()


# The demo's pages an administrator reads, among them every unit's page, where the score heatmap and the list of
# reviews are widest; and the journeys, which only the unit's own managers read.
UNITS = ("NRV-01", "NRV-02", "NRV-03", "SDV-01", "SDV-02", "SDV-03")
UNIT_PAGES = ("audit", "adaptations", "waiting-list", "outcomes", "staffing")


def demo_pages(server: LiveServer) -> list[str]:
    with server.app.app_context():
        unit_id = db.session.scalars(select(Unit.id).where(Unit.code == "NRV-02")).one()
        reviews = db.session.scalars(select(Review).where(Review.unit_id == unit_id).order_by(Review.id)).all()
        external = next(r.id for r in reviews if r.kind is ReviewKind.EXTERNAL)
        self_assessment = next(r.id for r in reviews if r.kind is ReviewKind.SELF_ASSESSMENT)
        action = db.session.scalars(select(Action.id).where(Action.unit_id == unit_id)).first()
    return [
        "/",
        "/follow-up",
        "/comparison",
        *(f"/units/{code}" for code in UNITS),
        *(f"/units/NRV-02/{name}" for name in UNIT_PAGES),
        f"/units/NRV-02/external/{external}",
        f"/units/NRV-02/reviews/{self_assessment}",
        f"/units/NRV-02/actions/{action}",
    ]


def test_no_demo_page_scrolls_sideways_at_800_px(demo_server: LiveServer, browser: Any) -> None:
    pages = demo_pages(demo_server)
    for language in (Language("en"), Language("sv")):
        page = language.context(browser, viewport=NARROW).new_page()
        log_in_by_keyboard(page, demo_server, f"admin@{DEMO_DOMAIN}")
        for path in pages:
            response = page.goto(demo_server.url + path)
            assert response is not None and response.ok, path
            fits(page)
        # The comparison's overdue table fits its box; the wide tables scroll under a first column that stays, on
        # the comparison and in the journeys list.
        page.goto(demo_server.url + "/comparison")
        overdue = page.locator("div.table-scroll.overdue")
        assert overdue.evaluate("box => box.scrollWidth <= box.clientWidth"), language.code
        for path, table in (
            ("/comparison", "table.heatmap.compare"),
            ("/comparison", "table.monitoring"),
            ("/units/NRV-02/outcomes", "table.outcomes"),
        ):
            first_column_stays(page, demo_server, path, table, language)
        # A unit's item scores open at the newest review, its items beside it and its caption in view.
        page.goto(demo_server.url + "/units/NRV-02")
        scores = page.locator("div.table-scroll").filter(has=page.locator("table.heatmap")).first
        assert scores.evaluate("box => box.scrollWidth > box.clientWidth"), language.code
        assert scores.evaluate("box => box.scrollLeft + box.clientWidth >= box.scrollWidth - 1"), language.code
        caption, frame = scores.locator("caption > span").bounding_box(), scores.bounding_box()
        assert caption is not None and frame is not None
        assert frame["x"] - 1 <= caption["x"] and caption["x"] + caption["width"] <= frame["x"] + frame["width"] + 1
        # The action plan gives an action's title room for its words rather than a few letters a line, and its
        # table stays within its box.
        page.goto(demo_server.url + "/units/NRV-02")
        title = page.locator("table.actions-table td.action-title").first.bounding_box()
        assert title is not None and title["width"] >= 140, (language.code, title)
        plan = page.locator("#action-plan div.table-scroll")
        assert plan.evaluate("box => box.scrollWidth <= box.clientWidth"), language.code
        # A problem with a year leaves the year's field its size and the other fields where they were.
        page.goto(demo_server.url + "/comparison?first_year=2026&last_year=2024")
        first_year, last_year = page.locator("#first_year").bounding_box(), page.locator("#last_year").bounding_box()
        assert first_year is not None and last_year is not None
        assert last_year["width"] <= 100 and first_year["y"] == last_year["y"], language.code
        # Within the page, the administration's table keeps its links inside it too.
        page.goto(demo_server.url + "/admin/")
        table = page.locator("table.tree").first
        for link in page.locator("table.tree td a").all():
            assert right_edge(link) <= right_edge(table) + 0.5, (language.code, link.inner_text())
        page.context.close()
        # The unit's journeys, as its manager reads them.
        page = language.context(browser, viewport=NARROW).new_page()
        log_in_by_keyboard(page, demo_server, f"nrv-02@{DEMO_DOMAIN}")
        response = page.goto(demo_server.url + "/units/NRV-02/journeys")
        assert response is not None and response.ok
        fits(page)
        first_column_stays(page, demo_server, "/units/NRV-02/journeys", "table.journeys", language)
        page.context.close()


def first_column_stays(page: Any, server: LiveServer, path: str, table: str, language: Language) -> None:
    """The wide `table` on the page at `path` scrolls sideways under a first column that stays in view."""
    page.goto(server.url + path)
    box = page.locator("div.table-scroll").filter(has=page.locator(table)).first
    assert box.evaluate("box => box.scrollWidth > box.clientWidth"), (language.code, path)  # it does scroll
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    first = box.locator(f"{table} tbody th[scope=row]").first
    found, frame = first.bounding_box(), box.bounding_box()
    assert found is not None and frame is not None
    assert abs(found["x"] - frame["x"]) <= 1, (language.code, path)  # still in view at the left


def test_a_printed_page_keeps_the_content_and_every_column_on_the_paper(demo_server: LiveServer, browser: Any) -> None:
    """Printed, as a manager takes the comparison or the outcomes to a meeting: no header, forms or buttons, and the
    widest tables within an A4 page's width (about 700 px) rather than cut off at its edge."""
    page = Language("sv").context(browser, viewport={"width": 700, "height": 1000}).new_page()
    log_in_by_keyboard(page, demo_server, f"north.manager@{DEMO_DOMAIN}")
    page.emulate_media(media="print")
    for path, table in (("/comparison", "table.monitoring"), ("/units/NRV-02/outcomes", "table.outcomes")):
        page.goto(demo_server.url + path)
        assert page.locator("main form, main .actions").count()  # each page has a form or buttons, to be left out
        assert (
            not page.locator("header.site").is_visible()
            and not page.locator("main form, main .actions").first.is_visible()
        )
        fits(page)
        box = page.locator("div.table-scroll").filter(has=page.locator(table)).first
        assert box.evaluate("box => box.scrollWidth <= box.clientWidth"), path  # nothing left to scroll to
        # A heading stays with what it heads; the comparison, 25 items wide, goes across the paper.
        assert page.locator("main h2").first.evaluate("h => getComputedStyle(h).breakAfter") == "avoid"
        printed_on = page.locator("main").evaluate("main => getComputedStyle(main).page")
        assert printed_on == ("compare" if path == "/comparison" else "auto"), path
        first = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True))).pages[0].mediabox
        assert (first.width > first.height) is (path == "/comparison"), path  # A4 across, or upright
    page.emulate_media(media="screen")
    assert page.locator("header.site").is_visible()
    page.context.close()
