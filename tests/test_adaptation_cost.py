"""What an adaptation costs, and what the monitoring data shows before and after it, on small worked examples."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fidelity.adaptations.cost import adaptation_cost, item_ref
from fidelity.adaptations.effect import monitoring_effect, outcome_effect, outcome_quarters
from fidelity.monitoring.frames import frames_from_records
from fidelity.monitoring.outcomes import KEPT_FIELDS, QuarterFigures
from fidelity.monitoring.quarters import Quarter
from fidelity.scales import load_registry

REGISTRY = load_registry(Path(__file__).resolve().parent.parent / "scales")
SCALES = {s.id: s for s in REGISTRY.latest()}


def test_points_lost_against_the_top_anchor_and_the_principles_touched() -> None:
    # A needs assessment before start: O6 scored 2 (loses 3) and V4 scored 3 (loses 2) -> 5 points.
    # O6 serves zero exclusion, V4 rapid search; the adaptation also names zero exclusion itself.
    cost = adaptation_cost(
        [item_ref("ips-25", "O6"), item_ref("ips-25", "V4")],
        ["zero-exclusion"],
        SCALES,
        {"ips-25": {"O6": 2, "V4": 3, "S1": 5}},
        REGISTRY.principles,
    )
    assert [(i.key, i.score, i.top, i.lost) for i in cost.items] == [("O6", 2, 5, 3), ("V4", 3, 5, 2)]
    assert cost.points_lost == 5
    assert [p.key for p in cost.principles] == ["zero-exclusion", "rapid-search"]
    assert cost.unscored == ()


def test_the_change_since_the_adaptation_began_is_told_from_the_distance_to_the_model() -> None:
    """O6 was 4 before a needs assessment began and is 1 now: 4 from the model, 3 of them lost since. V4 was 3
    before and is 3 now: 2 from the model, none of it since. O1 was not scored before: no change known."""
    cost = adaptation_cost(
        [item_ref("ips-25", "O6"), item_ref("ips-25", "V4"), item_ref("ips-25", "O1")],
        [],
        SCALES,
        {"ips-25": {"O6": 1, "V4": 3, "O1": 4}},
        REGISTRY.principles,
        {"ips-25": {"O6": 4, "V4": 3}, "sed": {"A4": 2}},
    )
    assert [(i.key, i.lost, i.before, i.change) for i in cost.items] == [
        ("O6", 4, 4, -3),
        ("V4", 2, 3, 0),
        ("O1", 1, None, None),
    ]
    assert cost.points_lost == 7 and cost.change_by_scale == (("ips-25", -3),)
    # Without a review before it began, nothing is known of the change.
    alone = adaptation_cost([item_ref("ips-25", "O6")], [], SCALES, {"ips-25": {"O6": 1}}, REGISTRY.principles)
    assert alone.items[0].change is None and alone.change_by_scale == ()


def test_the_scores_before_an_adaptation_are_the_last_counted_review_s_before_its_first_day() -> None:
    from fidelity.adaptations.cost import scores_before
    from fidelity.history import ReviewPoint

    def point(review_id: int, day: date, scores: dict[str, int]) -> ReviewPoint:
        return ReviewPoint(review_id, day, "self_assessment", scores, sum(scores.values()), None, None)

    counted = {
        "ips-25": [point(1, date(2024, 5, 1), {"O6": 5}), point(2, date(2025, 2, 1), {"O6": 4}),
                   point(3, date(2025, 3, 15), {"O6": 2})],
        "sed": [point(4, date(2025, 6, 1), {"A4": 3})],
    }  # fmt: skip
    now = {"ips-25": date(2025, 3, 15), "sed": date(2025, 6, 1)}  # the day of the scores each is set against
    # Begun on 15 March 2025: the review of that day counts as after it.
    assert scores_before(counted, date(2025, 3, 15), now) == {"ips-25": {"O6": 4}}
    assert scores_before(counted, date(2024, 5, 1), now) == {}
    # Begun after the latest review: nothing measured since, so no change to tell (not a change of 0).
    assert scores_before(counted, date(2025, 4, 1), now) == {}
    assert scores_before(counted, date(2025, 3, 15), {"sed": date(2025, 6, 1)}) == {}  # nothing scored on ips-25


def test_points_lost_are_told_apart_scale_by_scale() -> None:
    # O6 scored 2 on the IPS scale (loses 3), O1 scored 4 (loses 1); the SEd scale's A4 scored 4 (loses 1).
    cost = adaptation_cost(
        [item_ref("ips-25", "O6"), item_ref("sed", "A4"), item_ref("ips-25", "O1")],
        [],
        SCALES,
        {"ips-25": {"O6": 2, "O1": 4}, "sed": {"A4": 4}},
        REGISTRY.principles,
    )
    assert cost.points_lost_by_scale == (("ips-25", 4), ("sed", 1))
    assert cost.points_lost == 5


def test_unscored_items_and_unknown_references() -> None:
    cost = adaptation_cost(
        [item_ref("sed", "B4"), item_ref("ips-25", "O1"), "ips-25:NOPE", "gone:O1"],
        [],
        SCALES,
        {"ips-25": {"O1": 1}},
        REGISTRY.principles,
    )
    assert [(i.scale_id, i.key, i.lost) for i in cost.items] == [("sed", "B4", None), ("ips-25", "O1", 4)]
    assert cost.points_lost == 4 and [i.key for i in cost.unscored] == ["B4"]
    assert cost.points_lost_by_scale == (("ips-25", 4),)  # a scale with no scored item loses nothing known
    assert [p.key for p in cost.principles] == ["integration", "benefits-planning"]


def journeys() -> object:
    # A needs assessment required from 2026-01-01. Before: referred 2025-03 and 2025-06, first met after 10 and 20
    # days (median 15). After: referred 2026-02 and 2026-03, first met after 90 and 110 days (median 100); one more
    # referred after is refused as needs assessment not granted: 1 of 3 screened out.
    rows = [
        {"referral_date": "2025-03-01", "first_meeting_date": "2025-03-11", "decision": "accepted"},
        {"referral_date": "2025-06-01", "first_meeting_date": "2025-06-21", "decision": "accepted"},
        {"referral_date": "2026-02-01", "first_meeting_date": "2026-05-02", "decision": "accepted"},
        {"referral_date": "2026-03-01", "first_meeting_date": "2026-06-19", "decision": "accepted"},
        {
            "referral_date": "2026-03-05",
            "decision": "not_accepted",
            "not_accepted_reason": "needs_assessment_not_granted",
        },
        {"referral_date": "2024-01-01", "first_meeting_date": "2024-01-02"},  # long before: not in either window
    ]
    return frames_from_records([{"id": i, "code": f"P{i}"} | r for i, r in enumerate(rows, 1)]).journeys


def test_waiting_and_screening_before_and_after_the_start() -> None:
    effect = monitoring_effect(journeys(), date(2026, 1, 1), None, date(2026, 11, 1))
    assert effect is not None
    assert (effect.before.start, effect.before.end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (effect.after.start, effect.after.end) == (date(2026, 1, 1), date(2026, 11, 1))
    assert (effect.before.referred, effect.before.to_first_meeting.median, effect.before.breach_share) == (2, 15.0, 0)
    assert (effect.after.referred, effect.after.to_first_meeting.median) == (3, 100.0)
    assert effect.after.breach_share == pytest.approx(1 / 3)


def test_an_ended_adaptation_and_one_with_no_data() -> None:
    ended = monitoring_effect(journeys(), date(2026, 1, 1), date(2026, 2, 15), date(2026, 11, 1))
    assert ended is not None and ended.after.end == date(2026, 2, 15) and ended.after.referred == 1
    assert monitoring_effect(journeys(), date(2020, 1, 1), None, date(2026, 11, 1)) is None


def figures(quarter: Quarter, served: int, in_work: int = 0, **counts: int) -> QuarterFigures:
    values: dict[str, Any] = {name: 0 for name in KEPT_FIELDS} | {"median_days_to_employer_contact": None,
                                                                  "median_days_to_enrolment": None}  # fmt: skip
    return QuarterFigures(quarter=quarter, **(values | {"served": served, "in_competitive_work": in_work} | counts))


@pytest.mark.parametrize(
    ("since", "until", "today", "before", "after"),
    [
        # Began mid-quarter: its quarter is neither before nor after; four full quarters since by today.
        (date(2025, 2, 10), None, date(2026, 5, 1), ("2024Q1", "2024Q2", "2024Q3", "2024Q4"),
         ("2025Q2", "2025Q3", "2025Q4", "2026Q1")),
        # Began on a quarter's first day: that quarter is its first.
        (date(2025, 4, 1), None, date(2025, 10, 1), ("2024Q2", "2024Q3", "2024Q4", "2025Q1"), ("2025Q2", "2025Q3")),
        # Today's quarter is not full yet; an adaptation that ended counts its quarters up to its end only.
        (date(2025, 4, 1), None, date(2025, 9, 30), ("2024Q2", "2024Q3", "2024Q4", "2025Q1"), ("2025Q2",)),
        (date(2025, 1, 1), date(2025, 8, 15), date(2026, 5, 1), ("2024Q1", "2024Q2", "2024Q3", "2024Q4"),
         ("2025Q1", "2025Q2")),
    ],
)  # fmt: skip
def test_the_quarters_compared_around_an_adaptation(
    since: date, until: date | None, today: date, before: tuple[str, ...], after: tuple[str, ...]
) -> None:
    found = outcome_quarters(since, until, today)
    assert tuple(tuple(f"{q.year}Q{q.number}" for q in side) for side in found) == (before, after)


def test_outcomes_before_and_after_add_up_the_quarters_people_served() -> None:
    # Before: 20 and 30 served, 6 and 9 in work (30 %); 4 of 5 met an employer within 30 days. After: 25 and 15
    # served, 12 and 8 in work (50 %); one quarter without figures.
    kept = [figures(Quarter(2024, 3), 20, 6, contact_window_closed=2, contact_within_30=2, job_starts=1),
            figures(Quarter(2024, 4), 30, 9, contact_window_closed=3, contact_within_30=2, in_education=3),
            figures(Quarter(2025, 1), 99, 99),  # the quarter it began in, mid-quarter: left out
            figures(Quarter(2025, 2), 25, 12, job_starts=4),
            figures(Quarter(2025, 4), 15, 8, job_starts=2)]  # fmt: skip
    effect = outcome_effect(kept, date(2025, 2, 1), None, date(2026, 5, 1))
    assert effect is not None
    before, after = effect.before, effect.after
    assert (before.quarters, before.served, before.in_competitive_work, before.employment_rate) == (
        (Quarter(2024, 3), Quarter(2024, 4)), 50, 15, 0.3)  # fmt: skip
    assert (before.in_education, before.education_rate, before.job_starts, before.share_within_30) == (3, 0.06, 1, 0.8)
    assert (after.quarters, after.served, after.in_competitive_work, after.employment_rate, after.job_starts) == (
        (Quarter(2025, 2), Quarter(2025, 4)), 40, 20, 0.5, 6)  # fmt: skip
    assert after.share_within_30 is None and not before.few and not after.few
    # Fewer than 10 people a quarter on average: few. 19 over two quarters is few, 20 is not.
    few = outcome_effect([figures(Quarter(2024, 4), 9), figures(Quarter(2025, 2), 10, 1),
                          figures(Quarter(2025, 3), 9, 2)], date(2025, 2, 1), None, date(2026, 5, 1))  # fmt: skip
    assert few is not None and few.before.few and few.after.few and few.after.served == 19
    assert not outcome_effect([figures(Quarter(2025, 2), 10), figures(Quarter(2025, 3), 10)], date(2025, 2, 1), None,
                              date(2026, 5, 1)).after.few  # type: ignore[union-attr]  # fmt: skip
    # Nobody served on either side: nothing to compare.
    assert outcome_effect([figures(Quarter(2024, 4), 0), figures(Quarter(2025, 1), 40)], date(2025, 2, 1), None,
                          date(2026, 5, 1)) is None  # fmt: skip


def test_a_window_is_few_by_the_quarters_that_served_anyone_and_names_its_definitions_versions() -> None:
    # 0, 12, 12, 12 served: 12 a quarter that served anyone, not few; 0, 9, 9: few, 9 a quarter.
    kept = [figures(Quarter(2024, 1), 0), *(figures(Quarter(2024, n), 12, 3) for n in (2, 3, 4)),
            figures(Quarter(2025, 2), 0), figures(Quarter(2025, 3), 9, 1), figures(Quarter(2025, 4), 9, 1)]  # fmt: skip
    versions = {Quarter(2024, 1): "4", Quarter(2024, 2): "4"} | {f.quarter: "5" for f in kept[2:]}
    effect = outcome_effect(kept, date(2025, 2, 1), None, date(2026, 5, 1), versions)
    assert effect is not None
    assert (effect.before.served_per_quarter, effect.before.few) == (12, False)
    assert (effect.after.served_per_quarter, effect.after.few, effect.after.served) == (9, True, 18)
    # A purge locked the first quarters under version 4: the comparison says so.
    assert (effect.before.versions, effect.after.versions, effect.versions) == (("4", "5"), ("5",), ("4", "5"))
    assert outcome_effect(kept, date(2025, 2, 1), None, date(2026, 5, 1)).versions == ()  # type: ignore[union-attr]


def test_an_ended_adaptation_s_outcomes_say_it_ended() -> None:
    kept = [figures(Quarter(2024, 4), 12, 3), figures(Quarter(2025, 2), 12, 6)]
    ended = outcome_effect(kept, date(2025, 2, 1), date(2025, 3, 1), date(2026, 5, 1))
    going = outcome_effect(kept, date(2025, 2, 1), date(2026, 9, 1), date(2026, 5, 1))  # ends after today
    assert ended is not None and ended.ended and ended.after.quarters == ()
    assert going is not None and not going.ended and going.after.quarters == (Quarter(2025, 2),)
