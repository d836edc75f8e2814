"""Checking credentials."""

from __future__ import annotations

from sqlalchemy import func, select

from fidelity.extensions import db
from fidelity.models import User


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active or not user.check_password(password):
        return None
    return user
