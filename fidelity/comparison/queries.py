"""Loading what the comparison shows, for any number of units in a fixed number of queries.

Every query takes the units as a subquery (or, for the page's units, a short list of ids) and returns plain rows
that `fidelity.comparison.table` puts together: each unit's latest reviews, found by walking its (unit, date) index
back from the newest, then looked up by id; the reviews of the period and the item scores of the units on the page; the kept quarterly figures of two quarters;
the overdue actions. Nothing here runs once per unit or per review, and no journey is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from fidelity.extensions import db
from fidelity.models import (
    Action,
    Area,
    ConsensusScore,
    QuarterlyOutcome,
    Rating,
    Review,
    ReviewKind,
    ReviewStatus,
    Unit,
)
from fidelity.models.action import PENDING
from fidelity.monitoring.bulk import one_of
from fidelity.monitoring.quarters import Quarter

COUNTED = (ReviewStatus.SUBMITTED, ReviewStatus.FINAL)
UnitIds = Select[Any] | Sequence[int]
AnyRow = Row[*tuple[Any, ...]]
OUTCOME_COLUMNS = ("unit_id", "year", "quarter", "served", "in_competitive_work", "in_education", "waiting_at_end",
                   "median_days_to_enrolment", "specialist_fte")  # fmt: skip


def units(unit_ids: Select[Any]) -> list[AnyRow]:
    """id, code, name and area name of every unit compared, in the order the page lists them."""
    return list(
        db.session.execute(
            select(Unit.id, Unit.code, Unit.name, Area.name.label("area"))
            .join(Area, Area.id == Unit.area_id)
            .where(Unit.id.in_(unit_ids))
            .order_by(Area.name, Unit.name, Unit.id)
        ).all()
    )


# Aliases are made once: setting one up costs more than the query it serves.
_CORRECTION = aliased(Review)
_NEWEST = aliased(Review)


def _counting(scale_id: str, items: int) -> list[ColumnElement[bool]]:
    """Reviews that count in a comparison: counted, complete on the scale, and not replaced by a correction or an
    amendment that counts."""
    # 'Is not null' lets the planner look corrections up in their index instead of hashing every review.
    replaced = exists().where(
        _CORRECTION.corrects_id == Review.id, _CORRECTION.corrects_id.is_not(None), _CORRECTION.status.in_(COUNTED)
    )
    return [Review.scale_id == scale_id, Review.status.in_(COUNTED), Review.scored_items == items, ~replaced]


def _latest_of_unit(unit_id: Any, *where: ColumnElement[bool]) -> Any:
    """The id of the unit's latest review meeting `where`: an index walk back from the newest (unit, date)."""
    return (
        select(Review.id)
        .where(Review.unit_id == unit_id, *where)
        .order_by(Review.review_date.desc(), Review.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def latest_reviews(
    unit_ids: UnitIds, scale_id: str, items: int, kind: str, first: date, last: date
) -> tuple[dict[int, AnyRow], dict[int, AnyRow]]:
    """Each unit's latest counting review of any kind and date (which the schedule counts from), and its latest of
    the kind and period chosen (which the comparison shows): id, date, kind, total. Two queries.

    Most often the newest review is also the one chosen; only where it is not (outside the period, or of the other
    kind) is the unit's history walked again."""
    counting = _counting(scale_id, items)

    def chosen_by(review: Any) -> list[ColumnElement[bool]]:
        period = [review.review_date.between(first, last)]
        return period if kind == "all" else [*period, review.kind == ReviewKind(kind)]

    newest = (
        select(Unit.id.label("unit_id"), _latest_of_unit(Unit.id, *counting).label("newest_id"))
        .where(Unit.id.in_(unit_ids))
        .cte("newest")
        .prefix_with("MATERIALIZED")  # computed once per unit, not once per mention below
    )
    newest_is_chosen = exists().where(_NEWEST.id == newest.c.newest_id, *chosen_by(_NEWEST))
    picks = db.session.execute(
        select(
            newest.c.unit_id,
            newest.c.newest_id,
            case(
                (newest_is_chosen, newest.c.newest_id),
                else_=_latest_of_unit(newest.c.unit_id, *counting, *chosen_by(Review)),
            ),
        ).where(newest.c.newest_id.is_not(None))
    ).all()
    # The reviews picked, looked up by id: a join on either of two ids is planned as a scan of every review.
    wanted = {review_id for _unit_id, *ids in picks for review_id in ids if review_id is not None}
    found = {
        row.id: row
        for row in db.session.execute(
            select(Review.id, Review.unit_id, Review.review_date, Review.kind, Review.total).where(
                one_of(db.session.get_bind().dialect.name, Review.id, wanted)
            )
        ).all()
    }
    newest_of = {unit_id: found[newest_id] for unit_id, newest_id, _chosen_id in picks}
    chosen_of = {unit_id: found[chosen_id] for unit_id, _newest_id, chosen_id in picks if chosen_id is not None}
    return newest_of, chosen_of


def period_reviews(unit_ids: UnitIds, scale_id: str, items: int, kind: str, first: date, last: date) -> list[AnyRow]:
    """Every counting review of the units in the period and of the kind chosen, oldest first: unit, date, kind,
    total."""
    where = [Review.unit_id.in_(unit_ids), *_counting(scale_id, items)]
    if kind != "all":
        where.append(Review.kind == ReviewKind(kind))
    query = (
        select(Review.unit_id, Review.review_date, Review.kind, Review.total)
        .where(*where, Review.review_date.between(first, last))
        .order_by(Review.unit_id, Review.review_date, Review.id)
    )
    return list(db.session.execute(query).all())


def item_scores(review_ids: Sequence[int]) -> list[AnyRow]:
    """The item scores that count of the given reviews: review, item, score. Two queries: the manager's own ratings
    of self-assessments, the agreed scores of external reviews."""
    if not review_ids:
        return []
    own = db.session.execute(
        select(Rating.review_id, Rating.item_key, Rating.score)
        .join(Review, Review.id == Rating.review_id)
        .where(Rating.review_id.in_(review_ids), Review.id.in_(review_ids), Review.kind == ReviewKind.SELF_ASSESSMENT)
        .where(Rating.rater_id == Review.created_by_id, Rating.score.is_not(None))
    ).all()
    agreed = db.session.execute(
        select(ConsensusScore.review_id, ConsensusScore.item_key, ConsensusScore.score).where(
            ConsensusScore.review_id.in_(review_ids), ConsensusScore.score.is_not(None)
        )
    ).all()
    return [*own, *agreed]


def outcomes(unit_ids: UnitIds, quarters: Sequence[Quarter]) -> list[AnyRow]:
    """The kept figures of the given quarters, for every unit that has them."""
    wanted = or_(*(and_(QuarterlyOutcome.year == q.year, QuarterlyOutcome.quarter == q.number) for q in quarters))
    columns = (getattr(QuarterlyOutcome, name) for name in OUTCOME_COLUMNS)
    return list(db.session.execute(select(*columns).where(QuarterlyOutcome.unit_id.in_(unit_ids), wanted)).all())


def overdue_actions(unit_ids: UnitIds, today: date) -> dict[int, int]:
    rows = db.session.execute(
        select(Action.unit_id, func.count())
        .where(Action.unit_id.in_(unit_ids), Action.status.in_(PENDING), Action.due_date < today)
        .group_by(Action.unit_id)
    ).all()
    return {unit_id: count for unit_id, count in rows}
