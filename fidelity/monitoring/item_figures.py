"""The unit's own figures beside the scale items they bear on, for the people scoring them: the caseload beside the
caseload item, specialists per supervisor beside the supervisor's role, the share screened out beside zero exclusion,
the days to a first employer contact beside rapid job search.

The scales are data and know nothing of the app's figures; which figure bears on which item is said here, by scale
id and item key. Each figure is the one a review's report prints in its section on the waiting list and outcomes: the
quarterly outcomes of the last full quarter that had ended by the review's date, and the waiting list as the journeys
stood on that date. A figure is a record to weigh, not a score: the item's anchors say how it counts.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import select

from fidelity.extensions import db
from fidelity.i18n import amount_text, date_text, percent_text, quarter_text
from fidelity.models import NotAcceptedReason, QuarterlyOutcome, Review
from fidelity.monitoring.frames import load_frames
from fidelity.monitoring.journey_forms import REASON_NAMES
from fidelity.monitoring.kept import figures_of
from fidelity.monitoring.outcomes import (
    CASELOAD_LIMIT,
    SUPERVISION_LIMIT,
    QuarterFigures,
    figures_by_quarter,
    mean_days_to_employer_contact,
    over_caseload,
    per_supervisor,
    supervision,
)
from fidelity.monitoring.purge import latest_purge
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.waiting import WaitingList, waiting_list


class Figure(enum.Enum):
    CASELOAD = "caseload"
    SUPERVISION = "supervision"
    SCREENING = "screening"
    EMPLOYER_CONTACT = "employer_contact"


# Which figure bears on which item, by scale id. A scale (or a version of it) not named here shows none.
ITEM_FIGURES: Mapping[str, Mapping[str, Figure]] = {
    "ips-25": {
        "S1": Figure.CASELOAD,  # caseload size
        "O5": Figure.SUPERVISION,  # role of employment supervisor: at most 10 specialists
        "O6": Figure.SCREENING,  # zero exclusion criteria
        "V4": Figure.EMPLOYER_CONTACT,  # rapid search for competitive job
    },
    "sed": {
        "A1": Figure.CASELOAD,  # caseload of work/study specialists
        "A4": Figure.SCREENING,  # zero exclusion for education goals
        "A6": Figure.SUPERVISION,  # supervision: the leader supervises at most 10 specialists
    },
}


@dataclass(frozen=True)
class ItemFigure:
    text: str  # in the reader's language
    marked: bool = False  # against the model: a caseload above 20, more than 10 specialists per supervisor, screening


def last_full_quarter(day: date) -> Quarter:
    """The last quarter that had ended by `day` (a quarter ending on `day` has)."""
    quarter = Quarter.of(day)
    return quarter if day >= quarter.end else quarter.previous()


def item_figures(
    scale_id: str,
    review_date: date,
    outcomes: Sequence[QuarterFigures],
    waiting: WaitingList,
    journeys: pd.DataFrame,
) -> dict[str, ItemFigure]:
    """The figure beside each item of the scale `scale_id` that one bears on, by item key: from `outcomes` (the unit's
    kept quarterly figures; the last full quarter by `review_date` is used), `waiting` (the waiting list as it stood
    on that day) and `journeys` (the unit's, for the mean days to a first employer contact, which the scale judges
    by). An item whose figure is not recorded says so, rather than showing nothing."""
    quarter = last_full_quarter(review_date)
    figures = next((f for f in outcomes if f.quarter == quarter), None)
    found = {}
    for key, figure in ITEM_FIGURES.get(scale_id, {}).items():
        if figure is Figure.SCREENING:
            found[key] = _screening(waiting)
        elif figure is Figure.EMPLOYER_CONTACT:
            found[key] = _employer_contact(quarter, figures, mean_days_to_employer_contact(journeys, quarter))
        else:
            found[key] = _of_quarter(figure, quarter, figures)
    return found


def _of_quarter(figure: Figure, quarter: Quarter, figures: QuarterFigures | None) -> ItemFigure:
    when = quarter_text(quarter.year, quarter.number)
    if figure is Figure.CASELOAD:
        caseload = figures.caseload_per_specialist if figures else None
        if figures is None or caseload is None:
            return ItemFigure(_("Caseload per specialist, %(quarter)s: no specialist time recorded.", quarter=when))
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
    if figure is Figure.SUPERVISION:
        state = supervision(figures.specialist_fte, figures.supervisor_fte) if figures else None
        if figures is None or state is None:  # no staffing, or no specialist to supervise
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
        ratio = per_supervisor(figures.specialist_fte, figures.supervisor_fte)
        return ItemFigure(
            _(
                "Specialists per full-time supervisor, %(quarter)s: %(ratio)s (the model allows at most %(limit)d).",
                quarter=when,
                ratio=amount_text(ratio),
                limit=SUPERVISION_LIMIT,
            ),
            state == "over",
        )
    raise ValueError(figure)


def _employer_contact(quarter: Quarter, figures: QuarterFigures | None, mean: float | None) -> ItemFigure:
    when = quarter_text(quarter.year, quarter.number)
    if figures is None or not figures.contact_window_closed:
        return ItemFigure(
            _(
                "Employer contact within 30 days of enrolment, %(quarter)s: nobody's first 30 days ended in the "
                "quarter.",
                quarter=when,
            )
        )
    median = figures.median_days_to_employer_contact
    return ItemFigure(
        _(
            "Employer contact within 30 days of enrolment, %(quarter)s: %(part)d of %(whole)d (%(share)s) of the "
            "people whose first 30 days ended in the quarter. Days from enrolment to a first contact made in the "
            "quarter: mean %(mean)s, median %(median)s.",
            quarter=when,
            part=figures.contact_within_30,
            whole=figures.contact_window_closed,
            share=percent_text(figures.contact_within_30 / figures.contact_window_closed),
            mean=amount_text(mean),
            median=amount_text(median),
        )
    )


def _screening(waiting: WaitingList) -> ItemFigure:
    if not waiting.referred:
        return ItemFigure(
            _(
                "Screened out against zero exclusion: nobody was referred from %(start)s to %(end)s.",
                start=date_text(waiting.period_start),
                end=date_text(waiting.today),
            )
        )
    reasons = "; ".join(
        f"{REASON_NAMES[NotAcceptedReason(reason.reason)]} {reason.people}"
        for reason in waiting.reasons
        if reason.breach
    )
    text = _(
        "Screened out against zero exclusion, of the people referred from %(start)s to %(end)s: %(part)d of %(whole)d "
        "(%(share)s).",
        start=date_text(waiting.period_start),
        end=date_text(waiting.today),
        part=waiting.breaches,
        whole=waiting.referred,
        share=percent_text(waiting.breach_share),
    )
    if reasons:
        text += " " + _("Reasons: %(reasons)s.", reasons=reasons)
    return ItemFigure(text, bool(waiting.breaches))


def review_figures(review: Review, today: date) -> dict[str, ItemFigure]:
    """The figures beside the items of `review`'s scale, for the pages that score it: read, never written. The last
    full quarter by the review's date (today, for a review dated later) is counted from the journeys as they stand,
    as the outcomes page counts it, unless a purge locked it (then its kept figures); the waiting list is as it stood
    on that day."""
    if review.scale_id not in ITEM_FIGURES:
        return {}
    day = min(review.review_date, today)
    quarter = last_full_quarter(day)
    frames = load_frames([review.unit_id])
    locked = db.session.scalars(
        select(QuarterlyOutcome).where(
            QuarterlyOutcome.unit_id == review.unit_id,
            QuarterlyOutcome.year == quarter.year,
            QuarterlyOutcome.quarter == quarter.number,
            QuarterlyOutcome.locked.is_(True),
        )
    ).one_or_none()
    outcomes = [figures_of(locked)] if locked else figures_by_quarter(frames, quarter, quarter, as_of=today)
    purge = latest_purge(review.unit_id)
    waiting = waiting_list(frames.journeys, day, purged_before=purge.cutoff if purge else None)
    return item_figures(review.scale_id, day, outcomes, waiting, frames.journeys)
