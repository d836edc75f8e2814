"""The waiting list: who waits and how long, who gives up, who is screened out and why. Pure, with pandas.

Definitions (version WAITING_DEFINITIONS_VERSION), written once here and shown on the page:
- waiting now: referred on or before today, not enrolled, not exited and not refused; of them, those waiting for a
  decision (none recorded) and those accepted and not started (since version 3);
- the period: the `months` months up to today (12 unless asked otherwise), from the day after the same day `months`
  months before, so that twelve months are a year and not a day more; but never from before the cut-off of the
  unit's latest purge (since version 2): the journeys that ended before it were deleted, and those are more often
  the referrals refused and the people who gave up, so counting what was left of the months before would make the
  shares look better than they were;
- days to first meeting / to enrolment: referral to that date, for people whose first meeting / enrolment fell in
  the period; the median and the 90th percentile (linear interpolation);
- gave up while waiting: of the people referred in the period and not refused, those who left before enrolment
  because they withdrew or lost contact (the reasons for leaving, not those for refusing); beside it, how many of
  them still wait (since version 3);
- still waiting, of a quarter's referrals: neither enrolled, left nor refused as the journeys stand; the longest
  wait so far of them, today less the earliest referral among them (since version 4), is a lower bound for their
  wait, which the quarter's medians do not count yet;
- not accepted: of the people referred in the period, those refused, by reason; reasons that screen people out
  (not motivated, not ready, substance use, symptoms, needs assessment not granted, criminal record, an eligibility
  rule) breach zero exclusion.
The export counts the same for each calendar quarter's referrals (the people referred in it, whenever they met or
started). Its quarters are whole, the period's rule aside: one that began before the latest purge's cut-off counts
only the journeys kept, and says so (`journeys_purged`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from dateutil.relativedelta import relativedelta

from fidelity.column_names import ColumnNames
from fidelity.downloads import KEY_NAMES
from fidelity.models.monitoring import GAVE_UP, ZERO_EXCLUSION_BREACHES, Decision, NotAcceptedReason
from fidelity.monitoring.outcomes import SWEDISH_COLUMNS, rounded, version_number
from fidelity.monitoring.quarters import Quarter, quarters_between

WAITING_DEFINITIONS_VERSION = "4"
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class WaitingPerson:
    journey_id: int
    code: str
    referral_date: date
    days_waiting: int
    accepted: bool  # accepted already, or still waiting for a decision
    first_meeting_date: date | None


@dataclass(frozen=True)
class Spread:
    """Days from referral to a step: how many people it covers, the median and the 90th percentile."""

    people: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    people: int
    share: float  # of everyone referred in the period
    breach: bool  # screens a person out, which zero exclusion forbids


@dataclass(frozen=True)
class WaitingList:
    today: date
    period_start: date
    waiting: tuple[WaitingPerson, ...]  # the longest wait first
    referred: int  # referred in the period
    to_first_meeting: Spread
    to_enrolment: Spread
    gave_up: int
    gave_up_share: float | None  # of those referred in the period and not refused
    not_accepted: int
    not_accepted_share: float | None
    breaches: int
    breach_share: float | None
    reasons: tuple[ReasonCount, ...]  # most frequent first
    # The period was cut short to start on the cut-off of the unit's latest purge (see the definitions above).
    starts_at_purge: bool = False
    # Of the people referred in the period and not refused, those still waiting: they may yet give up, so a share
    # who gave up counted while most still wait says little.
    still_waiting: int = 0

    @property
    def longest_wait(self) -> int | None:
        return self.waiting[0].days_waiting if self.waiting else None

    @property
    def awaiting_decision(self) -> int:
        """Of the people waiting, those whose referral is not decided yet: the unit's own queue to a decision."""
        return sum(not person.accepted for person in self.waiting)

    @property
    def accepted_waiting(self) -> int:
        """Of the people waiting, those accepted and not started yet (enrolment)."""
        return sum(person.accepted for person in self.waiting)


def _spread(days: pd.Series) -> Spread:
    days = days.dropna()
    if days.empty:
        return Spread(0, None, None)
    return Spread(len(days), float(days.median()), float(days.quantile(0.9)))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _day(value: object) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


