from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from fidelity.auth.forms import LoginForm, LogoutForm
from fidelity.auth.operations import authenticate
from fidelity.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site; anything else goes home."""
    if not target:
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
        )
        db.session.commit()
        if result.user is not None:
            session.clear()
            session.permanent = True
            login_user(result.user)
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
