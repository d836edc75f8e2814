"""Checking credentials, with failed attempts throttled per e-mail address.

Failures are rows in the database, so every worker process and host sees the same count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from fidelity.extensions import db
from fidelity.models import LoginFailure, User
from fidelity.models.types import utcnow


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    retry_after_minutes: int = 0  # above 0 when attempts for this address are paused

    @property
    def throttled(self) -> bool:
        return self.retry_after_minutes > 0


def authenticate(email: str, password: str, *, attempts: int, minutes: int, now: datetime | None = None) -> LoginResult:
    """The active user with these credentials, unless `attempts` failures for the address in the last `minutes`
    pause further tries. A failure is recorded whether or not the address belongs to anyone."""
    now = now or utcnow()
    key = email.strip().lower()
    window_start = now - timedelta(minutes=minutes)
    failures = db.session.scalars(
        select(LoginFailure.at).where(LoginFailure.email == key, LoginFailure.at >= window_start)
    ).all()
    if len(failures) >= attempts:
        oldest = min(_aware(at) for at in failures)
        wait = (oldest + timedelta(minutes=minutes) - now).total_seconds() / 60
        return LoginResult(None, retry_after_minutes=max(1, math.ceil(wait)))

    user = db.session.scalar(select(User).where(func.lower(User.email) == key))
    if user is None or not user.active or not user.check_password(password):
        db.session.add(LoginFailure(email=key[:254], at=now))
        db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - timedelta(days=1)))
        return LoginResult(None)
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == key))
    return LoginResult(user)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every timestamp the app writes is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
