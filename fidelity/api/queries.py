"""Loading for the API: a page of rows at a time, in a fixed number of queries whatever the page holds.

Each function loads what the corresponding page loads, through the same functions where the page has them, so that
the API shows what the pages show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from fidelity.adaptations.operations import CostedAdaptation, costed_adaptations
from fidelity.extensions import db
from fidelity.models import Review, Unit
from fidelity.monitoring.kept import refresh_outcomes
from fidelity.monitoring.outcome_pages import OutcomeRow, outcome_rows
from fidelity.scales import ScaleRegistry
from fidelity.units.queries import ScoredReview, latest_scores, scored

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    request: PageRequest
    total: int


def page_request(args: MultiDict[str, str]) -> PageRequest:
    """`?page=` (from 1) and `?per_page=` (1 to MAX_PER_PAGE); anything else is a 400 that says what is wrong."""
    values = {"page": 1, "per_page": DEFAULT_PER_PAGE}
    for name, highest in (("page", MAX_PAGE), ("per_page", MAX_PER_PAGE)):
        raw = args.get(name)
        if raw is None:
            continue
        if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(highest)) and 1 <= int(raw) <= highest):
            abort(400, description=_("%(name)s must be a whole number from 1 to %(highest)d.", name=name,
                                     highest=highest))  # fmt: skip
        values[name] = int(raw)
    return PageRequest(**values)


def in_memory(rows: Sequence[T], request: PageRequest) -> Page[T]:
    """One page of rows the page's own function has loaded whole."""
    return Page(rows[request.offset : request.offset + request.per_page], request, len(rows))


def _paged(query: Select[T], request: PageRequest) -> Page[T]:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.scalars(query.limit(request.per_page).offset(request.offset)).all()
    return Page(rows, request, total)


# --- units ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRows:
    page: Page[Unit]
    latest: dict[tuple[int, str], ScoredReview]  # the latest counted review per (unit id, scale id)


def units_page(visible: Select[Unit], request: PageRequest, registry: ScaleRegistry) -> UnitRows:
    """A page of the `visible` units, in the units page's order, each with its latest scores."""
    page = _paged(visible.order_by(Unit.id).options(selectinload(Unit.area)), request)
    return UnitRows(page, latest_scores(page.items, registry))


# --- reviews --------------------------------------------------------------------------------------------------


def reviews_page(unit: Unit, request: PageRequest, registry: ScaleRegistry) -> Page[ScoredReview]:
    """A page of every review of `unit` (the unit page lists them all, drafts included), newest first."""
    query = (
        select(Review)
        .where(Review.unit_id == unit.id)
        .order_by(Review.review_date.desc(), Review.id.desc())
        .options(selectinload(Review.ratings), selectinload(Review.consensus), selectinload(Review.corrections))
    )
    page = _paged(query, request)
    return Page([scored(review, registry) for review in page.items], request, page.total)


# --- adaptations and outcomes ---------------------------------------------------------------------------------


def adaptations(unit: Unit, registry: ScaleRegistry, today: date) -> list[CostedAdaptation]:
    """The adaptations the unit's adaptations page shows, with what each costs; the kept quarterly figures brought up
    to date, as the page brings them."""
    costed = costed_adaptations(unit, registry, today)
    db.session.commit()
    return costed


def quarterly_figures(unit: Unit, today: date) -> list[OutcomeRow]:
    """The kept figures of every quarter, newest first, brought up to date as the outcomes page brings them."""
    rows = outcome_rows(refresh_outcomes(unit, today), today)
    db.session.commit()
    return list(reversed(rows))
