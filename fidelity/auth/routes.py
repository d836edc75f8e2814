from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from fidelity.access import start_session
from fidelity.admin.operations import set_locale
from fidelity.auth.forms import LanguageForm, LoginForm, LogoutForm
from fidelity.auth.operations import authenticate
from fidelity.extensions import db
from fidelity.i18n import SESSION_KEY, languages

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site; anything else goes home. A backslash (which browsers read as a slash) or a control
    character (which no header may hold, and which URL parsers drop) sends home too."""
    if not target or "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return url_for("units.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("units.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        result = authenticate(
            form.email.data or "",
            form.password.data or "",
            attempts=current_app.config["LOGIN_THROTTLE_ATTEMPTS"],
            minutes=current_app.config["LOGIN_THROTTLE_MINUTES"],
            hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        )
        db.session.commit()
        if result.user is not None:
            start_session(result.user)  # a language picked on the login page outlives the old session
            return redirect(_safe_next(request.args.get("next")))
        if result.throttled:
            message = _(
                "Too many failed attempts for this address. Try again in %(minutes)d minutes.",
                minutes=result.retry_after_minutes,
            )
            form.password.errors.append(message)
            return render_template("auth/login.html", form=form), 429
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    if LogoutForm().validate_on_submit():
        logout_user()
        flash(_("You are logged out."))
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language() -> Response:
    """Switch the language: on a logged-in user's account (audited like every change), and for this session, so
    that the login page keeps it too. Then back to the page the switch was pressed on."""
    form = LanguageForm()
    if form.validate_on_submit() and form.locale.data in languages():
        if current_user.is_authenticated:
            set_locale(current_user, form.locale.data)
            db.session.commit()
        session[SESSION_KEY] = form.locale.data
    return redirect(_safe_next(form.next.data))
