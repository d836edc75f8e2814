"""Gathering a comparison for a user: the units they answer for, loaded in a fixed number of queries."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select

from fidelity.access import managed_areas
from fidelity.comparison.queries import (
    item_scores_frame,
    outcomes_frame,
    overdue_actions_frame,
    totals_frame,
    units_frame,
)
from fidelity.comparison.table import Comparison, compare, latest_review_ids
from fidelity.models import Area, Unit, User
from fidelity.scales import ScaleRegistry


def compared_units(user: User, area: Area | None) -> Select[Any]:
    """The ids of the units compared: the areas the user answers for, or the one chosen among them."""
    areas = managed_areas(user).with_only_columns(Area.id)
    query = select(Unit.id).where(Unit.area_id.in_(areas))
    return query.where(Unit.area_id == area.id) if area is not None else query


def build_comparison(
    user: User,
    area: Area | None,
    registry: ScaleRegistry,
    scale_id: str,
    kind: str,
    first: date,
    last: date,
    today: date,
) -> Comparison:
    scale = registry.get(scale_id)
    units = compared_units(user, area)
    totals = totals_frame(units, scale.id)
    return compare(
        scale,
        registry.principles,
        units_frame(units),
        totals,
        item_scores_frame(latest_review_ids(totals, scale, kind, first, last)),
        outcomes_frame(units, today),
        overdue_actions_frame(units, today),
        kind=kind,
        first=first,
        last=last,
        today=today,
    )
