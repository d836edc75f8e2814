"""Files a page hands over for saving: CSV and Excel exports."""

from __future__ import annotations

from flask import Response

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, content_type: str, filename: str) -> Response:
    """`content` as an attachment called `filename`. The Content-Type is kept as given (as a mimetype, werkzeug would
    add a second charset to text/csv's), and no cache keeps a unit's figures or records."""
    response = Response(content, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
