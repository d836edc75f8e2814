"""Every kind of page each role reaches from the menus, on the demo organisation, checked by axe-core against
WCAG 2.1 AA in a real browser, and used by keyboard alone to log in. The journeys in the other browser tests check
the pages they pass through the same way."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.exceptions import HTTPException

from fidelity.demo import DEMO_DOMAIN, DEMO_PASSWORD
from tests.browser.conftest import Accessibility, Language, LiveServer

SKIPPED = (".csv", ".xlsx", ".pdf", ".svg", "/static/", "/api/")  # files and JSON, not pages


def log_in_by_keyboard(page: Any, server: LiveServer, email: str) -> None:
    """Tab to each field, type, and press Enter: no mouse."""
    page.goto(f"{server.url}/login")
    page.keyboard.press("Tab")  # the skip link comes first when there is one; go on until the e-mail field
    for _ in range(10):
        if page.evaluate("document.activeElement && document.activeElement.id") == "email":
            break
        page.keyboard.press("Tab")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/")


def links(page: Any) -> list[str]:
    return [href for href in page.eval_on_selector_all("a[href^='/']", "els => els.map(e => e.getAttribute('href'))")
            if not any(part in href for part in SKIPPED)]  # fmt: skip


# Every role in English; the administrator, who reaches the most kinds of page, in Swedish too.
@pytest.mark.parametrize(
    ("login", "code"), [("admin", "en"), ("north.manager", "en"), ("nrv-02", "en"), ("reviewer", "en"), ("admin", "sv")]
)
def test_every_kind_of_page_is_accessible(
    demo_server: LiveServer, browser: Any, accessibility: Accessibility, login: str, code: str
) -> None:
    page = Language(code).context(browser, viewport={"width": 1366, "height": 900}).new_page()
    console: list[str] = []
    page.on("console", lambda note: console.append(f"{page.url}: {note.text}") if note.type == "error" else None)
    page.goto(f"{demo_server.url}/login")
    accessibility.check(page)
    log_in_by_keyboard(page, demo_server, f"{login}@{DEMO_DOMAIN}")
    adapter = demo_server.app.url_map.bind("localhost")
    seen_endpoints: set[str] = set()
    queue = ["/"]
    while queue:
        path = queue.pop(0)
        try:
            endpoint, _args = adapter.match(path.split("?")[0], method="GET")
        except HTTPException:
            continue
        if endpoint in seen_endpoints:
            continue  # one page of each kind: the same template for another unit says nothing new
        seen_endpoints.add(endpoint)
        response = page.goto(demo_server.url + path)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        accessibility.check(page)
        queue.extend(links(page))
    assert len(accessibility.pages) >= 5, accessibility.pages
    assert page.get_attribute("html", "lang") == code
    assert console == [], console  # no script errors, no resource refused by the Content Security Policy
