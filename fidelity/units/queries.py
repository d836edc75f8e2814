"""Read-side queries for unit pages: loaded in bulk, never one query per unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fidelity.extensions import db
from fidelity.models import Review, ReviewStatus, Unit
from fidelity.scales import ScaleRegistry
from fidelity.scoring import ScoreSummary, summarise


@dataclass(frozen=True)
class LatestScore:
    review: Review
    summary: ScoreSummary


def review_scores(review: Review) -> dict[str, int]:
    """The scores that count for a review: for a self-assessment, those of the manager who made it."""
    if review.created_by_id is None:
        return {}
    return review.scores_by(review.created_by_id)


def latest_scores(units: Sequence[Unit], registry: ScaleRegistry) -> dict[tuple[int, str], LatestScore]:
    """The latest submitted or final review of each unit on each scale, keyed by (unit id, scale id)."""
    reviews = db.session.scalars(
        select(Review)
        .where(Review.unit_id.in_([u.id for u in units]))
        .where(Review.status.in_([ReviewStatus.SUBMITTED, ReviewStatus.FINAL]))
        .order_by(Review.review_date, Review.id)
        .options(selectinload(Review.ratings))
    ).all()
    latest: dict[tuple[int, str], Review] = {}
    for review in reviews:
        latest[(review.unit_id, review.scale_id)] = review
    result = {}
    for key, review in latest.items():
        scale = registry.get(review.scale_id, review.scale_version)
        result[key] = LatestScore(review, summarise(scale, registry.principles, review_scores(review)))
    return result
