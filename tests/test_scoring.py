"""Scoring is a pure function of a scale and the scores given."""

from __future__ import annotations

import pytest

from fidelity.config import DEFAULTS
from fidelity.scales import Scale, ScaleRegistry, load_registry
from fidelity.scoring import ScoreError, band, principle_profile, summarise

REGISTRY: ScaleRegistry = load_registry(DEFAULTS["SCALES_DIR"])
IPS: Scale = REGISTRY.get("ips-25")


def scores_totalling(scale: Scale, total: int) -> dict[str, int]:
    """Scores for every item that add up to `total`, spread as evenly as the items allow."""
    n = len(scale.items)
    base, extra = divmod(total, n)
    assert scale.score_min <= base <= scale.score_max
    return {key: base + (1 if i < extra else 0) for i, key in enumerate(scale.item_keys)}


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (25, "not-supported-employment"),
        (73, "not-supported-employment"),
        (74, "fair"),
        (99, "fair"),
        (100, "good"),
        (114, "good"),
        (115, "exemplary"),
        (125, "exemplary"),
    ],
)
def test_band_at_every_edge(total: int, expected: str) -> None:
    scores = scores_totalling(IPS, total)
    assert sum(scores.values()) == total
    summary = summarise(IPS, REGISTRY.principles, scores)
    assert summary.total == total
    assert summary.max == 125
    assert summary.band is not None and summary.band.key == expected


def test_an_incomplete_review_has_no_band_and_names_its_missing_items() -> None:
    scores = {key: 5 for key in IPS.item_keys if key not in ("O6", "V14")}
    summary = summarise(IPS, REGISTRY.principles, scores)
    assert summary.band is None
    assert band(IPS, scores) is None
    assert summary.missing == ("O6", "V14")
    assert summary.total == 115
    zero_exclusion = next(p for p in summary.principles if p.key == "zero-exclusion")
    assert zero_exclusion.mean is None


def test_section_subtotals_principle_profile_and_items_below_4() -> None:
    scores = {key: 4 for key in IPS.item_keys}
    scores.update({"S1": 2, "O1": 5, "O2": 3, "O3": 2, "V1": 1, "V12": 5})
    summary = summarise(IPS, REGISTRY.principles, scores)
    sections = {s.key: (s.total, s.max) for s in summary.sections}
    assert sections == {"S": (2 + 4 + 4, 15), "O": (5 + 3 + 2 + 4 * 5, 40), "V": (1 + 5 + 4 * 12, 70)}
    profile = {p.key: p.mean for p in summary.principles}
    assert profile["integration"] == pytest.approx((5 + 3 + 2) / 3)
    assert profile["benefits-planning"] == 1
    assert profile["time-unlimited-support"] == pytest.approx((4 + 5 + 4) / 3)
    assert summary.below_target == ("S1", "O2", "O3", "V1")
    assert summary.total == sum(scores.values()) == 94
    assert summary.band is not None and summary.band.key == "fair"


def test_principle_profile_ignores_structural_items() -> None:
    scores = {key: 5 for key in IPS.item_keys}
    scores.update({"S1": 1, "S2": 1, "S3": 1, "O4": 1, "O5": 1, "O8": 1})
    assert all(p.mean == 5 for p in principle_profile(IPS, REGISTRY.principles, scores))


def test_as_dict_is_the_json_the_cli_prints() -> None:
    scores = {key: 3 for key in IPS.item_keys}
    del scores["V2"]
    data = summarise(IPS, REGISTRY.principles, scores).as_dict()
    assert set(data) == {"scale", "version", "total", "max", "band", "sections", "principles", "missing", "below_4"}
    assert data["band"] is None and data["missing"] == ["V2"] and data["total"] == 72
    assert data["sections"]["V"] == {"title": "Services", "total": 39, "max": 70, "missing": ["V2"]}
    assert data["principles"]["preferences"]["mean"] == 3.0


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({"X9": 3}, "unknown item 'X9'"),
        ({"S1": 6}, "not from 1 to 5"),
        ({"S1": 0}, "not from 1 to 5"),
        ({"S1": True}, "not from 1 to 5"),
    ],
)
def test_scores_outside_the_scale_are_refused(scores: dict[str, int], message: str) -> None:
    with pytest.raises(ScoreError, match=message):
        summarise(IPS, REGISTRY.principles, scores)


def test_sed_bands_cover_its_range() -> None:
    sed = REGISTRY.get("sed")
    low, high = sed.min_total, sed.max_total
    assert summarise(sed, REGISTRY.principles, scores_totalling(sed, low)).band == sed.bands[-1]
    assert summarise(sed, REGISTRY.principles, scores_totalling(sed, high)).band == sed.bands[0]
