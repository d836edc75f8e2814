"""The consensus table: every item with each reviewer's score and evidence side by side, as plain data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fidelity.agreement import DIVERGENCE_FLAG, spread
from fidelity.external.operations import ConsensusValue
from fidelity.reviews.operations import RatingValue
from fidelity.scales import Item, Scale


@dataclass(frozen=True)
class ReviewerColumn:
    user_id: int
    name: str


@dataclass(frozen=True)
class ConsensusRow:
    item: Item
    ratings: tuple[RatingValue | None, ...]  # one per reviewer column, None if not rated
    spread: int  # highest minus lowest reviewer score
    divergent: bool  # spread of DIVERGENCE_FLAG or more
    agreed_by_all: int | None  # the score every reviewer gave, if they all gave the same
    consensus: ConsensusValue
    previous: int | None  # the item's score in the unit's review before this one


def consensus_rows(
    scale: Scale,
    reviewers: Sequence[ReviewerColumn],
    ratings: Mapping[int, Mapping[str, RatingValue]],
    consensus: Mapping[str, ConsensusValue],
    previous: Mapping[str, RatingValue],
) -> list[ConsensusRow]:
    """One row per item of `scale`, in scale order."""
    rows = []
    for item in scale.items:
        given = tuple(ratings.get(r.user_id, {}).get(item.key) for r in reviewers)
        scores = [v.score for v in given if v is not None and v.score is not None]
        width = spread(scores)
        before = previous.get(item.key)
        rows.append(
            ConsensusRow(
                item=item,
                ratings=given,
                spread=width,
                divergent=width >= DIVERGENCE_FLAG,
                agreed_by_all=scores[0] if scores and len(scores) == len(reviewers) and width == 0 else None,
                consensus=consensus.get(item.key, ConsensusValue()),
                previous=before.score if before is not None else None,
            )
        )
    return rows
