"""Everything a review's report shows, gathered once, in the order the report prints it."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from fidelity.adaptations.operations import CostedAdaptation, costed_adaptations
from fidelity.charts import principle_profile_svg, trend_svg
from fidelity.extensions import db
from fidelity.external.operations import consensus_values, rated_review
from fidelity.models import COUNTED_STATUSES, Action, Adaptation, QuarterlyOutcome, Review, ReviewKind
from fidelity.models.action import PENDING
from fidelity.monitoring.frames import load_frames
from fidelity.monitoring.item_figures import ItemFigure, item_figures
from fidelity.monitoring.kept import figures_of, quarter_of, refresh_outcomes
from fidelity.monitoring.purge import PastPurge, latest_purge, purge_reaching
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.unit_lock import take_units
from fidelity.monitoring.waiting import WaitingList, waiting_list
from fidelity.reports.verdicts import PrincipleReading, extremes, more_at_last, principle_readings
from fidelity.reviews.operations import counted_values, previous_review, rater_values
from fidelity.scales import Item, Scale, ScaleRegistry
from fidelity.scoring import ITEM_TARGET, ScoreSummary, summarise
from fidelity.units.pages import chart_text
from fidelity.units.queries import review_points, unit_reviews

QUARTERS_SHOWN = 4


@dataclass(frozen=True)
class Evidence:
    who: str
    score: int | None
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ItemEntry:
    item: Item
    score: int | None
    previous: int | None
    evidence: tuple[Evidence, ...]
    rationale: str
    recommendation: str
    correction_note: str
    figure: ItemFigure | None = None  # the unit's own figure the item bears on (`monitoring.item_figures`)


@dataclass(frozen=True)
class ReportData:
    review: Review
    scale: Scale
    summary: ScoreSummary
    draft: bool  # not yet counted: printed with a DRAFT watermark
    reviewers: tuple[str, ...]
    trend: Markup
    profile: Markup
    strongest: tuple[Item, ...]
    weakest: tuple[Item, ...]
    scores: dict[str, int]
    readings: tuple[PrincipleReading, ...]
    adaptations: tuple[CostedAdaptation, ...]
    items: tuple[ItemEntry, ...]
    previous: Review | None
    strengths: str
    actions: tuple[Action, ...]
    waiting: WaitingList
    purge: PastPurge | None  # the latest purge, when it deleted journeys the waiting list's year would have counted
    latest_purge: PastPurge | None  # the latest purge, whatever it deleted (the waiting list's year starts after it)
    outcomes: tuple[QuarterlyOutcome, ...]  # up to the last four quarters to the review's, oldest first
    below_target: tuple[Item, ...]
    generated_on: date

    @property
    def more_strongest(self) -> int:
        """The other scored items at the last strongest one's score (`verdicts.more_at_last`)."""
        return more_at_last(self.strongest, self.scores)

    @property
    def more_weakest(self) -> int:
        return more_at_last(self.weakest, self.scores)

    @property
    def recommendations(self) -> tuple[ItemEntry, ...]:
        return tuple(entry for entry in self.items if entry.recommendation)


def chart_image(svg: str, label: str) -> Markup:
    """A chart as an SVG image for the PDF: WeasyPrint draws it as vector graphics with text kept as text, and an
    image keeps the chart's SVG styles out of the page's CSS."""
    data = base64.b64encode(svg.encode()).decode("ascii")
    return Markup('<img class="chart" alt="{}" src="data:image/svg+xml;base64,{}">').format(label, data)


def _reviewers(review: Review) -> tuple[str, ...]:
    if review.kind is ReviewKind.EXTERNAL:
        return tuple(a.reviewer.display_name for a in review.reviewers)
    return (review.created_by.display_name,) if review.created_by else ()


def _evidence(review: Review) -> dict[str, list[Evidence]]:
    """Per item, the evidence behind the scores: each external reviewer's own, or the self-assessment's."""
    result: dict[str, list[Evidence]] = {}
    rated = rated_review(review) if review.kind is ReviewKind.EXTERNAL else review
    raters = (
        [(a.reviewer_id, a.reviewer.display_name) for a in rated.reviewers]
        if review.kind is ReviewKind.EXTERNAL
        else [(review.created_by_id, review.created_by.display_name if review.created_by else "")]
    )
    for rater_id, name in raters:
        if rater_id is None:
            continue
        for key, value in rater_values(rated, rater_id).items():
            if value.score is not None or value.evidence:
                result.setdefault(key, []).append(Evidence(name, value.score, value.evidence, value.sources))
    return result


def _outcomes(review: Review) -> tuple[QuarterlyOutcome, ...]:
    """The kept figures of the last QUARTERS_SHOWN quarters that had ended by the review's date. A quarter still under
    way then is left out: its figures would count what happened after the review, and change with each printing."""
    last = Quarter.of(review.review_date)
    if review.review_date < last.end:
        last = last.previous()
    first = last
    for _step in range(QUARTERS_SHOWN - 1):
        first = first.previous()
    rows = db.session.scalars(
        select(QuarterlyOutcome)
        .where(QuarterlyOutcome.unit_id == review.unit_id)
        .where((QuarterlyOutcome.year * 4 + QuarterlyOutcome.quarter) >= first.year * 4 + first.number)
        .where((QuarterlyOutcome.year * 4 + QuarterlyOutcome.quarter) <= last.year * 4 + last.number)
        .order_by(QuarterlyOutcome.year, QuarterlyOutcome.quarter)
    ).all()
    return tuple(rows)


