"""How far two or more reviewers agreed before consensus: pure functions of their item scores.

Exact agreement and agreement within one point are shares of the items every reviewer scored. The weighted kappa is
Cohen's kappa with quadratic weights, computed by statsmodels, for each pair of reviewers; with more than two
reviewers the review's figure is the mean over the pairs. A kappa is undefined when the scores leave nothing to agree
by chance about (both reviewers gave every item the same score); it is then None, not a number.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from statistics import fmean

# Scores this far apart on one item are flagged for the consensus discussion.
DIVERGENCE_FLAG = 2


@dataclass(frozen=True)
class PairAgreement:
    first: str
    second: str
    kappa: float | None


@dataclass(frozen=True)
class Agreement:
    items: int  # items every reviewer scored
    exact: float | None  # share of those items with the same score from everyone (0-1); None without items
    within_one: float | None  # share where the scores span at most one point
    divergent: tuple[str, ...]  # items whose scores span DIVERGENCE_FLAG points or more, in the order given
    kappa: float | None  # quadratic-weighted kappa; the mean over pairs for more than two reviewers
    pairs: tuple[PairAgreement, ...]


def spread(scores: Sequence[int]) -> int:
    """Highest minus lowest score: 0 when everyone agrees."""
    return max(scores) - min(scores) if scores else 0


def weighted_kappa(first: Sequence[int], second: Sequence[int], categories: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights for two reviewers' scores of the same items, over `categories`."""
    if not first or len(first) != len(second):
        return None
    import numpy as np
    from statsmodels.stats.inter_rater import cohens_kappa

    index = {category: i for i, category in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    for a, b in zip(first, second, strict=True):
        table[index[a], index[b]] += 1
    # Quadratic disagreement expected by chance; zero means both reviewers used a single, identical score.
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    positions = np.arange(len(categories))
    expected = (np.outer(rows, cols) * (positions[:, None] - positions[None, :]) ** 2).sum()
    if expected == 0:
        return None
    return float(cohens_kappa(table, wt="quadratic", return_results=False))


def agreement(
    scores: Mapping[str, Mapping[str, int]], item_keys: Sequence[str], categories: Sequence[int]
) -> Agreement:
    """Agreement of the reviewers in `scores` (reviewer -> item key -> score) over the items in `item_keys`."""
    reviewers = list(scores)
    common = [key for key in item_keys if reviewers and all(key in scores[r] for r in reviewers)]
    spreads = {key: spread([scores[r][key] for r in reviewers]) for key in common}
    pairs = tuple(
        PairAgreement(a, b, weighted_kappa([scores[a][k] for k in common], [scores[b][k] for k in common], categories))
        for a, b in combinations(reviewers, 2)
    )
    kappas = [p.kappa for p in pairs if p.kappa is not None]
    return Agreement(
        items=len(common),
        exact=_share(list(spreads.values()), 0),
        within_one=_share(list(spreads.values()), 1),
        divergent=tuple(key for key in common if spreads[key] >= DIVERGENCE_FLAG),
        kappa=fmean(kappas) if kappas and len(kappas) == len(pairs) else None,
        pairs=pairs,
    )


def _share(spreads: Collection[int], at_most: int) -> float | None:
    if not spreads:
        return None
    return sum(1 for s in spreads if s <= at_most) / len(spreads)
