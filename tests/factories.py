"""Small builders for test data. Each commits, which inside the `session` fixture only releases a savepoint:
the test's outer transaction is still rolled back at the end, and the data survives requests in between."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from fidelity.config import DEFAULTS
from fidelity.extensions import db
from fidelity.models import (
    COUNTED_STATUSES,
    Action,
    ActionStatus,
    Adaptation,
    AdaptationReason,
    Area,
    ConsensusScore,
    EducationSpell,
    ExitReason,
    HostType,
    JobSpell,
    Journey,
    Organisation,
    Rating,
    Review,
    ReviewerAssignment,
    ReviewKind,
    ReviewStatus,
    Role,
    RoleAssignment,
    StaffingQuarter,
    Unit,
    User,
)
from tests.conftest import FAST_PASSWORD_HASH

PASSWORD = "correct horse battery"
_ids = itertools.count(1)


def app_today() -> date:
    """Today as the test app sees it: in its time zone (the default one), which the server's date is not always."""
    return datetime.now(UTC).astimezone(ZoneInfo(DEFAULTS["TIMEZONE"])).date()


def organisation() -> Organisation:
    n = next(_ids)
    org = Organisation(code=f"ORG{n}", name=f"Organisation {n}")
    db.session.add(org)
    db.session.commit()
    return org


def area(org: Organisation | None = None) -> Area:
    n = next(_ids)
    result = Area(code=f"AREA{n}", name=f"Area {n}", organisation=org or organisation())
    db.session.add(result)
    db.session.commit()
    return result


def unit(in_area: Area | None = None, *, sed: bool = False) -> Unit:
    n = next(_ids)
    result = Unit(
        code=f"U{n}",
        name=f"Unit {n}",
        area=in_area or area(),
        host_type=HostType.MUNICIPAL_SOCIAL_SERVICES,
        offers_ips=True,
        offers_sed=sed,
        target_group="Adults",
    )
    db.session.add(result)
    db.session.commit()
    return result


def user(role: Role | None = None, *, unit_id: int | None = None, area_id: int | None = None) -> User:
    n = next(_ids)
    result = User(email=f"user{n}@example.org", display_name=f"User {n}")
    result.set_password(PASSWORD, FAST_PASSWORD_HASH)
    if role is not None:
        result.roles.append(RoleAssignment(role=role, unit_id=unit_id, area_id=area_id))
    db.session.add(result)
    db.session.commit()
    return result


def self_assessment(
    for_unit: Unit, rater: User, scores: dict[str, int], when: date, scale_id: str = "ips-25"
) -> Review:
    review = Review(
        unit=for_unit,
        kind=ReviewKind.SELF_ASSESSMENT,
        scale_id=scale_id,
        scale_version="1.0",
        review_date=when,
        status=ReviewStatus.SUBMITTED,
        created_by_id=rater.id,
        total=sum(scores.values()),
        scored_items=len(scores),
    )
    review.ratings.extend(Rating(rater_id=rater.id, item_key=k, score=v) for k, v in scores.items())
    db.session.add(review)
    db.session.commit()
    return review


def external_review(
    for_unit: Unit, reviewers: list[User], when: date, status: ReviewStatus = ReviewStatus.DRAFT
) -> Review:
    """An external review of `for_unit` with `reviewers` assigned to it, at the stage `status`."""
    review = Review(
        unit=for_unit,
        kind=ReviewKind.EXTERNAL,
        scale_id="ips-25",
        scale_version="1.0",
        review_date=when,
        visit_start=when,
        visit_end=when,
        status=status,
        # Counted without a consensus yet (the access tests only need its stage): a total of nothing.
        total=0 if status in COUNTED_STATUSES else None,
        scored_items=0 if status in COUNTED_STATUSES else None,
    )
    review.reviewers.extend(ReviewerAssignment(reviewer_id=reviewer.id) for reviewer in reviewers)
    db.session.add(review)
    db.session.commit()
    return review


def draft_self_assessment(for_unit: Unit, rater: User, when: date) -> Review:
    """A draft self-assessment with no scores yet."""
    review = self_assessment(for_unit, rater, {}, when)
    review.status = ReviewStatus.DRAFT
    db.session.commit()
    return review


def final_external_review(
    for_unit: Unit, reviewers: list[User], when: date, consensus: dict[str, tuple[int, str]]
) -> Review:
    """A final external review with its agreed (score, recommendation) per item."""
    review = external_review(for_unit, reviewers, when)
    review.consensus.extend(
        ConsensusScore(item_key=key, score=score, recommendation=text) for key, (score, text) in consensus.items()
    )
    review.status = ReviewStatus.FINAL
    review.total = sum(score for score, _text in consensus.values())
    review.scored_items = len(consensus)
    db.session.commit()
    return review


def action(for_unit: Unit, owner: User, due: date, status: ActionStatus = ActionStatus.OPEN, title: str = "") -> Action:
    result = Action(
        unit_id=for_unit.id,
        title=title or f"Action {next(_ids)}",
        owner_id=owner.id,
        due_date=due,
        status=status,
        created_by_id=owner.id,
    )
    db.session.add(result)
    db.session.commit()
    return result


def journey(
    for_unit: Unit,
    referral: date,
    *,
    code: str = "",
    jobs: tuple[tuple[date, date | None], ...] = (),
    studies: tuple[tuple[date, date | None], ...] = (),
    **fields: object,
) -> Journey:
    """A journey of `for_unit` (under a fresh code unless given), with competitive jobs and education spells as
    (start, end)."""
    result = Journey(unit_id=for_unit.id, code=code or f"P{next(_ids)}", referral_date=referral, **fields)
    result.jobs.extend(JobSpell(start_date=start, end_date=end) for start, end in jobs)
    result.education.extend(EducationSpell(start_date=start, end_date=end) for start, end in studies)
    db.session.add(result)
    db.session.commit()
    return result


def gave_up_long_ago(for_unit: Unit, today: date) -> Journey:
    """A person referred 20 months before `today` who withdrew 14 months before it, without starting: a journey a
    purge of everything that ended over 12 months ago deletes."""
    return journey(for_unit, today - relativedelta(months=20), code="GAVE-UP",
                   exit_date=today - relativedelta(months=14), exit_reason=ExitReason.WITHDREW)  # fmt: skip


def adaptation(
    for_unit: Unit, title: str, since: date, *, items: list[str], principles: list[str], until: date | None = None
) -> Adaptation:
    result = Adaptation(
        unit_id=for_unit.id,
        title=title,
        reason=AdaptationReason.LAW_OR_REGULATION,
        since=since,
        until=until,
        items=items,
        principles=principles,
    )
    db.session.add(result)
    db.session.commit()
    return result


def staffing(for_unit: Unit, year: int, quarter: int, specialists: float, supervisors: float = 0.0) -> StaffingQuarter:
    result = StaffingQuarter(
        unit_id=for_unit.id, year=year, quarter=quarter, specialist_fte=specialists, supervisor_fte=supervisors
    )
    db.session.add(result)
    db.session.commit()
    return result
