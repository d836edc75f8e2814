"""The waiting list page's waits by quarter of referral: the quarters shown, and their chart in the reader's words;
what each column of its export gives."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from fidelity.charts import ChartShown, WaitChartText, WaitPoint, wait_days_svg, wait_legend
from fidelity.downloads import column_key
from fidelity.i18n import quarter_text
from fidelity.models.monitoring import ZERO_EXCLUSION_BREACHES, NotAcceptedReason
from fidelity.monitoring.journey_forms import REASON_NAMES
from fidelity.monitoring.outcome_pages import UNIT_TEXT
from fidelity.monitoring.outcomes import N_
from fidelity.monitoring.waiting import EXPORT_COLUMNS, EXPORT_NAMES, ReferralQuarter

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


# What each column of the export gives, for the workbook's sheet of definitions: each line counts the people referred
# in one calendar quarter, whenever they met a specialist or started, as the journeys stand on the day of the
# download. The columns of the reasons for not accepting a referral are explained by `column_definitions`.
COLUMN_TEXTS: dict[str, tuple[str, str]] = {
    "unit": UNIT_TEXT,
    "year": (N_("Year"), N_("The year of the quarter of referral.")),
    "quarter": (N_("Quarter"), N_(
        "The calendar quarter in which the people counted on the line were referred, 1 to 4: January to March is "
        "1.")),
    "definitions_version": (N_("Definitions version"), N_(
        "The version of the waiting list's definitions the line was counted under.")),
    "referred": (N_("Referrals"), N_("People referred in the quarter.")),
    "first_meetings": (N_("First meetings"), N_(
        "Of the people referred in the quarter, those who have had a first meeting, whenever it fell.")),
    "days_to_first_meeting_median": (N_("Days to first meeting, median"), N_(
        "The median of the days from referral to first meeting, of those who have had one.")),
    "days_to_first_meeting_p90": (N_("Days to first meeting, 90th percentile"), N_(
        "The 90th percentile of the days from referral to first meeting (linear interpolation): one in ten waited "
        "longer.")),
    "enrolments": (N_("Enrolments"), N_(
        "Of the people referred in the quarter, those who have been enrolled, whenever it was.")),
    "days_to_enrolment_median": (N_("Days to enrolment, median"), N_(
        "The median of the days from referral to enrolment, of those who have been enrolled.")),
    "days_to_enrolment_p90": (N_("Days to enrolment, 90th percentile"), N_(
        "The 90th percentile of the days from referral to enrolment (linear interpolation): one in ten waited "
        "longer.")),
    "still_waiting": (N_("Still waiting"), N_(
        "Of the people referred in the quarter, those neither enrolled, left nor refused. While some still wait, the "
        "quarter's medians may rise.")),
    "longest_wait_so_far_days": (N_("Longest wait so far (days)"), N_(
        "Of those still waiting, the days from referral to the day of the download of the one referred first: their "
        "wait will be at least this. Empty when nobody still waits.")),
    "gave_up": (N_("Gave up while waiting"), N_(
        "Of the people referred in the quarter and not refused, those who left before enrolment because they "
        "withdrew or lost contact.")),
    "gave_up_share": (N_("Share who gave up while waiting"), N_(
        "Those who gave up, divided by the people referred in the quarter and not refused: a share from 0 to 1.")),
    "not_accepted": (N_("Referrals not accepted"), N_(
        "Of the people referred in the quarter, those whose referral was not accepted.")),
    "not_accepted_share": (N_("Share not accepted"), N_(
        "Referrals not accepted, divided by the people referred in the quarter: a share from 0 to 1.")),
    "zero_exclusion_breaches": (N_("Screened out"), N_(
        "Of the referrals not accepted, those refused for a reason that screens people out, which the "
        "zero-exclusion principle forbids: judged not motivated or not ready, substance use, symptoms, a needs "
        "assessment not granted, a criminal record or a local eligibility rule.")),
    "breach_share": (N_("Share screened out"), N_(
        "Those screened out, divided by the people referred in the quarter: a share from 0 to 1.")),
    "to_date": (N_("To date"), N_(
        "Whether the quarter is the current one, its referrals counted up to the day of the download.")),
    "journeys_purged": (N_("Journeys deleted"), N_(
        "Whether the quarter began before the cut-off of the unit's latest purge: the journeys that ended before it "
        "were deleted under the retention rule, so the line counts fewer people than the quarter had.")),
}  # fmt: skip


def column_definitions() -> pd.DataFrame:
    """The workbook's key to its columns, in their order, in the reader's language: a label and a definition for
    each."""

    def explained(column: str) -> tuple[str, str, str]:
        if column in COLUMN_TEXTS:
            label, text = COLUMN_TEXTS[column]
            return column, _(label), _(text)
        reason = NotAcceptedReason(column.removeprefix("not_accepted_"))
        breach = _("It screens people out, which the zero-exclusion principle forbids.")
        text = _("Referrals of the quarter not accepted for this reason.")
        if reason is NotAcceptedReason.OTHER:
            text = _("Referrals of the quarter not accepted for another reason, or with no reason recorded.")
        label = _("Not accepted: %(reason)s", reason=REASON_NAMES[reason])
        return column, label, f"{text} {breach}" if reason in ZERO_EXCLUSION_BREACHES else text

    return column_key(EXPORT_NAMES, map(explained, EXPORT_COLUMNS))
