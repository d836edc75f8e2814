"""The logged-in user's API tokens: list them, make one (its secret shown once), revoke one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from fidelity.access import API_PREFIX, token_or_404
from fidelity.account.forms import TokenForm
from fidelity.account.operations import NewToken, create_token, revoke_token, user_tokens
from fidelity.extensions import db
from fidelity.models.types import utcnow
from fidelity.reviews.forms import ActionForm

bp = Blueprint("account", __name__, url_prefix="/account")


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
