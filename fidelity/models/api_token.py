"""Tokens that let a program read the API as one user: only a hash of the secret is kept, never the secret."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fidelity.extensions import Model
from fidelity.models.types import Audited, as_utc, timestamp_column
from fidelity.models.user import User

# Every secret starts so, which makes a leaked token easy to recognise (and to search for in code).
SECRET_PREFIX = "fid_"  # noqa: S105 - a marker, not a secret
NAME_MAX = 100


def hash_secret(secret: str) -> str:
    """What is kept of a secret: its SHA-256 in hex. The secret is random and long, so no slow hash is needed."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(Audited, Model):
    """A user's token for the read-only API. The secret is shown once, when the token is made; after that only its
    SHA-256 hash (to find the token) and a short prefix (to recognise it in a list) remain."""

    __tablename__ = "api_tokens"
    __audit_redact__ = frozenset({"secret_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the whole secret
    prefix: Mapped[str] = mapped_column(String(16))  # the secret's first characters, for display
    created_at: Mapped[datetime] = timestamp_column()
    # Written at most once a minute (see access.py), without an audit entry: it is bookkeeping, not a change.
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and as_utc(self.expires_at) <= now

    def usable(self, now: datetime) -> bool:
        """Neither revoked nor expired at `now`."""
        return self.revoked_at is None and not self.expired(now)
