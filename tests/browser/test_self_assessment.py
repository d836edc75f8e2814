"""A frontline manager scores their unit in a real browser; two browsers editing one draft never lose a value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from fidelity.audit import Actor, acting_as
from fidelity.extensions import db
from fidelity.models import Rating, Review, ReviewStatus, Role
from tests import factories
from tests.browser.conftest import Accessibility, Language, LiveServer


def seed(server: LiveServer) -> tuple[str, str]:
    """A unit and its manager, committed; returns (unit code, manager e-mail)."""
    with server.app.app_context(), acting_as(Actor(None, "test")):
        unit = factories.unit()
        manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
        db.session.commit()
        return unit.code, manager.email


def log_in(page: Any, server: LiveServer, email: str) -> None:
    page.goto(f"{server.url}/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.click("#submit")
    page.wait_for_url(f"{server.url}/")


def choose(page: Any, key: str, score: int) -> None:
    page.check(f"#item-{key} input[type=radio][value='{score}']")


def test_a_manager_scores_all_items_saves_midway_and_submits(
    live_server: LiveServer, browser: Any, tmp_path: Path, accessibility: Accessibility, language: Language
) -> None:
    code, email = seed(live_server)
    with live_server.app.app_context():
        from fidelity import scale_registry

        keys = scale_registry().get("ips-25").item_keys
    page = language.context(browser, viewport={"width": 1366, "height": 900}).new_page()
    log_in(page, live_server, email)
    assert page.get_attribute("html", "lang") == language.code
    page.click(f"tr:has-text('{code}') a")  # from the list of units to the unit's page
    page.wait_for_url(f"{live_server.url}/units/{code}")
    page.click(f"text={language('Start a self-assessment')}")
    page.select_option("#scale", "ips-25")
    page.click("#start")
    page.wait_for_selector("form.scoring")

    scores = {key: (5 if i % 3 else 4) for i, key in enumerate(keys)}
    for key in keys[:12]:
        choose(page, key, scores[key])
    page.fill("#evidence_S1", "Caseload list for March: 18 people per specialist")
    page.check("#item-S1 input[name=sources_S1][value=MIS]")
    # The summary follows the scores without a save (progressive enhancement).
    # (Playwright's expect polls without eval, which the Content Security Policy refuses.)
    expect(page.locator("#summary")).to_contain_text(
        language("%(scored)d of %(count)d items scored. The band shows when every item is scored.", scored=12, count=25)
    )
    while_incomplete = buttons_in_panel(page)
    page.click("#save")
    page.wait_for_selector(f"text={language('Draft saved.')}")
    assert page.is_checked(f"#item-{keys[11]} input[value='{scores[keys[11]]}']")
    assert page.input_value("#evidence_S1") == "Caseload list for March: 18 people per specialist"

    for key in keys[12:]:
        choose(page, key, scores[key])
    total = sum(scores.values())
    expect(page.locator("#summary .total strong")).to_have_text(str(total))
    exemplary = language.band(live_server, "ips-25", "exemplary")
    assert exemplary in page.inner_text("#summary")
    # The panel changed from its count of items to the band; the buttons stayed where they were, above it.
    assert buttons_in_panel(page) == while_incomplete
    page.screenshot(path=str(tmp_path / "scoring.png"), full_page=True)
    accessibility.check(page)
    page.click("#submit_review")
    page.wait_for_url(f"{live_server.url}/units/{code}")
    assert page.inner_text(".latest-total") == str(total)
    assert exemplary in page.inner_text(".history .latest")
    page.screenshot(path=str(tmp_path / "unit.png"), full_page=True)
    accessibility.check(page)
    assert (tmp_path / "unit.png").stat().st_size > 10_000

    with live_server.app.app_context():
        review = db.session.scalars(select(Review)).one()
        assert review.status is ReviewStatus.SUBMITTED
        assert {r.item_key: r.score for r in review.ratings} == scores


def buttons_in_panel(page: Any) -> tuple[float, float]:
    """Where the Save and Submit buttons sit in the score panel (from its top), after checking they sit above the
    panel's scores: the scores grow as items are scored, and would move buttons below them under the pointer."""
    panel, scores = page.locator(".scoring-summary").bounding_box(), page.locator("#summary").bounding_box()
    save, submit = page.locator("#save").bounding_box(), page.locator("#submit_review").bounding_box()
    assert save["y"] + save["height"] <= scores["y"] and submit["y"] + submit["height"] <= scores["y"]
    return save["y"] - panel["y"], submit["y"] - panel["y"]


def test_two_browsers_on_one_draft_never_overwrite_silently(live_server: LiveServer, browser: Any) -> None:
    code, email = seed(live_server)
    first, second = browser.new_context(), browser.new_context()
    mine, theirs = first.new_page(), second.new_page()
    for page in (mine, theirs):
        log_in(page, live_server, email)
    mine.goto(f"{live_server.url}/units/{code}/reviews/new")
    mine.click("#start")
    mine.wait_for_selector("form.scoring")
    theirs.goto(mine.url)

    choose(theirs, "S1", 3)
    theirs.fill("#evidence_S1", "Counted from the caseload list")
    theirs.click("#save")
    theirs.wait_for_selector("text=Draft saved.")

    choose(mine, "S1", 5)
    mine.fill("#evidence_S1", "My own count")
    mine.click("#save")
    mine.wait_for_selector("text=Someone else saved this draft after you opened it")
    both = mine.inner_text("#item-S1 .both-values")
    assert "3 · Counted from the caseload list" in both and "5 · My own count" in both
    assert mine.is_checked("#item-S1 input[value='5']")  # the user's own choice is still on the page

    with live_server.app.app_context():
        rating = db.session.scalars(select(Rating).where(Rating.item_key == "S1")).one()
        assert (rating.score, rating.evidence) == (3, "Counted from the caseload list")
    first.close()
    second.close()


def test_at_800_px_the_save_buttons_stay_in_view_while_scoring(live_server: LiveServer, browser: Any) -> None:
    """In one column the summary comes after all 25 items: its buttons keep to the foot of the window, and a save
    from the middle of the list works."""
    code, email = seed(live_server)
    page = browser.new_context(viewport={"width": 800, "height": 900}).new_page()
    log_in(page, live_server, email)
    page.goto(f"{live_server.url}/units/{code}/reviews/new")
    page.click("#start")
    page.wait_for_selector("form.scoring")
    page.locator("#item-O6").scroll_into_view_if_needed()
    choose(page, "O6", 3)
    save = page.locator("form.scoring .actions button, form.scoring .actions input[type=submit]").first
    box = save.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 900, box
    save.click()
    page.wait_for_load_state()
    with live_server.app.app_context():
        review = db.session.scalars(select(Review).where(Review.status == ReviewStatus.DRAFT)).one()
        assert [(r.item_key, r.score) for r in review.ratings] == [("O6", 3)]
