"""`/healthz` for load balancers and monitoring, and what every page answers while the database is unreachable.

With the database gone, a page answers 503 with a plain message (and Retry-After) instead of an error trace; the
connection pool checks each connection before use (`pool_pre_ping`), so the app recovers on its own once the
database is back, without a restart.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DBAPIError, OperationalError

from fidelity.backup.schema import schema_state
from fidelity.extensions import db, login_manager
from fidelity.security import plain_http_allowed

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


@bp.get("/healthz")
@plain_http_allowed
def healthz() -> ResponseReturnValue:
    """200 when the database answers at the schema this version needs; 503 when it does not answer, or its schema
    is behind (pages would fail until `fidelity db upgrade`). A schema a newer version has moved on is still served
    (its changes add to what this version reads), so that old workers keep serving while new ones start. Public: it
    says nothing but ok or not, and answers plain HTTP too, where pages are sent to HTTPS: a load balancer's check
    comes straight to the app."""
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    try:
        state = schema_state(db.session.connection())
    except DBAPIError:
        db.session.rollback()
        log.warning("health check: the database does not answer", exc_info=True)
        return jsonify(status="unavailable", database="unreachable"), 503, retry
    if state == "behind":
        log.warning("health check: the database's schema is behind this version; run `fidelity db upgrade`")
        return jsonify(status="unavailable", database="ok", schema="behind"), 503, retry
    return (
        jsonify(status="ok", database="ok") if state == "current" else jsonify(status="ok", database="ok", schema=state)
    )


def _database_unavailable(error: Exception) -> ResponseReturnValue:
    log.error("the database does not answer: %s", error)
    try:
        db.session.rollback()
    except DBAPIError:  # the connection is gone; the pool replaces it on the next checkout
        db.session.remove()
    # Who is logged in cannot be looked up now: the rest of this response treats the visitor as anonymous.
    g._login_user = login_manager.anonymous_user()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        return jsonify(error="The database is unavailable; try again shortly."), 503, headers
    # A page of its own: the usual layout would ask the database who is logged in.
    return render_template("errors/unavailable.html"), 503, headers


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_error_handler(OperationalError, _database_unavailable)
