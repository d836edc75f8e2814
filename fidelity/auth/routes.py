from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Response

from fidelity.access import start_session
from fidelity.admin.operations import set_locale
from fidelity.auth.forms import LanguageForm, LoginForm, LogoutForm
from fidelity.auth.operations import authenticate
from fidelity.extensions import db
from fidelity.i18n import LOGGED_OUT_KEY, SESSION_KEY, languages

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
            source=request.remote_addr,
            source_attempts=current_app.config["LOGIN_THROTTLE_SOURCE_ATTEMPTS"],
        )
        db.session.commit()
        if result.user is not None:
            start_session(result.user)  # a language picked on the login page outlives the old session
            return redirect(_safe_next(request.args.get("next")))
        if result.throttled:
            minutes = result.retry_after_minutes
            if result.from_source:
                message = _("Too many failed logins from your network, for any address. Try again in %(minutes)d "
                            "minutes; if it goes on, tell your administrator.", minutes=minutes)  # fmt: skip
            else:
                message = _("Too many failed attempts for this address. Try again in %(minutes)d minutes.",
                            minutes=minutes)  # fmt: skip
            form.password.errors.append(message)
            return render_template("auth/login.html", form=form), 429
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    if LogoutForm().validate_on_submit():
        language = current_user.locale if current_user.is_authenticated else None
        logout_user()
        if language:
            session[LOGGED_OUT_KEY] = language  # the login page stays in the account's language
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
    return redirect(_page_to_show(_safe_next(form.next.data)))


def _page_to_show(target: str) -> str:
    """`target`, or, when it takes no GET (a form's address: the switch was pressed on the page a refused form came
    back on), the nearest address above it that does: /admin/users/6/details goes back to /admin/users/6."""
    path, _sep, query = target.partition("?")
    adapter = current_app.url_map.bind("")
    while path not in ("", "/"):
        try:
            adapter.match(path, method="GET")
        except MethodNotAllowed:
            path, query = path.rsplit("/", 1)[0], ""
            continue
        except HTTPException:  # nothing there at all (a 404 stays one), or a redirect the browser will follow
            pass
        break
    return f"{path or '/'}{'?' + query if query else ''}"
