"""External reviews, stage by stage: commission -> independent rating -> consensus -> sign-off -> final (-> amend).

Each operation checks the stage first and refuses with ReviewError when the stage does not allow it, so a final review
can never change. Operations add and flush; the request commits once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from fidelity.access import is_external_reviewer
from fidelity.extensions import db
from fidelity.i18n import date_text
from fidelity.models import (
    Action,
    AuditEntry,
    ConsensusScore,
    Review,
    ReviewerAssignment,
    ReviewKind,
    ReviewStatus,
    Unit,
    User,
)
from fidelity.models.types import utcnow
from fidelity.reviews.operations import (
    Conflict,
    RatingValue,
    ReviewError,
    StaleDraft,
    rater_values,
    write_ratings,
)
from fidelity.scales import Scale
from fidelity.scoring import ITEM_TARGET
from fidelity.units.queries import count_total

MIN_REVIEWERS = 2
ITEMS_NAMED = 6  # items still to score named one by one, up to this many


@dataclass(frozen=True)
class ConsensusValue:
    """What the reviewers entered for one item at consensus."""

    score: int | None = None
    rationale: str = ""
    recommendation: str = ""
    correction_note: str = ""


@dataclass(frozen=True)
class ConsensusConflict:
    """The consensus as it stands after another reviewer saved it, set against a save refused for coming too late."""

    saved: Mapping[str, ConsensusValue]
    strengths: str
    changed_by: str  # who saved last, as the audit trail names them

    def differs(self, key: str, mine: ConsensusValue) -> bool:
        return self.saved.get(key, ConsensusValue()) != mine


def consensus_conflict(review: Review) -> ConsensusConflict:
    """What the consensus of `review` holds now, and who saved it last: read after the refused save is rolled back."""
    ids = [str(c.id) for c in review.consensus]
    last = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.unit_id == review.unit_id,
            or_(
                (AuditEntry.entity == "consensus_scores") & AuditEntry.entity_id.in_(ids),
                (AuditEntry.entity == "reviews") & (AuditEntry.entity_id == str(review.id)),
            ),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    # A reviewer is named as the consensus page names them; anyone else as the audit trail does.
    names = {a.reviewer_id: a.reviewer.display_name for a in rated_review(review).reviewers}
    changed_by = (names.get(last.actor_id) or last.actor_label) if last is not None and last.actor_id else ""
    return ConsensusConflict(saved=consensus_values(review), strengths=review.strengths or "", changed_by=changed_by)


class ConsensusInvalid(ReviewError):
    """Consensus values that cannot be saved, with a message per item key."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(_l("Some items need attention; nothing was saved."))
        self.errors = dict(errors)


def commission(
    unit: Unit,
    scale: Scale,
    visit_start: date,
    visit_end: date,
    reviewers: Sequence[User],
    by: User,
) -> Review:
    """A new external review of `unit` on `scale`, dated the last day of the visit, with its reviewers."""
    if not scale.measures(ips=unit.offers_ips, sed=unit.offers_sed):
        raise ReviewError(
            _l("%(unit)s does not offer the service %(scale)s measures.", unit=unit.name, scale=scale.title)
        )
    if visit_end < visit_start:
        raise ReviewError(_l("The visit cannot end before it starts."))
    under_way = open_external_review(unit, scale.id)
    if under_way is not None:
        raise ReviewError(
            _l(
                "An external review of %(unit)s on this scale is already under way (visit ending %(date)s). Finish it, "
                "or withdraw it if it was started by mistake, before starting another.",
                unit=unit.name,
                date=date_text(under_way.review_date),
            )
        )
    chosen = {user.id: user for user in reviewers}
    if len(chosen) < MIN_REVIEWERS:
        raise ReviewError(_l("Choose at least %(n)d different reviewers.", n=MIN_REVIEWERS))
    for user in chosen.values():
        if not user.active or not is_external_reviewer(user):
            raise ReviewError(_l("%(name)s is not an active external reviewer.", name=user.display_name))
    review = Review(
        unit=unit,
        kind=ReviewKind.EXTERNAL,
        scale_id=scale.id,
        scale_version=scale.version,
        review_date=visit_end,
        visit_start=visit_start,
        visit_end=visit_end,
        status=ReviewStatus.DRAFT,
        created_by=by,
    )
    review.reviewers.extend(ReviewerAssignment(reviewer_id=user_id) for user_id in chosen)
    db.session.add(review)
    db.session.flush()
    return review


