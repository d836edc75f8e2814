"""The page of a long list that a request asks for (`?page=`)."""

from __future__ import annotations

from flask import request

# Far past the last page of any list; a larger number would overflow the database's OFFSET (a 500 on SQLite).
MAX_PAGE = 100_000


def page_number() -> int:
    """`?page=` as a number from 1 to MAX_PAGE, 1 when it is missing or not a number. A page past a list's last one
    shows nothing, with links back."""
    return min(MAX_PAGE, max(1, request.args.get("page", 1, type=int) or 1))
