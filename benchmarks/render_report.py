"""Time to render one review's PDF report, beside WeasyPrint rendering a one-page HTML document in the same run.

Usage: .venv/bin/python benchmarks/render_report.py [--repeat N]

It builds the demo organisation in a temporary SQLite database, takes the demo's final external review (ten pages,
two reviewers, adaptations, journeys, an action plan) and renders its report N times, from the database to the PDF's
bytes, reporting the median. Three one-page documents are timed the same way: a page of plain text; the report's
cover page; and one full page of the report's item-by-item table (the same stylesheet, fonts and density as the
report, one page). The target is read against the full page: the whole report, data and charts included, costs at
most 10 times what WeasyPrint needs for one page of its kind.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET = 10.0


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def one_full_page(html: str, renderer: Any) -> str:
    """The report's head and as many rows of its item table as fill exactly one page."""
    head = html[: html.index("<body>") + len("<body>")]
    start = html.index('<table class="grid item-table">')
    table = html[start : html.index("</table>", start)]
    opening, _, body = table.partition("<tbody>")
    rows = ["<tr>" + row for row in body.split("<tr>")[1:]]
    for count in range(len(rows), 0, -1):
        page = f"{head}<h2>Item by item</h2>{opening}<tbody>{''.join(rows[:count])}</tbody></table></body></html>"
        if len(renderer(string=page).render().pages) == 1:
            return page
    raise RuntimeError("not even one row fits a page")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["FIDELITY_INSTANCE_PATH"] = folder
        os.environ["FIDELITY_DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        from flask_migrate import upgrade
        from sqlalchemy import select
        from weasyprint import HTML

        from fidelity import create_app, scale_registry
        from fidelity.audit import Actor, acting_as
        from fidelity.demo import seed
        from fidelity.extensions import db
        from fidelity.models import Review, ReviewKind, ReviewStatus
        from fidelity.reports.content import report_data
        from fidelity.reports.render import report_html, review_pdf

        app = create_app()
        with app.app_context(), app.test_request_context():
            upgrade()
            with acting_as(Actor(None, "benchmark")):
                seed(scale_registry(), date.today())
            db.session.commit()
            review = db.session.scalars(
                select(Review).where(Review.kind == ReviewKind.EXTERNAL, Review.status == ReviewStatus.FINAL)
            ).one()
            html = report_html(report_data(review, scale_registry(), date.today()))
            cover = html[: html.index('<section class="summary">')] + "</body></html>"
            full_page = one_full_page(html, HTML)
            plain = (
                "<!doctype html><html><body><h1>One page</h1>"
                + "<p>Plain text on one page.</p>" * 20
                + "</body></html>"
            )

            def full() -> bytes:
                return review_pdf(review, scale_registry(), date.today())

            pages = len(HTML(string=html).render().pages)
            for one_page in (cover, plain, full_page):
                assert len(HTML(string=one_page).render().pages) == 1
            full()  # the first render loads fonts and warms every cache, for all three alike
            report = median_seconds(full, args.repeat)
            one_page_report = median_seconds(lambda: HTML(string=cover).write_pdf(), args.repeat)
            one_full = median_seconds(lambda: HTML(string=full_page).write_pdf(), args.repeat)
            one_page_plain = median_seconds(lambda: HTML(string=plain).write_pdf(), args.repeat)
            db.engine.dispose()

    print(f"review report ({pages} pages), data to PDF: {report:7.3f} s  (median of {args.repeat})")
    for label, seconds in (
        ("a full page of the report (item table)", one_full),
        ("the report's cover page", one_page_report),
        ("a page of plain text", one_page_plain),
    ):
        print(f"one page, {label + ':':40} {seconds:7.3f} s  ratio {report / seconds:5.1f}x")
    met = report / one_full <= TARGET
    print(f"target: at most {TARGET:.0f}x a full page of the report: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
