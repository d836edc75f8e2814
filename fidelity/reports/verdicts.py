"""How a review reads, principle by principle and item by item. Pure.

A principle's verdict, from the scores of the items that serve it:
- adherent: every one of its items scores 4 or 5;
- departs: the mean of its items is below 3, or any of its items scores 1;
- partial: anything in between;
- not assessed: none of its items is scored (structural items serve no principle and never count here).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

from fidelity.scales import Item, Principle, PrincipleSet, Scale
from fidelity.scoring import ITEM_TARGET

DEPARTS_BELOW_MEAN = 3
EXTREMES = 3  # how many strongest and weakest items the summary names


class Verdict(enum.StrEnum):
    ADHERENT = "adherent"
    PARTIAL = "partial"
    DEPARTS = "departs"
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True)
class PrincipleReading:
    principle: Principle
    items: tuple[tuple[Item, int | None], ...]
    mean: float | None
    verdict: Verdict


def verdict(scores: list[int]) -> Verdict:
    if not scores:
        return Verdict.NOT_ASSESSED
    if all(score >= ITEM_TARGET for score in scores):
        return Verdict.ADHERENT
    if fmean(scores) < DEPARTS_BELOW_MEAN or min(scores) == 1:
        return Verdict.DEPARTS
    return Verdict.PARTIAL


def principle_readings(scale: Scale, principles: PrincipleSet, scores: Mapping[str, int]) -> list[PrincipleReading]:
    readings = []
    for principle in principles.principles:
        items = tuple((item, scores.get(item.key)) for item in scale.items if principle.key in item.principles)
        scored = [score for _, score in items if score is not None]
        readings.append(PrincipleReading(principle, items, fmean(scored) if scored else None, verdict(scored)))
    return readings


def extremes(scale: Scale, scores: Mapping[str, int], count: int = EXTREMES) -> tuple[list[Item], list[Item]]:
    """The strongest and the weakest scored items: highest (or lowest) score first, then in scale order."""
    order = {key: index for index, key in enumerate(scale.item_keys)}
    scored = [scale.item(key) for key in scale.item_keys if key in scores]
    strongest = sorted(scored, key=lambda item: (-scores[item.key], order[item.key]))[:count]
    weakest = sorted(scored, key=lambda item: (scores[item.key], order[item.key]))[:count]
    return strongest, weakest


def more_at_last(listed: Sequence[Item], scores: Mapping[str, int]) -> int:
    """How many scored items not in `listed` (the strongest or the weakest) share the last listed item's score: a
    list cut at three among ten items at 3 says so, rather than seeming to pick three."""
    if not listed:
        return 0
    last = scores[listed[-1].key]
    shown = {item.key for item in listed}
    return sum(1 for key, score in scores.items() if score == last and key not in shown)
