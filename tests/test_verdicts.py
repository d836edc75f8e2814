"""Principle verdicts and the strongest and weakest items, by the documented rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from fidelity.reports.verdicts import Verdict, extremes, more_at_last, principle_readings, verdict
from fidelity.scales import load_registry

REGISTRY = load_registry(Path(__file__).resolve().parent.parent / "scales")
IPS = REGISTRY.get("ips-25")


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([], Verdict.NOT_ASSESSED),
        ([4, 5, 4], Verdict.ADHERENT),
        ([4, 3], Verdict.PARTIAL),  # mean 3.5, nothing at 1
        ([3, 3], Verdict.PARTIAL),  # mean exactly 3
        ([3, 2], Verdict.DEPARTS),  # mean 2.5
        ([5, 5, 1], Verdict.DEPARTS),  # an item at 1 departs whatever the mean
    ],
)
def test_the_verdict_rule(scores: list[int], expected: Verdict) -> None:
    assert verdict(scores) == expected


def test_readings_follow_the_items_each_principle_is_served_by() -> None:
    scores = dict.fromkeys(IPS.item_keys, 4) | {"O6": 1, "V14": 5, "O1": 3, "O2": 3, "O3": 4}
    readings = {r.principle.key: r for r in principle_readings(IPS, REGISTRY.principles, scores)}
    zero = readings["zero-exclusion"]
    assert [(item.key, score) for item, score in zero.items] == [("O6", 1), ("V14", 5)]
    assert (zero.mean, zero.verdict) == (3.0, Verdict.DEPARTS)
    assert (readings["integration"].mean, readings["integration"].verdict) == (pytest.approx(10 / 3), Verdict.PARTIAL)
    assert readings["time-unlimited-support"].verdict is Verdict.ADHERENT
    unscored = principle_readings(IPS, REGISTRY.principles, {"S1": 5})
    assert {r.verdict for r in unscored} == {Verdict.NOT_ASSESSED}


def test_strongest_and_weakest() -> None:
    scores = dict.fromkeys(IPS.item_keys, 3) | {"V10": 5, "S2": 5, "O7": 4, "O6": 1, "V4": 2}
    strongest, weakest = extremes(IPS, scores)
    assert [i.key for i in strongest] == ["S2", "V10", "O7"]
    assert [i.key for i in weakest] == ["O6", "V4", "S1"]
    # S1 is one of 20 items at 3: 19 more are; none shares O7's 4.
    assert (more_at_last(weakest, scores), more_at_last(strongest, scores)) == (19, 0)
    assert more_at_last([], scores) == 0
