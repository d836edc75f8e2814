"""Assembling a unit's outcomes page and its exports from the kept figures: rows, the chart, the definitions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import get_type_hints

import pandas as pd
from flask_babel import gettext as _
from markupsafe import Markup

from fidelity.charts import ChartShown, OutcomeChartText, RatePoint, outcome_legend, outcome_rates_svg
from fidelity.column_names import ColumnNames
from fidelity.downloads import KEY_NAMES, column_key
from fidelity.downloads import xlsx_bytes as spreadsheet
from fidelity.i18n import percent_sign, percent_text, quarter_text
from fidelity.models import QuarterlyOutcome, Unit
from fidelity.monitoring.kept import figures_of
from fidelity.monitoring.outcomes import (
    BENCHMARKS,
    DEFINITIONS,
    FEW_SERVED,
    KEPT_FIELDS,
    N_,
    SWEDISH_COLUMNS,
    QuarterFigures,
    few_served,
    over_caseload,
    rounded,
    supervision,
    version_number,
)


@dataclass(frozen=True)
class OutcomeRow:
    figures: QuarterFigures
    locked: bool
    definitions_version: str
    running: bool  # today's quarter, counted to date
    computed_at: datetime

    @property
    def over_caseload(self) -> bool:
        return over_caseload(self.figures.caseload_per_specialist)

    @property
    def supervision(self) -> str | None:
        """Specialists per supervisor against the model's limit: "over", "within", "no_supervisor" or None."""
        return supervision(self.figures.specialist_fte, self.figures.supervisor_fte)


def outcome_rows(kept: Sequence[QuarterlyOutcome], today: date) -> list[OutcomeRow]:
    """The kept figures as rows, oldest first."""
    rows = []
    for row in kept:
        figures = figures_of(row)
        running = figures.quarter.under_way(today)
        rows.append(OutcomeRow(figures, row.locked, row.definitions_version, running, row.computed_at))
    return rows


def chart_words() -> OutcomeChartText:
    """The outcome chart's words in the user's language."""
    return OutcomeChartText(
        employment=_("Employment rate"),
        education=_("Education rate"),
        rate=_("Share of people served"),
        minimum=_("Minimum"),
        average=_("Average"),
        excellent=_("Excellent"),
        nobody_served=_("Nobody served yet"),
        to_date=_("to date"),
        percent_sign=percent_sign(),
        few=_("Hollow: fewer than %(limit)d people served", limit=FEW_SERVED),
        few_or_to_date=_("Hollow: fewer than %(limit)d people served, or the quarter to date", limit=FEW_SERVED),
    )


def rates_chart(rows: Sequence[OutcomeRow]) -> ChartShown:
    """Employment and education rates per quarter, oldest first, against the benchmarks."""
    points = [
        RatePoint(
            quarter_text(r.figures.quarter.year, r.figures.quarter.number),
            r.figures.employment_rate,
            r.figures.education_rate,
            few_served(r.figures.served),
        )
        for r in rows
    ]
    running, words = bool(rows) and rows[-1].running, chart_words()
    svg = outcome_rates_svg(
        points,
        title=_("Employment and education rates per quarter"),
        benchmarks=BENCHMARKS,
        running=running,
        text=words,
        legend=False,
    )
    # Markup: matplotlib made it from our own data, and it escapes its text.
    return ChartShown(Markup(svg), outcome_legend(points, running=running, text=words))  # noqa: S704


def benchmark_words() -> dict[str | None, str]:
    """Where an employment rate stands against the benchmarks, in words, by the highest benchmark it reaches."""
    levels = {key: percent_text(level) for key, level in BENCHMARKS}
    return {
        None: _("below the minimum standard of %(minimum)s", **levels),
        "minimum": _("at or above the minimum standard of %(minimum)s, below the average of %(average)s", **levels),
        "average": _("at or above the average of %(average)s, below the excellent level of %(excellent)s", **levels),
        "excellent": _("at or above the excellent level of %(excellent)s", **levels),
    }


