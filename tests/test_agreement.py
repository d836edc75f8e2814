"""Rater agreement against examples worked by hand."""

from __future__ import annotations

import pytest

from fidelity.agreement import agreement, spread, weighted_kappa

SCORES = range(1, 6)
ITEMS = ("A", "B", "C", "D", "E")


def test_two_reviewers_worked_by_hand() -> None:
    # Reviewer 1: 4 4 3 5 2; reviewer 2: 4 3 3 5 4.
    # Exact: A, C, D agree -> 3/5. Within one: also B (4 vs 3) -> 4/5. E differs by 2 -> flagged.
    # Quadratic weighted kappa with disagreement weights (i - j)^2:
    #   observed  sum w*O = 0 + 1 + 0 + 0 + 4 = 5
    #   expected  sum w * a_i * b_j / n, margins a = {2:1, 3:1, 4:2, 5:1}, b = {3:2, 4:2, 5:1}:
    #     a=2: 1*2*1 + 1*2*4 + 1*1*9 = 19;  a=3: 1*2*1 + 1*1*4 = 6;  a=4: 2*2*1 + 2*1*1 = 6;  a=5: 1*2*4 + 1*2*1 = 10
    #     -> 41 / 5 = 8.2;  kappa = 1 - 5 / 8.2 = 16/41 = 0.3902...
    first = dict(zip(ITEMS, (4, 4, 3, 5, 2), strict=True))
    second = dict(zip(ITEMS, (4, 3, 3, 5, 4), strict=True))
    result = agreement({"ann": first, "bo": second}, ITEMS, SCORES)
    assert result.items == 5
    assert result.exact == pytest.approx(3 / 5)
    assert result.within_one == pytest.approx(4 / 5)
    assert result.divergent == ("E",)
    assert result.kappa == pytest.approx(16 / 41)
    assert [(p.first, p.second) for p in result.pairs] == [("ann", "bo")]


def test_perfect_agreement_with_variation_is_kappa_one() -> None:
    scores = dict(zip(ITEMS, (1, 2, 3, 4, 5), strict=True))
    result = agreement({"a": scores, "b": dict(scores)}, ITEMS, SCORES)
    assert (result.exact, result.within_one, result.kappa, result.divergent) == (1.0, 1.0, pytest.approx(1.0), ())


def test_kappa_is_undefined_when_everyone_gives_one_score() -> None:
    same = dict.fromkeys(ITEMS, 4)
    assert weighted_kappa(list(same.values()), list(same.values()), SCORES) is None
    result = agreement({"a": same, "b": dict(same)}, ITEMS, SCORES)
    assert result.exact == 1.0 and result.kappa is None


def test_systematic_disagreement_is_negative() -> None:
    # 1 2 3 4 5 against 5 4 3 2 1. Observed: 16 + 4 + 0 + 4 + 16 = 40.
    # Expected: every margin is 1, so sum over all 5x5 cells of (i-j)^2 = 2 * (4*1 + 3*4 + 2*9 + 1*16) = 100,
    # divided by n = 5 -> 20. kappa = 1 - 40 / 20 = -1.
    assert weighted_kappa([1, 2, 3, 4, 5], [5, 4, 3, 2, 1], SCORES) == pytest.approx(-1.0)


def test_three_reviewers_use_the_span_and_the_mean_of_pairs() -> None:
    a = dict(zip(ITEMS, (4, 4, 3, 5, 2), strict=True))
    b = dict(zip(ITEMS, (4, 3, 3, 5, 4), strict=True))
    c = dict(zip(ITEMS, (4, 4, 3, 5, 2), strict=True))  # the same as a
    result = agreement({"a": a, "b": b, "c": c}, ITEMS, SCORES)
    assert result.exact == pytest.approx(3 / 5) and result.within_one == pytest.approx(4 / 5)
    assert [round(p.kappa or 0, 4) for p in result.pairs] == [round(16 / 41, 4), 1.0, round(16 / 41, 4)]
    assert result.kappa == pytest.approx((16 / 41 + 1 + 16 / 41) / 3)


def test_only_items_every_reviewer_scored_count() -> None:
    a = {"A": 4, "B": 3, "C": 5}
    b = {"A": 4, "B": 1}
    result = agreement({"a": a, "b": b}, ITEMS, SCORES)
    assert result.items == 2 and result.exact == 0.5 and result.divergent == ("B",)


def test_no_common_items_and_spread() -> None:
    result = agreement({"a": {"A": 3}, "b": {"B": 3}}, ITEMS, SCORES)
    assert (result.items, result.exact, result.within_one, result.kappa) == (0, None, None, None)
    assert spread([3, 5, 4]) == 2 and spread([]) == 0
