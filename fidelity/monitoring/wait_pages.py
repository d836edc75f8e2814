"""The waiting list page's waits by quarter of referral: the quarters shown, and their chart in the reader's words."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from fidelity.charts import ChartShown, WaitChartText, WaitPoint, wait_days_svg, wait_legend
from fidelity.i18n import quarter_text
from fidelity.monitoring.waiting import ReferralQuarter

QUARTERS_SHOWN = 8  # two years of referrals on the page; the export holds every quarter


def wait_chart(quarters: Sequence[ReferralQuarter]) -> ChartShown:
    """Median days from referral to a first meeting and to enrolment, quarter by quarter, with the longest wait so
    far of each quarter's referrals still waiting."""
    points = [
        WaitPoint(
            quarter_text(q.quarter.year, q.quarter.number),
            q.cohort.to_first_meeting.median,
            q.cohort.to_enrolment.median,
            q.cohort.still_waiting > 0,
            q.cohort.longest_waiting,
        )
        for q in quarters
    ]
    words = WaitChartText(
        to_first_meeting=_("Median to first meeting"),
        to_enrolment=_("Median to enrolment"),
        days=_("Days from referral"),
        no_meetings=_("No first meetings yet"),
        to_date=_("to date"),
        still_waiting=_("Hollow: some of the quarter's referrals still wait, so its median may rise"),
        shaded=_("Shaded: the quarter to date"),
        longest_waiting=_("Longest wait so far of those still waiting: their wait will be at least this"),
    )
    waits = [
        ngettext("%(quarter)s: %(num)d day", "%(quarter)s: %(num)d days", p.longest_waiting, quarter=p.label)
        for p in points
        if p.longest_waiting is not None
    ]
    # The triangles said in words to a screen reader; the table under the chart gives every other figure.
    description = None
    if waits:
        description = _(
            "Triangles mark the longest wait so far of those still waiting, at least as long as their wait will be: "
            "%(waits)s.",
            waits="; ".join(waits),
        )
    running = bool(quarters) and quarters[-1].running
    svg = wait_days_svg(
        points, title=_("Waits by quarter of referral"), running=running, text=words, description=description,
        legend=False,
    )  # fmt: skip
    # Markup: matplotlib made it from our own data, and it escapes its text.
    return ChartShown(Markup(svg), wait_legend(points, running=running, text=words))  # noqa: S704