def _actions(review: Review) -> tuple[Action, ...]:
    """The unit's action plan as it stands: this review's actions first, then the others still pending."""
    actions = db.session.scalars(
        select(Action).where(Action.unit_id == review.unit_id).order_by(Action.due_date, Action.id)
    ).all()
    mine = [a for a in actions if a.review_id == review.id]
    return tuple(mine + [a for a in actions if a.review_id != review.id and a.status in PENDING])


def in_force_since(adaptation: Adaptation, day: date | None) -> bool:
    """Whether `adaptation` was still in force on `day` or later (any adaptation, without a day): a review reports
    those in force in the period since the review before it, not those that had ended before that period began."""
    return day is None or adaptation.until is None or adaptation.until >= day


def report_data(review: Review, registry: ScaleRegistry, today: date) -> ReportData:
    scale = registry.get(review.scale_id, review.scale_version)
    if review.kind is ReviewKind.EXTERNAL:
        values = counted_values(review)
    else:
        values = rater_values(review, review.created_by_id or 0)
    scores = {key: v.score for key, v in values.items() if v.score is not None}
    summary = summarise(scale, registry.principles, scores)
    draft = review.status not in COUNTED_STATUSES
    text = chart_text()
    points = review_points(unit_reviews(review.unit, registry), scale.id)
    title = _("%(scale)s: total over time", scale=scale.title)
    previous = previous_review(review)
    before = counted_values(previous) if previous else {}
    consensus = consensus_values(review) if review.kind is ReviewKind.EXTERNAL else {}
    evidence = _evidence(review)
    strongest, weakest = extremes(scale, scores)
    take_units(review.unit_id)  # before the journeys are read: the figures kept below are counted from them
    frames = load_frames([review.unit_id])
    kept = refresh_outcomes(review.unit, today, frames)  # the kept quarterly figures, brought up to date
    purge = latest_purge(review.unit_id)
    waiting = waiting_list(frames.journeys, review.review_date, purged_before=purge.cutoff if purge else None)
    figures = item_figures(
        (scale.id, scale.version),
        min(review.review_date, today),  # as the pages that score the items give them
        [figures_of(row) for row in kept],
        frames.journeys,
        locked=[quarter_of(row) for row in kept if row.locked],
        purged_before=purge.cutoff if purge else None,
    )
    entries = tuple(
        ItemEntry(
            item=item,
            score=scores.get(item.key),
            previous=before[item.key].score if item.key in before else None,
            evidence=tuple(evidence.get(item.key, ())),
            rationale=consensus[item.key].rationale if item.key in consensus else "",
            recommendation=consensus[item.key].recommendation if item.key in consensus else "",
            correction_note=consensus[item.key].correction_note if item.key in consensus else "",
            figure=figures.get(item.key),
        )
        for item in scale.items
    )
    return ReportData(
        review=review,
        scale=scale,
        summary=summary,
        draft=draft,
        reviewers=_reviewers(review),
        trend=chart_image(trend_svg(scale, points, title=title, text=text), title),
        profile=chart_image(
            principle_profile_svg(
                summary.principles,
                title=_("Principles: mean item score"),
                score_min=scale.score_min,
                score_max=scale.score_max,
                text=text,
            ),
            _("Principles: mean item score"),
        ),
        strongest=tuple(strongest),
        weakest=tuple(weakest),
        scores=scores,
        readings=tuple(principle_readings(scale, registry.principles, scores)),
        adaptations=tuple(
            costed
            for costed in costed_adaptations(
                review.unit,
                registry,
                review.review_date,
                {scale.id: scores},
                frames.journeys,
                kept,
            )
            if in_force_since(costed.adaptation, previous.review_date if previous else None)
        ),
        items=entries,
        previous=previous,
        strengths=review.strengths,
        actions=_actions(review),
        waiting=waiting,
        purge=purge_reaching(purge, waiting.period_start),
        latest_purge=purge,
        outcomes=_outcomes(review),
        below_target=tuple(scale.item(key) for key in scale.item_keys if key in scores and scores[key] < ITEM_TARGET),
        generated_on=today,
    )


def latest_review(unit_id: int, scale_id: str | None = None) -> Review | None:
    """The unit's latest counted review (on `scale_id` if given): the one a unit's report is made of."""
    query = (
        select(Review)
        .where(Review.unit_id == unit_id, Review.status.in_(COUNTED_STATUSES))
        .order_by(Review.review_date.desc(), Review.id.desc())
    )
    if scale_id:
        query = query.where(Review.scale_id == scale_id)
    return db.session.scalars(query).first()


def scales_reviewed(unit_id: int) -> list[str]:
    """The ids of the scales the unit has a counted review on, in order: those a unit's report may be made on."""
    query = select(Review.scale_id).where(Review.unit_id == unit_id, Review.status.in_(COUNTED_STATUSES)).distinct()
    return sorted(db.session.scalars(query))
