from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from fidelity.auth.forms import LoginForm, LogoutForm
from fidelity.auth.operations import authenticate

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
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    if LogoutForm().validate_on_submit():
        logout_user()
        flash(_("You are logged out."))
    return redirect(url_for("auth.login"))
