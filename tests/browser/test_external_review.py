"""Two reviewers in separate browsers: they rate on their own, the consensus page flags a 2-point divergence,
consensus is set, both sign off, and the review is final."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from fidelity.audit import Actor, acting_as
from fidelity.extensions import db
from fidelity.models import Review, ReviewStatus, Role
from tests import factories
from tests.browser.conftest import Accessibility, Language, LiveServer
from tests.browser.test_self_assessment import log_in


def seed(server: LiveServer) -> tuple[str, int, str, str, tuple[str, ...]]:
    from fidelity import scale_registry

    with server.app.app_context(), acting_as(Actor(None, "test")):
        unit = factories.unit()
        first, second = factories.user(Role.EXTERNAL_REVIEWER), factories.user(Role.EXTERNAL_REVIEWER)
        review = factories.external_review(unit, [first, second], date(2026, 3, 11))
        db.session.commit()
        return unit.code, review.id, first.email, second.email, scale_registry().get("ips-25").item_keys


def rate_everything(page: Any, url: str, scores: dict[str, int], evidence: str, language: Language) -> None:
    page.goto(url + "/rate")
    for key, score in scores.items():
        page.check(f"#item-{key} input[type=radio][value='{score}']")
    page.fill("#evidence_S1", evidence)
    # The score panel follows the scores as they are chosen, and grows or shrinks as it does; the Save button sits
    # above it, where the panel's growing cannot move it.
    expect(page.locator("#summary .total strong")).to_have_text(str(sum(scores.values())))
    save, panel = page.locator("#save").bounding_box(), page.locator("#summary").bounding_box()
    assert save["y"] + save["height"] <= panel["y"]
    page.click("#save")
    page.wait_for_selector(f"text={language('Your ratings are saved.')}")


def test_two_reviewers_reach_a_final_review(
    live_server: LiveServer, browser: Any, tmp_path: Path, accessibility: Accessibility, language: Language
) -> None:
    code, review_id, first_email, second_email, keys = seed(live_server)
    url = f"{live_server.url}/units/{code}/external/{review_id}"
    first_context, second_context = language.context(browser), language.context(browser, accept_downloads=True)
    first, second = first_context.new_page(), second_context.new_page()
    log_in(first, live_server, first_email)
    log_in(second, live_server, second_email)

    rate_everything(first, url, dict.fromkeys(keys, 4), "Caseload list for March", language)
    accessibility.check(first)  # the rating form, after a save
    second.goto(url + "/rate")
    # The second reviewer does not see the first one's ratings while rating.
    assert second.input_value("#evidence_S1") == "" and not second.is_checked("#item-S1 input[value='4']")
    rate_everything(second, url, dict.fromkeys(keys, 4) | {"S1": 2}, "Interviews with two specialists", language)
    second.goto(url)
    scored = language("%(done)d of %(count)d items scored", done=25, count=25)
    assert second.inner_text("table.reviewers").count(scored) == 2
    assert "Caseload list for March" not in second.content()

    first.goto(url)
    first.click(f"text={language('Start consensus')}")
    first.wait_for_selector("form.consensus")
    flagged = first.inner_text("#consensus-S1 legend")
    assert language("Reviewers %(points)d points apart", points=2) in flagged
    assert "▲" not in first.inner_text("#consensus-S2 legend")
    assert "96" in first.inner_text(".agreement")  # 24 of 25 items agree exactly
    first.screenshot(path=str(tmp_path / "consensus.png"), full_page=True)
    accessibility.check(first)

    for key in keys:
        first.check(f"#consensus-{key} input[type=radio][value='{3 if key == 'S1' else 4}']")
    first.fill("#rationale_S1", "Caseload grew over the winter; the records and interviews meet at 3.")
    first.fill("#recommendation_S1", "Bring the caseload down to 20 per specialist.")
    first.fill("#strengths", "Employer contact is frequent and well planned.")
    first.click("#save")
    first.wait_for_selector(f"text={language('Consensus saved.')}")

    first.goto(url)
    first.click(f"button:has-text('{language('Sign off')}')")
    first.wait_for_selector(f"text={language('You have signed off. The review is final when every reviewer has.')}")
    second.goto(url)
    second.click(f"button:has-text('{language('Sign off')}')")
    second.wait_for_selector(f"text={language('The review is final.')}")
    assert second.inner_text(".stage") == language("Final")
    assert second.inner_text(".result .latest-total") == str(24 * 4 + 3)
    second.screenshot(path=str(tmp_path / "final.png"), full_page=True)
    accessibility.check(second)

    # Through to the report: the PDF downloads from the review's page, with the agreed total on it.
    with second.expect_download() as download:
        second.click("#download-pdf")
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) > 3 and code in text and str(24 * 4 + 3) in text

    with live_server.app.app_context():
        review = db.session.scalars(select(Review)).one()
        assert review.status is ReviewStatus.FINAL
        assert all(a.signed_off_at is not None for a in review.reviewers)
    first_context.close()
    second_context.close()
