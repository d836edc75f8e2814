"""The comparison of units as plain data, put together from the rows `queries` loads. Pure: no database.

Per unit: the latest counted review in the period and of the kind chosen (its date and kind always shown, so
self-assessments and external reviews are never mixed unseen), its item scores and principle means, the totals over
time by half-year, the waiting list and outcomes of the kept quarterly figures, and what is overdue. A correction or
amendment replaces the review it corrects. The exports are pandas frames of the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from fidelity.column_names import ColumnNames
from fidelity.downloads import KEY_NAMES
from fidelity.monitoring.outcomes import (
    SWEDISH_COLUMNS,
    few_served,
    judged,
    over_caseload,
    per_supervisor,
    rounded,
    supervision,
)
from fidelity.monitoring.quarters import Quarter
from fidelity.scales import Band, PrincipleSet, Scale
from fidelity.schedule import first_due, first_review_late, next_due


@dataclass(frozen=True)
class LatestReview:
    review_id: int
    review_date: date
    kind: str
    total: int
    band: Band | None


@dataclass(frozen=True)
class TotalCell:
    total: int
    band: str  # the band's key, "none" when the total falls in none
    external: bool
    band_down: bool = False  # in a lower band than the total of its kind before it: drift to look into


@dataclass(frozen=True)
class Drift:
    """A unit's latest total in the period set against the one of the same kind before it (each the latest review of
    its half-year): how a second-tier manager sees a unit drift from the model. A self-assessment is set against a
    self-assessment, an external review against an external review: external reviewers score lower as a rule, and a
    change of reviewer is no drift."""

    since: str  # the half-year of the earlier total
    change: int  # points: the latest less the earlier
    band_down: bool  # the latest falls in a lower band than the earlier (or in none)


@dataclass(frozen=True)
class WaitCell:
    """A quarter's waiting list at its end, from the kept figures: the people waiting, and the days the one who had
    waited longest had waited (None when nobody waited, or in a quarter kept before it was counted)."""

    waiting: int
    longest: int | None


@dataclass(frozen=True)
class RateCell:
    """A quarter's employment or education rate with what it is a share of: `part` of the `whole` people served (at
    least one)."""

    part: int
    whole: int

    @property
    def rate(self) -> float:
        return self.part / self.whole

    @property
    def few(self) -> bool:
        """Whether the rate rests on too few people to be set against the benchmarks or another unit's."""
        return few_served(self.whole)

    @property
    def judgement(self) -> str | None:
        """Where the rate stands against the employment benchmarks (`outcomes.judged`): "few", "below" or the highest
        reached. For an employment rate only: an education rate has no benchmark."""
        return judged(self.rate, self.whole)


class MonitoringShares:
    """The shares and marks the monitoring table shows, from the counts of one unit's row or of the area's units
    added up."""

    referred: int | None
    screened_out: int | None
    considered: int | None
    gave_up: int | None
    served: int | None
    employment_rate: float | None

    @property
    def screened_out_share(self) -> float | None:
        return _rate(self.screened_out, self.referred)

    @property
    def gave_up_share(self) -> float | None:
        return _rate(self.gave_up, self.considered)

    @property
    def below_minimum(self) -> bool:
        """Whether the employment rate is below the benchmarks' minimum (31 %, compared in whole per cent), among
        enough people served to say so (`outcomes.few_served`)."""
        return judged(self.employment_rate, self.served) == "below"

    @property
    def few_served(self) -> bool:
        """Whether the last full quarter's rates rest on too few people served to be set against others'."""
        return few_served(self.served)