def definitions() -> list[tuple[str, str, str]]:
    """(key, label, definition) of every figure, in the user's language."""
    return [(d.key, _(d.label), _(d.text)) for d in DEFINITIONS]


# --- exports --------------------------------------------------------------------------------------------------

# Each rate goes beside the count it is a share of.
RATE_AFTER = {
    "in_competitive_work": "employment_rate",
    "in_education": "education_rate",
    "contact_within_30": "share_within_30",
    "retained_90": "retention_90",
    "screened_out": "screened_out_share",
    "gave_up": "gave_up_share",
}
# ... the supervisors beside the specialists, the exits beside the people served and the job endings beside the
# job starts, as the page shows them.
BESIDE = RATE_AFTER | {"specialist_fte": "supervisor_fte", "served": "exits", "job_starts": "job_endings"}
EXPORT_COLUMNS = (
    "unit",
    "year",
    "quarter",
    "definitions_version",
    *(column for name in KEPT_FIELDS if name not in BESIDE.values() for column in (name, BESIDE.get(name)) if column),
    "caseload_per_specialist",
    "specialists_per_supervisor",
    "locked",
    "to_date",
    "computed_at_utc",
)
# The columns as a Swedish reader's files name them.
EXPORT_NAMES = ColumnNames(
    SWEDISH_COLUMNS,
    {"Outcomes": "Resultat", "locked": "låst", "computed_at_utc": "beräknad_utc"},  # and the sheet
    KEY_NAMES,
)
# What each export column gives, for the workbook's sheet of definitions: a column counted by a definition under
# another name is given by that definition's key (a rate by its count's), with a label of its own where the
# definition's would misname it; a column no definition counts is given in words of its own. Every column is
# explained (tested).
COUNTED_BY = {
    "employment_rate": "in_competitive_work",
    "education_rate": "in_education",
    "share_within_30": "contact_within_30",
    "retention_90": "retained_90",
    "screened_out_share": "screened_out",
    "gave_up_share": "gave_up",
    "caseload_per_specialist": "caseload",
}
COLUMN_LABELS = {
    "employment_rate": N_("Employment rate"),
    "education_rate": N_("Education rate"),
    "share_within_30": N_("Share with employer contact within 30 days"),
    "retention_90": N_("Share of jobs held 90 days"),
    "screened_out_share": N_("Share screened out"),
    "gave_up_share": N_("Share who gave up while waiting"),
}
UNIT_TEXT = (N_("Unit"), N_("The unit's code."))  # the first column of every export that has units' lines
COLUMN_TEXTS: dict[str, tuple[str, str]] = {
    "unit": UNIT_TEXT,
    "year": (N_("Year"), N_("The year of the quarter counted.")),
    "quarter": (N_("Quarter"), N_("The calendar quarter counted, 1 to 4: January to March is 1.")),
    "definitions_version": (N_("Definitions version"), N_(
        "The version of these definitions the quarter was counted under. A locked quarter keeps the version it was "
        "counted under; the others are counted again under the current one.")),
    "contact_window_closed": (N_("People whose first 30 days ended"), N_(
        "People towards work (a goal of work, or of work and education, or none recorded) whose 30th day after "
        "enrolment fell in the quarter, but for those who left before it without meeting an employer: those the "
        "share with employer contact within 30 days is a share of.")),
    "contact_within_30": (N_("Employer contact within 30 days"), N_(
        "Of the people whose first 30 days ended in the quarter, the number who had met an employer face to face by "
        "their 30th day after enrolment.")),
    "retention_window_closed": (N_("Jobs 90 days old"), N_(
        "Competitive job starts whose 90th day fell in the quarter: those the share of jobs held 90 days is a share "
        "of.")),
    "retained_90": (N_("Jobs held 90 days"), N_(
        "Of the jobs 90 days old in the quarter, the number still held on their 90th day.")),
    "specialist_fte": (N_("Specialists (full-time equivalents)"), N_(
        "The work/study specialists' full-time equivalents recorded for the quarter; empty where no staffing was "
        "recorded.")),
    "supervisor_fte": (N_("Supervisors (full-time equivalents)"), N_(
        "The supervisors' full-time equivalents recorded for the quarter; 0 beside specialists is no supervisor.")),
    "specialists_per_supervisor": (N_("Specialists per supervisor"), N_(
        "The work/study specialists' full-time equivalents recorded for the quarter divided by the supervisors'; "
        "empty without staffing, or with specialist time and no supervisor time. The IPS model's employment "
        "supervisor supervises at most 10 specialists.")),
    "locked": (N_("Locked"), N_(
        "Whether the quarter is locked: it keeps the figures it had when the journeys it was counted from were "
        "deleted under the retention rule, and is never counted again.")),
    "to_date": (N_("To date"), N_("Whether the quarter is the current one, counted up to the day of the download.")),
    "computed_at_utc": (N_("Counted at"), N_("When the figures were counted, in UTC.")),
}  # fmt: skip


