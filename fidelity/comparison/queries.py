"""Loading what the comparison shows, for any number of units in a fixed number of queries.

Every query takes the units as a subquery and returns plain rows, which `fidelity.comparison.table` pivots with
pandas: review totals per review, the item scores of each unit's latest review, the kept quarterly figures of two
quarters, and the overdue actions. Nothing here runs once per unit or per review.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Select, and_, func, or_, select, union_all

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
from fidelity.monitoring.quarters import Quarter

COUNTED = (ReviewStatus.SUBMITTED, ReviewStatus.FINAL)


def _scores() -> Select[Any]:
    """Every counted item score: a self-assessment's by the manager who started it, an external review's consensus."""
    own = (
        select(Rating.review_id, Rating.item_key, Rating.score)
        .join(Review, Review.id == Rating.review_id)
        .where(Review.kind == ReviewKind.SELF_ASSESSMENT, Rating.rater_id == Review.created_by_id)
        .where(Rating.score.is_not(None))
    )
    agreed = select(ConsensusScore.review_id, ConsensusScore.item_key, ConsensusScore.score).where(
        ConsensusScore.score.is_not(None)
    )
    return union_all(own, agreed).subquery("scores").select()


def units_frame(unit_ids: Select[Any]) -> pd.DataFrame:
    rows = db.session.execute(
        select(
            Unit.id,
            Unit.code,
            Unit.name,
            Area.code.label("area_code"),
            Area.name.label("area"),
            Unit.offers_ips,
            Unit.offers_sed,
        )
        .join(Area, Area.id == Unit.area_id)
        .where(Unit.id.in_(unit_ids))
        .order_by(Area.name, Unit.name)
    ).all()
    return pd.DataFrame(rows, columns=["unit_id", "code", "name", "area_code", "area", "offers_ips", "offers_sed"])


def totals_frame(unit_ids: Select[Any], scale_id: str) -> pd.DataFrame:
    """One row per counted review of the units on the scale, of every kind and date (the schedule needs the latest
    of all; the page's period and kind filters are applied to the frame): unit, date, kind, version, total, the
    number of items scored, and the review it corrects or amends."""
    scores = _scores().subquery("counted")
    rows = db.session.execute(
        select(
            Review.id,
            Review.unit_id,
            Review.review_date,
            Review.kind,
            Review.scale_version,
            Review.corrects_id,
            func.coalesce(func.sum(scores.c.score), 0),
            func.count(scores.c.score),
        )
        .outerjoin(scores, scores.c.review_id == Review.id)
        .where(Review.unit_id.in_(unit_ids), Review.status.in_(COUNTED), Review.scale_id == scale_id)
        .group_by(Review.id)
    ).all()
    frame = pd.DataFrame(
        rows, columns=["review_id", "unit_id", "review_date", "kind", "version", "corrects_id", "total", "scored"]
    )
    frame["kind"] = frame["kind"].map(lambda kind: getattr(kind, "value", kind))
    return frame


def item_scores_frame(review_ids: list[int]) -> pd.DataFrame:
    """The item scores of the given reviews: review, item, score."""
    if not review_ids:
        return pd.DataFrame(columns=["review_id", "item_key", "score"])
    scores = _scores().subquery("counted")
    rows = db.session.execute(select(scores).where(scores.c.review_id.in_(review_ids))).all()
    return pd.DataFrame(rows, columns=["review_id", "item_key", "score"])


def outcomes_frame(unit_ids: Select[Any], today: date) -> pd.DataFrame:
    """The kept figures of the last full quarter and of the current one, for every unit."""
    current = Quarter.of(today)
    last = current.previous()
    wanted = [(q.year, q.number) for q in (last, current)]
    columns = ["unit_id", "year", "quarter", "served", "in_competitive_work", "in_education", "waiting_at_end",
               "median_days_to_enrolment", "specialist_fte"]  # fmt: skip
    rows = db.session.execute(
        select(*(getattr(QuarterlyOutcome, name) for name in columns))
        .where(QuarterlyOutcome.unit_id.in_(unit_ids))
        .where(or_(*(and_(QuarterlyOutcome.year == y, QuarterlyOutcome.quarter == n) for y, n in wanted)))
    ).all()
    return pd.DataFrame(rows, columns=columns)


def overdue_actions_frame(unit_ids: Select[Any], today: date) -> pd.DataFrame:
    rows = db.session.execute(
        select(Action.unit_id, func.count())
        .where(Action.unit_id.in_(unit_ids), Action.status.in_(PENDING), Action.due_date < today)
        .group_by(Action.unit_id)
    ).all()
    return pd.DataFrame(rows, columns=["unit_id", "overdue_actions"])