@dataclass(frozen=True)
class UnitRow(MonitoringShares):
    unit_id: int
    code: str
    name: str
    area: str
    latest: LatestReview | None
    items: Mapping[str, int]
    principles: Mapping[str, float | None]
    totals: Mapping[str, tuple[int, str]]  # half-year label -> (total, kind) of the latest review in it
    waiting: int | None  # at the end of the current quarter so far
    median_wait: float | None  # days from referral to enrolment, current quarter so far
    employment_rate: float | None  # last full quarter
    education_rate: float | None
    caseload: float | None
    due: date | None  # the next review, by the scale's rule, from the latest review of any kind
    overdue_review: bool
    overdue_actions: int
    quarter: Quarter | None = field(default=None)  # the last full quarter the rates are from
    waiting_quarter: Quarter | None = field(
        default=None
    )  # the current quarter, which `waiting` and `median_wait` count
    # The same details in the order the page's columns run, so the page only lays them out.
    item_cells: tuple[int | None, ...] = ()  # scale.item_keys
    principle_cells: tuple[float | None, ...] = ()  # the principles in order
    total_cells: tuple[TotalCell | None, ...] = ()  # the comparison's halves
    rate_cells: tuple[RateCell | None, ...] = ()  # the outcome's rate (see Comparison.outcome) in each rate quarter
    wait_cells: tuple[WaitCell | None, ...] = ()  # the waiting list at the end of each rate quarter
    longest_wait: int | None = None  # days, of the person waiting longest now (the current quarter so far)
    # Over the last SCREENING_QUARTERS full quarters with the figures: the people referred, and those screened out.
    referred: int | None = None
    screened_out: int | None = None
    # ... and over those of them that count it (since definitions version 3): the referrals not refused, and those
    # who gave up while waiting.
    considered: int | None = None
    gave_up: int | None = None
    # The counts the rates of the last full quarter are shares of: the people served, in competitive work, in
    # education.
    served: int | None = None
    in_work: int | None = None
    in_education: int | None = None
    # The staffing recorded for the last full quarter, in full-time equivalents (supervisors None also in a quarter
    # locked before they were kept).
    specialist_fte: float | None = None
    supervisor_fte: float | None = None
    drift: Drift | None = None  # the latest total against the one before it in the period; None with fewer than two

    @property
    def specialists_per_supervisor(self) -> float | None:
        """The last full quarter's specialists per full-time supervisor (`outcomes.per_supervisor`)."""
        return per_supervisor(self.specialist_fte, self.supervisor_fte)

    @property
    def supervision(self) -> str | None:
        """The last full quarter's specialists per supervisor against the model's limit, as the outcomes page judges
        it (`outcomes.supervision`): "over", "within", "no_supervisor" or None."""
        return supervision(self.specialist_fte, self.supervisor_fte)

    @property
    def over_caseload(self) -> bool:
        """The last full quarter's caseload above the model's CASELOAD_LIMIT, as the outcomes page judges it."""
        return over_caseload(self.caseload)

    # No review of either kind on the scale: `due` is the first's, from the day the unit started (None when that day
    # is not known: due now).
    first_review: bool = False
    # ... and the first is due: now, when the unit's start is not known, or since a day past (then it is overdue
    # too), by the follow-up list's rule (`schedule.first_review_late`).
    never_reviewed: bool = False


def _sum(values: Sequence[int | None]) -> int | None:
    """The sum of the values given, None when none is."""
    given = [value for value in values if value is not None]
    return sum(given) if given else None


@dataclass(frozen=True)
class AreaTotals(MonitoringShares):
    """The waiting lists and outcomes of every unit compared, added up: what a committee asks for first. Medians,
    caseloads and specialists per supervisor do not add up, and are not given."""

    units: int
    waiting: int | None
    longest_wait: int | None
    referred: int | None
    screened_out: int | None
    considered: int | None
    gave_up: int | None
    served: int | None
    in_work: int | None
    in_education: int | None
    employment_rate: float | None  # the area's: the units' people in work over their people served

    @classmethod
    def of(cls, rows: Sequence[UnitRow]) -> AreaTotals:
        waits = [row.longest_wait for row in rows if row.longest_wait is not None]
        counted = [row for row in rows if row.served is not None]
        served, in_work = _sum([row.served for row in counted]), _sum([row.in_work for row in counted])
        return cls(
            units=len(rows),
            waiting=_sum([row.waiting for row in rows]),
            longest_wait=max(waits) if waits else None,
            referred=_sum([row.referred for row in rows]),
            screened_out=_sum([row.screened_out for row in rows if row.referred is not None]),
            considered=_sum([row.considered for row in rows]),
            gave_up=_sum([row.gave_up for row in rows if row.considered is not None]),
            served=served,
            in_work=in_work,
            in_education=_sum([row.in_education for row in counted]),
            employment_rate=_rate(in_work, served),
        )

    @property
    def education_rate(self) -> float | None:
        return _rate(self.in_education, self.served)

    # What does not add up across units: not given.
    median_wait = None
    caseload = None
    specialists_per_supervisor = None
    supervision = None


