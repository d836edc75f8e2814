"""Keeping a unit's register of local adaptations, and reading it with what each costs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from flask import abort
from sqlalchemy import select

from fidelity.adaptations.cost import AdaptationCost, adaptation_cost, scores_before
from fidelity.adaptations.effect import Effect, OutcomeEffect, first_day, monitoring_effect, outcome_effect
from fidelity.extensions import db
from fidelity.history import effective_points
from fidelity.models import Adaptation, AdaptationReason, QuarterlyOutcome, Unit, User
from fidelity.monitoring.frames import load_frames
from fidelity.monitoring.kept import figures_of, quarter_of, refresh_outcomes
from fidelity.monitoring.purge import PastPurge, latest_purge, purge_reaching
from fidelity.monitoring.unit_lock import take_units
from fidelity.row_lock import hold
from fidelity.scales import ScaleRegistry
from fidelity.stale import Changed, Merged, merge, snapshot
from fidelity.units.queries import latest_scores, review_points, review_scores, unit_reviews

FIELDS = ("title", "description", "reason", "since", "until", "decided_by", "principles", "items")


@dataclass(frozen=True)
class CostedAdaptation:
    adaptation: Adaptation
    cost: AdaptationCost
    effect: Effect | None
    purge: PastPurge | None  # the latest purge, when it deleted journeys the effect's windows would have counted
    outcomes: OutcomeEffect | None = None  # the kept quarterly outcomes before it began and while in force


class AdaptationChanged(Changed[Adaptation]):
    """A field of the adaptation was changed both by this person and by someone else, differently, after the page
    its form came from was opened (in another tab or window, or a colleague); nothing was written. `merged` holds the
    values to show again and the conflicting fields."""

    merged: Merged

    def __init__(self, record: Adaptation, merged: Merged) -> None:
        super().__init__(record, merged)


def _record(values: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values as the adaptation keeps them."""
    record = {}
    for name in FIELDS:
        value = values[name]
        if name == "reason":
            value = AdaptationReason(value)
        elif name in ("principles", "items"):
            value = list(value or [])
        elif name in ("title", "description", "decided_by"):
            value = (value or "").strip()
        record[name] = value
    return record


def _stored(adaptation: Adaptation) -> dict[str, Any]:
    return {name: getattr(adaptation, name) for name in FIELDS}


def adaptation_snapshot(adaptation: Adaptation) -> str:
    """What the adaptation's form carries of it: the values its page shows, so that a save from an older page is
    merged with what changed meanwhile."""
    return snapshot(_stored(adaptation))


def save_adaptation(
    unit: Unit, values: Mapping[str, Any], by: User, adaptation: Adaptation | None = None, seen: str | None = None
) -> tuple[Adaptation, Merged]:
    """Create or change an adaptation of `unit` from the form's values, merged with the adaptation as it is and as
    the form's page showed it (`seen`, its `adaptation_snapshot` then): a field left as shown keeps what someone else
    changed it to meanwhile (`kept`). AdaptationChanged if a field was changed both here and by someone else,
    differently. LookupError if it has been deleted meanwhile."""
    record = _record(values)
    if adaptation is None:
        merged = Merged(record)
        adaptation = Adaptation(unit_id=unit.id, created_by_id=by.id)
        db.session.add(adaptation)
    else:
        hold(adaptation)
        merged = merge(seen, _stored(adaptation), record)
        if merged.conflicts:
            raise AdaptationChanged(adaptation, merged)
        record = _record(merged.values)
    for name, value in record.items():
        setattr(adaptation, name, value)
    db.session.flush()
    return adaptation, merged


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
    kept: Sequence[QuarterlyOutcome] | None = None,
) -> list[CostedAdaptation]:
    """The unit's adaptations in force on `today`, or begun by then, each with its cost and monitoring effect.

    The cost is counted against `scores` (scale id -> item -> score; a report passes its review's) or else against
    the unit's latest counted review on each scale. The outcomes are the unit's `kept` quarterly figures (a report
    passes those it counted), or else its kept figures brought up to date, `today` being today: the caller commits.
    """
    adaptations = [a for a in unit_adaptations(unit) if a.since <= today]
    if not adaptations:
        return []
    if scores is None:
        found = latest_scores([unit], registry)
        scores = {scale_id: review_scores(scored.review) for (_, scale_id), scored in found.items()}
        scored_on = {scale_id: scored.review.review_date for (_, scale_id), scored in found.items()}
    else:  # a report's review, of `today`
        scored_on = dict.fromkeys(scores, today)
    latest = scores
    scales = {scale.id: scale for scale in registry.latest()}
    if journeys is None or kept is None:
        take_units(unit.id)  # before the journeys are read: the figures kept below are counted from them
        frames = load_frames([unit.id])
        journeys = frames.journeys if journeys is None else journeys
        if kept is None:
            kept = refresh_outcomes(unit, today, frames)
    figures = [figures_of(row) for row in kept]
    versions = {quarter_of(row): row.definitions_version for row in kept}
    purge = latest_purge(unit.id)
    reviews = unit_reviews(unit, registry)
    counted = {scale_id: effective_points(review_points(reviews, scale_id)) for scale_id in scales}
    return [
        CostedAdaptation(
            adaptation=a,
            cost=adaptation_cost(
                a.items, a.principles, scales, latest, registry.principles, scores_before(counted, a.since, scored_on)
            ),
            effect=monitoring_effect(journeys, a.since, a.until, today),
            purge=purge_reaching(purge, first_day(a.since)),
            outcomes=outcome_effect(figures, a.since, a.until, today, versions),
        )
        for a in adaptations
    ]
