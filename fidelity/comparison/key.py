"""The comparison workbook's key: what each column of its first sheet gives, in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
from flask_babel import gettext as _

from fidelity.comparison.table import EXPORT_NAMES
from fidelity.downloads import column_key
from fidelity.monitoring.outcome_pages import UNIT_TEXT, column_text
from fidelity.monitoring.outcomes import FEW_SERVED, N_
from fidelity.scales import PrincipleSet, Scale

# The columns of the last full quarter's outcomes and staffing, explained as the outcomes' export explains them.
OUTCOME_COLUMNS = (
    "served",
    "in_competitive_work",
    "employment_rate",
    "in_education",
    "education_rate",
    "specialist_fte",
    "supervisor_fte",
    "caseload_per_specialist",
    "specialists_per_supervisor",
)
COLUMN_TEXTS: dict[str, tuple[str, str]] = {
    "unit": UNIT_TEXT,
    "name": (N_("Name"), N_("The unit's name.")),
    "area": (N_("Area"), N_("The area the unit belongs to.")),
    "review_date": (N_("Review date"), N_(
        "The date of the unit's latest review of the kind and period chosen; the next columns, to the principles, "
        "are that review's.")),
    "review_kind": (N_("Review kind"), N_("Whether that review is a self-assessment or an external review.")),
    "total": (N_("Total"), N_("That review's total score.")),
    "band": (N_("Band"), N_("The fidelity band the total falls in.")),
    "waiting": (N_("Waiting now"), N_(
        "People referred and, so far, neither enrolled, left nor refused, as the current quarter is counted to "
        "date.")),
    "median_days_to_enrolment": (N_("Days from referral to enrolment"), N_(
        "For people enrolled in the current quarter so far: the median number of days from referral to "
        "enrolment.")),
    "longest_wait_days": (N_("Longest wait (days)"), N_(
        "Of the people waiting now, the days since referral of the one who has waited longest.")),
    "waiting_quarter": (N_("Quarter of the waits"), N_(
        "The current quarter, which the three columns before count to date.")),
    "referrals_4q": (N_("Referrals, four quarters"), N_(
        "People referred in the last four full quarters (named in the column of the quarters of the referrals).")),
    "screened_out_4q": (N_("Screened out, four quarters"), N_(
        "Of them, those refused for a reason that screens people out, which the zero-exclusion principle forbids: "
        "judged not motivated or not ready, substance use, symptoms, a needs assessment not granted, a criminal "
        "record or a local eligibility rule.")),
    "screened_out_share_4q": (N_("Share screened out"), N_(
        "Those screened out, divided by the referrals: a share from 0 to 1.")),
    "not_refused_4q": (N_("Not refused, four quarters"), N_(
        "Of the referrals, those not refused, in the quarters counted from definitions version 3, as the gave-up "
        "figures are.")),
    "gave_up_4q": (N_("Gave up while waiting, four quarters"), N_(
        "Of the referrals not refused, those who left before enrolment because they withdrew or lost contact "
        "(counted from definitions version 3).")),
    "gave_up_share_4q": (N_("Share who gave up while waiting"), N_(
        "Those who gave up, divided by the referrals not refused: a share from 0 to 1.")),
    "screening_quarters": (N_("Quarters of the referrals"), N_(
        "The four full quarters whose referrals the six columns before count.")),
    "rates_quarter": (N_("Quarter of the rates"), N_(
        "The last full quarter, which the people served, their rates and the staffing count.")),
    "few_served": (N_("Few served"), N_(
        "Whether 1 to %(most)s people were served that quarter: one person then moves a rate by more than ten points, "
        "and the rate is not set against the benchmarks. False without figures or with nobody served.")),
    "next_review_due": (N_("Next review due"), N_(
        "When the unit's next review is due, counted from its latest review of either kind, whatever the kind "
        "chosen: %(at_or_above)s months after one at good fidelity or better, %(below)s months after one below it. "
        "A unit never reviewed is due %(below)s months after it started; when its start is not recorded, the cell "
        "is empty: it is due now.")),
    "review_overdue": (N_("Review overdue"), N_("Whether that day has passed.")),
    "never_reviewed": (N_("Never reviewed"), N_(
        "Whether the unit has had no review and its first is due: the page lists it among the overdue.")),
    "overdue_actions": (N_("Overdue actions"), N_(
        "Actions of the unit's action plans not yet done, whose day to be done by has passed.")),
}  # fmt: skip
# The columns over time, by the half-year or quarter their names end with (total_2025H1, employment_rate_2025Q3).
OVER_TIME: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"total_\d{4}H[12]"), N_("Total in the half-year"), N_(
        "The total of the unit's latest review in the half-year the column names (H1: January to June, H2: July to "
        "December).")),
    (re.compile(r"total_\d{4}H[12]_kind"), N_("Kind of that review"), N_(
        "Whether that review is a self-assessment or an external review.")),
    (re.compile(r"served_\d{4}Q[1-4]"), N_("People served in the quarter"), N_(
        "People served in the quarter the column names, whom the rate after it is a share of.")),
    (re.compile(r"employment_rate_\d{4}Q[1-4]"), N_("Employment rate in the quarter"), N_(
        "People served in the quarter who held a competitive job, divided by the people served: a share from 0 to "
        "1.")),
    (re.compile(r"education_rate_\d{4}Q[1-4]"), N_("Education rate in the quarter"), N_(
        "People served in the quarter who were in education, divided by the people served: a share from 0 to 1.")),
    (re.compile(r"waiting_\d{4}Q[1-4]"), N_("Waiting at the quarter's end"), N_(
        "People referred by the last day of the quarter the column names and, by that day, neither enrolled, left "
        "nor refused.")),
    (re.compile(r"longest_wait_days_\d{4}Q[1-4]"), N_("Longest wait at the quarter's end (days)"), N_(
        "Of them, the days since referral of the one who had waited longest by that day.")),
)  # fmt: skip


def column_definitions(columns: Iterable[str], scale: Scale, principles: PrincipleSet) -> pd.DataFrame:
    """The workbook's key to `columns`, the first sheet's, in their order: each column as the reader's export names it,
    with a label and a definition in the language of the scale and principles given and of the request."""
    schedule = scale.schedule
    numbers = {"most": FEW_SERVED - 1, "below": schedule.months_below_good,
               "at_or_above": schedule.months_at_or_above_good}  # fmt: skip

    def explained(column: str) -> tuple[str, str, str]:
        if column.startswith("item_"):
            title = scale.item(column.removeprefix("item_")).title
            return column, title, _("The item's score, 1 to 5, in the review the columns before it give.")
        if column.startswith("principle_"):
            principle = principles.get(column.removeprefix("principle_"))
            text = _("The mean of that review's scores of the items that serve the principle, to two decimals.")
            return column, f"{principle.number}. {principle.title}", text
        if column in OUTCOME_COLUMNS:
            label, text = column_text(column)
            return column, _(label), _(text)
        if column in COLUMN_TEXTS:
            label, text = COLUMN_TEXTS[column]
            return column, _(label), _(text, **numbers)
        found = next(((label, text) for pattern, label, text in OVER_TIME if pattern.fullmatch(column)), None)
        if found is None:  # a column the key does not know: said, rather than the key cut short at it
            raise ValueError(f"the comparison's key has no words for the column {column}")
        return column, _(found[0]), _(found[1])

    return column_key(EXPORT_NAMES, map(explained, columns))