@dataclass(frozen=True)
class Comparison:
    scale: Scale
    kind: str
    first: date
    last: date
    halves: tuple[str, ...]
    rows: tuple[UnitRow, ...]
    last_quarter: Quarter
    shown_range: range  # the rows a page shows in detail
    rate_quarters: tuple[Quarter, ...] = ()  # the full quarters whose employment rates go side by side, oldest first
    left_out: int = 0  # units in scope that do not offer what the scale measures
    # The outcome set against fidelity: "employment" for a scale of employment support, "education" for one that
    # measures supported education alone (the SEd scale); its rate fills the over-time table and the scatter.
    outcome: str = "employment"

    @property
    def shown(self) -> tuple[UnitRow, ...]:
        return self.rows[self.shown_range.start : self.shown_range.stop]

    @property
    def external_shown(self) -> bool:
        """Whether the totals over time on the page hold an external review (marked E)."""
        return any(cell is not None and cell.external for row in self.shown for cell in row.total_cells)

    @property
    def fell_shown(self) -> bool:
        """Whether the totals over time on the page hold a total a band lower than the one before it (marked ▼)."""
        return any(cell is not None and cell.band_down for row in self.shown for cell in row.total_cells)

    def outcome_rate(self, row: UnitRow) -> float | None:
        """The unit's rate of the outcome its fidelity is set against, in the last full quarter."""
        return row.employment_rate if self.outcome == "employment" else row.education_rate

    @property
    def left_out_of_scatter(self) -> tuple[tuple[UnitRow, str], ...]:
        """The units the scatter cannot place, each with why: "review" (no review of the kind and period chosen) or
        "rate" (no outcome figures, or nobody served, in the last full quarter)."""
        return tuple((row, "review" if row.latest is None else "rate") for row in self.rows
                     if row.latest is None or self.outcome_rate(row) is None)  # fmt: skip

    @property
    def totals(self) -> AreaTotals:
        """Every unit compared, on this page or another, added up."""
        return AreaTotals.of(self.rows)

    @property
    def few_shown(self) -> bool:
        """Whether a rate the page shows rests on too few people served to be set against others' (`RateCell.few`)."""
        return any(row.few_served or any(cell and cell.few for cell in row.rate_cells) for row in self.shown)

    @property
    def screening_quarters(self) -> tuple[Quarter, ...]:
        """The full quarters whose referrals the share screened out counts, oldest first."""
        return self.rate_quarters[-SCREENING_QUARTERS:]

    @property
    def overdue(self) -> tuple[UnitRow, ...]:
        """Units with a review overdue or never made (a unit never reviewed is due from the start, as the follow-up
        list has it), or with actions overdue: the reviews longest overdue first, then the units never reviewed, then
        the most actions."""
        late = [row for row in self.rows if row.overdue_review or row.never_reviewed or row.overdue_actions]
        return tuple(sorted(late, key=_lateness))


def _lateness(row: UnitRow) -> tuple[int, date, int]:
    if row.overdue_review and row.due is not None:
        return (0, row.due, -row.overdue_actions)
    return (1 if row.never_reviewed else 2, date.max, -row.overdue_actions)


# Full quarters whose employment rates the comparison sets side by side: two years.
RATE_QUARTERS = 8
# Full quarters whose referrals the share screened out counts: a year, so that a small unit's few referrals count.
SCREENING_QUARTERS = 4


def rate_quarters(today: date) -> tuple[Quarter, ...]:
    """The RATE_QUARTERS full quarters before the one `today` is in, oldest first."""
    quarters = [Quarter.of(today).previous()]
    while len(quarters) < RATE_QUARTERS:
        quarters.append(quarters[-1].previous())
    return tuple(reversed(quarters))


