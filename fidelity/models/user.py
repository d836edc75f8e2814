"""Staff who use the tool, and the roles they hold on units and areas."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from fidelity.extensions import Model
from fidelity.models.types import Audited, enum_column, timestamp_column


class Role(enum.StrEnum):
    ADMIN = "admin"
    SECOND_TIER_MANAGER = "second_tier_manager"
    FRONTLINE_MANAGER = "frontline_manager"
    EXTERNAL_REVIEWER = "external_reviewer"


class User(Audited, UserMixin, Model):
    """A member of staff. People served by the units are never users and never named anywhere."""

    __tablename__ = "users"
    __audit_redact__ = frozenset({"password_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # The language of the user's pages and reports ("en", "sv"); None follows the browser's Accept-Language.
    locale: Mapped[str | None] = mapped_column(String(8))
    # Raised to end every session of the user at once, whatever their password; part of each session's id.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = timestamp_column()

    roles: Mapped[list[RoleAssignment]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    def set_password(self, password: str, method: str = "scrypt") -> None:
        """Hash with a modern KDF: werkzeug's scrypt unless the app's PASSWORD_HASH_METHOD says otherwise."""
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:  # Flask-Login keeps this in the session
        """The id, a fingerprint of the password's hash and the session generation: a new password (made by its user
        or an administrator) changes the fingerprint, and ending the user's sessions the generation; either ends every
        session begun before. (Generation 0 is left out, as sessions begun before there were generations have it.)"""
        generation = f":{self.session_generation}" if self.session_generation else ""
        return f"{self.id}:{self.password_fingerprint()}{generation}"

    def password_fingerprint(self) -> str:
        # The hash holds a random salt, so this changes with every new password, even the same one again; it tells
        # nobody anything of the password itself.
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]


class RoleAssignment(Audited, Model):
    """A role a user holds: admin everywhere, or scoped to one area or one unit."""

    __tablename__ = "role_assignments"
    __table_args__ = (CheckConstraint("area_id IS NULL OR unit_id IS NULL", name="one_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[Role] = enum_column(Role)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    user: Mapped[User] = relationship(back_populates="roles")

    def audit_unit_id(self) -> int | None:
        return self.unit_id


class LoginFailure(Model):
    """A failed login, kept for a while to throttle guessing. In the database, so every worker sees it."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    # The network address the attempt came from (IPv4 or IPv6), as the app sees it behind PROXY_COUNT proxies.
    source: Mapped[str | None] = mapped_column(String(45), index=True)
    # A later login to the account succeeded: the failure no longer counts for the e-mail address, but still for
    # its source, so that an account's owner logging in does not let guessing from elsewhere go on.
    cleared: Mapped[bool] = mapped_column(default=False, server_default=false())
    at: Mapped[datetime] = timestamp_column(index=True)
