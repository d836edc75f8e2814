"""What the monitoring data shows around an adaptation: the people referred in the year before it began set beside
those referred in the year from its start (or until it ended, or today). Pure.

The comparison is of referral cohorts: days from referral to first meeting and to enrolment, the share screened out
against zero exclusion, and the share who gave up while waiting. It shows what changed when the adaptation began;
other things may have changed at the same time, which the report says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from dateutil.relativedelta import relativedelta

from fidelity.monitoring.waiting import Cohort, referral_cohort

WINDOW_MONTHS = 12


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
    before = referral_cohort(journeys, first_day(since, months), since - timedelta(days=1))
    end = min(since + relativedelta(months=months) - timedelta(days=1), until or today, today)
    after = referral_cohort(journeys, since, max(end, since - timedelta(days=1)))
    if before.referred == 0 and after.referred == 0:
        return None
    return Effect(before, after)