@dataclass(frozen=True)
class Cohort:
    """The people referred from `start` to `end` (both included) and what became of them."""

    start: date
    end: date
    referred: int
    to_first_meeting: Spread  # of those who had a first meeting
    to_enrolment: Spread  # of those who enrolled
    gave_up: int
    gave_up_share: float | None  # of those not refused
    not_accepted: int
    not_accepted_share: float | None
    breaches: int
    breach_share: float | None
    reasons: tuple[ReasonCount, ...]  # most frequent first
    # Still waiting, as the journeys stand: neither enrolled, left nor refused. Their waits are in no median yet, so
    # a recent quarter's days to enrolment count only those who started soonest.
    still_waiting: int = 0
    # Of them, the longest wait so far: days from referral to today of the one referred first (since version 4).
    # Their wait will be at least that long: a lower bound beside a median that does not count them. None when
    # nobody still waits.
    longest_waiting: int | None = None


def referral_cohort(journeys: pd.DataFrame, start: date, end: date, *, today: date) -> Cohort:
    """Figures for the people referred from `start` to `end`, as the journeys stand on `today`."""
    cohort = journeys[
        (journeys["referral_date"] >= pd.Timestamp(start)) & (journeys["referral_date"] <= pd.Timestamp(end))
    ]
    refused = cohort["decision"] == Decision.NOT_ACCEPTED.value
    considered = cohort[~refused]
    left_before_start = considered["exit_date"].notna() & (
        considered["enrolment_date"].isna() | (considered["enrolment_date"] > considered["exit_date"])
    )
    gave_up = int((left_before_start & considered["exit_reason"].isin([r.value for r in GAVE_UP])).sum())
    refused_rows = cohort[refused]
    counts = refused_rows["not_accepted_reason"].fillna(NotAcceptedReason.OTHER.value).value_counts()
    breach_values = {r.value for r in ZERO_EXCLUSION_BREACHES}
    reasons = tuple(
        ReasonCount(str(reason), int(n), int(n) / len(cohort), str(reason) in breach_values)
        for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    )
    breaches = sum(r.people for r in reasons if r.breach)
    waiting = considered[considered["enrolment_date"].isna() & considered["exit_date"].isna()]
    return Cohort(
        start=start,
        end=end,
        referred=len(cohort),
        to_first_meeting=_spread((cohort["first_meeting_date"] - cohort["referral_date"]).dt.days),
        to_enrolment=_spread((cohort["enrolment_date"] - cohort["referral_date"]).dt.days),
        gave_up=gave_up,
        gave_up_share=_share(gave_up, len(considered)),
        not_accepted=len(refused_rows),
        not_accepted_share=_share(len(refused_rows), len(cohort)),
        breaches=breaches,
        breach_share=_share(breaches, len(cohort)),
        reasons=reasons,
        still_waiting=len(waiting),
        longest_waiting=None if waiting.empty else (pd.Timestamp(today) - waiting["referral_date"].min()).days,
    )


def known_on(journeys: pd.DataFrame, day: date) -> pd.DataFrame:
    """The journeys as they stood at the end of `day`: every date after it unknown yet, and with it a decision (and
    its reason) or an exit reason given later. A report on a past day counts what was known then: a person refused
    the week after was still waiting on the day."""
    cut = pd.Timestamp(day)
    known = journeys.copy()
    later_decision = known["decision_date"] > cut
    known.loc[later_decision, ["decision", "not_accepted_reason"]] = None
    known.loc[known["exit_date"] > cut, "exit_reason"] = None
    for column in known.columns:
        if column.endswith("_date"):
            known.loc[known[column] > cut, column] = pd.NaT
    return known


