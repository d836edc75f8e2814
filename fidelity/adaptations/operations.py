"""Keeping a unit's register of local adaptations, and reading it with what each costs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from flask import abort
from sqlalchemy import select

from fidelity.adaptations.cost import AdaptationCost, adaptation_cost
from fidelity.adaptations.effect import Effect, first_day, monitoring_effect
from fidelity.extensions import db
from fidelity.models import Adaptation, AdaptationReason, Unit, User
from fidelity.monitoring.frames import load_frames
from fidelity.monitoring.purge import PastPurge, latest_purge, purge_reaching
from fidelity.scales import ScaleRegistry
from fidelity.units.queries import latest_scores, review_scores

FIELDS = ("title", "description", "reason", "since", "until", "decided_by", "principles", "items")


@dataclass(frozen=True)
class CostedAdaptation:
    adaptation: Adaptation
    cost: AdaptationCost
    effect: Effect | None
    purge: PastPurge | None  # the latest purge, when it deleted journeys the effect's windows would have counted


def save_adaptation(unit: Unit, values: dict[str, Any], by: User, adaptation: Adaptation | None = None) -> Adaptation:
    """Create or change an adaptation of `unit` from the form's values."""
    if adaptation is None:
        adaptation = Adaptation(unit_id=unit.id, created_by_id=by.id)
        db.session.add(adaptation)
    for name in FIELDS:
        value = values[name]
        if name == "reason":
            value = AdaptationReason(value)
        elif name in ("principles", "items"):
            value = list(value or [])
        elif name in ("title", "description", "decided_by"):
            value = (value or "").strip()
        setattr(adaptation, name, value)
    db.session.flush()
    return adaptation


def delete_adaptation(adaptation: Adaptation) -> None:
    db.session.delete(adaptation)
    db.session.flush()


def adaptation_or_404(unit: Unit, adaptation_id: int) -> Adaptation:
    found = db.session.get(Adaptation, adaptation_id)
    if found is None or found.unit_id != unit.id:
        abort(404)
    return found


def unit_adaptations(unit: Unit) -> Sequence[Adaptation]:
    return db.session.scalars(
        select(Adaptation).where(Adaptation.unit_id == unit.id).order_by(Adaptation.since.desc(), Adaptation.id)
    ).all()


def costed_adaptations(
    unit: Unit,
    registry: ScaleRegistry,
    today: date,
    scores: Mapping[str, Mapping[str, int]] | None = None,
    journeys: pd.DataFrame | None = None,
) -> list[CostedAdaptation]:
    """The unit's adaptations in force on `today`, or begun by then, each with its cost and monitoring effect.

    The cost is counted against `scores` (scale id -> item -> score; a report passes its review's) or else against
    the unit's latest counted review on each scale.
    """
    adaptations = [a for a in unit_adaptations(unit) if a.since <= today]
    if not adaptations:
        return []
    if scores is None:
        found = latest_scores([unit], registry)
        scores = {scale_id: review_scores(scored.review) for (_, scale_id), scored in found.items()}
    latest = scores
    scales = {scale.id: scale for scale in registry.latest()}
    if journeys is None:
        journeys = load_frames([unit.id]).journeys
    purge = latest_purge(unit.id)
    return [
        CostedAdaptation(
            adaptation=a,
            cost=adaptation_cost(a.items, a.principles, scales, latest, registry.principles),
            effect=monitoring_effect(journeys, a.since, a.until, today),
            purge=purge_reaching(purge, first_day(a.since)),
        )
        for a in adaptations
    ]