def half_year(day: date) -> str:
    return f"{day.year} H{1 if day.month <= 6 else 2}"


def halves_between(first: date, last: date) -> tuple[str, ...]:
    labels = []
    year, half = first.year, 1 if first.month <= 6 else 2
    while (year, half) <= (last.year, 1 if last.month <= 6 else 2):
        labels.append(f"{year} H{half}")
        year, half = (year + 1, 1) if half == 2 else (year, 2)
    return tuple(labels)


def _kind(kind: object) -> str:
    return str(getattr(kind, "value", kind))


def _band(scale: Scale, total: int, bands: dict[int, Band | None]) -> Band | None:
    if total not in bands:
        bands[total] = scale.band_for(total)
    return bands[total]


def _latest(scale: Scale, top: Any, bands: dict[int, Band | None]) -> LatestReview | None:
    if top is None:
        return None
    total = int(top.total)
    return LatestReview(int(top.id), top.review_date, _kind(top.kind), total, _band(scale, total, bands))


def _total_cells(
    scale: Scale, totals: Mapping[str, tuple[int, str]], halves: Sequence[str], bands: dict[int, Band | None]
) -> tuple[TotalCell | None, ...]:
    """A unit's totals by half-year (None where it had no review), each marked when it fell a band since the total of
    its kind before it (see `Drift`)."""
    cells: list[TotalCell | None] = []
    before: dict[str, Band | None] = {}  # the band of the latest total of each kind so far
    for half in halves:
        cell = totals.get(half)
        if cell is None:
            cells.append(None)
            continue
        total, kind = cell
        band = _band(scale, total, bands)
        fell = kind in before and _lower(band, before[kind])
        cells.append(TotalCell(total, band.key if band else "none", kind == "external", fell))
        before[kind] = band
    return tuple(cells)


def _lower(band: Band | None, before: Band | None) -> bool:
    """Whether `band` is lower than `before` (no band, below every band, is lowest)."""
    return before is not None and (band is None or band.min < before.min)


