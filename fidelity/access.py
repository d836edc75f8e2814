"""Who may see what. Login is required everywhere except the allow-list below; unit scope is decided here."""

from __future__ import annotations

from flask import Flask, abort, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import Select, or_, select

from fidelity import audit
from fidelity.extensions import db, login_manager
from fidelity.models import Role, Unit, User

# Endpoints anyone may reach without logging in.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static"})


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    app.before_request(_require_login)
    audit.set_actor_resolver(_request_actor)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def _require_login() -> ResponseReturnValue | None:
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    if request.routing_exception is not None and getattr(request.routing_exception, "code", None) == 405:
        return None
    if request.endpoint is None:
        abort(404)  # an unknown URL is a 404 for everyone; a wrong method falls through to Flask's 405
    return login_manager.unauthorized()


def _request_actor() -> audit.Actor | None:
    if current_user and current_user.is_authenticated:
        return audit.Actor(current_user.id, current_user.email)
    return None


def visible_units(user: User) -> Select[Unit]:
    """The units `user` may read: all for an admin, an area's for its second-tier managers, their own for
    frontline managers."""
    query = select(Unit).order_by(Unit.name)
    assignments = user.roles
    if any(a.role is Role.ADMIN for a in assignments):
        return query
    area_ids = [a.area_id for a in assignments if a.area_id is not None]
    unit_ids = [a.unit_id for a in assignments if a.unit_id is not None]
    return query.where(or_(Unit.area_id.in_(area_ids), Unit.id.in_(unit_ids)))


def unit_or_404(user: User, code: str) -> Unit:
    """The unit with `code` if `user` may see it; a unit they may not see does not exist for them."""
    unit = db.session.scalar(visible_units(user).where(Unit.code == code))
    if unit is None:
        abort(404)
    return unit
