"""What the API answers, as JSON-ready dicts: plain functions of what the queries loaded.

Dates are ISO 8601 days, times ISO 8601 in UTC. The shapes are described, field by field, in `openapi.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from fidelity.adaptations.effect import OutcomeWindow
from fidelity.adaptations.operations import CostedAdaptation
from fidelity.api.queries import Page
from fidelity.models import Review, ReviewKind, ReviewStatus, Unit
from fidelity.models.types import as_utc
from fidelity.monitoring.outcome_pages import RATE_AFTER, OutcomeRow
from fidelity.monitoring.outcomes import few_served
from fidelity.reviews.operations import counted_values
from fidelity.scales import Band, Scale
from fidelity.scoring import ScoreSummary
from fidelity.units.queries import ScoredReview

T = TypeVar("T")
Json = dict[str, Any]


def timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else as_utc(moment).isoformat()


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def page_object(page: Page[T], item: Callable[[T], Json]) -> Json:
    return {
        "items": [item(row) for row in page.items],
        "page": page.request.page,
        "per_page": page.request.per_page,
        "total": page.total,
    }


def band_object(band: Band | None) -> Json | None:
    return None if band is None else {"key": band.key, "label": band.label, "min": band.min, "max": band.max}


# --- units ----------------------------------------------------------------------------------------------------


def unit_object(unit: Unit, latest: Mapping[tuple[int, str], ScoredReview]) -> Json:
    """A unit with its latest submitted self-assessment or final external review on each scale, as the units page
    shows it."""
    counted = sorted((scale_id, found) for (unit_id, scale_id), found in latest.items() if unit_id == unit.id)
    return {
        "code": unit.code,
        "name": unit.name,
        "area": {"code": unit.area.code, "name": unit.area.name},
        "host_type": unit.host_type.value,
        "offers_ips": unit.offers_ips,
        "offers_sed": unit.offers_sed,
        "target_group": unit.target_group,
        "started_on": day(unit.started_on) if unit.started_on else None,
        "latest": [
            {
                "review_id": found.review.id,
                "kind": found.review.kind.value,
                "scale_id": found.review.scale_id,
                "scale_version": found.review.scale_version,
                "review_date": day(found.review.review_date),
                "total": found.summary.total,
                "max": found.summary.max,
                "band": band_object(found.summary.band),
            }
            for _scale_id, found in counted
        ],
    }


# --- reviews --------------------------------------------------------------------------------------------------


def shows_scores(review: Review) -> bool:
    """Whether the pages show a review's scores: a self-assessment's always (a draft's as it stands), an external
    review's once it is final (until then the reviewers' work is theirs)."""
    return review.kind is ReviewKind.SELF_ASSESSMENT or review.status is ReviewStatus.FINAL


def score_object(summary: ScoreSummary) -> Json:
    return {
        "total": summary.total,
        "max": summary.max,
        "band": band_object(summary.band),
        "complete": summary.complete,
        "missing": list(summary.missing),
    }


def review_object(item: ScoredReview) -> Json:
    review = item.review
    return {
        "id": review.id,
        "kind": review.kind.value,
        "status": review.status.value,
        "scale_id": review.scale_id,
        "scale_version": review.scale_version,
        "review_date": day(review.review_date),
        "visit_start": day(review.visit_start),
        "visit_end": day(review.visit_end),
        "submitted_at": timestamp(review.submitted_at),
        "corrects_id": review.corrects_id,
        "change_reason": review.change_reason or None,
        "corrected_by": [correction.id for correction in review.corrections],
        "score": score_object(item.summary) if shows_scores(review) else None,
    }


def review_detail(item: ScoredReview, scale: Scale) -> Json:
    """A review with its score by section and principle and its ratings item by item: a self-assessment's ratings, a
    final external review's consensus scores (the scores that count, as in the report)."""
    review, summary = item.review, item.summary
    result = review_object(item)
    if not shows_scores(review):
        return result | {"ratings": None}
    result["score"] |= {
        "sections": [
            {"key": s.key, "title": s.title, "total": s.total, "max": s.max, "missing": list(s.missing)}
            for s in summary.sections
        ],
        "principles": [
            {"key": p.key, "number": p.number, "title": p.title, "mean": p.mean, "items": list(p.items)}
            for p in summary.principles
        ],
        "below_4": list(summary.below_target),
    }
    # A self-assessment whose author is gone has no ratings to show (its total counts nothing either).
    values = counted_values(review) if review.kind is ReviewKind.EXTERNAL or review.created_by_id else {}
    result["ratings"] = [
        {"item": key, "score": value.score, "evidence": value.evidence, "sources": list(value.sources)}
        for key in scale.item_keys
        if (value := values.get(key)) is not None
    ]
    return result


# --- adaptations and quarterly figures ------------------------------------------------------------------------


def adaptation_object(costed: CostedAdaptation, today: date) -> Json:
    adaptation, cost = costed.adaptation, costed.cost
    return {
        "id": adaptation.id,
        "title": adaptation.title,
        "description": adaptation.description,
        "reason": adaptation.reason.value,
        "since": day(adaptation.since),
        "until": day(adaptation.until),
        "in_force": adaptation.in_force(today),
        "decided_by": adaptation.decided_by,
        "principles": list(adaptation.principles),
        "items": list(adaptation.items),
        "cost": {
            "points_lost": cost.points_lost,
            "points_lost_by_scale": [
                {"scale_id": scale_id, "points_lost": points} for scale_id, points in cost.points_lost_by_scale
            ],
            "change_by_scale": [{"scale_id": scale_id, "change": points} for scale_id, points in cost.change_by_scale],
            "principles": [principle.key for principle in cost.principles],
            "items": [
                {
                    "scale_id": i.scale_id,
                    "key": i.key,
                    "title": i.title,
                    "score": i.score,
                    "top": i.top,
                    "lost": i.lost,
                    "before": i.before,
                    "change": i.change,
                }
                for i in cost.items
            ],
        },
        "outcomes": None
        if costed.outcomes is None
        else {"before": _window(costed.outcomes.before), "after": _window(costed.outcomes.after)},
    }


def _window(window: OutcomeWindow) -> Json:
    return {
        "quarters": [f"{q.year}Q{q.number}" for q in window.quarters],
        "served": window.served,
        "in_competitive_work": window.in_competitive_work,
        "employment_rate": window.employment_rate,
        "in_education": window.in_education,
        "education_rate": window.education_rate,
        "job_starts": window.job_starts,
        "contact_window_closed": window.contact_window_closed,
        "contact_within_30": window.contact_within_30,
        "share_within_30": window.share_within_30,
        "served_per_quarter": window.served_per_quarter,
        "few": window.few,
        "definitions_versions": list(window.versions),
    }


def quarter_object(row: OutcomeRow) -> Json:
    """One quarter's kept figures: the counts, each rate (a share from 0 to 1, or null when nobody counts towards it),
    the caseload per specialist and the specialists per supervisor."""
    figures = row.figures
    return {
        "year": figures.quarter.year,
        "quarter": figures.quarter.number,
        "definitions_version": row.definitions_version,
        "locked": row.locked,
        "to_date": row.running,
        "computed_at": timestamp(row.computed_at),
        **figures.counts(),
        **{rate: getattr(figures, rate) for rate in RATE_AFTER.values()},
        "caseload_per_specialist": figures.caseload_per_specialist,
        "specialists_per_supervisor": figures.specialists_per_supervisor,
        "few_served": few_served(figures.served),
    }
