"""What a local adaptation costs: pure functions of the items it touches and the unit's latest scores.

Rule: each item the adaptation departs from is set against the model's top anchor; the points lost are that top
score minus the item's score in the unit's latest counted review on its scale. The principles affected are those
the adaptation names plus those its items serve. An item not scored yet costs nothing known and is listed as such.

Beside it, the change since the adaptation began: each item's score now against its score in the unit's last counted
review on its scale before the adaptation's first day. The distance from the model may be older than the adaptation
(an item that was 3 before it began); the change is what moved while it has been in force, and is not known for an
item without a score on both sides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from fidelity.history import ReviewPoint
from fidelity.scales import Principle, PrincipleSet, Scale

ITEM_SEPARATOR = ":"


@dataclass(frozen=True)
class ItemCost:
    scale_id: str
    key: str
    title: str
    score: int | None  # in the latest counted review; None if not scored
    top: int  # the model's score for the item
    lost: int | None
    before: int | None = None  # in the last counted review before the adaptation began; None if none scored it

    @property
    def change(self) -> int | None:
        """The score now minus the score before the adaptation began (negative: it fell), where both are known."""
        return None if self.score is None or self.before is None else self.score - self.before


@dataclass(frozen=True)
class AdaptationCost:
    items: tuple[ItemCost, ...]
    points_lost: int  # over the items that have a score
    principles: tuple[Principle, ...]  # in the principles' order

    @property
    def points_lost_by_scale(self) -> tuple[tuple[str, int], ...]:
        """The points lost on each scale with a scored item, in the order the items name the scales: points of
        different scales are told apart rather than only added up."""
        lost: dict[str, int] = {}
        for item in self.items:
            if item.lost is not None:
                lost[item.scale_id] = lost.get(item.scale_id, 0) + item.lost
        return tuple(lost.items())

    @property
    def change_by_scale(self) -> tuple[tuple[str, int], ...]:
        """The change since the adaptation began, summed over the items scored before it and now, scale by scale."""
        changed: dict[str, int] = {}
        for item in self.items:
            if item.change is not None:
                changed[item.scale_id] = changed.get(item.scale_id, 0) + item.change
        return tuple(changed.items())

    @property
    def unscored(self) -> tuple[ItemCost, ...]:
        return tuple(item for item in self.items if item.score is None)


def item_ref(scale_id: str, key: str) -> str:
    return f"{scale_id}{ITEM_SEPARATOR}{key}"


def split_ref(ref: str) -> tuple[str, str]:
    scale_id, _, key = ref.partition(ITEM_SEPARATOR)
    return scale_id, key


def adaptation_cost(
    item_refs: Sequence[str],
    principle_keys: Sequence[str],
    scales: Mapping[str, Scale],
    latest: Mapping[str, Mapping[str, int]],
    principles: PrincipleSet,
    before: Mapping[str, Mapping[str, int]] | None = None,
) -> AdaptationCost:
    """The cost of an adaptation touching `item_refs` ("scale:key") and naming `principle_keys`, given the latest
    scores per scale id, and the scores of the last counted review before it began (`before`, per scale id). Items of
    scales not in `scales` are left out."""
    items = []
    affected = set(principle_keys)
    for ref in item_refs:
        scale_id, key = split_ref(ref)
        scale = scales.get(scale_id)
        if scale is None or key not in scale.item_keys:
            continue
        item = scale.item(key)
        affected |= set(item.principles)
        score = latest.get(scale_id, {}).get(key)
        lost = None if score is None else scale.score_max - score
        earlier = (before or {}).get(scale_id, {}).get(key)
        items.append(ItemCost(scale_id, key, item.title, score, scale.score_max, lost, earlier))
    return AdaptationCost(
        items=tuple(items),
        points_lost=sum(item.lost for item in items if item.lost is not None),
        principles=tuple(p for p in principles.principles if p.key in affected),
    )


def scores_before(
    counted: Mapping[str, Sequence[ReviewPoint]], day: date, scored_on: Mapping[str, date]
) -> dict[str, dict[str, int]]:
    """Per scale, the item scores of the last counted review (`counted`: the reviews that count, oldest first) dated
    before `day`, where the scores set against them (of the day `scored_on`, per scale) come on or after it: a scale
    not reviewed since `day` has no change to tell, and is left out, as is one without a review before it."""
    found = {}
    for scale_id, points in counted.items():
        if scale_id not in scored_on or scored_on[scale_id] < day:
            continue
        earlier = [point for point in points if point.review_date < day]
        if earlier:
            found[scale_id] = dict(earlier[-1].scores)
    return found