def column_text(column: str) -> tuple[str, str]:
    """What an export column of the outcomes gives, a label and a definition, as written for translation (the
    comparison's export has some of the same columns)."""
    if column in COLUMN_TEXTS:
        return COLUMN_TEXTS[column]
    definition = next(d for d in DEFINITIONS if d.key == COUNTED_BY.get(column, column))
    return COLUMN_LABELS.get(column, definition.label), definition.text


def column_definitions() -> pd.DataFrame:
    """The workbook's key to its columns, in their order: each column as the reader's export names it, with what it
    gives in the reader's language, a label and a definition."""
    texts = {column: column_text(column) for column in EXPORT_COLUMNS}
    return column_key(EXPORT_NAMES, ((column, _(label), _(text)) for column, (label, text) in texts.items()))


def export_frame(unit: Unit, rows: Sequence[OutcomeRow]) -> pd.DataFrame:
    """One line per quarter, oldest first: the kept counts, each rate beside its count (a share from 0 to 1),
    caseload per specialist and specialists per supervisor, the definitions version the figures were computed under,
    and whether the quarter is locked or still running."""
    lines = []
    for row in rows:
        figures = row.figures
        rates = {column: rounded(getattr(figures, column), 4) for column in RATE_AFTER.values()}
        key = {"unit": unit.code, "year": figures.quarter.year, "quarter": figures.quarter.number,
               "definitions_version": version_number(row.definitions_version)}  # fmt: skip
        about = {"caseload_per_specialist": rounded(figures.caseload_per_specialist, 2),
                 "specialists_per_supervisor": rounded(figures.specialists_per_supervisor, 2), "locked": row.locked,
                 "to_date": row.running, "computed_at_utc": _utc(row.computed_at)}  # fmt: skip
        lines.append(key | figures.counts() | rates | about)
    frame = pd.DataFrame(lines, columns=list(EXPORT_COLUMNS))
    # A count that some quarters lack (nobody waiting, a figure counted only since a later version) stays a whole
    # number in the others: 26, not 26.0.
    return frame.astype({name: "Int64" for name in WHOLE_NUMBERS})


# The kept figures that are whole numbers (counts and days), whether or not some quarter lacks them.
WHOLE_NUMBERS = tuple(
    name for name, hint in get_type_hints(QuarterFigures).items() if hint in (int, int | None) and name in KEPT_FIELDS
)


def _utc(moment: datetime) -> str:
    # SQLite gives back naive UTC times, PostgreSQL aware ones.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def xlsx_bytes(frame: pd.DataFrame) -> bytes:
    """The outcomes export as a workbook: rates as percentages, the time of counting as a time, the columns named in
    the language of the request, the header and the columns that say which quarter a line counts (unit, year,
    quarter) kept in view; a second sheet says what each column gives, by the definitions of the page."""
    return spreadsheet(frame, "Outcomes", percent=RATE_AFTER.values(), times=["computed_at_utc"], freeze="D2",
                       names=EXPORT_NAMES, more=[("Definitions", column_definitions())])  # fmt: skip
