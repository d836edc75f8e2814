"""Who looked at people's records, and when: the read log a data protection officer checks access against.

The audit log says who changed a journey; this says who saw one. Each page that shows a unit's journeys one by one
logs itself as it is read: a journey's page (and the pages that edit or delete it, or one of its jobs or courses), the
list of the unit's journeys, the waiting list when it names who waits by code, an export of the journeys, and the
check of an import that would change journeys (it shows their values). An entry names the journey by id, or the
list, with who and when, and holds no value of the record: the log says nothing of a person that the journeys do
not. The unit's figures (outcomes, the waiting list's counts, the comparison, the review
report) name no one and are not logged.

The purge deletes the entries made before its cut-off, as it deletes the journeys that ended before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from fidelity import clock
from fidelity.audit import current_actor
from fidelity.extensions import db
from fidelity.models import Journey, RecordRead, Unit
from fidelity.models.types import utcnow
from fidelity.monitoring.journey_queries import journey_with_code

JOURNEY = "journey"
JOURNEYS = "journeys"
WAITING = "waiting"
EXPORT = "export"
IMPORT_CHECK = "import_check"
# What was read, as the log's page names it.
READS = {
    JOURNEY: _l("The journey's page"),
    JOURNEYS: _l("The list of journeys"),
    WAITING: _l("The waiting list, by code"),
    EXPORT: _l("An export of every journey"),
    IMPORT_CHECK: _l("An import's check: the journeys it changes"),
}
PER_PAGE = 50


def log_read(unit: Unit, what: str, journey_id: int | None = None) -> None:
    """Log that the current user is reading `what` of `unit` (a journey, by id, or a list). The caller commits."""
    if what not in READS:
        raise ValueError(f"unknown read: {what}")
    actor = current_actor()
    db.session.add(
        RecordRead(
            at=utcnow(),
            actor_id=actor.user_id,
            actor_label=actor.label,
            unit_id=unit.id,
            what=what,
            journey_id=journey_id,
        )
    )


@dataclass(frozen=True)
class ReadLine:
    read: RecordRead
    code: str | None  # the journey's code, while the unit keeps the journey

    @property
    def label(self) -> str:
        return str(READS[self.read.what])


def read_lines(unit: Unit, page: int, journey_id: int | None = None) -> tuple[list[ReadLine], int]:
    """One page of the unit's reads, newest first, each with the code of the journey it names, and the number of
    pages. With `journey_id`: the reads of that journey's own pages (a list shows many journeys, and is not one's)."""
    kept = RecordRead.unit_id == unit.id
    if journey_id is not None:
        kept = kept & (RecordRead.journey_id == journey_id)
    total = db.session.scalar(select(func.count()).select_from(RecordRead).where(kept)) or 0
    reads = db.session.scalars(
        select(RecordRead).where(kept).order_by(RecordRead.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    named = {read.journey_id for read in reads if read.journey_id is not None}
    codes = dict(
        db.session.execute(
            select(Journey.id, Journey.code).where(Journey.unit_id == unit.id, Journey.id.in_(named))
        ).all()
    )
    lines = [ReadLine(read, codes.get(read.journey_id) if read.journey_id is not None else None) for read in reads]
    return lines, max(1, -(-total // PER_PAGE))


def reads_asked(unit: Unit, page: int, code: str) -> tuple[Journey | None, list[ReadLine], int]:
    """The reads the log's page shows: every read of the unit, or, given a `code`, the journey with it and its own
    reads (none when the unit has no such journey); with the number of pages."""
    if not code:
        return None, *read_lines(unit, page)
    journey = journey_by_code(unit, code)
    return (journey, *read_lines(unit, page, journey.id)) if journey else (None, [], 1)


def journey_by_code(unit: Unit, code: str) -> Journey | None:
    """The unit's journey with `code`, in any capitals."""
    found = journey_with_code(unit, code.strip())
    return db.session.get(Journey, found[0]) if found else None


def reads_before(cutoff: date) -> dict[int, int]:
    """How many reads each unit logged before `cutoff` (unit id -> count)."""
    rows = db.session.execute(
        select(RecordRead.unit_id, func.count())
        .where(RecordRead.at < clock.start_of(cutoff))
        .group_by(RecordRead.unit_id)
    )
    return dict(rows.all())


def delete_reads_before(cutoff: date, unit_ids: Sequence[int]) -> None:
    """Delete the reads of the units `unit_ids` logged before `cutoff`."""
    if unit_ids:
        db.session.execute(
            delete(RecordRead).where(RecordRead.at < clock.start_of(cutoff), RecordRead.unit_id.in_(list(unit_ids)))
        )
