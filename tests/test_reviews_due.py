"""The review schedule from the database: which reviews count, their totals, and a fixed number of queries."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from flask import Flask

from fidelity.models import ReviewStatus, Role
from fidelity.schedule import DueState
from fidelity.units.reviews_due import units_schedule
from tests import factories
from tests.factories import app_today
from tests.test_admin import counted_queries

TODAY = app_today()


def months_ago(months: int) -> date:
    return TODAY - relativedelta(months=months)


def ips_scores(registry: Any, total: int) -> dict[str, int]:
    """Scores for every IPS-25 item adding up to `total` (25-125)."""
    keys = registry.get("ips-25").item_keys
    base, extra = divmod(total, len(keys))
    return {key: base + (1 if i < extra else 0) for i, key in enumerate(keys)}


def test_the_latest_counted_review_sets_the_date_whatever_its_kind(app: Flask, session: Any, registry: Any) -> None:
    unit = factories.unit(sed=True)
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)
    factories.self_assessment(unit, manager, ips_scores(registry, 90), months_ago(14))
    # A final external review: its consensus total (100, good) counts, not anyone's own ratings.
    final = factories.final_external_review(
        unit, [reviewer], months_ago(3), {key: (score, "") for key, score in ips_scores(registry, 100).items()}
    )
    # Neither a later draft nor a review still in consensus counts.
    factories.draft_self_assessment(unit, manager, months_ago(1))
    in_consensus = factories.external_review(unit, [reviewer], months_ago(1))
    in_consensus.status = ReviewStatus.CONSENSUS
    session.commit()

    with app.test_request_context():
        rows = {row.scale.id: row for row in units_schedule([unit], registry, TODAY)}
    ips = rows["ips-25"]
    assert ips.last is not None
    assert (ips.last.review_date, ips.last.total, ips.last.band_key) == (final.review_date, 100, "good")
    assert (ips.due_date, ips.state) == (final.review_date + relativedelta(months=12), DueState.SCHEDULED)
    assert (rows["sed"].last, rows["sed"].due_date, rows["sed"].state) == (None, TODAY, DueState.NEVER_REVIEWED)


def test_a_correction_replaces_the_review_it_corrects(app: Flask, session: Any, registry: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    original = factories.self_assessment(unit, manager, ips_scores(registry, 104), months_ago(5))
    correction = factories.self_assessment(unit, manager, ips_scores(registry, 96), original.review_date)
    correction.corrects_id = original.id
    session.commit()
    # An earlier review whose id is higher must not win over the later date.
    factories.self_assessment(unit, manager, ips_scores(registry, 110), months_ago(20))

    with app.test_request_context():
        [row] = units_schedule([unit], registry, TODAY)
    assert row.last is not None and (row.last.review_date, row.last.total) == (original.review_date, 96)
    assert row.due_date == original.review_date + relativedelta(months=6)  # below good once corrected
    assert row.state is DueState.DUE_SOON  # due in a month


def test_the_schedule_of_many_units_takes_a_fixed_number_of_queries(app: Flask, session: Any, registry: Any) -> None:
    def make_units(count: int) -> list[Any]:
        units = []
        for _ in range(count):
            unit = factories.unit(sed=True)
            manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
            factories.self_assessment(unit, manager, ips_scores(registry, 90), months_ago(2))
            units.append(unit)
        return units

    few, many = make_units(1), make_units(5)
    with app.test_request_context():
        with counted_queries(app) as one:
            units_schedule(few, registry, TODAY)
        with counted_queries(app) as five:
            rows = units_schedule(many, registry, TODAY)
    assert len(rows) == 10 and len(one) == len(five)
