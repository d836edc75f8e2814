"""Who may do what. Login is required everywhere except PUBLIC_ENDPOINTS; every unit-scoped decision is made by
`permissions()` below, and a unit the user may not read does not exist for them (404).

Pages authenticate by the session cookie, the API under API_PREFIX by a token alone (`Authorization: Bearer ...`):
an API request neither reads the session cookie nor gets one, and a token never opens a page. Once the user is
known, the API applies the same rules as the pages, through the same functions.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Request, Response, abort, current_app, flash, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import Select, exists, false, func, or_, select, update
from sqlalchemy.orm import joinedload

from fidelity import audit
from fidelity.api.errors import json_error
from fidelity.extensions import db, login_manager
from fidelity.i18n import LOGGED_OUT_KEY, SESSION_KEY, select_locale
from fidelity.models import Action, ApiToken, Area, Review, ReviewerAssignment, ReviewStatus, Role, Unit, User
from fidelity.models.api_token import hash_secret
from fidelity.models.types import as_utc, utcnow

API_PREFIX = "/api/v1"
# Endpoints anyone may reach without logging in. The API's description reveals no data.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.language", "static", "health.healthz", "api.openapi"})
# Fragments a page fetches in the background. They never write the session: the session lives in a cookie, and a
# background response arriving after a save or a logout would put back the cookie from before it.
BACKGROUND_ENDPOINTS = frozenset({"reviews.summary"})
LAST_SEEN_KEY = "last_seen"
# When the session's user logged in: however busy, a session ends PERMANENT_SESSION_LIFETIME after it.
LOGGED_IN_KEY = "logged_in_at"
# How often the last-seen time is written; between writes the session cookie is left alone.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
# How often a token's last use is written: not a write per API request.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


class Permission(enum.StrEnum):
    READ = "read"  # the unit, its reviews and monitoring
    SELF_ASSESS = "self_assess"  # start, edit, submit and correct self-assessments
    PLAN = "plan"  # local adaptations and action plans
    AUDIT = "audit"  # the unit's audit trail
    COMMISSION = "commission"  # start external reviews of the unit and choose their reviewers
    RECORD = "record"  # the unit's journeys, staffing, imports and exports of people's records
    # Read people's records one by one: the journeys, and who waits, by code. An external reviewer reads them only
    # while a review of the unit assigned to them is under way, not after it is final.
    RECORDS = "records"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # Administrators and second-tier managers see the units' figures, not people's records one by one: they need the
    # first to run and compare units, and nobody needs more of people's health data than their work asks.
    Role.ADMIN: frozenset({Permission.READ, Permission.AUDIT, Permission.COMMISSION}),
    Role.SECOND_TIER_MANAGER: frozenset({Permission.READ, Permission.PLAN, Permission.AUDIT, Permission.COMMISSION}),
    Role.FRONTLINE_MANAGER: frozenset(
        {
            Permission.READ,
            Permission.RECORDS,
            Permission.SELF_ASSESS,
            Permission.PLAN,
            Permission.AUDIT,
            Permission.RECORD,
        }
    ),
    # Reviewers reach units through the reviews assigned to them.
    Role.EXTERNAL_REVIEWER: frozenset({Permission.READ}),
}


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    app.session_interface = PagesOnlySessions()
    app.before_request(_require_login)
    audit.set_actor_resolver(_request_actor)


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    """The active user a session stands for, as long as their password is the one the session began with and their
    sessions have not been ended since (see `User.get_id`)."""
    user_id, _sep, rest = session_id.partition(":")
    fingerprint, _sep, generation = rest.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None:
        return None
    # Why a session that was open has ended, said on the login page this request leads to. (Not translated here:
    # choosing the language asks who is logged in, which is being worked out.)
    g.session_ended_locale = user.locale  # said in the user's language, if the session has ended
    if not user.active:
        g.session_ended = "deactivated"
        return None
    if fingerprint != user.password_fingerprint():
        if fingerprint:  # a session from before sessions carried one ends without a word
            g.session_ended = "password"
        return None
    if generation != (str(user.session_generation) if user.session_generation else ""):
        g.session_ended = "ended"
        return None
    return user


def start_session(user: User) -> None:
    """Log `user` in on a fresh session: nothing of the one before is kept but the language chosen in it. Its
    12-hour limit starts now."""
    chosen = session.get(SESSION_KEY)
    session.clear()
    if chosen:
        session[SESSION_KEY] = chosen
    session.permanent = True
    session[LOGGED_IN_KEY] = utcnow().timestamp()
    login_user(user)


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


class _ApiRequestSession(SecureCookieSession):
    """The session of an API request: always empty, never saved."""


class PagesOnlySessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions for the pages. An API request gets an empty session instead of the cookie's, and
    no cookie back: a browser's session cannot authenticate it (so a cross-site request gains nothing from the
    cookie, and the API needs no CSRF token), and API clients are never handed a session."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if is_api_path(request.path):
            return _ApiRequestSession()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SecureCookieSession, response: Response) -> None:  # type: ignore[override]
        if isinstance(session, _ApiRequestSession):
            return
        super().save_session(app, session, response)


def bearer_secret(authorization: str | None) -> str | None:
    """The secret of an `Authorization: Bearer SECRET` header, if that is what it is."""
    scheme, _sep, secret = (authorization or "").partition(" ")
    secret = secret.strip()
    return secret if scheme.lower() == "bearer" and secret else None


def token_user(secret: str, now: datetime) -> User | None:
    """The user a token's secret stands for: the token must be known, neither revoked nor expired at `now`, and its
    user active. Its last use is written when the one written before is a minute old or more (committed at once: it
    is bookkeeping, outside the request's own work and outside the audit trail)."""
    token = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.secret_hash == hash_secret(secret))
        .options(joinedload(ApiToken.user).selectinload(User.roles))
    )
    if token is None or not token.usable(now) or not token.user.active:
        return None
    if token.last_used_at is None or now - as_utc(token.last_used_at) >= TOKEN_USE_RESOLUTION:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        db.session.commit()
    return token.user


