"""Scoring a review: pure functions of a scale and the item scores given. No Flask, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from fidelity.scales import Band, PrincipleSet, Scale

# The field's convention: items scored below 4 get a recommendation.
ITEM_TARGET = 4


class ScoreError(ValueError):
    """A score that the scale does not allow."""


@dataclass(frozen=True)
class SectionScore:
    key: str
    title: str
    total: int
    max: int
    missing: tuple[str, ...]


@dataclass(frozen=True)
class PrincipleScore:
    key: str
    number: int
    title: str
    items: tuple[str, ...]
    mean: float | None  # None when none of its items is scored yet


@dataclass(frozen=True)
class ScoreSummary:
    scale_id: str
    version: str
    total: int
    max: int
    band: Band | None  # None until every item is scored
    sections: tuple[SectionScore, ...]
    principles: tuple[PrincipleScore, ...]
    missing: tuple[str, ...]
    below_target: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    def as_dict(self) -> dict[str, Any]:
        """The summary as the JSON object `fidelity score --json` prints."""
        return {
            "scale": self.scale_id,
            "version": self.version,
            "total": self.total,
            "max": self.max,
            "band": self.band.key if self.band else None,
            "sections": {
                s.key: {"title": s.title, "total": s.total, "max": s.max, "missing": list(s.missing)}
                for s in self.sections
            },
            "principles": {
                p.key: {"title": p.title, "mean": None if p.mean is None else round(p.mean, 2), "items": list(p.items)}
                for p in self.principles
            },
            "missing": list(self.missing),
            "below_4": list(self.below_target),
        }


def check_scores(scale: Scale, scores: Mapping[str, int]) -> None:
    """Raise ScoreError for an item the scale does not have or a score outside its range."""
    for key, score in scores.items():
        if key not in scale.item_keys:
            raise ScoreError(f"unknown item '{key}' for scale {scale.id}")
        if isinstance(score, bool) or not isinstance(score, int) or not scale.score_min <= score <= scale.score_max:
            raise ScoreError(f"item {key}: score {score!r} is not from {scale.score_min} to {scale.score_max}")


def missing_items(scale: Scale, scores: Mapping[str, int]) -> tuple[str, ...]:
    return tuple(key for key in scale.item_keys if key not in scores)


def band(scale: Scale, scores: Mapping[str, int]) -> Band | None:
    """The band of a complete set of scores; None while any item is missing."""
    if missing_items(scale, scores):
        return None
    return scale.band_for(sum(scores.values()))


def section_scores(scale: Scale, scores: Mapping[str, int]) -> tuple[SectionScore, ...]:
    result = []
    for section in scale.sections:
        items = scale.items_in(section.key)
        result.append(
            SectionScore(
                key=section.key,
                title=section.title,
                total=sum(scores[i.key] for i in items if i.key in scores),
                max=scale.score_max * len(items),
                missing=tuple(i.key for i in items if i.key not in scores),
            )
        )
    return tuple(result)


def principle_profile(scale: Scale, principles: PrincipleSet, scores: Mapping[str, int]) -> tuple[PrincipleScore, ...]:
    """Mean item score per principle, over the scored items that serve it. Structural items serve none."""
    result = []
    for principle in principles.principles:
        items = tuple(item.key for item in scale.items if principle.key in item.principles)
        scored = [scores[key] for key in items if key in scores]
        result.append(
            PrincipleScore(
                key=principle.key,
                number=principle.number,
                title=principle.title,
                items=items,
                mean=fmean(scored) if scored else None,
            )
        )
    return tuple(result)


def below_target(scale: Scale, scores: Mapping[str, int], target: int = ITEM_TARGET) -> tuple[str, ...]:
    """Scored items below the target, in scale order."""
    return tuple(key for key in scale.item_keys if key in scores and scores[key] < target)


def summarise(scale: Scale, principles: PrincipleSet, scores: Mapping[str, int]) -> ScoreSummary:
    """Everything a review's scores say: total, band, sections, principles, missing and weak items."""
    check_scores(scale, scores)
    return ScoreSummary(
        scale_id=scale.id,
        version=scale.version,
        total=sum(scores.values()),
        max=scale.max_total,
        band=band(scale, scores),
        sections=section_scores(scale, scores),
        principles=principle_profile(scale, principles, scores),
        missing=missing_items(scale, scores),
        below_target=below_target(scale, scores),
    )
