"""The logged-in user's own account: a new password; ending their other sessions; API tokens (list them, make one
with its secret shown once, revoke one)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from fidelity.access import API_PREFIX, start_session, token_or_404
from fidelity.account.forms import PasswordForm, TokenForm
from fidelity.account.operations import (
    NewToken,
    PasswordRefused,
    change_password,
    create_token,
    end_sessions,
    revoke_token,
    user_tokens,
)
from fidelity.extensions import db
from fidelity.models.types import utcnow
from fidelity.reviews.forms import ActionForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/password", methods=["GET", "POST"])
def password() -> ResponseReturnValue:
    form = PasswordForm()
    throttled = False
    if form.validate_on_submit():
        try:
            change_password(
                current_user,
                form.current_password.data or "",
                form.new_password.data or "",
                attempts=current_app.config["LOGIN_THROTTLE_ATTEMPTS"],
                minutes=current_app.config["LOGIN_THROTTLE_MINUTES"],
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
                now=utcnow(),
            )
        except PasswordRefused as refused:
            db.session.commit()  # a wrong current password is kept as a failed login
            form[refused.field].errors.append(refused.message)
            throttled = refused.throttled
        else:
            user = current_user._get_current_object()
            db.session.commit()
            start_session(user)  # this session goes on under the new password; every other one has ended
            flash(_("Your password is changed. Any other session of yours has ended: log in there again."))
            return redirect(url_for("units.index"))
    status = 429 if throttled else 400 if form.errors else 200
    return render_template("account/password.html", form=form, end_form=ActionForm()), status


@bp.post("/sessions/end")
def end_other_sessions() -> ResponseReturnValue:
    """End every other session of the user, on any computer (a laptop left logged in, a shared computer)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    end_sessions(user)
    db.session.commit()
    start_session(user)  # this session goes on under the new generation
    flash(_("Every other session of yours has ended; this one goes on. API tokens still work: revoke any you no "
            "longer trust on the API tokens page."))  # fmt: skip
    return redirect(url_for(".password"))


@bp.route("/tokens", methods=["GET", "POST"])
def tokens() -> ResponseReturnValue:
    form = TokenForm()
    created: NewToken | None = None
    if form.validate_on_submit():
        created = create_token(current_user, form.name.data or "", form.days.data, utcnow())
        db.session.commit()
        form = TokenForm(formdata=None)
    page = render_template(
        "account/tokens.html",
        form=form,
        created=created,
        tokens=user_tokens(current_user),
        revoke_form=ActionForm(),
        now=utcnow(),
        api_root=API_PREFIX + "/",
    )
    response = make_response(page, 400 if form.errors else 200)
    # The page may show a secret: no copy of it in any cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/tokens/<int:token_id>/revoke")
def revoke(token_id: int) -> ResponseReturnValue:
    token = token_or_404(current_user, token_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    revoke_token(token, utcnow())
    db.session.commit()
    flash(_("The token “%(name)s” is revoked: it no longer opens the API.", name=token.name))
    return redirect(url_for(".tokens"))
