"""Error pages of the site in the reader's language, in the site's layout (the API answers in JSON instead).

Werkzeug's own pages are English and bare. A page that refuses a request says why in words, and keeps the reason a
route gave (`abort(400, reason)`) when there is one; a refused CSRF token is explained in words too. A route that
answers with a response of its own (`abort(Response(...))`) is left as it is, and so are redirects. An error nobody
foresaw gets a 500 page of the same kind.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from typing import Any

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from fidelity.access import is_api_path
from fidelity.api.errors import json_error
from fidelity.extensions import db

log = logging.getLogger(__name__)

TITLES: Mapping[int, Any] = {
    400: _l("The request could not be used"),
    403: _l("Not for you"),
    404: _l("Not found"),
    405: _l("Not done this way"),
    409: _l("It changed meanwhile"),
    413: _l("Too large"),
    429: _l("Too many tries"),
}
EXPLANATIONS: Mapping[int, Any] = {
    400: _l("Something in what was sent could not be used, so nothing was changed."),
    403: _l("Your roles do not let you see or change this. If you need to, ask your administrator."),
    404: _l("There is nothing here, or nothing you may see. Check the address, or start again from the units."),
    405: _l("This address does not take that kind of request."),
    409: _l("What you were changing was changed by someone else or moved on meanwhile: open it again."),
    413: _l("What was sent is larger than the site takes."),
    429: _l("Wait a little and try again."),
}


def error_page(error: HTTPException) -> ResponseReturnValue:
    """The page for an HTTP error of the site, or the error's own response when it is not one to dress."""
    status = error.code
    if error.response is not None or status is None or not 400 <= status < 500:
        return error
    # The reason a route gave, when it gave one: anything but the error class's stock description. Flask-WTF's
    # reasons for refusing a form's token are English and technical; the reader gets one in words and their language.
    if isinstance(error, CSRFError):
        reason = _(
            "The form's security token is missing or belongs to an earlier session, so the form was not used. Open "
            "the page again and send the form once more."
        )
    elif error.description and error.description != type(error).description:
        reason = error.description
    else:
        reason = None
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    page = render_template(
        "errors/http.html",
        status=status,
        title=TITLES.get(status, error.name),
        explanation=EXPLANATIONS.get(status),
        reason=reason,
    )
    return page, status, headers


def server_error(error: InternalServerError) -> ResponseReturnValue:
    """An error nobody foresaw: whatever the request began is rolled back, and the reader is told so in their
    language (the API in JSON). Flask has logged the exception with its traceback already."""
    try:
        db.session.rollback()
    except DBAPIError:  # the connection is gone; the pool replaces it on the next checkout
        db.session.remove()
    if is_api_path(request.path):
        return json_error(500, _("The server met an error it did not expect; nothing was changed. Try again later."))
    page = render_template(
        "errors/http.html",
        status=500,
        title=_("Something went wrong on our side"),
        explanation=_(
            "The site met an error it did not expect, so nothing of what was sent was saved. Try again; if it happens "
            "again, tell your administrator what you did and when."
        ),
        reason=None,
    )
    return page, 500


class DatabaseErrorsWithoutValues(logging.Filter):
    """Log a database error without the values it names. PostgreSQL's message quotes the row it refused ("Key
    (unit_id, code)=(1, NRV-0042) already exists"), which may be a person's code and dates; the log keeps the
    traceback, the error's kind and SQLSTATE, and the constraint, table and column it concerns, which is what an
    administrator needs. (The statement's parameters are hidden by the engine: SQLALCHEMY_ENGINE_OPTIONS.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, DBAPIError):
            record.exc_text = (
                "Traceback (most recent call last):\n"
                + "".join(traceback.format_tb(error.__traceback__))
                + database_error_summary(error)
            )
        return True


def database_error_summary(error: DBAPIError) -> str:
    """The kind of a database error and what it concerns, without the values in its message."""
    original = error.orig
    parts = [f"{type(error).__name__} ({type(original).__name__}"]
    if state := getattr(original, "sqlstate", None):
        parts.append(f", SQLSTATE {state}")
    parts.append(")")
    diagnosis = getattr(original, "diag", None)
    named = {name: getattr(diagnosis, f"{name}_name", None) for name in ("constraint", "table", "column")}
    named = {name: value for name, value in named.items() if value}
    if named:
        parts.append(": " + ", ".join(f"{name} {value}" for name, value in named.items()))
    parts.append("; its message is not logged, as it may quote a person's records")
    return "".join(parts)


def init_app(app: Flask) -> None:
    app.logger.addFilter(DatabaseErrorsWithoutValues())
    app.register_error_handler(InternalServerError, server_error)