def open_external_review(unit: Unit, scale_id: str) -> Review | None:
    """The unit's external review on the scale that is not final yet and amends none, if there is one."""
    return db.session.scalars(
        select(Review).where(
            Review.unit_id == unit.id,
            Review.kind == ReviewKind.EXTERNAL,
            Review.scale_id == scale_id,
            Review.status != ReviewStatus.FINAL,
            Review.corrects_id.is_(None),
        )
    ).first()


def withdraw(review: Review) -> None:
    """Delete an external review that is not final, with its reviewers' ratings and any consensus: one started by
    mistake, or an amendment not wanted after all. Each row deleted is audited. A final review never goes."""
    if review.kind is not ReviewKind.EXTERNAL:
        raise ReviewError(_l("This is not an external review."))
    if review.status is ReviewStatus.FINAL:
        raise ReviewError(_l("A final review cannot be withdrawn. Its reviewers can amend it instead."))
    if db.session.scalars(select(Action.id).where(Action.review_id == review.id)).first() is not None:
        raise ReviewError(_l("Actions of the unit's plan were made from this review: it cannot be withdrawn."))
    db.session.delete(review)  # its ratings, reviewers and consensus go with it (ORM cascade), each audited
    db.session.flush()


def save_own_ratings(
    review: Review, assignment: ReviewerAssignment, values: Mapping[str, RatingValue], expected_revision: int
) -> None:
    """Write one reviewer's own ratings while the reviewers rate independently.

    Raises StaleDraft, writing nothing, when the same reviewer saved from another window after `expected_revision`.
    """
    _require(review, ReviewStatus.DRAFT, _l("The individual ratings are locked: consensus has started."))
    bumped = db.session.execute(
        update(ReviewerAssignment)
        .where(ReviewerAssignment.id == assignment.id, ReviewerAssignment.revision == expected_revision)
        .values(revision=ReviewerAssignment.revision + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(assignment, ["revision"])
    if bumped.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(review)
        saved = rater_values(review, assignment.reviewer_id)
        # Only the rater saves their own ratings: the other save was theirs, in another tab or window.
        raise StaleDraft(Conflict(saved=saved, changed_by=str(_l("you, in another tab or window")), changed_at=None))
    write_ratings(review, assignment.reviewer_id, values)


def missing_ratings(review: Review, scale: Scale) -> dict[int, tuple[str, ...]]:
    """Per reviewer (user id), the items they have not scored yet."""
    result = {}
    for assignment in review.reviewers:
        scored = {key for key, v in rater_values(review, assignment.reviewer_id).items() if v.score is not None}
        result[assignment.reviewer_id] = tuple(key for key in scale.item_keys if key not in scored)
    return result


def unsupported_ratings(review: Review, scale: Scale) -> dict[int, str]:
    """Per reviewer (user id) who has any, the items they scored without writing evidence or naming a source, named
    while they are few: a score rests on evidence, and the consensus and the report show what each reviewer saw."""
    result = {}
    for assignment in review.reviewers:
        values = rater_values(review, assignment.reviewer_id)
        bare = {key for key, v in values.items() if v.score is not None and not (v.evidence.strip() and v.sources)}
        if bare:
            result[assignment.reviewer_id] = _items_left([key for key in scale.item_keys if key in bare])
    return result


def _items_left(items: Sequence[str]) -> str:
    """The items by key while they are few enough to find; for a reviewer who has hardly begun, a count."""
    return ", ".join(items) if len(items) <= ITEMS_NAMED else str(_l("%(n)d items", n=len(items)))


def start_consensus(review: Review, scale: Scale) -> None:
    """Lock the individual ratings and open consensus; every reviewer must have scored every item."""
    _require(review, ReviewStatus.DRAFT, _l("Consensus has already started."))
    names = {a.reviewer_id: a.reviewer.display_name for a in review.reviewers}
    incomplete = {names[rid]: items for rid, items in missing_ratings(review, scale).items() if items}
    if incomplete:
        waiting = "; ".join(f"{name}: {_items_left(items)}" for name, items in sorted(incomplete.items()))
        raise ReviewError(_l("Every reviewer must score every item first. Items still to score: %(who)s.", who=waiting))
    review.status = ReviewStatus.CONSENSUS
    db.session.flush()


def consensus_values(review: Review) -> dict[str, ConsensusValue]:
    return {
        c.item_key: ConsensusValue(c.score, c.rationale, c.recommendation, c.correction_note) for c in review.consensus
    }


def rated_review(review: Review) -> Review:
    """The review whose individual ratings stand behind this one's consensus: an amendment's are its original's."""
    while review.corrects is not None and not review.ratings:
        review = review.corrects
    return review


def reviewer_scores(review: Review) -> dict[int, dict[str, int]]:
    """Each reviewer's own scores (user id -> item -> score), from the review that was rated."""
    rated = rated_review(review)
    return {
        a.reviewer_id: {k: v.score for k, v in rater_values(rated, a.reviewer_id).items() if v.score is not None}
        for a in rated.reviewers
    }


def check_consensus(
    scale: Scale, values: Mapping[str, ConsensusValue], by_reviewer: Mapping[int, Mapping[str, int]]
) -> dict[str, str]:
    """Per item, what stops these consensus values from being saved: a score outside the scale, or a score that
    differs from every reviewer's own without a rationale."""
    errors: dict[str, str] = {}
    for key, value in values.items():
        if value.score is None:
            continue
        if not scale.score_min <= value.score <= scale.score_max:
            errors[key] = str(_l("Choose a score from %(min)d to %(max)d.", min=scale.score_min, max=scale.score_max))
            continue
        given = {scores[key] for scores in by_reviewer.values() if key in scores}
        if given and value.score not in given and not value.rationale.strip():
            errors[key] = str(_l("This score differs from every reviewer's own: say why in the rationale."))
    return errors


def save_consensus(
    review: Review,
    scale: Scale,
    values: Mapping[str, ConsensusValue],
    strengths: str,
    expected_revision: int,
) -> bool:
    """Store the consensus scores and narrative. Any change withdraws the sign-offs given so far, since they were
    given to what the consensus said before. Returns whether anything changed.

    Raises ConsensusInvalid (nothing written) and StaleDraft when another reviewer saved after `expected_revision`.
    """
    _require(review, ReviewStatus.CONSENSUS, _consensus_closed(review))
    errors = check_consensus(scale, values, reviewer_scores(review))
    if errors:
        raise ConsensusInvalid(errors)
    bumped = db.session.execute(
        update(Review)
        .where(Review.id == review.id, Review.revision == expected_revision, Review.status == ReviewStatus.CONSENSUS)
        .values(revision=Review.revision + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(review)
        raise StaleDraft(Conflict(saved={}, changed_by="", changed_at=review.updated_at))
    db.session.refresh(review, ["revision", "updated_at"])

    changed = review.strengths != strengths
    review.strengths = strengths
    existing = {c.item_key: c for c in review.consensus}
    for key, value in values.items():
        row = existing.get(key)
        if row is None:
            if value == ConsensusValue():
                continue
            row = ConsensusScore(item_key=key)
            review.consensus.append(row)
        new = (value.score, value.rationale, value.recommendation, value.correction_note)
        if (row.score, row.rationale, row.recommendation, row.correction_note) != new:
            row.score, row.rationale, row.recommendation, row.correction_note = new
            changed = True
    if changed:
        for assignment in review.reviewers:
            assignment.signed_off_at = None
    db.session.flush()
    return changed


def sign_off_problems(review: Review, scale: Scale) -> list[str]:
    """What must be done before the reviewers can sign off: every item agreed, a recommendation for every item
    below 4, strengths written."""
    values = consensus_values(review)
    problems = []
    unscored = [key for key in scale.item_keys if values.get(key, ConsensusValue()).score is None]
    if unscored:
        problems.append(str(_l("Agree a consensus score for: %(items)s.", items=", ".join(unscored))))
    bare = [
        key
        for key in scale.item_keys
        if (v := values.get(key)) and v.score is not None and v.score < ITEM_TARGET and not v.recommendation.strip()
    ]
    if bare:
        problems.append(
            str(
                _l(
                    "Write a recommendation for every item below %(target)d: %(items)s.",
                    target=ITEM_TARGET,
                    items=", ".join(bare),
                )
            )
        )
    if not review.strengths.strip():
        problems.append(str(_l("Write the unit's strengths.")))
    return problems


def sign_off(review: Review, assignment: ReviewerAssignment, scale: Scale) -> bool:
    """Sign off the consensus as `assignment`'s reviewer. Returns True when this made the review final."""
    _require(review, ReviewStatus.CONSENSUS, _consensus_closed(review))
    problems = sign_off_problems(review, scale)
    if problems:
        raise ReviewError(" ".join(problems))
    if assignment.signed_off_at is None:
        assignment.signed_off_at = utcnow()
    if all(a.signed_off_at is not None for a in review.reviewers):
        review.status = ReviewStatus.FINAL
        review.submitted_at = utcnow()
        review.submitted_by_id = assignment.reviewer_id
        count_total(review)
    db.session.flush()
    return review.status is ReviewStatus.FINAL


def check_amendable(original: Review) -> None:
    """Raise ReviewError unless `original` may be amended: it is final and no final amendment replaces it."""
    if original.status is not ReviewStatus.FINAL:
        raise ReviewError(_l("Only a final review is amended; until then it can simply be changed."))
    # A second amendment of the same review would start again from its values, dropping what the first amendment
    # changed, and both amendments would count: a later change amends the final amendment instead.
    superseded = amended_by(original)
    if superseded is not None:
        raise ReviewError(
            _l("This review has already been amended by review #%(id)d: amend that one instead.", id=superseded.id)
        )


def open_amendment(original: Review) -> Review | None:
    """The amendment of `original` that is not final yet, if there is one."""
    return next((c for c in original.corrections if c.status is not ReviewStatus.FINAL), None)


def amend(original: Review, by: User, reason: str) -> Review:
    """An amending review of a final one, with the `reason` for it: its consensus and narrative to change, the same
    reviewers to sign it off again. The original stays as it was; an open amendment is reused, with its own reason."""
    check_amendable(original)
    reused = open_amendment(original)
    if reused is not None:
        return reused
    amendment = Review(
        unit_id=original.unit_id,
        kind=ReviewKind.EXTERNAL,
        scale_id=original.scale_id,
        scale_version=original.scale_version,
        review_date=original.review_date,
        visit_start=original.visit_start,
        visit_end=original.visit_end,
        strengths=original.strengths,
        status=ReviewStatus.CONSENSUS,
        created_by=by,
        change_reason=reason.strip(),
    )
    db.session.add(amendment)
    amendment.corrects = original
    amendment.reviewers.extend(ReviewerAssignment(reviewer_id=a.reviewer_id) for a in original.reviewers)
    amendment.consensus.extend(
        ConsensusScore(
            item_key=c.item_key,
            score=c.score,
            rationale=c.rationale,
            recommendation=c.recommendation,
            correction_note=c.correction_note,
        )
        for c in original.consensus
    )
    db.session.flush()
    return amendment


def amended_by(review: Review) -> Review | None:
    """The final amendment that replaces `review`, if any."""
    return next((c for c in review.corrections if c.status is ReviewStatus.FINAL), None)


def _consensus_closed(review: Review) -> str:
    if review.status is ReviewStatus.FINAL:
        return str(_l("This review is final and can no longer change. Amend it instead."))
    return str(_l("Consensus has not started yet: the reviewers are still rating on their own."))


def _require(review: Review, stage: ReviewStatus, message: object) -> None:
    if review.kind is not ReviewKind.EXTERNAL:
        raise ReviewError(_l("This is not an external review."))
    if review.status is not stage:
        if review.status is ReviewStatus.FINAL:
            raise ReviewError(_l("This review is final and can no longer change. Amend it instead."))
        raise ReviewError(str(message))