@login_manager.request_loader
def _load_user_from_token(request: Request) -> User | None:
    """API requests only: the user of the bearer token. A token never logs anyone into a page. The API's session is
    empty (see PagesOnlySessions), so Flask-Login comes here for every API request and writes no session. (Its
    remember-me cookie, which it would try first, is never issued: no login here asks to be remembered.)"""
    if not is_api_path(request.path):
        return None
    secret = bearer_secret(request.headers.get("Authorization"))
    return None if secret is None else token_user(secret, utcnow())


def _token_required() -> ResponseReturnValue:
    """401 for an API request without a usable token: JSON, never a redirect to the login page."""
    if bearer_secret(request.headers.get("Authorization")) is None:
        message = _("This API needs a token: send it as the header 'Authorization: Bearer TOKEN'.")
        challenge = 'Bearer realm="fidelity"'
    else:
        message = _("The token is unknown, expired or revoked, or its user may no longer log in.")
        challenge = 'Bearer realm="fidelity", error="invalid_token"'
    return json_error(401, message, {"WWW-Authenticate": challenge})


def _require_login() -> ResponseReturnValue | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if is_api_path(request.path):
        # An unknown URL or a wrong method gets the API's own 404 or 405, as pages do for everyone.
        if request.endpoint is None or current_user.is_authenticated:
            return None
        return _token_required()
    if current_user.is_authenticated:
        return _expire_idle_session()
    if request.routing_exception is not None and getattr(request.routing_exception, "code", None) == 405:
        return None
    if request.endpoint is None:
        abort(404)  # an unknown URL is a 404 for everyone; a wrong method falls through to Flask's 405
    if "session_ended" in g:
        session.pop("_user_id", None)  # the ended session names nobody any more, and says so once
        # In the account's language, as the login page that follows is (like the one after logging out).
        language = g.get("session_ended_locale")
        if language:
            session[LOGGED_OUT_KEY] = language
        with force_locale(language or select_locale()):
            if g.session_ended == "deactivated":
                flash(_("Your account has been deactivated. Ask your administrator if you need it."))
            elif g.session_ended == "ended":
                flash(_("Your sessions were ended, by you elsewhere or by an administrator: log in again."))
            else:
                flash(_("Your password was changed since you logged in here: log in with the new one."))
    return login_manager.unauthorized()


