"""Which reviews count, and each unit's newest that counts, kept in `newest_reviews`.

A review counts when it is submitted or final, scores every item of its scale, and has not been replaced by a
correction or amendment that counts. Finding a unit's newest is a walk back along the (unit, date) index of reviews;
a comparison of hundreds of units would walk hundreds of them per request, so the result is kept instead: per unit,
scale, kind and number of items scored (the comparison takes the rows that score every item of its scale).

One session listener keeps it: whenever a flush writes a review, the newest reviews of that review's unit and scale
are worked out again, in the same transaction. Reviews written in bulk (the synthetic demo) call `rebuild`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, event, exists, insert, literal, select
from sqlalchemy.orm import Session, UOWTransaction, aliased

from fidelity.models import COUNTED_STATUSES, NewestReview, Review, ReviewKind, Unit
from fidelity.monitoring.bulk import one_of

# Made once: setting an alias up costs more than the query it serves.
_CORRECTION = aliased(Review)


def counted(scale_id: str) -> list[ColumnElement[bool]]:
    """The conditions of a review on the scale `scale_id` that counts, whatever it scored."""
    # 'Is not null' lets the planner look corrections up in their index instead of hashing every review.
    replaced = exists().where(
        _CORRECTION.corrects_id == Review.id,
        _CORRECTION.corrects_id.is_not(None),
        _CORRECTION.status.in_(COUNTED_STATUSES),
    )
    return [Review.scale_id == scale_id, Review.status.in_(COUNTED_STATUSES), ~replaced]


def counting(scale_id: str, items: int) -> list[ColumnElement[bool]]:
    """The conditions of a review that counts on the scale `scale_id` of `items` items: counted, and complete."""
    return [*counted(scale_id), Review.scored_items == items]


def latest_of_unit(unit_id: Any, *where: ColumnElement[bool]) -> Any:
    """The id of the unit's latest review meeting `where`: an index walk back from the newest (unit, date)."""
    return (
        select(Review.id)
        .where(Review.unit_id == unit_id, *where)
        .order_by(Review.review_date.desc(), Review.id.desc())
        .limit(1)
        .scalar_subquery()
    )


COLUMNS = ["unit_id", "scale_id", "kind", "scored_items", "review_id", "review_date", "total"]


def refresh(connection: Connection, units_by_scale: Mapping[str, Collection[int]]) -> None:
    """Work out again the kept newest reviews of the given units on each scale."""
    dialect = connection.dialect.name
    for scale_id, unit_ids in units_by_scale.items():
        if not unit_ids:
            continue
        connection.execute(
            delete(NewestReview).where(
                NewestReview.scale_id == scale_id, one_of(dialect, NewestReview.unit_id, unit_ids)
            )
        )
        scored = select(Review.scored_items).where(*counted(scale_id), one_of(dialect, Review.unit_id, unit_ids))
        sizes = [size for size in connection.scalars(scored.distinct()) if size is not None]
        for kind in ReviewKind:
            for size in sizes:
                newest = select(latest_of_unit(Unit.id, *counting(scale_id, size), Review.kind == kind)).where(
                    one_of(dialect, Unit.id, unit_ids)
                )
                found = select(Review.unit_id, literal(scale_id), literal(kind.value), literal(size), Review.id,
                               Review.review_date, Review.total).where(Review.id.in_(newest))  # fmt: skip
                connection.execute(insert(NewestReview).from_select(COLUMNS, found))


def rebuild(connection: Connection) -> None:
    """Work out every unit's kept newest reviews again, on every scale that has reviews."""
    units_by_scale: dict[str, set[int]] = {}
    for scale_id, unit_id in connection.execute(select(Review.scale_id, Review.unit_id).distinct()).all():
        units_by_scale.setdefault(scale_id, set()).add(unit_id)
    connection.execute(delete(NewestReview))
    refresh(connection, units_by_scale)


@event.listens_for(Session, "after_flush")
def _keep_newest_reviews(session: Session, flush_context: UOWTransaction) -> None:
    """After a flush that wrote reviews, work out again the newest reviews of their units and scales."""
    units_by_scale: dict[str, set[int]] = {}
    # A review whose ratings alone changed (a draft being scored) is left as it was.
    changed = (
        obj for obj in session.dirty if isinstance(obj, Review) and session.is_modified(obj, include_collections=False)
    )
    for obj in (*session.new, *changed, *session.deleted):
        if isinstance(obj, Review) and obj.unit_id is not None and obj.scale_id is not None:
            units_by_scale.setdefault(obj.scale_id, set()).add(obj.unit_id)
    if units_by_scale:
        refresh(session.connection(), units_by_scale)
