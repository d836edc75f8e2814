"""A user's API tokens: make one (its secret returned once, only its hash kept), list them, revoke one.

Operations add and flush; the request or command commits once.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

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


def user_tokens(user: User) -> Sequence[ApiToken]:
    """Every token of `user`, revoked and expired ones included, newest first."""
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
