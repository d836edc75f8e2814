"""What the monitoring data shows around an adaptation: the people referred in the year before it began set beside
those referred in the year from its start (or until it ended, or today); and the outcomes of the full quarters before
it began set beside those of the full quarters it was in force. Pure.

The first comparison is of referral cohorts: days from referral to first meeting and to enrolment, the share screened
out against zero exclusion, and the share who gave up while waiting. The second adds up the kept quarterly figures of
up to four quarters on each side, leaving out the quarter it began in when it began after that quarter's first day:
the people served in work and in education, job starts, and employer contact within 30 days. Each shows what changed
when the adaptation began; other things may have changed at the same time, which the pages say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from dateutil.relativedelta import relativedelta

from fidelity.monitoring.outcomes import QuarterFigures, ServedRates, few_served
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.waiting import Cohort, referral_cohort

WINDOW_MONTHS = 12
OUTCOME_QUARTERS = 4  # full quarters compared on each side of an adaptation's start


@dataclass(frozen=True)
class Effect:
    before: Cohort
    after: Cohort


def first_day(since: date, months: int = WINDOW_MONTHS) -> date:
    """The first day of the window before an adaptation that began on `since`: the earliest referral compared."""
    return since - relativedelta(months=months)


def monitoring_effect(
    journeys: pd.DataFrame, since: date, until: date | None, today: date, months: int = WINDOW_MONTHS
) -> Effect | None:
    """Before and after `since`, or None when nobody was referred in either window."""
    before = referral_cohort(journeys, first_day(since, months), since - timedelta(days=1), today=today)
    end = min(since + relativedelta(months=months) - timedelta(days=1), until or today, today)
    after = referral_cohort(journeys, since, max(end, since - timedelta(days=1)), today=today)
    if before.referred == 0 and after.referred == 0:
        return None
    return Effect(before, after)


@dataclass(frozen=True)
class OutcomeWindow(ServedRates):
    """The kept figures of some full quarters added up: a person served in three of them counts three times, so each
    rate is the quarters' rates weighted by the people each served."""

    quarters: tuple[Quarter, ...]  # oldest first
    served_quarters: int  # of them, those that served anyone
    versions: tuple[str, ...]  # the definitions versions their figures were counted under, in order
    served: int
    in_competitive_work: int
    in_education: int
    job_starts: int
    contact_window_closed: int
    contact_within_30: int

    @property
    def served_per_quarter(self) -> int | None:
        """The people served in a quarter that served anyone, on average, rounded down; None when none did."""
        return self.served // self.served_quarters if self.served_quarters else None

    @property
    def few(self) -> bool:
        """Whether those of its quarters that served anyone served too few people on average to set its rates against
        the other window's (`outcomes.few_served`)."""
        return few_served(self.served_per_quarter)


@dataclass(frozen=True)
class OutcomeEffect:
    before: OutcomeWindow
    after: OutcomeWindow
    ended: bool = False  # the adaptation had ended by the day counted to: no more quarters will come in force

    @property
    def versions(self) -> tuple[str, ...]:
        """The definitions versions the two windows were counted under: more than one, and a change of definition,
        not the adaptation alone, may be what differs."""
        return tuple(sorted(set(self.before.versions) | set(self.after.versions)))


def outcome_window(
    figures: Mapping[Quarter, QuarterFigures], quarters: Sequence[Quarter], versions: Mapping[Quarter, str]
) -> OutcomeWindow:
    """The figures of `quarters` added up, each counted under its definitions version in `versions`; a quarter
    without figures counts as nobody served, and is left out."""
    counted = [figures[q] for q in quarters if q in figures]
    return OutcomeWindow(
        quarters=tuple(f.quarter for f in counted),
        served_quarters=sum(1 for f in counted if f.served),
        versions=tuple(sorted({versions[f.quarter] for f in counted if f.quarter in versions})),
        served=sum(f.served for f in counted),
        in_competitive_work=sum(f.in_competitive_work for f in counted),
        in_education=sum(f.in_education for f in counted),
        job_starts=sum(f.job_starts for f in counted),
        contact_window_closed=sum(f.contact_window_closed for f in counted),
        contact_within_30=sum(f.contact_within_30 for f in counted),
    )


def outcome_quarters(
    since: date, until: date | None, today: date, count: int = OUTCOME_QUARTERS
) -> tuple[tuple[Quarter, ...], tuple[Quarter, ...]]:
    """The full quarters compared around an adaptation in force from `since` (to `until`), as of `today`: up to
    `count` that ended before it began, and up to `count` from its start that ended before today and by its end. The
    quarter it began in is its first only when it began on that quarter's first day."""
    began = Quarter.of(since)
    before = [began.previous()]
    while len(before) < count:
        before.append(before[-1].previous())
    after: list[Quarter] = []
    quarter = began if since == began.start else began.next()
    while len(after) < count and quarter.end < today and (until is None or quarter.end <= until):
        after.append(quarter)
        quarter = quarter.next()
    return tuple(reversed(before)), tuple(after)


def outcome_effect(
    figures: Sequence[QuarterFigures],
    since: date,
    until: date | None,
    today: date,
    versions: Mapping[Quarter, str] | None = None,
    count: int = OUTCOME_QUARTERS,
) -> OutcomeEffect | None:
    """The outcomes of the full quarters before an adaptation began and of those it was in force (each quarter's
    figures counted under its definitions version in `versions`), or None when no quarter on either side served
    anyone."""
    by_quarter = {f.quarter: f for f in figures}
    windows = outcome_quarters(since, until, today, count)
    before, after = (outcome_window(by_quarter, quarters, versions or {}) for quarters in windows)
    if not before.served and not after.served:
        return None
    return OutcomeEffect(before, after, ended=until is not None and until < today)