def _drift(scale: Scale, totals: Mapping[str, tuple[int, str]], bands: dict[int, Band | None]) -> Drift | None:
    """The latest total of the period against the one of the same kind before it; None without one."""
    ordered = sorted(totals.items())
    if not ordered:
        return None
    latest, kind = ordered[-1][1]
    earlier = [(half, total) for half, (total, of_kind) in ordered[:-1] if of_kind == kind]
    if not earlier:
        return None
    since, before = earlier[-1]
    return Drift(since, latest - before, _lower(_band(scale, latest, bands), _band(scale, before, bands)))


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _rate(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else float(part) / float(whole)


def _giving_up(rows: Sequence[Any]) -> tuple[int | None, int | None]:
    """The referrals not refused and those who gave up while waiting, summed over the kept quarters that count them
    (None without any)."""
    counted = [row for row in rows if row is not None and row.gave_up is not None and row.referred is not None]
    if not counted:
        return None, None
    return sum(row.referred - (row.not_accepted or 0) for row in counted), sum(row.gave_up for row in counted)


def _screening(rows: Sequence[Any]) -> tuple[int | None, int | None]:
    """The referrals and those screened out, summed over the kept quarters that count them (None without any)."""
    counted = [row for row in rows if row is not None and row.referred is not None]
    if not counted:
        return None, None
    return sum(row.referred for row in counted), sum(row.screened_out or 0 for row in counted)


def _employment(figures: Any) -> RateCell | None:
    """A quarter's employment rate from its kept figures: None without figures or without anyone served."""
    return None if figures is None or not figures.served else RateCell(figures.in_competitive_work, figures.served)


def _waiting(figures: Any) -> WaitCell | None:
    """A quarter's waiting list at its end from its kept figures: None without figures."""
    return None if figures is None else WaitCell(figures.waiting_at_end, figures.longest_wait_at_end)


def _education(figures: Any) -> RateCell | None:
    """A quarter's education rate from its kept figures: None without figures or without anyone served."""
    return None if figures is None or not figures.served else RateCell(figures.in_education, figures.served)


def outcome_of(scale: Scale) -> str:
    """The outcome a scale's fidelity is set against: employment, unless the scale measures education alone."""
    return "employment" if "ips" in scale.services else "education"


def compare(
    scale: Scale,
    principles: PrincipleSet,
    units: Sequence[Any],
    newest: Mapping[int, Any],
    chosen: Mapping[int, Any],
    period: Sequence[Any],
    item_scores: Sequence[Any],
    outcomes: Sequence[Any],
    overdue_actions: Mapping[int, int],
    *,
    kind: str,
    first: date,
    last: date,
    today: date,
    shown: range | None = None,
    left_out: int = 0,
) -> Comparison:
    """Put the loaded rows together into one comparison row per unit.

    `units` are every unit compared, in order; `newest` each one's latest counting review of any kind and date (for
    the schedule), `chosen` its latest of the kind and period chosen. `period`, `item_scores` and the details they
    give (item scores, principle means, totals by half-year) need only cover the units `shown` (all when None):
    rows of other units carry the summary only."""
    scores_by_review: dict[int, dict[str, int]] = {}
    for review_id, key, score in item_scores:
        scores_by_review.setdefault(review_id, {})[key] = score
    totals_by_unit: dict[int, dict[str, tuple[int, str]]] = {}
    for review in period:  # oldest first, so each half-year keeps its latest review
        by_half = totals_by_unit.setdefault(review.unit_id, {})
        by_half[half_year(review.review_date)] = (review.total, _kind(review.kind))
    current = Quarter.of(today)
    full = current.previous()
    quarter_rows = {(r.unit_id, r.year, r.quarter): r for r in outcomes}
    serves = [(p.key, [i.key for i in scale.items if p.key in i.principles]) for p in principles.principles]
    no_means: dict[str, float | None] = dict.fromkeys(key for key, _keys in serves)
    # The half-years from the first with a review to the last, and none after today: a wide period chosen by
    # mistake (1990 to 2100) gives the years there is something to show, not 220 empty columns.
    halves = halves_between(first, min(last, today))
    reviewed = {half for totals in totals_by_unit.values() for half in totals}
    halves = halves[next((i for i, half in enumerate(halves) if half in reviewed), 0) :]
    over_time = rate_quarters(today)
    screening = over_time[-SCREENING_QUARTERS:]
    outcome = outcome_of(scale)
    rate_of = _employment if outcome == "employment" else _education
    bands: dict[int, Band | None] = {}  # band of each total met, looked up once
    item_keys = scale.item_keys
    rows = []
    for unit in units:
        unit_id = unit.id
        top = chosen.get(unit_id)
        scores = scores_by_review.get(top.id, {}) if top is not None else {}
        means = {key: _mean([scores[k] for k in keys if k in scores]) for key, keys in serves} if scores else no_means
        totals = totals_by_unit.get(unit_id, {})
        latest_any = newest.get(unit_id)
        if latest_any is not None:
            due: date | None = next_due(scale, latest_any.review_date, latest_any.total)
        else:
            due = first_due(scale, unit.started_on)
        now = quarter_rows.get((unit_id, current.year, current.number))
        done = quarter_rows.get((unit_id, full.year, full.number))
        screened = [quarter_rows.get((unit_id, q.year, q.number)) for q in screening]
        referred, screened_out = _screening(screened)
        considered, gave_up = _giving_up(screened)
        rows.append(
            UnitRow(
                unit_id=unit_id,
                code=unit.code,
                name=unit.name,
                area=unit.area,
                latest=_latest(scale, top, bands),
                items=scores,
                principles=means,
                totals=totals,
                waiting=None if now is None else now.waiting_at_end,
                median_wait=None if now is None else now.median_days_to_enrolment,
                employment_rate=None if done is None else _rate(done.in_competitive_work, done.served),
                education_rate=None if done is None else _rate(done.in_education, done.served),
                caseload=None if done is None else _rate(done.served, done.specialist_fte),
                due=due,
                overdue_review=due is not None and due < today,
                overdue_actions=overdue_actions.get(unit_id, 0),
                first_review=latest_any is None,
                never_reviewed=latest_any is None and first_review_late(due, today),
                quarter=full if done is not None else None,
                waiting_quarter=current if now is not None else None,
                item_cells=tuple(scores.get(key) for key in item_keys) if scores else (),
                principle_cells=tuple(means.values()) if scores else (),
                total_cells=_total_cells(scale, totals, halves, bands) if totals else (),
                rate_cells=tuple(rate_of(quarter_rows.get((unit_id, q.year, q.number))) for q in over_time),
                wait_cells=tuple(_waiting(quarter_rows.get((unit_id, q.year, q.number))) for q in over_time),
                longest_wait=None if now is None else now.longest_wait_at_end,
                referred=referred,
                screened_out=screened_out,
                considered=considered,
                gave_up=gave_up,
                served=None if done is None else done.served,
                in_work=None if done is None else done.in_competitive_work,
                in_education=None if done is None else done.in_education,
                specialist_fte=None if done is None else done.specialist_fte,
                supervisor_fte=None if done is None else done.supervisor_fte,
                drift=_drift(scale, totals, bands),
            )
        )
    return Comparison(scale, kind, first, last, halves, tuple(rows), full,
                      shown if shown is not None else range(len(rows)), over_time, left_out, outcome)  # fmt: skip


def total_column(half: str) -> str:
    """The export's column of the totals in a half-year: "total_2025H1"."""
    return "total_" + half.replace(" ", "")


def rate_column(quarter: Quarter, outcome: str = "employment") -> str:
    """The export's column of the outcome's rates in a quarter: "employment_rate_2025Q3", "education_rate_2025Q3"."""
    return f"{outcome}_rate_{quarter.year}Q{quarter.number}"


def served_column(quarter: Quarter) -> str:
    """The export's column of the people served in a quarter, whom the rate beside it is a share of: "served_2025Q3"."""
    return f"served_{quarter.year}Q{quarter.number}"


def waiting_columns(quarter: Quarter) -> tuple[str, str]:
    """The export's columns of a quarter's waiting list at its end: "waiting_2025Q3", "longest_wait_days_2025Q3"."""
    return f"waiting_{quarter.year}Q{quarter.number}", f"longest_wait_days_{quarter.year}Q{quarter.number}"


# The export's columns as a Swedish reader's files name them; the monitoring figures as the outcomes name them, and
# each column over time with its half-year or quarter as the English names write it.
EXPORT_NAMES = ColumnNames(
    SWEDISH_COLUMNS,
    KEY_NAMES,  # the key's columns
    {
        "comparison": "jämförelse",  # the workbook's sheet
        "Key": "Nyckel",  # its key to the columns (`key.column_definitions`)
        "name": "namn",
        "area": "område",
        "review_date": "bedömningsdatum",
        "review_kind": "bedömningsslag",
        "total": "totalpoäng",
        "band": "nivå",
        "item_<KEY>": "punkt_<KEY>",
        "principle_<KEY>": "princip_<KEY>",
        "waiting": "väntar",
        "longest_wait_days": "längsta_väntan_dagar",
        "waiting_quarter": "kvartal_väntan",
        "referrals_4q": "remisser_4kv",
        "screened_out_4q": "bortsållade_4kv",
        "screened_out_share_4q": "andel_bortsållade_4kv",
        "not_refused_4q": "ej_avvisade_4kv",
        "gave_up_4q": "gav_upp_4kv",
        "gave_up_share_4q": "andel_gav_upp_4kv",
        "screening_quarters": "kvartal_remisser",
        "rates_quarter": "kvartal_andelar",
        "few_served": "få_i_stöd",
        "next_review_due": "nästa_bedömning_senast",
        "review_overdue": "bedömning_försenad",
        "never_reviewed": "aldrig_bedömd",
        "overdue_actions": "försenade_åtgärder",
        "total_<HALF>": "totalpoäng_<HALF>",
        "total_<HALF>_kind": "totalpoäng_<HALF>_slag",
        "served_<QUARTER>": "i_stöd_<QUARTER>",
        "waiting_<QUARTER>": "väntande_<QUARTER>",
        "longest_wait_days_<QUARTER>": "längsta_väntan_dagar_<QUARTER>",
        "employment_rate_<QUARTER>": "andel_i_arbete_<QUARTER>",
        "education_rate_<QUARTER>": "andel_i_studier_<QUARTER>",
    },
)


def export_frame(comparison: Comparison, principles: PrincipleSet) -> pd.DataFrame:
    """One line per unit, for CSV and xlsx: the latest review, item scores, principle means, monitoring, overdue, then
    the totals and employment rates over time."""
    records = []
    screening = comparison.screening_quarters
    for row in comparison.rows:
        record: dict[str, object] = {
            "unit": row.code,
            "name": row.name,
            "area": row.area,
            "review_date": row.latest.review_date.isoformat() if row.latest else None,
            "review_kind": row.latest.kind if row.latest else None,
            "total": row.latest.total if row.latest else None,
            "band": row.latest.band.key if row.latest and row.latest.band else None,
        }
        record |= {f"item_{key}": row.items.get(key) for key in comparison.scale.item_keys}
        record |= {f"principle_{p.key}": rounded(row.principles[p.key], 2) for p in principles.principles}
        # Each group of monitoring figures is followed by the quarter it counts: waiting so far in the current
        # quarter, the rates in the last full one.
        record |= {
            "waiting": row.waiting,
            "median_days_to_enrolment": row.median_wait,
            "longest_wait_days": row.longest_wait,
            "waiting_quarter": str(row.waiting_quarter) if row.waiting_quarter else None,
            "referrals_4q": row.referred,
            "screened_out_4q": row.screened_out,
            "screened_out_share_4q": rounded(row.screened_out_share, 4),
            "not_refused_4q": row.considered,
            "gave_up_4q": row.gave_up,
            "gave_up_share_4q": rounded(row.gave_up_share, 4),
            "screening_quarters": f"{screening[0]}-{screening[-1]}" if screening else None,
            "served": row.served,
            "in_competitive_work": row.in_work,
            "employment_rate": rounded(row.employment_rate, 4),
            "in_education": row.in_education,
            "education_rate": rounded(row.education_rate, 4),
            # The staffing, as the outcomes export gives it: supervisors 0 beside specialists is no supervisor.
            "specialist_fte": row.specialist_fte,
            "supervisor_fte": row.supervisor_fte,
            "caseload_per_specialist": rounded(row.caseload, 2),
            "specialists_per_supervisor": rounded(row.specialists_per_supervisor, 2),
            "rates_quarter": str(row.quarter) if row.quarter else None,
            "few_served": row.few_served,  # too few people served to set the rates against the benchmarks
            "next_review_due": row.due.isoformat() if row.due else None,
            "review_overdue": row.overdue_review,
            "never_reviewed": row.never_reviewed,  # due now, as the page lists it among the overdue
            "overdue_actions": row.overdue_actions,
        }
        # Over time, as the page shows it: the latest total in each half-year of the period, with its kind, and the
        # employment rate of each of the last full quarters.
        for half in comparison.halves:
            total, kind = row.totals.get(half, (None, None))
            record |= {total_column(half): total, f"{total_column(half)}_kind": kind}
        for quarter, cell in zip(comparison.rate_quarters, row.rate_cells, strict=True):
            record[served_column(quarter)] = cell.whole if cell else None
            record[rate_column(quarter, comparison.outcome)] = rounded(cell.rate, 4) if cell else None
        for quarter, wait in zip(comparison.rate_quarters, row.wait_cells, strict=True):
            waiting, longest = waiting_columns(quarter)
            record |= {waiting: wait.waiting if wait else None, longest: wait.longest if wait else None}
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    whole = ["total", "waiting", "longest_wait_days", "referrals_4q", "screened_out_4q", "not_refused_4q",
             "gave_up_4q", "overdue_actions", "served", "in_competitive_work", "in_education",
             *(served_column(quarter) for quarter in comparison.rate_quarters),
             *(name for quarter in comparison.rate_quarters for name in waiting_columns(quarter)),
             *(f"item_{key}" for key in comparison.scale.item_keys),
             *(total_column(half) for half in comparison.halves)]  # fmt: skip
    return frame.astype({name: "Int64" for name in whole if name in frame})  # whole numbers stay whole, or empty