def waiting_list(
    journeys: pd.DataFrame, today: date, months: int = DEFAULT_MONTHS, purged_before: date | None = None
) -> WaitingList:
    """The waiting list of the journeys in `journeys` (a `JourneyFrames.journeys` table) as they stood on `today`
    (see `known_on`: for a report on a past day). `purged_before`: the cut-off of the unit's latest purge, if any;
    the period starts no earlier."""
    journeys = known_on(journeys, today)
    now = pd.Timestamp(today)
    start = today - relativedelta(months=months) + timedelta(days=1)  # `months` months to today, both counted
    starts_at_purge = False
    if purged_before is not None and start < purged_before <= today:
        start, starts_at_purge = purged_before, True
    refused = journeys["decision"] == Decision.NOT_ACCEPTED.value
    not_enrolled = journeys["enrolment_date"].isna() | (journeys["enrolment_date"] > now)
    not_exited = journeys["exit_date"].isna() | (journeys["exit_date"] > now)
    waiting_rows = journeys[(journeys["referral_date"] <= now) & not_enrolled & not_exited & ~refused]
    waiting = tuple(
        WaitingPerson(
            journey_id=int(row.id),
            code=str(row.code),
            referral_date=pd.Timestamp(row.referral_date).date(),
            days_waiting=(now - row.referral_date).days,
            accepted=row.decision == Decision.ACCEPTED.value,
            first_meeting_date=_day(row.first_meeting_date),
        )
        for row in waiting_rows.itertuples()
    )
    period = referral_cohort(journeys, start, today, today=today)
    met = journeys[(journeys["first_meeting_date"] >= pd.Timestamp(start)) & (journeys["first_meeting_date"] <= now)]
    enrolled = journeys[(journeys["enrolment_date"] >= pd.Timestamp(start)) & (journeys["enrolment_date"] <= now)]
    return WaitingList(
        today=today,
        period_start=start,
        waiting=tuple(sorted(waiting, key=lambda p: (-p.days_waiting, p.code))),
        referred=period.referred,
        to_first_meeting=_spread((met["first_meeting_date"] - met["referral_date"]).dt.days),
        to_enrolment=_spread((enrolled["enrolment_date"] - enrolled["referral_date"]).dt.days),
        gave_up=period.gave_up,
        gave_up_share=period.gave_up_share,
        not_accepted=period.not_accepted,
        not_accepted_share=period.not_accepted_share,
        breaches=period.breaches,
        breach_share=period.breach_share,
        reasons=period.reasons,
        starts_at_purge=starts_at_purge,
        still_waiting=period.still_waiting,
    )


@dataclass(frozen=True)
class ReferralQuarter:
    """One calendar quarter's referrals: their figures, and what a reader should know of them."""

    quarter: Quarter
    cohort: Cohort
    running: bool  # under way today (its last day included), so counted to date: see `Quarter.under_way`
    purged: bool  # it began before the cut-off of the unit's latest purge: it counts only the journeys kept


def referral_quarters(
    journeys: pd.DataFrame, today: date, purge_cutoff: date | None = None, *, last: int | None = None
) -> list[ReferralQuarter]:
    """The figures of each calendar quarter's referrals, oldest first: from the quarter of the first referral to
    today's, which is counted up to today; only the `last` so many of them, if given (the others are not counted).
    `purge_cutoff`: the cut-off of the unit's latest purge, if any."""
    referrals = journeys["referral_date"].dropna()
    if referrals.empty:
        return []
    quarters = list(quarters_between(Quarter.of(pd.Timestamp(referrals.min()).date()), Quarter.of(today)))
    return [
        ReferralQuarter(
            quarter,
            referral_cohort(journeys, quarter.start, min(quarter.end, today), today=today),
            running=quarter.under_way(today),
            purged=purge_cutoff is not None and quarter.start < purge_cutoff,
        )
        for quarter in (quarters if last is None else quarters[max(len(quarters) - last, 0) :])
    ]


