"""Read-side queries for unit pages: loaded in bulk, never one query per unit or review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from fidelity.audit import ROW_ACTIONS
from fidelity.extensions import db
from fidelity.history import ReviewPoint
from fidelity.models import (
    COUNTED_STATUSES,
    AuditEntry,
    Rating,
    Review,
    ReviewKind,
    ReviewStatus,
    Unit,
)
from fidelity.monitoring.bulk import JOURNEY_ENTITIES
from fidelity.scales import ScaleRegistry
from fidelity.scoring import ScoreSummary, summarise


@dataclass(frozen=True)
class ScoredReview:
    review: Review
    summary: ScoreSummary


def review_scores(review: Review) -> dict[str, int]:
    """The scores that count for a review: a self-assessment's (the manager's who started it), an external
    review's consensus."""
    if review.kind is ReviewKind.EXTERNAL:
        return {c.item_key: c.score for c in review.consensus if c.score is not None}
    if review.created_by_id is None:
        return {}
    return review.scores_by(review.created_by_id)


def count_total(review: Review) -> None:
    """Keep the review's total as it starts to count; it never changes after (a change is a new review)."""
    scores = review_scores(review)
    review.total, review.scored_items = sum(scores.values()), len(scores)


def scored(review: Review, registry: ScaleRegistry) -> ScoredReview:
    scale = registry.get(review.scale_id, review.scale_version)
    return ScoredReview(review, summarise(scale, registry.principles, review_scores(review)))


def unit_reviews(unit: Unit, registry: ScaleRegistry) -> list[ScoredReview]:
    """Every review of the unit, drafts included, oldest first, with its score."""
    reviews = db.session.scalars(
        select(Review)
        .where(Review.unit_id == unit.id)
        .order_by(Review.review_date, Review.id)
        .options(
            selectinload(Review.ratings),
            selectinload(Review.consensus),
            selectinload(Review.corrections),
            selectinload(Review.created_by),
        )
    ).all()
    return [scored(review, registry) for review in reviews]


def review_points(reviews: Sequence[ScoredReview], scale_id: str) -> list[ReviewPoint]:
    """The submitted and final reviews on one scale, as history points."""
    return [
        ReviewPoint(
            review_id=r.review.id,
            review_date=r.review.review_date,
            kind=r.review.kind.value,
            scores=review_scores(r.review),
            total=r.summary.total,
            band_key=r.summary.band.key if r.summary.band else None,
            corrects_id=r.review.corrects_id,
        )
        for r in reviews
        if r.review.scale_id == scale_id and r.review.status in COUNTED_STATUSES
    ]


def latest_scores(units: Sequence[Unit], registry: ScaleRegistry) -> dict[tuple[int, str], ScoredReview]:
    """The latest submitted or final review of each unit on each scale, keyed by (unit id, scale id)."""
    reviews = db.session.scalars(
        select(Review)
        .where(Review.unit_id.in_([u.id for u in units]))
        .where(Review.status.in_(COUNTED_STATUSES))
        .order_by(Review.review_date, Review.id)
        .options(selectinload(Review.ratings), selectinload(Review.consensus))
    ).all()
    latest: dict[tuple[int, str], Review] = {}
    for review in reviews:
        latest[(review.unit_id, review.scale_id)] = review
    return {key: scored(review, registry) for key, review in latest.items()}


def audit_trail(unit: Unit | None, page: int, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    """One page of the unit's audit trail, newest first, and the number of pages. Without a unit: the changes that
    belong to no unit (organisations, areas, users, roles beyond a unit, API tokens)."""
    belongs = AuditEntry.unit_id.is_(None) if unit is None else AuditEntry.unit_id == unit.id
    total = db.session.scalar(select(func.count()).select_from(AuditEntry).where(belongs)) or 0
    entries = db.session.scalars(
        select(AuditEntry).where(belongs).order_by(AuditEntry.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return list(entries), max(1, -(-total // per_page))


def record_entries(entries: Sequence[AuditEntry]) -> set[int]:
    """The entries (ids) that change a person's record: a journey, a job or a course made, changed or deleted (not an
    import's, export's or purge's own entry, which holds counts)."""
    return {entry.id for entry in entries if entry.entity in JOURNEY_ENTITIES and entry.action in ROW_ACTIONS}


def sealed_entries(entries: Sequence[AuditEntry]) -> set[int]:
    """The entries (ids) about ratings of external reviews whose reviewers still rate on their own. Until consensus
    starts nobody sees a reviewer's ratings but the reviewer, so the trail keeps their values back until then."""
    reviews: dict[int, int] = {}  # audit entry id -> review id
    unknown: dict[int, int] = {}  # audit entry id -> rating id, for changes that do not name the review
    for entry in entries:
        if entry.entity != "ratings":
            continue
        before, after = (entry.changes or {}).get("review_id") or (None, None)
        named = after if after is not None else before
        if named is not None:
            reviews[entry.id] = int(named)
        elif entry.entity_id.isdigit():
            unknown[entry.id] = int(entry.entity_id)
    if unknown:
        rating_reviews = dict(
            db.session.execute(select(Rating.id, Rating.review_id).where(Rating.id.in_(set(unknown.values())))).all()
        )
        reviews |= {e: rating_reviews[r] for e, r in unknown.items() if r in rating_reviews}
    if not reviews:
        return set()
    rating_alone = set(
        db.session.scalars(
            select(Review.id).where(
                Review.id.in_(set(reviews.values())),
                Review.kind == ReviewKind.EXTERNAL,
                Review.status == ReviewStatus.DRAFT,
            )
        )
    )
    return {entry_id for entry_id, review_id in reviews.items() if review_id in rating_alone}
