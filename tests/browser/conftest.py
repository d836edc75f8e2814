"""A live server on a fresh database, and headless Chromium (Debian's package) driven by Playwright.

Without /usr/bin/chromium these tests are skipped locally; under CI (CI=true) they fail instead, so a missing
browser can never pass as a green run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from fidelity.extensions import db
from tests.conftest import make_app
from tests.factories import app_today

CHROMIUM = os.environ.get("FIDELITY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveServer:
    app: Flask
    url: str


@pytest.fixture
def live_server(tmp_path: Path, database_factory: Callable[[], str]) -> Iterator[LiveServer]:
    """The app on a free local port, with a database of its own that requests really commit to."""
    yield from _serve(make_app(tmp_path, database_factory()))


@pytest.fixture
def background_live_server(tmp_path: Path, database_factory: Callable[[], str]) -> Iterator[LiveServer]:
    """The same, with background jobs running in threads as in production."""
    yield from _serve(make_app(tmp_path, database_factory(), REPORT_JOBS_IN_BACKGROUND=True))


def _serve(app: Flask) -> Iterator[LiveServer]:
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def demo_server(live_server: LiveServer) -> LiveServer:
    """The live server with the demo organisation in its database."""
    from fidelity import scale_registry
    from fidelity.audit import Actor, acting_as
    from fidelity.demo import seed

    with live_server.app.app_context(), acting_as(Actor(None, "test")):
        seed(scale_registry(), app_today())
        db.session.commit()
    return live_server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


AXE_FOLDER = Path(__file__).parent / "axe"
AXE_SCRIPT = AXE_FOLDER / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, the level public bodies in the EU must meet.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry (tests/browser/axe/package.json), installed on first use if npm is here."""
    if not AXE_SCRIPT.exists() and shutil.which("npm"):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(AXE_FOLDER)], check=False,
                       capture_output=True)  # fmt: skip
    if not AXE_SCRIPT.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE_SCRIPT} is missing: .ci/run installs it with npm ci")
        pytest.skip("axe-core is not installed (npm ci --prefix tests/browser/axe)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


@dataclass
class Accessibility:
    """Runs axe-core on the page a test is on and collects what it finds, page by page."""

    source: str
    pages: list[str]
    problems: list[str]

    def check(self, page: Any) -> None:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(self.source)  # through the DevTools protocol: the page's CSP allows no inline script
        result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        self.pages.append(page.url)
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = "; ".join(str(node["target"]) for node in violation["nodes"][:5])
                self.problems.append(f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} "
                                     f"at {targets}")  # fmt: skip


@pytest.fixture
def accessibility(axe_source: str) -> Iterator[Accessibility]:
    """Call `accessibility.check(page)` on every page a journey reaches; the test fails at the end on any serious
    or critical WCAG 2.1 AA violation."""
    checker = Accessibility(axe_source, [], [])
    yield checker
    assert checker.problems == [], "\n".join(checker.problems)


TRANSLATIONS = Path(__file__).resolve().parents[2] / "fidelity" / "translations"
BROWSER_LOCALES = {"en": "en-GB", "sv": "sv-SE"}


@dataclass
class Language:
    """The language a journey runs in: the browser asks for it, and the texts a test looks for come from the same
    catalogue the app uses (English is the catalogue's own text)."""

    code: str

    def __call__(self, message: str, **values: Any) -> str:
        from babel.support import Translations

        text = Translations.load(str(TRANSLATIONS), [self.code]).gettext(message)
        return text % values if values else text

    def context(self, browser: Any, **options: Any) -> Any:
        """A browser context whose Accept-Language asks for this language (users who chose none follow it)."""
        return browser.new_context(locale=BROWSER_LOCALES[self.code], **options)

    def band(self, server: LiveServer, scale_id: str, key: str) -> str:
        """A band's label as the scale's translation gives it."""
        from fidelity import scale_registry

        with server.app.test_request_context(headers={"Accept-Language": BROWSER_LOCALES[self.code]}):
            return scale_registry().get(scale_id).band(key).label


@pytest.fixture(params=sorted(BROWSER_LOCALES))
def language(request: pytest.FixtureRequest) -> Language:
    return Language(request.param)
