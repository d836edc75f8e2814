"""Turning a review into a PDF: the report template rendered to HTML, laid out by WeasyPrint."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_babel import gettext as _
from weasyprint import HTML

from fidelity.adaptations.forms import REASON_NAMES
from fidelity.comparison.table import outcome_of
from fidelity.models import Review, ReviewKind, ReviewStatus
from fidelity.monitoring.journey_forms import REASON_NAMES as NOT_ACCEPTED_NAMES
from fidelity.monitoring.outcomes import SUPERVISION_LIMIT, over_caseload, per_supervisor, supervision
from fidelity.reports.content import ReportData, report_data
from fidelity.scales import ScaleRegistry

log = logging.getLogger(__name__)


def report_html(data: ReportData, bound_in: BoundIn | None = None) -> str:
    """The report as HTML in the current language (the requesting user's, or the one a command forces); `bound_in`
    when it is part of a larger document, whose page numbers it carries on."""
    return render_template(
        "reports/review.html",
        data=data,
        bound_in=bound_in,
        reason_names=REASON_NAMES,
        not_accepted_names={reason.value: name for reason, name in NOT_ACCEPTED_NAMES.items()},
        over_caseload=over_caseload,  # judged as the outcomes page judges it
        # Employment rates set against the employment benchmarks only on a scale of employment, as the comparison.
        employment_scale=outcome_of(data.scale) == "employment",
        # Specialists per full-time supervisor, judged as the outcomes page judges them.
        supervision_limit=SUPERVISION_LIMIT,
        per_supervisor=per_supervisor,
        supervision=supervision,
    )


@dataclass(frozen=True)
class BoundIn:
    """A larger document a review's report is printed in: its title, for the foot of each page, and the number the
    report's first page has in it."""

    title: str
    first_page: int


class ReportUnavailable(Exception):
    """A review that cannot be printed yet; the message says why."""


class ReportFailed(ReportUnavailable):
    """The PDF could not be laid out; the message says why. Making a report changes nothing, so nothing is lost."""


def review_pdf(review: Review, registry: ScaleRegistry, today: date) -> bytes:
    """The review's report as PDF bytes (A4, page numbers, a running header; DRAFT across a review not counted).

    An external review is printed from consensus on: before that its reviewers' own ratings are not to be shown.
    """
    if review.kind is ReviewKind.EXTERNAL and review.status is ReviewStatus.DRAFT:
        raise ReportUnavailable(_("The report of an external review is available once consensus has started."))
    html = report_html(report_data(review, registry, today))
    try:
        pdf: bytes = HTML(string=html).write_pdf()
    except Exception as exc:  # WeasyPrint, fonts, memory: whatever it is, say it instead of a bare server error
        log.exception("the PDF of review %s could not be made", review.id)
        reason = f"{type(exc).__name__}: {str(exc)[:200]}"
        raise ReportFailed(_("The PDF could not be made (%(reason)s). Nothing has changed; try again, and if it "
                             "fails again tell your administrator.", reason=reason)) from exc  # fmt: skip
    return pdf
