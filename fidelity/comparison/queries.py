"""Loading what the comparison shows, for any number of units in a fixed number of queries.

Every query takes the units as a subquery (or, for the page's units, a short list of ids) and returns plain rows
that `fidelity.comparison.table` puts together: each unit's latest reviews, from the kept newest reviews; the
reviews of the period and the item scores of the units on the page; the kept quarterly figures of two quarters; the
overdue actions. Nothing here runs once per unit or per review, and no journey is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, and_, func, or_, select, union_all

from fidelity.extensions import db
from fidelity.models import (
    Action,
    Area,
    ConsensusScore,
    NewestReview,
    QuarterlyOutcome,
    Rating,
    Review,
    ReviewKind,
    Unit,
)
from fidelity.models.action import PENDING
from fidelity.monitoring.bulk import one_of
from fidelity.monitoring.quarters import Quarter
from fidelity.reviews.newest import counting, latest_of_unit

UnitIds = Select[Any] | Sequence[int]
AnyRow = Row[*tuple[Any, ...]]
OUTCOME_COLUMNS = ("unit_id", "year", "quarter", "served", "in_competitive_work", "in_education", "waiting_at_end",
                   "median_days_to_enrolment", "specialist_fte", "longest_wait_at_end", "referred",
                   "not_accepted", "screened_out", "gave_up", "supervisor_fte")  # fmt: skip


def units(unit_ids: Select[Any]) -> list[AnyRow]:
    """id, code, name, area name, the services offered and the day it started of every unit in `unit_ids`, in the
    order the page lists them."""
    return list(
        db.session.execute(
            select(
                Unit.id,
                Unit.code,
                Unit.name,
                Area.name.label("area"),
                Unit.offers_ips,
                Unit.offers_sed,
                Unit.started_on,
            )
            .join(Area, Area.id == Unit.area_id)
            .where(Unit.id.in_(unit_ids))
            .order_by(Area.name, Unit.name, Unit.id)
        ).all()
    )


def latest_reviews(
    unit_ids: UnitIds, scale_id: str, items: int, kind: str, first: date, last: date
) -> tuple[dict[int, AnyRow], dict[int, AnyRow]]:
    """Each unit's latest counting review of any kind and date (which the schedule counts from), and its latest of
    the kind and period chosen (which the comparison shows): id, unit_id, review_date, kind, total.

    Both come from the kept newest review of each kind: the newest of a kind inside the period is the latest of the
    period, and one older than the period means there is none in it. Only a period that ends before a unit's
    newest review needs that unit's history walked, in one more query for all such units."""
    kept = db.session.execute(
        select(NewestReview.review_id.label("id"), NewestReview.unit_id, NewestReview.review_date,
               NewestReview.kind, NewestReview.total)
        .where(NewestReview.scale_id == scale_id, NewestReview.scored_items == items,
               NewestReview.unit_id.in_(unit_ids))
    ).all()  # fmt: skip
    kinds = set(ReviewKind) if kind == "all" else {ReviewKind(kind)}
    newest: dict[int, AnyRow] = {}
    chosen: dict[int, AnyRow] = {}
    walk: set[int] = set()
    for row in kept:
        unit_id = row.unit_id
        if unit_id not in newest or _later(row, newest[unit_id]):
            newest[unit_id] = row
        if row.kind not in kinds:
            continue
        if row.review_date > last:
            walk.add(unit_id)
        elif row.review_date >= first and (unit_id not in chosen or _later(row, chosen[unit_id])):
            chosen[unit_id] = row
    if walk:
        in_period = [Review.review_date.between(first, last), Review.kind.in_(kinds)]
        latest = select(latest_of_unit(Unit.id, *counting(scale_id, items), *in_period)).where(
            one_of(db.session.get_bind().dialect.name, Unit.id, walk)
        )
        walked = select(Review.id, Review.unit_id, Review.review_date, Review.kind, Review.total)
        chosen = {unit_id: row for unit_id, row in chosen.items() if unit_id not in walk}
        chosen |= {row.unit_id: row for row in db.session.execute(walked.where(Review.id.in_(latest))).all()}
    return newest, chosen


def _later(row: AnyRow, other: AnyRow) -> bool:
    """Whether `row` is the later review: by date, then by id, as the walk orders them."""
    return bool((row.review_date, row.id) > (other.review_date, other.id))


def period_reviews(unit_ids: UnitIds, scale_id: str, items: int, kind: str, first: date, last: date) -> list[AnyRow]:
    """Every counting review of the units in the period and of the kind chosen, oldest first: unit, date, kind,
    total."""
    where = [Review.unit_id.in_(unit_ids), *counting(scale_id, items)]
    if kind != "all":
        where.append(Review.kind == ReviewKind(kind))
    query = (
        select(Review.unit_id, Review.review_date, Review.kind, Review.total)
        .where(*where, Review.review_date.between(first, last))
        .order_by(Review.unit_id, Review.review_date, Review.id)
    )
    return list(db.session.execute(query).all())


def item_scores(review_ids: Sequence[int]) -> list[AnyRow]:
    """The item scores that count of the given reviews: review, item, score. One query: the manager's own ratings of
    self-assessments, and the agreed scores of external reviews."""
    if not review_ids:
        return []
    own = (
        select(Rating.review_id, Rating.item_key, Rating.score)
        .join(Review, Review.id == Rating.review_id)
        .where(Rating.review_id.in_(review_ids), Review.id.in_(review_ids), Review.kind == ReviewKind.SELF_ASSESSMENT)
        .where(Rating.rater_id == Review.created_by_id, Rating.score.is_not(None))
    )
    agreed = select(ConsensusScore.review_id, ConsensusScore.item_key, ConsensusScore.score).where(
        ConsensusScore.review_id.in_(review_ids), ConsensusScore.score.is_not(None)
    )
    return list(db.session.execute(union_all(own, agreed)).all())


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
