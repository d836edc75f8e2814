"""Downloading a review's report as PDF."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from fidelity import clock, scale_registry
from fidelity.access import review_or_404, unit_or_404
from fidelity.extensions import writes_when_read
from fidelity.models import ReviewKind
from fidelity.reports.render import ReportFailed, ReportUnavailable, review_pdf

bp = Blueprint("reports", __name__, url_prefix="/units/<code>/reports")
# A review's kind as its file's name gives it, in the reader's language (in ASCII, as every file name the app gives).
FILE_KINDS = {ReviewKind.SELF_ASSESSMENT: _l("self_assessment"), ReviewKind.EXTERNAL: _l("external")}


@bp.get("/<int:review_id>.pdf")
@writes_when_read
def review(code: str, review_id: int) -> ResponseReturnValue:
    unit = unit_or_404(current_user, code)
    found = review_or_404(unit, review_id)
    try:
        pdf = review_pdf(found, scale_registry(), clock.today())
    except ReportFailed as exc:
        return render_template("reports/unavailable.html", unit=unit, message=str(exc), failed=True), 500
    except ReportUnavailable as exc:
        return render_template("reports/unavailable.html", unit=unit, message=str(exc)), 409
    name = _("%(unit)s-%(date)s-%(kind)s-%(id)d", unit=unit.code, date=found.review_date.isoformat(),
             kind=FILE_KINDS[found.kind], id=found.id) + ".pdf"  # fmt: skip
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
