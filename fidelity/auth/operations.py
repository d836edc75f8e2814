"""Checking credentials, with failed attempts throttled per e-mail address and per network address.

Failures are rows in the database, so every worker process and host sees the same count.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from fidelity.extensions import db
from fidelity.models import LoginFailure, User
from fidelity.models.types import utcnow


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    retry_after_minutes: int = 0  # above 0 when attempts for this address are paused
    from_source: bool = False  # paused for the network address the attempt came from, not the e-mail address

    @property
    def throttled(self) -> bool:
        return self.retry_after_minutes > 0


def authenticate(
    email: str,
    password: str,
    *,
    attempts: int,
    minutes: int,
    hash_method: str,
    now: datetime | None = None,
    source: str | None = None,
    source_attempts: int = 0,
) -> LoginResult:
    """The active user with these credentials, unless `attempts` failures for the address in the last `minutes`
    pause further tries, or `source_attempts` failures (0: no limit) from the network address `source` whatever
    e-mail addresses they tried. A failure is recorded whether or not the address belongs to anyone, with its source.
    A success clears the failures for its e-mail address, for that address only: they still count for their sources,
    so that an account's owner logging in does not let guessing from elsewhere go on.

    A password is checked against a hash whoever the address belongs to (for an unknown address, a stand-in made with
    `hash_method`, the app's PASSWORD_HASH_METHOD), so that how long the answer takes tells nobody which addresses have
    accounts, or which accounts are inactive."""
    now = now or utcnow()
    key = email.strip().lower()
    window_start = now - timedelta(minutes=minutes)
    failures = db.session.scalars(
        select(LoginFailure.at).where(
            LoginFailure.email == key, LoginFailure.at >= window_start, LoginFailure.cleared.is_(False)
        )
    ).all()
    if len(failures) >= attempts:
        return LoginResult(None, retry_after_minutes=_wait(failures, minutes, now))
    if source is not None and source_attempts > 0:
        from_source = db.session.scalars(
            select(LoginFailure.at).where(LoginFailure.source == source, LoginFailure.at >= window_start)
        ).all()
        if len(from_source) >= source_attempts:
            return LoginResult(None, retry_after_minutes=_wait(from_source, minutes, now), from_source=True)

    user = db.session.scalar(select(User).where(func.lower(User.email) == key))
    known_hash = user.password_hash if user is not None else _stand_in_hash(hash_method)
    password_matches = check_password_hash(known_hash, password)
    if user is None or not user.active or not password_matches:
        db.session.add(LoginFailure(email=key[:254], source=None if source is None else source[:45], at=now))
        db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - timedelta(days=1)))
        return LoginResult(None)
    db.session.execute(update(LoginFailure).where(LoginFailure.email == key).values(cleared=True))
    return LoginResult(user)


def _wait(failures: Sequence[datetime], minutes: int, now: datetime) -> int:
    """Whole minutes until the oldest of `failures` leaves the window of `minutes`, at least 1."""
    oldest = min(_aware(at) for at in failures)
    return max(1, math.ceil((oldest + timedelta(minutes=minutes) - now).total_seconds() / 60))


@lru_cache(maxsize=4)
def _stand_in_hash(method: str) -> str:
    """A hash made as users' passwords are, of a password nobody knows: what an unknown address is checked against."""
    return generate_password_hash(secrets.token_urlsafe(32), method=method)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every timestamp the app writes is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
