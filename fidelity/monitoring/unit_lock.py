"""One writer at a time for a unit's records: its journeys, their jobs and courses, its staffing and kept figures.

Every change to them reads before it writes: a save compares the form with the journey as stored (`stale.merge`),
checks that no other journey has the code, and counts the unit's figures again; an import reads which journeys it
replaces; the purge reads which journeys ended. On PostgreSQL (READ COMMITTED) two transactions could both read
before either commits, and the second would overwrite the first unseen. So each such change first takes the unit's
row for itself (FOR NO KEY UPDATE, which leaves rows that point at the unit free to be added): another change to the
same unit waits until this transaction ends, then reads what it wrote. Changes to other units go on side by side.
SQLite needs no more than it does already: a transaction that may write holds the database's one write lock from
its first statement (see `extensions.sqlite_real_transactions`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm.exc import ObjectDeletedError

from fidelity.extensions import db
from fidelity.models import Journey, Unit


def take_units(*unit_ids: int) -> None:
    """Hold the units' records until the transaction ends, waiting for any other change to them to end first; in the
    order of their ids, so that two changes to several units cannot each wait for the other."""
    if unit_ids:
        db.session.execute(
            select(Unit.id).where(Unit.id.in_(set(unit_ids))).order_by(Unit.id).with_for_update(key_share=True)
        )


def share_units(*unit_ids: int) -> None:
    """For a reader whose several queries must see the units' records as one change left them (an export of the
    journeys with their jobs and courses): wait for a change to them under way to end, then keep any other from
    starting until the transaction ends (FOR SHARE, which other readers share). Without it, an import committing
    between the read of the journeys and that of their jobs would give a file mixing the two. SQLite's transaction
    reads one state of the database throughout already.

    Never follow it with `take_units` in the same transaction: two readers that each hold a unit so, and then both
    ask to change it, would each wait for the other. Writing rows that point at the unit (an audit entry) is free."""
    if unit_ids:
        db.session.execute(
            select(Unit.id).where(Unit.id.in_(set(unit_ids))).order_by(Unit.id).with_for_update(read=True)
        )


def take_free_units(*unit_ids: int) -> list[int]:
    """Hold those of the units no other change holds now, without waiting, and return their ids in order. For a page
    that counts many units' figures again in passing (the comparison): it never waits on a unit, so it can never
    be one of two changes each waiting for the other; a unit being changed is counted by that change."""
    if not unit_ids:
        return []
    return list(
        db.session.scalars(
            select(Unit.id)
            .where(Unit.id.in_(set(unit_ids)))
            .order_by(Unit.id)
            .with_for_update(key_share=True, skip_locked=True)
        )
    )


def take_journey(journey: Journey) -> None:
    """Hold the records of the journey's unit, then read the journey and its jobs and courses again as they are now:
    what the caller loaded before may be what another change has since replaced. LookupError if the journey has
    been deleted meanwhile. Call it before changing anything: what the session holds is read again."""
    take_units(journey.unit_id)
    db.session.expire_all()
    try:
        journey.code  # noqa: B018 - loads the journey again, or finds it gone
    except ObjectDeletedError:
        raise LookupError(journey) from None
