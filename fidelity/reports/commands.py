"""`fidelity report`: a review's PDF from the shell."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import func, select

from fidelity import clock, scale_registry
from fidelity.console import InputError
from fidelity.extensions import db
from fidelity.models import Review, Unit
from fidelity.reports.content import latest_review
from fidelity.reports.render import ReportFailed, ReportUnavailable, review_pdf


@click.command("report")
@click.argument("review_id", required=False, type=int)
@click.option("--unit", "unit_code", metavar="CODE", help="The unit whose review to print (with --latest).")
@click.option("--latest", is_flag=True, help="The unit's latest submitted or final review.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Where to write the PDF.")
@click.option("--locale", default="en", show_default=True, help="The language of the report, e.g. sv.")
@with_appcontext
def report_command(review_id: int | None, unit_code: str | None, latest: bool, out: Path, locale: str) -> None:
    """Write the PDF report of review REVIEW_ID, or of a unit's latest review (--unit CODE --latest)."""
    if (review_id is None) == (unit_code is None) or (unit_code is not None and not latest):
        raise InputError("give either REVIEW_ID, or --unit CODE --latest")
    if locale not in current_app.config["LANGUAGES"]:
        raise InputError(f"{locale} is not a language of the app ({', '.join(current_app.config['LANGUAGES'])})")
    if review_id is not None:
        review = db.session.get(Review, review_id)
        if review is None:
            raise InputError(f"there is no review {review_id}")
    else:
        unit = db.session.scalar(select(Unit).where(func.upper(Unit.code) == (unit_code or "").upper()))
        if unit is None:
            raise InputError(f"there is no unit with the code {unit_code}")
        found = latest_review(unit.id)
        if found is None:
            raise InputError(f"{unit.code} has no submitted or final review yet")
        review = found
    try:
        with force_locale(locale):
            pdf = review_pdf(review, scale_registry(), clock.today())
    except ReportFailed as exc:  # not the input's fault: exit 1, with the reason
        raise click.ClickException(str(exc)) from None
    except ReportUnavailable as exc:
        raise InputError(str(exc)) from None
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise InputError(f"{out}: cannot write ({exc.strerror})") from None
    click.echo(f"{out}: report of review {review.id} ({review.unit.code}, {review.review_date.isoformat()}), "
               f"{len(pdf) // 1024} KB")  # fmt: skip