def _expire_idle_session() -> ResponseReturnValue | None:
    """Log out a session left idle longer than SESSION_IDLE_MINUTES, or begun longer than PERMANENT_SESSION_LIFETIME
    ago; the cookie is signed, so the clock is ours. (The cookie's own age cannot say when the session began: it is
    signed again whenever the session changes, as the last-seen time does every minute of use.)"""
    now = datetime.now(UTC)
    last_seen = session.get(LAST_SEEN_KEY)
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    since = None if last_seen is None else now - datetime.fromtimestamp(last_seen, UTC)
    logged_in_at = session.get(LOGGED_IN_KEY)
    begun_too_long_ago = (
        logged_in_at is not None
        and now - datetime.fromtimestamp(logged_in_at, UTC) > current_app.permanent_session_lifetime
    )
    if (since is not None and since > idle) or begun_too_long_ago:
        logout_user()
        session.clear()
        flash(_("Your session expired. Please log in again."))
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    if request.endpoint not in BACKGROUND_ENDPOINTS:
        if since is None or since >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN_KEY] = now.timestamp()
        if logged_in_at is None:  # a session from before logins were timed: its lifetime starts now
            session[LOGGED_IN_KEY] = now.timestamp()
    return None


def _request_actor() -> audit.Actor | None:
    if current_user and current_user.is_authenticated:
        return audit.Actor(current_user.id, current_user.email)
    return None


# --- the rules ------------------------------------------------------------------------------------------------


def is_admin(user: User) -> bool:
    return any(a.role is Role.ADMIN for a in user.roles)


def is_external_reviewer(user: User) -> bool:
    return any(a.role is Role.EXTERNAL_REVIEWER for a in user.roles)


def permissions(user: User, unit: Unit) -> frozenset[Permission]:
    """Everything `user` may do on `unit`, from every role they hold that covers it."""
    granted: set[Permission] = set()
    for assignment in user.roles:
        if assignment.role is Role.EXTERNAL_REVIEWER:
            covers = _reviews_unit(user, unit)
            if covers and _reviews_unit(user, unit, under_way=True):
                granted.add(Permission.RECORDS)
        else:
            covers = (
                assignment.role is Role.ADMIN
                or assignment.unit_id == unit.id
                or (assignment.area_id is not None and assignment.area_id == unit.area_id)
            )
        if covers:
            granted |= ROLE_PERMISSIONS[assignment.role]
    return frozenset(granted)


def _assigned_unit_ids(user: User) -> Select[int]:
    """The units of the reviews `user` is assigned to as an external reviewer."""
    return (
        select(Review.unit_id)
        .join(ReviewerAssignment, ReviewerAssignment.review_id == Review.id)
        .where(ReviewerAssignment.reviewer_id == user.id)
    )


def _reviews_unit(user: User, unit: Unit, *, under_way: bool = False) -> bool:
    """Whether `user` is assigned to a review of `unit`; with `under_way`, to one still being rated or agreed."""
    query = _assigned_unit_ids(user).where(Review.unit_id == unit.id)
    if under_way:
        query = query.where(Review.status.in_((ReviewStatus.DRAFT, ReviewStatus.CONSENSUS)))
    return db.session.scalar(select(exists(query))) or False


