"""One writer at a time for one row that a form merges with (`stale.merge`): an action, a local adaptation.

A save compares what its form showed with the row as stored, then writes. On PostgreSQL (READ COMMITTED) two saves
could both read before either commits, and the second would overwrite the first unseen, both told "saved". `hold`
takes the row for the transaction (FOR NO KEY UPDATE, which leaves rows that point at it free to be added) and reads
it again as it is now: a second save waits until the first has committed, then merges with what it wrote, or is
refused as a conflict. SQLite needs no more: a transaction that may write holds the database's one write lock from
its first statement. A unit's journeys, staffing and figures are held by unit: see `monitoring.unit_lock`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import InvalidRequestError

from fidelity.extensions import db


def hold(row: Any) -> None:
    """Hold `row` until the transaction ends, and read it again as it is now. LookupError if it has been deleted
    meanwhile. Call it before changing anything in it."""
    db.session.flush()  # what the session holds of it is written first, not thrown away by the reading
    try:
        db.session.refresh(row, with_for_update={"key_share": True})
    except InvalidRequestError:  # no such row any more
        raise LookupError(row) from None
