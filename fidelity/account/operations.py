"""A user's own account: a new password, ending their sessions, and API tokens (make one, its secret returned once
and only its hash kept; list them; revoke one).

Operations add and flush; the request or command commits once.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from fidelity.admin.operations import SetupError, set_password
from fidelity.auth.operations import authenticate
from fidelity.extensions import db
from fidelity.models import ApiToken, User
from fidelity.models.api_token import NAME_MAX, SECRET_PREFIX, hash_secret

# How many characters of the secret are kept and shown to tell tokens apart: the marker and 8 random characters.
SHOWN = len(SECRET_PREFIX) + 8
MAX_DAYS = 3650


class TokenError(ValueError):
    """A token that cannot be made as asked; the message is for the user."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once; never stored


def create_token(user: User, name: str, days: int | None, now: datetime) -> NewToken:
    """A new token for `user`, valid for `days` days from `now` or, without `days`, until it is revoked."""
    name = name.strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise TokenError(_("A token needs a name of 1 to %(max)d characters.", max=NAME_MAX))
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise TokenError(_("A token lasts 1 to %(max)d days.", max=MAX_DAYS))
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        secret_hash=hash_secret(secret),
        prefix=secret[:SHOWN],
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    return NewToken(token, secret)


def revoke_token(token: ApiToken, now: datetime) -> None:
    """Revoke `token` from `now` on; a token revoked already keeps its first revocation."""
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.flush()


def end_sessions(user: User) -> None:
    """End every session of `user`, on any computer, at its next request; API tokens are not sessions and go on.

    The caller that wants its own session to go on starts it again (`fidelity.access.start_session`)."""
    user.session_generation += 1
    db.session.flush()


def user_tokens(user: User) -> Sequence[ApiToken]:
    """Every token of `user`, revoked and expired ones included, newest first."""
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


class PasswordRefused(ValueError):
    """A new password not made; `field` names the form field at fault, and the message is for the user. `throttled`:
    refused because of too many failed attempts, whatever was typed."""

    def __init__(self, field: str, message: str, *, throttled: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.throttled = throttled


def change_password(
    user: User, current: str, new: str, *, attempts: int, minutes: int, hash_method: str, now: datetime
) -> None:
    """Give `user` the password `new`, once `current` proves to be theirs. A wrong `current` counts as a failed login
    for their address, and is throttled as logins are (see `authenticate`), so that a session left open is no way to
    guess the password. The new password ends every other session of the user (see `User.get_id`)."""
    checked = authenticate(user.email, current, attempts=attempts, minutes=minutes, hash_method=hash_method, now=now)
    if checked.throttled:
        message = _(
            "Too many failed attempts for this address. Try again in %(minutes)d minutes.",
            minutes=checked.retry_after_minutes,
        )
        raise PasswordRefused("current_password", message, throttled=True)
    if checked.user is None or checked.user.id != user.id:
        raise PasswordRefused("current_password", _("This is not your current password."))
    if new == current:
        raise PasswordRefused("new_password", _("The new password must differ from the current one."))
    try:
        set_password(user, new)
    except SetupError as error:
        raise PasswordRefused("new_password", error.message) from error
