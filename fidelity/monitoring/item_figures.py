"""The unit's own figures beside the scale items they bear on, for the people scoring them: the caseload beside the
caseload item, specialists per supervisor beside the supervisor's role, the share screened out beside zero exclusion,
the days to a first employer contact beside rapid job search.

The scales are data and know nothing of the app's figures; which figure bears on which item is said here, by scale
id, version and item key. Each figure is of the last full quarter that had ended by the review's date (the quarterly
outcomes, as the outcomes page and the review's report give them), or of the year to that date (the waiting list's
screening, of the people the item is about). A figure is a record to weigh, not a score: the item's anchors say how
it counts.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import select

from fidelity.extensions import db
from fidelity.i18n import amount_text, date_text, percent_text, quarter_text
from fidelity.models import Goal, NotAcceptedReason, QuarterlyOutcome, Review
from fidelity.monitoring.frames import load_frames
from fidelity.monitoring.journey_forms import REASON_NAMES
from fidelity.monitoring.kept import figures_of
from fidelity.monitoring.outcomes import (
    CASELOAD_LIMIT,
    CONTACT_DAYS,
    SUPERVISION_LIMIT,
    QuarterFigures,
    figures_by_quarter,
    first_quarter,
    mean_days_to_employer_contact,
    over_caseload,
    per_supervisor,
    rounded,
    supervision,
)
from fidelity.monitoring.purge import latest_purge
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.waiting import waiting_list


class Figure(enum.Enum):
    CASELOAD = "caseload"
    SUPERVISION = "supervision"
    SCREENING_WORK = "screening_work"  # of the people referred towards work
    SCREENING_EDUCATION = "screening_education"  # of the people referred towards education
    EMPLOYER_CONTACT = "employer_contact"


# Which figure bears on which item, by scale id and version: a version not named here (whose items may be numbered
# otherwise) shows none.
ITEM_FIGURES: Mapping[tuple[str, str], Mapping[str, Figure]] = {
    ("ips-25", "1.0"): {
        "S1": Figure.CASELOAD,  # caseload size
        "O5": Figure.SUPERVISION,  # role of employment supervisor: at most 10 specialists
        "O6": Figure.SCREENING_WORK,  # zero exclusion criteria, for people who want to work
        "V4": Figure.EMPLOYER_CONTACT,  # rapid search for competitive job: days to a first employer contact
    },
    ("sed", "1.0"): {
        "A1": Figure.CASELOAD,  # caseload of work/study specialists
        "A4": Figure.SCREENING_EDUCATION,  # zero exclusion for education goals
        "A6": Figure.SUPERVISION,  # supervision: the leader supervises at most 10 specialists
    },
}


@dataclass(frozen=True)
class ItemFigure:
    text: str  # in the reader's language
    marked: bool = False  # against the model: above its caseload or supervision limit, screening, slow contact


def last_full_quarter(day: date) -> Quarter:
    """The last quarter that had ended by `day` (a quarter ending on `day` has)."""
    quarter = Quarter.of(day)
    return quarter if day >= quarter.end else quarter.previous()


def item_figures(
    scale: tuple[str, str],
    day: date,
    outcomes: Sequence[QuarterFigures],
    journeys: pd.DataFrame,
    *,
    locked: Collection[Quarter] = (),
    purged_before: date | None = None,
) -> dict[str, ItemFigure]:
    """The figure beside each item of `scale` (id, version) that one bears on, by item key, for a review dated `day`
    (no later than today): from `outcomes` (the unit's quarterly figures; those of the last full quarter by `day`),
    and `journeys` (the unit's, for the waiting list's screening as it stood on `day`, and for the mean days to a first
    employer contact, which the scale judges by). `locked`: the quarters a purge locked, whose journeys are partly
    gone; `purged_before`: the cut-off of the unit's latest purge. An item whose figure is not recorded says so."""
    quarter = last_full_quarter(day)
    figures = next((f for f in outcomes if f.quarter == quarter), None)
    found = {}
    for key, figure in ITEM_FIGURES.get(scale, {}).items():
        if figure is Figure.CASELOAD:
            found[key] = _caseload(quarter, figures)
        elif figure is Figure.SUPERVISION:
            found[key] = _supervision(quarter, figures)
        elif figure is Figure.EMPLOYER_CONTACT:
            mean = None if quarter in locked else mean_days_to_employer_contact(journeys, quarter)
            found[key] = _employer_contact(quarter, figures, mean)
        else:
            found[key] = _screening(figure, journeys, day, purged_before)
    return found


def _caseload(quarter: Quarter, figures: QuarterFigures | None) -> ItemFigure:
    when = quarter_text(quarter.year, quarter.number)
    if figures is None:
        return ItemFigure(_("Caseload per specialist, %(quarter)s: no figures counted for the quarter.", quarter=when))
    if figures.specialist_fte is None:
        return ItemFigure(_("Caseload per specialist, %(quarter)s: no staffing recorded.", quarter=when))
    caseload = figures.caseload_per_specialist
    if caseload is None:  # no specialist time: nobody to carry the people served
        if not figures.served:
            return ItemFigure(_("Caseload per specialist, %(quarter)s: no specialist time recorded.", quarter=when))
        return ItemFigure(
            _(
                "Caseload per specialist, %(quarter)s: no specialist time recorded for %(served)d people served.",
                quarter=when,
                served=figures.served,
            ),
            True,
        )
    return ItemFigure(
        _(
            "Caseload per specialist, %(quarter)s: %(caseload)s (%(served)d people served, %(fte)s specialist "
            "full-time equivalents; the model allows at most %(limit)d).",
            quarter=when,
            caseload=amount_text(caseload),
            served=figures.served,
            fte=amount_text(figures.specialist_fte, 2),
            limit=CASELOAD_LIMIT,
        ),
        over_caseload(caseload),
    )


def _supervision(quarter: Quarter, figures: QuarterFigures | None) -> ItemFigure:
    when = quarter_text(quarter.year, quarter.number)
    if figures is None:
        return ItemFigure(
            _("Specialists per supervisor, %(quarter)s: no figures counted for the quarter.", quarter=when)
        )
    if figures.specialist_fte is None:
        return ItemFigure(_("Specialists per supervisor, %(quarter)s: no staffing recorded.", quarter=when))
    if figures.supervisor_fte is None:  # a quarter locked before its supervisors were kept
        return ItemFigure(
            _("Specialists per supervisor, %(quarter)s: not counted before this quarter was locked.", quarter=when)
        )
    state = supervision(figures.specialist_fte, figures.supervisor_fte)
    if state is None:  # no specialist time: nobody to supervise
        return ItemFigure(_("Specialists per supervisor, %(quarter)s: no specialist time recorded.", quarter=when))
    if state == "no_supervisor":
        return ItemFigure(
            _(
                "Specialists per supervisor, %(quarter)s: no supervisor time recorded for %(fte)s specialist "
                "full-time equivalents.",
                quarter=when,
                fte=amount_text(figures.specialist_fte, 2),
            ),
            True,
        )
    return ItemFigure(
        _(
            "Specialists per full-time supervisor, %(quarter)s: %(ratio)s (the model allows at most %(limit)d).",
            quarter=when,
            ratio=amount_text(per_supervisor(figures.specialist_fte, figures.supervisor_fte)),
            limit=SUPERVISION_LIMIT,
        ),
        state == "over",
    )


def _employer_contact(quarter: Quarter, figures: QuarterFigures | None, mean: float | None) -> ItemFigure:
    """The days from enrolment to a first employer contact made in the quarter, first: the mean, which the scale's
    anchors judge by (marked above 30 days, its best anchor's), and the median the outcomes give; then the share who
    met an employer within 30 days. `mean` None where not known: a quarter a purge locked, whose journeys are partly
    gone, gives its kept median alone."""
    when = quarter_text(quarter.year, quarter.number)
    said = []
    median = figures.median_days_to_employer_contact if figures else None
    if mean is not None:
        said.append(
            _(
                "Days from enrolment to a first employer contact made in %(quarter)s: mean %(mean)s (the scale's "
                "anchors judge by the mean: 30 days or fewer at best), median %(median)s.",
                quarter=when,
                mean=amount_text(mean),
                median=amount_text(median),
            )
        )
    elif median is not None:
        said.append(
            _(
                "Days from enrolment to a first employer contact made in %(quarter)s: median %(median)s.",
                quarter=when,
                median=amount_text(median),
            )
        )
    if figures is None or not figures.contact_window_closed:
        said.append(_("Employer contact within 30 days of enrolment: nobody's first 30 days ended in the quarter."))
    else:
        said.append(
            _(
                "Employer contact within 30 days of enrolment: %(part)d of %(whole)d (%(share)s) of the people whose "
                "first 30 days ended in the quarter.",
                part=figures.contact_within_30,
                whole=figures.contact_window_closed,
                share=percent_text(figures.contact_within_30 / figures.contact_window_closed),
            )
        )
    if len(said) == 1 and (figures is None or not figures.contact_window_closed):  # nothing at all to say of it
        return ItemFigure(
            _(
                "Employer contact, %(quarter)s: no first contact was made in the quarter, and nobody's first 30 days "
                "ended in it.",
                quarter=when,
            )
        )
    shown = rounded(mean, 1)  # judged as shown, as the caseload and supervision are
    return ItemFigure(" ".join(said), shown is not None and shown > CONTACT_DAYS)


def _screening(figure: Figure, journeys: pd.DataFrame, day: date, purged_before: date | None) -> ItemFigure:
    """The waiting list's screening out of the year to `day`, of the people the item is about: referred towards work
    (a goal of work, both or none recorded) for the IPS scale, towards education (education, both or none) for
    SEd."""
    towards_work = figure is Figure.SCREENING_WORK
    unwanted = Goal.EDUCATION if towards_work else Goal.WORK
    people = journeys[journeys["goal"] != unwanted.value]
    if purged_before is not None and purged_before > day:  # every journey of the year that had ended is gone
        return ItemFigure(
            _(
                "Screened out against zero exclusion: not known for the year to %(day)s, whose ended journeys a purge "
                "deleted (those that ended before %(cutoff)s).",
                day=date_text(day),
                cutoff=date_text(purged_before),
            )
        )
    waiting = waiting_list(people, day, purged_before=purged_before)
    start, end = date_text(waiting.period_start), date_text(waiting.today)
    if not waiting.referred:
        if towards_work:
            text = _(
                "Screened out against zero exclusion: nobody was referred towards work from %(start)s to %(end)s.",
                start=start,
                end=end,
            )
        else:
            text = _(
                "Screened out against zero exclusion: nobody was referred towards education from %(start)s to %(end)s.",
                start=start,
                end=end,
            )
        return ItemFigure(text)
    counts = {
        "start": start,
        "end": end,
        "part": waiting.breaches,
        "whole": waiting.referred,
        "share": percent_text(waiting.breach_share),
    }
    if towards_work:
        text = _(
            "Screened out against zero exclusion, of the people referred towards work (a goal of work, both or "
            "none recorded) from %(start)s to %(end)s: %(part)d of %(whole)d (%(share)s).",
            **counts,
        )
    else:
        text = _(
            "Screened out against zero exclusion, of the people referred towards education (a goal of "
            "education, both or none recorded) from %(start)s to %(end)s: %(part)d of %(whole)d (%(share)s).",
            **counts,
        )
    breaches = [reason for reason in waiting.reasons if reason.breach]
    if breaches:
        named = "; ".join(f"{REASON_NAMES[NotAcceptedReason(reason.reason)]} {reason.people}" for reason in breaches)
        text += " " + _("Reasons: %(reasons)s.", reasons=named)
    return ItemFigure(text, bool(waiting.breaches))


def review_figures(review: Review, today: date) -> dict[str, ItemFigure]:
    """The figures beside the items of `review`'s scale, for the pages that score it: read, never written. The last
    full quarter by the review's date (today, for a review dated later) is counted from the journeys as they stand,
    as the outcomes page counts it, unless a purge locked it (then its kept figures)."""
    scale = (review.scale_id, review.scale_version)
    if scale not in ITEM_FIGURES:
        return {}
    day = min(review.review_date, today)
    quarter = last_full_quarter(day)
    frames = load_frames([review.unit_id])
    kept = db.session.scalars(
        select(QuarterlyOutcome).where(
            QuarterlyOutcome.unit_id == review.unit_id,
            QuarterlyOutcome.year == quarter.year,
            QuarterlyOutcome.quarter == quarter.number,
            QuarterlyOutcome.locked.is_(True),
        )
    ).one_or_none()
    # As the outcomes page counts: from the quarter of the first referral (the report reads the figures kept so).
    first = first_quarter(frames)
    if kept:
        outcomes = [figures_of(kept)]
    elif first is None or quarter < first:
        outcomes = []
    else:
        outcomes = figures_by_quarter(frames, quarter, quarter, as_of=today)
    purge = latest_purge(review.unit_id)
    return item_figures(
        scale,
        day,
        outcomes,
        frames.journeys,
        locked=[quarter] if kept else [],
        purged_before=purge.cutoff if purge else None,
    )
