"""The API's errors: always JSON, `{"error": message}`, never an HTML page or a redirect."""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


def json_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def http_error(error: HTTPException) -> Response:
    """An HTTP error raised while answering an API request, in JSON."""
    status = error.code or 500
    messages = {
        403: _("You may not read this."),
        404: _("Not found."),
        405: _("The API is read-only: only GET is allowed."),
    }
    # A 400 says what was wrong with the request (see `abort(400, description)` in the routes).
    message = error.description if status == 400 and error.description else messages.get(status, error.name)
    # Keep the error's own headers (Allow on a 405) but not its HTML content type.
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    return json_error(status, str(message), headers)