def can(user: User, permission: Permission, unit: Unit) -> bool:
    return permission in permissions(user, unit)


def visible_units(user: User) -> Select[Unit]:
    """The units `user` may read, as a query: all for an admin, an area's for its second-tier managers, their own
    for frontline managers, those of the reviews assigned to them for external reviewers."""
    query = select(Unit).order_by(Unit.name)
    if is_admin(user):
        return query
    scoped = [a for a in user.roles if Permission.READ in ROLE_PERMISSIONS[a.role]]
    area_ids = [a.area_id for a in scoped if a.area_id is not None]
    unit_ids = [a.unit_id for a in scoped if a.unit_id is not None]
    conditions = []
    if area_ids:
        conditions.append(Unit.area_id.in_(area_ids))
    if unit_ids:
        conditions.append(Unit.id.in_(unit_ids))
    if is_external_reviewer(user):
        conditions.append(Unit.id.in_(_assigned_unit_ids(user)))
    return query.where(or_(*conditions)) if conditions else query.where(false())


def unit_or_404(user: User, code: str, permission: Permission = Permission.READ) -> Unit:
    """The unit with `code`, if `user` may read it (else 404) and has `permission` on it (else 403)."""
    if "\x00" in code:  # no code holds one, and PostgreSQL refuses it in a query
        abort(404)
    unit = db.session.scalar(visible_units(user).where(Unit.code == code))
    if unit is None:
        abort(404)
    if not can(user, permission, unit):
        abort(403)
    return unit


def managed_areas(user: User) -> Select[Area]:
    """The areas `user` answers for as a whole: every area for an administrator, their own for a second-tier manager."""
    query = select(Area).order_by(Area.name)
    if is_admin(user):
        return query
    ids = [a.area_id for a in user.roles if a.role is Role.SECOND_TIER_MANAGER and a.area_id is not None]
    return query.where(Area.id.in_(ids)) if ids else query.where(false())


def may_compare(user: User) -> bool:
    """Whether `user` answers for areas of units, and so may compare them: administrators, second-tier managers."""
    return is_admin(user) or any(a.role is Role.SECOND_TIER_MANAGER for a in user.roles)


def area_or_404(user: User, code: str) -> Area:
    """An area whose units `user` answers for as a whole: administrators, and the area's second-tier managers."""
    area = db.session.scalar(select(Area).where(func.upper(Area.code) == code.upper()))
    if area is None:
        abort(404)
    if not is_admin(user) and not any(a.role is Role.SECOND_TIER_MANAGER and a.area_id == area.id for a in user.roles):
        abort(404)
    return area


def reviewer_assignment(user: User, review: Review) -> ReviewerAssignment | None:
    """`user`'s assignment to `review`, if they are assigned to it and still hold the external reviewer role. Rating,
    consensus, sign-off and amendment of an external review are for its assigned reviewers only."""
    if not is_external_reviewer(user):
        return None
    return next((a for a in review.reviewers if a.reviewer_id == user.id), None)


def review_or_404(unit: Unit, review_id: int) -> Review:
    """A review of `unit`; a review of another unit is a 404 here, whatever the user may see elsewhere."""
    review = db.session.get(Review, review_id)
    if review is None or review.unit_id != unit.id:
        abort(404)
    return review


def action_or_404(unit: Unit, action_id: int) -> Action:
    """An action of `unit`'s plan; an action of another unit is a 404 here."""
    action = db.session.get(Action, action_id)
    if action is None or action.unit_id != unit.id:
        abort(404)
    return action


def token_or_404(user: User, token_id: int) -> ApiToken:
    """One of `user`'s own API tokens; anyone else's is a 404, an administrator's request included."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        abort(404)
    return token


F = TypeVar("F", bound=Callable[..., Any])


def admin_required(view: F) -> F:
    """Organisation set-up pages: administrators only (403 for everyone else, who is logged in by then)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not is_admin(current_user):
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapped)
