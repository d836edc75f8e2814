"""What day it is: the date in the app's time zone (FIDELITY_TIMEZONE), not the server's.

A server usually runs in UTC. Between midnight in Stockholm and midnight in UTC, the server's date is yesterday
there: a review dated today would be refused as in the future, and an action due yesterday would not yet be overdue.
Every "today" the app decides with (date checks, overdue days, the quarter under way, file names) is this one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from fidelity.config import DEFAULTS


def now() -> datetime:
    """The current moment, in UTC (a function of its own, so that tests can set the clock)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the app's time zone (outside an app, such as an operation called from a script, the default
    zone's)."""
    return now().astimezone(_app_zone()).date()


def start_of(day: date) -> datetime:
    """The first moment of `day` in the app's time zone, in UTC. At the ends of the calendar (`date.min`, which a
    cut-off that takes everything is), where the zone's offset would run past them, the first moment in UTC."""
    try:
        return datetime.combine(day, time.min, tzinfo=_app_zone()).astimezone(UTC)
    except OverflowError:
        return datetime.combine(day, time.min, tzinfo=UTC)


def _app_zone() -> ZoneInfo:
    return _zone(str(current_app.config["TIMEZONE"] if has_app_context() else DEFAULTS["TIMEZONE"]))


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
