"""A second-tier manager makes one PDF of an area's latest reviews: it is made in a background thread while the page
shows its progress from the database, and then downloads."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fidelity.audit import Actor, acting_as
from fidelity.extensions import db
from fidelity.models import Role
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.test_self_assessment import log_in


def test_the_area_pdf_shows_its_progress_and_downloads(
    background_live_server: LiveServer, browser: Any, tmp_path: Path
) -> None:
    server = background_live_server
    with server.app.app_context(), acting_as(Actor(None, "test")):
        from fidelity import scale_registry

        keys = scale_registry().get("ips-25").item_keys
        area = factories.area()
        manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id)
        for score in (3, 4, 5):
            factories.self_assessment(factories.unit(area), manager, dict.fromkeys(keys, score), date(2026, 3, 15))
        db.session.commit()
        code, email = area.code, manager.email
    page = browser.new_page()
    log_in(page, server, email)
    page.goto(f"{server.url}/areas/{code}/report")
    page.click("button:has-text('Make the PDF')")
    page.wait_for_selector("progress#job-progress")
    assert page.get_attribute("progress#job-progress", "max") == "3"
    # The page refreshes itself until the job, done in another thread, says so in the database.
    page.wait_for_selector("#download", timeout=60_000)
    assert page.get_attribute("progress#job-progress", "value") == "3"
    with page.expect_download() as download:
        page.click("#download")
    target = tmp_path / "area.pdf"
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF") and target.stat().st_size > 20_000