def export_frame(unit_code: str, quarters: Sequence[ReferralQuarter]) -> pd.DataFrame:
    """One line per quarter of referrals, oldest first: how many were referred, how long they took to a first
    meeting and to enrolment, how many gave up while waiting and how many were not accepted, by reason (shares from
    0 to 1), under the definitions version they were counted by. Journeys that ended before the cut-off of the
    unit's latest purge were deleted under the retention rule, so a quarter that began before it counts fewer people
    than it had (a quarter whose journeys all went is missing); such lines say so. With no quarters, the columns
    alone."""
    lines = []
    for line in quarters:
        quarter, cohort = line.quarter, line.cohort
        counts = {reason.value: 0 for reason in NotAcceptedReason}
        counts |= {count.reason: count.people for count in cohort.reasons}
        lines.append(
            {
                "unit": unit_code,
                "year": quarter.year,
                "quarter": quarter.number,
                "definitions_version": version_number(WAITING_DEFINITIONS_VERSION),
                "referred": cohort.referred,
                "first_meetings": cohort.to_first_meeting.people,
                "days_to_first_meeting_median": cohort.to_first_meeting.median,
                "days_to_first_meeting_p90": rounded(cohort.to_first_meeting.p90, 1),
                "enrolments": cohort.to_enrolment.people,
                "days_to_enrolment_median": cohort.to_enrolment.median,
                "days_to_enrolment_p90": rounded(cohort.to_enrolment.p90, 1),
                "still_waiting": cohort.still_waiting,
                "longest_wait_so_far_days": cohort.longest_waiting,
                "gave_up": cohort.gave_up,
                "gave_up_share": rounded(cohort.gave_up_share, 4),
                "not_accepted": cohort.not_accepted,
                "not_accepted_share": rounded(cohort.not_accepted_share, 4),
                "zero_exclusion_breaches": cohort.breaches,
                "breach_share": rounded(cohort.breach_share, 4),
                **{f"not_accepted_{reason}": people for reason, people in counts.items()},
                "to_date": line.running,
                "journeys_purged": line.purged,
            }
        )
    if not lines:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    # Whole days stay whole where some quarters have none (nobody still waiting): 165, not 165.0.
    return pd.DataFrame(lines).astype({"longest_wait_so_far_days": "Int64"})


# The columns of a line, in order: what an export with no quarters still heads its empty sheet with.
EXPORT_COLUMNS = [
    "unit",
    "year",
    "quarter",
    "definitions_version",
    "referred",
    "first_meetings",
    "days_to_first_meeting_median",
    "days_to_first_meeting_p90",
    "enrolments",
    "days_to_enrolment_median",
    "days_to_enrolment_p90",
    "still_waiting",
    "longest_wait_so_far_days",
    "gave_up",
    "gave_up_share",
    "not_accepted",
    "not_accepted_share",
    "zero_exclusion_breaches",
    "breach_share",
    *(f"not_accepted_{reason.value}" for reason in NotAcceptedReason),
    "to_date",
    "journeys_purged",
]
# Each reason for not accepting a referral in a word or two, as the Swedish columns of the reasons name it.
SWEDISH_REASONS = {
    NotAcceptedReason.NOT_MOTIVATED: "ej_motiverad",
    NotAcceptedReason.NOT_READY: "ej_redo",
    NotAcceptedReason.SUBSTANCE_USE: "missbruk",
    NotAcceptedReason.SYMPTOMS: "symtom",
    NotAcceptedReason.NEEDS_ASSESSMENT_NOT_GRANTED: "behovsbedömning_ej_beviljad",
    NotAcceptedReason.CRIMINAL_RECORD: "brottsregister",
    NotAcceptedReason.OUTSIDE_ELIGIBILITY: "utanför_behörighetsregel",
    NotAcceptedReason.DECLINED: "tackade_nej",
    NotAcceptedReason.NOT_REACHED: "ej_nådd",
    NotAcceptedReason.MOVED_AWAY: "flyttade",
    NotAcceptedReason.OTHER: "annat",
}
# The columns as a Swedish reader's files name them; the figures the outcomes share with it, as those name them.
EXPORT_NAMES = ColumnNames(
    SWEDISH_COLUMNS,
    KEY_NAMES,
    {
        "Waiting list": "Väntelista",  # the workbook's sheet
        "first_meetings": "första_möten",
        "days_to_first_meeting_median": "dagar_till_första_mötet_median",
        "days_to_first_meeting_p90": "dagar_till_första_mötet_p90",
        "enrolments": "inskrivningar",
        "days_to_enrolment_median": "dagar_till_inskrivning_median",
        "days_to_enrolment_p90": "dagar_till_inskrivning_p90",
        "still_waiting": "väntar_fortfarande",
        "longest_wait_so_far_days": "längsta_väntan_hittills_dagar",
        "not_accepted_share": "andel_ej_antagna",
        "zero_exclusion_breaches": "bortsållade",  # screened out, as the outcomes name them
        "breach_share": "andel_bortsållade",
        **{f"not_accepted_{reason.value}": f"ej_antagna_{name}" for reason, name in SWEDISH_REASONS.items()},
        "journeys_purged": "förlopp_gallrade",
    },
)
