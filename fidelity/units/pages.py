"""Assembling a unit's page: per scale, the trend, the latest principle profile and the item table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from fidelity.charts import ChartText, principle_profile_svg, trend_svg
from fidelity.history import ItemTable, effective_points, item_table
from fidelity.i18n import date_text, decimal_mark
from fidelity.models import Unit
from fidelity.scales import Scale, ScaleRegistry
from fidelity.units.queries import ScoredReview, review_points


@dataclass(frozen=True)
class ScaleHistory:
    scale: Scale
    trend: Markup
    profile: Markup | None  # None until a review is submitted
    latest: ScoredReview | None
    table: ItemTable


def chart_text() -> ChartText:
    """The charts' words in the user's language."""
    return ChartText(
        self_assessment=_("Self-assessment"),
        external=_("External review"),
        total=_("Total score"),
        no_reviews=_("No submitted reviews yet"),
        mean=_("Mean item score"),
        target=_("Target"),
        not_scored=_("not scored"),
        decimal_mark=decimal_mark(),
    )


def svg(markup: str) -> Markup:
    """Mark a chart's SVG safe to inline: matplotlib made it from our own data, and it escapes its text."""
    return Markup(markup)  # noqa: S704


def scale_histories(unit: Unit, reviews: Sequence[ScoredReview], registry: ScaleRegistry) -> list[ScaleHistory]:
    """One history per scale the unit offers, or has been reviewed on."""
    text = chart_text()
    by_id = {r.review.id: r for r in reviews}
    result = []
    for scale in registry.latest():
        used = any(r.review.scale_id == scale.id for r in reviews)
        if not used and not scale.measures(ips=unit.offers_ips, sed=unit.offers_sed):
            continue
        points = review_points(reviews, scale.id)
        counted = effective_points(points)
        latest = by_id[counted[-1].review_id] if counted else None
        profile = None
        if latest is not None:
            title = _("Principles in the latest review (%(date)s)", date=date_text(latest.review.review_date))
            profile = svg(principle_profile_svg(latest.summary.principles, title=title, score_min=scale.score_min,
                                                score_max=scale.score_max, text=text))  # fmt: skip
        trend = svg(trend_svg(scale, points, title=_("%(scale)s: total over time", scale=scale.title), text=text))
        result.append(ScaleHistory(scale, trend, profile, latest, item_table(scale, points)))
    return result
