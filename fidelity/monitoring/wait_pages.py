"""The waiting list page's waits by quarter of referral: the quarters shown, and their chart in the reader's words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup

from fidelity.charts import WaitChartText, WaitPoint, wait_days_svg
from fidelity.i18n import quarter_text
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.waiting import Cohort

QUARTERS_SHOWN = 8  # two years of referrals on the page; the export holds every quarter


@dataclass(frozen=True)
class WaitQuarter:
    """One quarter of referrals as the page shows it."""

    quarter: Quarter
    cohort: Cohort
    running: bool  # today's quarter, counted to date
    purged: bool  # it began before the latest purge's cut-off: it counts only the journeys kept


def wait_quarters(
    quarters: Sequence[tuple[Quarter, Cohort]], today: date, purge_cutoff: date | None
) -> list[WaitQuarter]:
    """The last QUARTERS_SHOWN quarters of referrals, oldest first."""
    return [
        WaitQuarter(quarter, cohort, quarter.end > today, purge_cutoff is not None and quarter.start < purge_cutoff)
        for quarter, cohort in quarters[-QUARTERS_SHOWN:]
    ]


def wait_chart(quarters: Sequence[WaitQuarter]) -> Markup:
    """Median days from referral to a first meeting and to enrolment, quarter by quarter."""
    points = [
        WaitPoint(
            quarter_text(q.quarter.year, q.quarter.number),
            q.cohort.to_first_meeting.median,
            q.cohort.to_enrolment.median,
            q.cohort.still_waiting > 0,
        )
        for q in quarters
    ]
    words = WaitChartText(
        to_first_meeting=_("To first meeting"),
        to_enrolment=_("To enrolment"),
        days=_("Days from referral, median"),
        no_meetings=_("No first meetings yet"),
        to_date=_("to date"),
        still_waiting=_("Hollow: some of the quarter's referrals still wait, so its median may rise"),
        shaded=_("Shaded: the quarter to date"),
    )
    running = bool(quarters) and quarters[-1].running
    svg = wait_days_svg(points, title=_("Waits by quarter of referral"), running=running, text=words)
    return Markup(svg)  # noqa: S704 - matplotlib made it from our own data, and it escapes its text
