"""Turning a review into a PDF: the report template rendered to HTML, laid out by WeasyPrint."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import gettext as _
from weasyprint import HTML

from fidelity.adaptations.forms import REASON_NAMES
from fidelity.models import Review, ReviewKind, ReviewStatus
from fidelity.monitoring.journey_forms import REASON_NAMES as NOT_ACCEPTED_NAMES
from fidelity.reports.content import ReportData, report_data
from fidelity.scales import ScaleRegistry


def report_html(data: ReportData) -> str:
    """The report as HTML in the current language (the requesting user's, or the one a command forces)."""
    return render_template(
        "reports/review.html",
        data=data,
        reason_names=REASON_NAMES,
        not_accepted_names={reason.value: name for reason, name in NOT_ACCEPTED_NAMES.items()},
    )


class ReportUnavailable(Exception):
    """A review that cannot be printed yet; the message says why."""


def review_pdf(review: Review, registry: ScaleRegistry, today: date) -> bytes:
    """The review's report as PDF bytes (A4, page numbers, a running header; DRAFT across a review not counted).

    An external review is printed from consensus on: before that its reviewers' own ratings are not to be shown.
    """
    if review.kind is ReviewKind.EXTERNAL and review.status is ReviewStatus.DRAFT:
        raise ReportUnavailable(_("The report of an external review is available once consensus has started."))
    html = report_html(report_data(review, registry, today))
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
