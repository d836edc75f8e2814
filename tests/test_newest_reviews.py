"""The kept newest reviews: each unit's newest review that counts, per scale, kind and items scored, kept up to date
in the transaction that writes a review, and always what working them out again from every review gives."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from fidelity.extensions import db
from fidelity.models import NewestReview, ReviewKind, ReviewStatus, Role
from fidelity.reviews.newest import rebuild
from tests import factories

SELF, EXTERNAL = ReviewKind.SELF_ASSESSMENT, ReviewKind.EXTERNAL


def kept() -> dict[tuple[int, str, ReviewKind, int], tuple[int, date, int]]:
    rows = db.session.scalars(select(NewestReview)).all()
    return {(r.unit_id, r.scale_id, r.kind, r.scored_items): (r.review_id, r.review_date, r.total) for r in rows}


def worked_out_again() -> dict[tuple[int, str, ReviewKind, int], tuple[int, date, int]]:
    """What `rebuild` makes of every review, without keeping it."""
    savepoint = db.session.begin_nested()
    rebuild(db.session.connection())
    rows = kept()
    savepoint.rollback()
    return rows


def test_the_newest_reviews_follow_every_change(session: Any, registry: Any) -> None:
    keys = registry.get("ips-25").item_keys
    unit, other = factories.unit(), factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    assert kept() == {}

    old = factories.self_assessment(unit, manager, dict.fromkeys(keys, 3), date(2024, 3, 1))
    assert kept() == {(unit.id, "ips-25", SELF, 25): (old.id, date(2024, 3, 1), 75)}

    # An external review later, a newer self-assessment, and one of another unit: each kept for its own.
    reviewers = [factories.user(Role.EXTERNAL_REVIEWER), factories.user(Role.EXTERNAL_REVIEWER)]
    external = factories.final_external_review(unit, reviewers, date(2024, 9, 1), {k: (4, "") for k in keys})
    newer = factories.self_assessment(unit, manager, dict.fromkeys(keys, 4), date(2025, 2, 1))
    elsewhere = factories.self_assessment(other, manager, dict.fromkeys(keys, 2), date(2025, 1, 1))
    assert kept() == {
        (unit.id, "ips-25", SELF, 25): (newer.id, date(2025, 2, 1), 100),
        (unit.id, "ips-25", EXTERNAL, 25): (external.id, date(2024, 9, 1), 100),
        (other.id, "ips-25", SELF, 25): (elsewhere.id, date(2025, 1, 1), 50),
    }

    # A draft, even a newer one, counts for nothing; neither does a correction until it is submitted.
    draft = factories.draft_self_assessment(unit, manager, date(2025, 6, 1))
    draft.corrects_id = newer.id
    db.session.commit()
    assert kept()[unit.id, "ips-25", SELF, 25][0] == newer.id

    # Submitted, the correction replaces the review it corrects.
    correction = factories.self_assessment(unit, manager, dict.fromkeys(keys, 5), newer.review_date)
    correction.corrects_id = newer.id
    db.session.commit()
    assert kept()[unit.id, "ips-25", SELF, 25] == (correction.id, newer.review_date, 125)

    # A review that scores only some items is kept apart: the comparison never takes it for a whole one.
    partial = factories.self_assessment(unit, manager, {"S1": 2}, date(2025, 8, 1))
    assert kept()[unit.id, "ips-25", SELF, 1] == (partial.id, date(2025, 8, 1), 2)
    assert kept()[unit.id, "ips-25", SELF, 25][0] == correction.id

    # Reopened (status no longer counted), the correction stops counting and the review it corrected is back.
    correction.status = ReviewStatus.DRAFT
    db.session.commit()
    assert kept()[unit.id, "ips-25", SELF, 25][0] == newer.id

    assert kept() == worked_out_again()


def test_working_them_out_again_gives_what_was_kept(session: Any, registry: Any) -> None:
    keys = registry.get("ips-25").item_keys
    manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=factories.area().id)
    for number in range(6):
        unit = factories.unit()
        for year in range(2020, 2020 + number):
            factories.self_assessment(unit, manager, dict.fromkeys(keys, 1 + (year + number) % 5), date(year, 5, 1))
    before = kept()
    assert len(before) == 5  # the first unit has no review
    db.session.execute(NewestReview.__table__.delete())
    rebuild(db.session.connection())
    assert kept() == before
