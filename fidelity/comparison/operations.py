"""Gathering a comparison for a user: the units they answer for, loaded in a fixed number of queries."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select

from fidelity.access import managed_areas
from fidelity.comparison import queries
from fidelity.comparison.table import Comparison, compare, rate_quarters
from fidelity.models import Area, Unit, User
from fidelity.monitoring.kept import bring_up_to_date
from fidelity.monitoring.quarters import Quarter
from fidelity.scales import ScaleRegistry


def compared_units(user: User, area: Area | None) -> Select[Any]:
    """The ids of the units compared: the areas the user answers for, or the one chosen among them."""
    areas = managed_areas(user).with_only_columns(Area.id).order_by(None)
    query = select(Unit.id).where(Unit.area_id.in_(areas))
    return query.where(Unit.area_id == area.id) if area is not None else query


def page_range(count: int, page: int, per_page: int) -> range:
    """The rows of page `page` (counted from 1, held within the pages there are) of `count` rows."""
    pages = max(1, -(-count // per_page))
    number = min(max(1, page), pages)
    return range((number - 1) * per_page, min(count, number * per_page))


def build_comparison(
    user: User,
    area: Area | None,
    registry: ScaleRegistry,
    scale_id: str,
    kind: str,
    first: date,
    last: date,
    today: date,
    *,
    page: int | None = None,
    per_page: int = 25,
    details: bool = True,
) -> Comparison:
    """Every unit's summary (latest review, schedule, outcomes, overdue actions) and, unless `details` is False, for
    the units of `page` (all when None) the details: item scores, principle means and totals over time. At
    most six queries (seven when the period ends before some unit's newest review), whatever the number of units,
    reviews and journeys, once the units' kept figures are counted for the day; the day's first look counts those
    of the units not counted yet, a few queries each (`bring_up_to_date`)."""
    scale = registry.get(scale_id)
    items = len(scale.items)
    unit_ids = compared_units(user, area)
    # A unit that does not offer what the scale measures is left out, rather than shown as never reviewed.
    in_scope = queries.units(unit_ids)
    listed = [unit for unit in in_scope if scale.measures(ips=unit.offers_ips, sed=unit.offers_sed)]
    newest, chosen = queries.latest_reviews(unit_ids, scale.id, items, kind, first, last)
    # A page's units go by id (a short list); every unit by the subquery.
    shown = page_range(len(listed), page, per_page) if page is not None else range(len(listed))
    page_units = listed[shown.start : shown.stop]
    on_page: queries.UnitIds = [unit.id for unit in page_units] if page is not None else unit_ids
    detailed = {unit.id for unit in page_units} if details else set()
    # The kept figures go on changing with the days alone: those not counted today are counted again first.
    bring_up_to_date([unit.id for unit in (page_units if page is not None else listed)], today)
    return compare(
        scale,
        registry.principles,
        listed,
        newest,
        chosen,
        queries.period_reviews(on_page, scale.id, items, kind, first, last) if details else [],
        queries.item_scores([review.id for unit_id, review in chosen.items() if unit_id in detailed]),
        queries.outcomes(on_page, (*rate_quarters(today), Quarter.of(today))),
        queries.overdue_actions(unit_ids, today),
        kind=kind,
        first=first,
        last=last,
        today=today,
        shown=shown if details else range(0),
        left_out=len(in_scope) - len(listed),
    )
