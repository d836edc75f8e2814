"""When units are next due for review, loaded in bulk: a fixed number of queries whatever the number of units.

The schedule counts the latest submitted self-assessment or final external review on each scale, of either kind (a
guided self-assessment counts, as in Scottish practice); drafts and reviews still in consensus do not, and a
correction or amendment replaces the review it corrects. The rule itself is in `fidelity.schedule`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fidelity.extensions import db
from fidelity.models import COUNTED_STATUSES, Review, Unit
from fidelity.scales import ScaleRegistry
from fidelity.schedule import LastReview, ScheduleEntry, ScheduleRow, review_schedule
from fidelity.scoring import band
from fidelity.units.queries import review_scores


def latest_counted(units: Sequence[Unit]) -> dict[tuple[int, str], Review]:
    """The latest review that counts of each unit on each scale, keyed by (unit id, scale id)."""
    if not units:
        return {}
    rows = db.session.execute(
        select(Review.id, Review.unit_id, Review.scale_id, Review.review_date, Review.corrects_id)
        .where(Review.unit_id.in_([u.id for u in units]))
        .where(Review.status.in_(COUNTED_STATUSES))
    ).all()
    # As in history.effective_points: a review that a counted correction replaces no longer counts.
    corrected = {row.corrects_id for row in rows if row.corrects_id is not None}
    latest: dict[tuple[int, str], tuple[date, int]] = {}
    for row in rows:
        key = (row.unit_id, row.scale_id)
        if row.id not in corrected and (key not in latest or (row.review_date, row.id) > latest[key]):
            latest[key] = (row.review_date, row.id)
    if not latest:
        return {}
    reviews = db.session.scalars(
        select(Review)
        .where(Review.id.in_([review_id for _, review_id in latest.values()]))
        .options(selectinload(Review.ratings), selectinload(Review.consensus))
    ).all()
    return {(r.unit_id, r.scale_id): r for r in reviews}


def last_review(review: Review, registry: ScaleRegistry) -> LastReview:
    scale = registry.get(review.scale_id, review.scale_version)
    scores = review_scores(review)
    found = band(scale, scores)
    return LastReview(review.review_date, sum(scores.values()), found.key if found else None)


def schedule_entries(units: Sequence[Unit], registry: ScaleRegistry) -> list[ScheduleEntry]:
    """One entry per unit and scale whose service the unit offers, with the latest review that counts, if any."""
    latest = latest_counted(units)
    entries = []
    for unit in units:
        for scale in registry.latest():
            if not scale.measures(ips=unit.offers_ips, sed=unit.offers_sed):
                continue
            review = latest.get((unit.id, scale.id))
            if review is None:
                entries.append(ScheduleEntry(unit.id, scale, None, unit.started_on))
            else:
                # The rule of the version the review was scored on.
                reviewed_on = registry.get(review.scale_id, review.scale_version)
                entries.append(ScheduleEntry(unit.id, reviewed_on, last_review(review, registry)))
    return entries


def units_schedule(units: Sequence[Unit], registry: ScaleRegistry, today: date) -> list[ScheduleRow]:
    """Every unit's next review on each scale it offers, the most pressing first."""
    return review_schedule(schedule_entries(units, registry), today)


def by_scale(rows: Sequence[ScheduleRow]) -> Mapping[str, ScheduleRow]:
    """One unit's schedule rows by scale id."""
    return {row.scale.id: row for row in rows}
