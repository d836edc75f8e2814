"""The read-only JSON API. Each route reaches its unit through the same access function as the page it mirrors, so
the API answers exactly as the pages do: 404 outside the user's scope, and the same rows inside it.

Authentication (a bearer token; 401 without one) happens before any route, in access.py.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from fidelity import clock, scale_registry
from fidelity.access import API_PREFIX, Permission, is_api_path, review_or_404, unit_or_404, visible_units
from fidelity.api import objects, queries
from fidelity.api.errors import http_error
from fidelity.api.openapi import openapi_document
from fidelity.errors import error_page
from fidelity.extensions import csrf, writes_when_read
from fidelity.units.queries import latest_scores, scored

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
# Read-only and authenticated by a header a browser never sends by itself, never by the session cookie.
csrf.exempt(bp)


@bp.after_request
def _not_kept(response: Response) -> Response:
    """What a token reads is the unit's own: no cache on the way, nor the client's, keeps a copy."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# Ids beyond a 32-bit integer name nothing, and some databases refuse them in a query.
REVIEW_ID = "<int(max=2147483647):review_id>"


@bp.app_errorhandler(HTTPException)
def _error(error: HTTPException) -> ResponseReturnValue:
    """Errors under the API's prefix in JSON, the rest as the site's pages in the reader's language."""
    return http_error(error) if is_api_path(request.path) else error_page(error)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.get("/units")
def units() -> Response:
    rows = queries.units_page(visible_units(current_user), queries.page_request(request.args), scale_registry())
    return jsonify(objects.page_object(rows.page, lambda unit: objects.unit_object(unit, rows.latest)))


@bp.get("/units/<code>")
def unit(code: str) -> Response:
    found = unit_or_404(current_user, code, Permission.READ)
    latest = latest_scores([found], scale_registry())
    return jsonify(objects.unit_object(found, latest))


@bp.get("/units/<code>/reviews")
def reviews(code: str) -> Response:
    found = unit_or_404(current_user, code, Permission.READ)
    page = queries.reviews_page(found, queries.page_request(request.args), scale_registry())
    return jsonify(objects.page_object(page, objects.review_object))


@bp.get(f"/units/<code>/reviews/{REVIEW_ID}")
def review(code: str, review_id: int) -> Response:
    registry = scale_registry()
    found = review_or_404(unit_or_404(current_user, code, Permission.READ), review_id)
    return jsonify(objects.review_detail(scored(found, registry), registry.get(found.scale_id, found.scale_version)))


@bp.get("/units/<code>/adaptations")
@writes_when_read
def adaptations(code: str) -> Response:
    found, today = unit_or_404(current_user, code, Permission.READ), clock.today()
    rows = queries.in_memory(queries.adaptations(found, scale_registry(), today), queries.page_request(request.args))
    return jsonify(objects.page_object(rows, lambda costed: objects.adaptation_object(costed, today)))


@bp.get("/units/<code>/metrics")
@writes_when_read
def metrics(code: str) -> Response:
    found = unit_or_404(current_user, code, Permission.READ)
    request_page = queries.page_request(request.args)
    rows = queries.in_memory(queries.quarterly_figures(found, clock.today()), request_page)
    return jsonify(objects.page_object(rows, objects.quarter_object))
