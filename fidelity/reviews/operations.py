"""Self-assessments: start, save a draft, submit, correct. Operations add and flush; the request commits once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from fidelity.extensions import db
from fidelity.models import COUNTED_STATUSES, AuditEntry, Rating, Review, ReviewKind, ReviewStatus, Unit, User
from fidelity.models.types import utcnow
from fidelity.scales import Scale
from fidelity.scoring import missing_items
from fidelity.units.queries import count_total


class ReviewError(Exception):
    """A change the review's state does not allow; the message is for the user."""


@dataclass(frozen=True)
class RatingValue:
    """What a rater has entered for one item."""

    score: int | None = None
    evidence: str = ""
    sources: tuple[str, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return self.score is None and not self.evidence and not self.sources


@dataclass(frozen=True)
class Conflict:
    """A save made from an older copy of the draft: nothing of it was written."""

    saved: Mapping[str, RatingValue]  # what the draft holds now
    changed_by: str  # who saved last
    changed_at: object  # when (a datetime)


class StaleDraft(Exception):
    def __init__(self, conflict: Conflict) -> None:
        super().__init__("the draft changed since it was opened")
        self.conflict = conflict


@dataclass(frozen=True)
class Started:
    review: Review
    continued: bool  # the unit's open draft on the scale, rather than a new one


def start_self_assessment(unit: Unit, scale: Scale, review_date: date, user: User) -> Started:
    """A new draft self-assessment of `unit` on `scale`, rated by `user`; or, when one is open already on that scale,
    that one: a second draft would split the unit's scoring in two."""
    if not scale.measures(ips=unit.offers_ips, sed=unit.offers_sed):
        raise ReviewError(_l("%(unit)s does not offer the service %(scale)s measures.", unit=unit.name,
                                scale=scale.title))  # fmt: skip
    draft = next((draft for draft in open_self_assessments(unit) if draft.scale_id == scale.id), None)
    if draft is not None:
        return Started(draft, continued=True)
    review = Review(unit=unit, kind=ReviewKind.SELF_ASSESSMENT, scale_id=scale.id, scale_version=scale.version,
                    review_date=review_date, status=ReviewStatus.DRAFT, created_by=user)  # fmt: skip
    db.session.add(review)
    db.session.flush()
    return Started(review, continued=False)


def open_self_assessments(unit: Unit) -> list[Review]:
    """The unit's self-assessments still in draft (corrections aside), oldest first."""
    return list(
        db.session.scalars(
            select(Review)
            .where(Review.unit_id == unit.id, Review.kind == ReviewKind.SELF_ASSESSMENT)
            .where(Review.status == ReviewStatus.DRAFT, Review.corrects_id.is_(None))
            .order_by(Review.id)
        )
    )


def rater_id(review: Review) -> int:
    """Whose ratings a self-assessment holds: the unit's, recorded under the manager who started it. The audit log
    keeps who changed each one."""
    if review.created_by_id is None:
        raise ReviewError(_l("This review has no rater."))
    return review.created_by_id


def rating_values(review: Review) -> dict[str, RatingValue]:
    """The values a self-assessment holds now, by item key."""
    return rater_values(review, rater_id(review))


def rater_values(review: Review, rater: int) -> dict[str, RatingValue]:
    """The values one rater has entered in a review, by item key."""
    return {
        r.item_key: RatingValue(r.score, r.evidence, tuple(r.sources)) for r in review.ratings if r.rater_id == rater
    }


def counted_values(review: Review) -> dict[str, RatingValue]:
    """What a review says per item once it counts: a self-assessment's ratings, an external review's consensus (with
    the reviewers' rationale, or else their recommendation, as its evidence)."""
    if review.kind is ReviewKind.EXTERNAL:
        return {
            c.item_key: RatingValue(c.score, c.rationale or c.recommendation)
            for c in review.consensus
            if c.score is not None
        }
    return rating_values(review)


def save_draft(review: Review, values: Mapping[str, RatingValue], expected_revision: int) -> None:
    """Write the entered values into a draft made from revision `expected_revision`.

    Raises StaleDraft, writing nothing, when someone saved the draft after that revision, and ReviewError when the
    review is no longer a draft. The revision check and bump is one UPDATE, so two saves at once cannot both pass.
    """
    _require_draft(review)
    bumped = db.session.execute(
        update(Review)
        .where(Review.id == review.id, Review.revision == expected_revision, Review.status == ReviewStatus.DRAFT)
        .values(revision=Review.revision + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(review)
        _require_draft(review)
        raise StaleDraft(_conflict(review))
    db.session.refresh(review, ["revision", "updated_at"])
    write_ratings(review, rater_id(review), values)


def write_ratings(review: Review, rater: int, values: Mapping[str, RatingValue]) -> None:
    """Store one rater's values in a review: new ratings for items with something entered, changed ones updated."""
    existing = {r.item_key: r for r in review.ratings if r.rater_id == rater}
    for key, value in values.items():
        rating = existing.get(key)
        if rating is None:
            if not value.empty:
                review.ratings.append(Rating(rater_id=rater, item_key=key, score=value.score,
                                             evidence=value.evidence, sources=list(value.sources)))  # fmt: skip
            continue
        if (rating.score, rating.evidence, tuple(rating.sources)) != (value.score, value.evidence, value.sources):
            rating.score, rating.evidence, rating.sources = value.score, value.evidence, list(value.sources)
    db.session.flush()


def submit(review: Review, scale: Scale, user: User) -> None:
    """Submit a complete draft. Raises ReviewError naming the items still unscored."""
    _require_draft(review)
    scores = {key: v.score for key, v in rating_values(review).items() if v.score is not None}
    missing = missing_items(scale, scores)
    if missing:
        raise ReviewError(_l("Score every item before submitting. Missing: %(items)s.", items=", ".join(missing)))
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = utcnow()
    review.submitted_by = user
    count_total(review)
    db.session.flush()


def open_correction(original: Review) -> Review | None:
    """The draft correcting `original`, if one is open."""
    return next((c for c in original.corrections if c.status is ReviewStatus.DRAFT), None)


def open_change_message(open_change: Review, typed: str | None) -> str:
    """What is said on finding a correction or amendment already open: it goes on with the reason it was started
    for. A different reason just typed is repeated, so that it is not lost."""
    who = open_change.created_by.display_name if open_change.created_by else ""
    if open_change.kind is ReviewKind.EXTERNAL:
        text = _l("An amendment of this review is already open, started by %(who)s: it goes on here.", who=who)
    else:
        text = _l("A correction of this self-assessment is already open, started by %(who)s: it goes on here.", who=who)
    reason = (typed or "").strip()
    if reason and reason != open_change.change_reason:
        return f"{text} " + _l("It keeps the reason it was started for. Yours was not saved: %(reason)s", reason=reason)
    return str(text)


def check_correctable(original: Review) -> None:
    """Raise ReviewError unless `original` may be corrected: it is submitted and no submitted correction replaces it."""
    if original.status is ReviewStatus.DRAFT:
        raise ReviewError(_l("A draft can simply be edited; only a submitted review is corrected."))
    # A second correction of the same self-assessment would start again from its values, dropping what the first
    # correction changed, and both corrections would count: a later change corrects the submitted correction instead.
    replaced_by = corrected_by(original)
    if replaced_by is not None:
        raise ReviewError(
            _l(
                "This self-assessment has already been corrected by #%(id)d: correct that one instead.",
                id=replaced_by.id,
            )
        )


def start_correction(original: Review, user: User, reason: str) -> Review:
    """A draft that corrects a submitted self-assessment, starting from its values, with the `reason` for it. An open
    correction is reused, with the reason it was started for."""
    check_correctable(original)
    open_draft = open_correction(original)
    if open_draft is not None:
        return open_draft
    values = rating_values(original)
    correction = Review(
        unit_id=original.unit_id,
        kind=original.kind,
        scale_id=original.scale_id,
        scale_version=original.scale_version,
        review_date=original.review_date,
        status=ReviewStatus.DRAFT,
        created_by=user,
        change_reason=reason.strip(),
    )
    db.session.add(correction)
    correction.corrects = original
    for key, value in values.items():
        correction.ratings.append(
            Rating(
                rater_id=user.id, item_key=key, score=value.score, evidence=value.evidence, sources=list(value.sources)
            )
        )
    db.session.add(correction)
    db.session.flush()
    return correction


def corrected_by(review: Review) -> Review | None:
    """The submitted correction that replaces `review`, if any."""
    return next((c for c in review.corrections if c.status in COUNTED_STATUSES), None)


def previous_review(review: Review) -> Review | None:
    """The unit's latest submitted or final review on the same scale before this one (not one it corrects). A
    correction keeps the date of the review it corrects, so reviews of one date come in the order their originals
    were made: neither of two reviews of one day is the other's previous in turn, and a review's own corrections,
    which share its original, never come before it."""
    candidates = db.session.scalars(
        select(Review)
        .where(Review.unit_id == review.unit_id, Review.scale_id == review.scale_id, Review.id != review.id)
        .where(Review.status.in_(COUNTED_STATUSES))
        .where(Review.review_date <= review.review_date)
        .order_by(Review.review_date.desc(), Review.id.desc())
    ).all()
    by_id = {c.id: c for c in candidates} | {review.id: review}

    def original(of: Review) -> int:
        seen = {of.id}
        while of.corrects_id is not None and of.corrects_id in by_id and of.corrects_id not in seen:
            of = by_id[of.corrects_id]
            seen.add(of.id)
        return of.id

    mine = original(review)
    before = [c for c in candidates if c.review_date < review.review_date or original(c) < mine]
    replaced = {c.corrects_id for c in before if c.corrects_id is not None} | {review.corrects_id}
    return next((c for c in before if c.id not in replaced), None)


def submitted_meanwhile(review: Review) -> Conflict:
    """A save made after the self-assessment was submitted, set against what was submitted."""
    who = review.submitted_by.display_name if review.submitted_by else ""
    return Conflict(saved=rating_values(review), changed_by=who, changed_at=review.submitted_at)


def _require_draft(review: Review) -> None:
    if review.status is not ReviewStatus.DRAFT:
        raise ReviewError(_l("This review has been submitted and can no longer change. Start a correction instead."))


def _conflict(review: Review) -> Conflict:
    rating_ids = [str(r.id) for r in review.ratings]
    last = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "ratings", AuditEntry.entity_id.in_(rating_ids))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    # Named as the pages name people; someone no longer a user as the audit trail named them.
    user = db.session.get(User, last.actor_id) if last is not None and last.actor_id else None
    return Conflict(
        saved=rating_values(review),
        changed_by=user.display_name if user is not None else last.actor_label if last else "",
        changed_at=review.updated_at,
    )
