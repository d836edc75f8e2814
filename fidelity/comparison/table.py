"""The comparison of units as plain data, pivoted with pandas from the rows `queries` loads. Pure: no database.

Per unit: the latest counted review in the period and of the kind chosen (its date and kind always shown, so
self-assessments and external reviews are never mixed unseen), its item scores and principle means, the totals over
time by half-year, the waiting list and outcomes of the kept quarterly figures, and what is overdue. A correction or
amendment replaces the review it corrects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from fidelity.monitoring.quarters import Quarter
from fidelity.scales import Band, PrincipleSet, Scale
from fidelity.schedule import next_due


@dataclass(frozen=True)
class LatestReview:
    review_id: int
    review_date: date
    kind: str
    total: int
    band: Band | None


@dataclass(frozen=True)
class UnitRow:
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


@dataclass(frozen=True)
class Comparison:
    scale: Scale
    kind: str
    first: date
    last: date
    halves: tuple[str, ...]
    rows: tuple[UnitRow, ...]
    last_quarter: Quarter

    @property
    def overdue(self) -> tuple[UnitRow, ...]:
        return tuple(row for row in self.rows if row.overdue_review or row.overdue_actions)


def half_year(day: date) -> str:
    return f"{day.year} H{1 if day.month <= 6 else 2}"


def halves_between(first: date, last: date) -> tuple[str, ...]:
    labels = []
    year, half = first.year, 1 if first.month <= 6 else 2
    while (year, half) <= (last.year, 1 if last.month <= 6 else 2):
        labels.append(f"{year} H{half}")
        year, half = (year + 1, 1) if half == 2 else (year, 2)
    return tuple(labels)


def effective(totals: pd.DataFrame) -> pd.DataFrame:
    """Counted reviews that are complete and not replaced by a correction or amendment, oldest first."""
    replaced = set(totals["corrects_id"].dropna().astype(int))
    kept = totals[~totals["review_id"].isin(replaced)]
    return kept.sort_values(["unit_id", "review_date", "review_id"])


def _complete(totals: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    reviews = effective(totals)
    return reviews[reviews["scored"] == len(scale.items)]


def _chosen(totals: pd.DataFrame, scale: Scale, kind: str, first: date, last: date) -> pd.DataFrame:
    reviews = _complete(totals, scale)
    chosen = reviews[(reviews["review_date"] >= first) & (reviews["review_date"] <= last)]
    return chosen if kind == "all" else chosen[chosen["kind"] == kind]


def latest_review_ids(totals: pd.DataFrame, scale: Scale, kind: str, first: date, last: date) -> list[int]:
    """The review each unit's comparison row shows: its latest complete one in the period, of the kind chosen."""
    chosen = _chosen(totals, scale, kind, first, last)
    return [int(review_id) for review_id in chosen.groupby("unit_id").tail(1)["review_id"]]


def principle_means(scale: Scale, principles: PrincipleSet, scores: Mapping[str, int]) -> dict[str, float | None]:
    means: dict[str, float | None] = {}
    for principle in principles.principles:
        values = [scores[item.key] for item in scale.items if principle.key in item.principles and item.key in scores]
        means[principle.key] = sum(values) / len(values) if values else None
    return means


def _latest(scale: Scale, top: pd.Series | None) -> LatestReview | None:
    if top is None:
        return None
    total = int(top["total"])
    return LatestReview(int(top["review_id"]), top["review_date"], str(top["kind"]), total, scale.band_for(total))


def _value(row: object, name: str) -> float | None:
    value = None if row is None else getattr(row, name)
    return None if value is None or pd.isna(value) else float(value)


def _rate(part: object, whole: object) -> float | None:
    if pd.isna(part) or pd.isna(whole) or not whole:
        return None
    return float(part) / float(whole)  # type: ignore[arg-type]


def compare(
    scale: Scale,
    principles: PrincipleSet,
    units: pd.DataFrame,
    totals: pd.DataFrame,
    item_scores: pd.DataFrame,
    outcomes: pd.DataFrame,
    overdue_actions: pd.DataFrame,
    *,
    kind: str,
    first: date,
    last: date,
    today: date,
) -> Comparison:
    """Pivot the loaded rows into one comparison row per unit."""
    reviews, chosen = _complete(totals, scale), _chosen(totals, scale, kind, first, last)
    latest = chosen.groupby("unit_id").tail(1).set_index("unit_id")
    newest_any = reviews.groupby("unit_id").tail(1).set_index("unit_id")
    items = item_scores[item_scores["review_id"].isin(latest["review_id"])]
    scores_by_review = {
        int(review_id): dict(zip(group["item_key"], group["score"].astype(int), strict=True))
        for review_id, group in items.groupby("review_id")
    }
    chosen = chosen.assign(half=chosen["review_date"].map(half_year))
    by_half = chosen.groupby(["unit_id", "half"]).tail(1)
    totals_by_unit: dict[int, dict[str, tuple[int, str]]] = {}
    for row in by_half.itertuples():
        totals_by_unit.setdefault(int(row.unit_id), {})[str(row.half)] = (int(row.total), str(row.kind))
    current = Quarter.of(today)
    full = current.previous()
    quarter_rows = {(int(r.unit_id), int(r.year), int(r.quarter)): r for r in outcomes.itertuples()}
    actions = dict(zip(overdue_actions["unit_id"], overdue_actions["overdue_actions"], strict=True))
    rows = []
    for unit in units.itertuples():
        unit_id = int(unit.unit_id)
        top = latest.loc[unit_id] if unit_id in latest.index else None
        scores = scores_by_review.get(int(top["review_id"]), {}) if top is not None else {}
        newest = newest_any.loc[unit_id] if unit_id in newest_any.index else None
        due = next_due(scale, newest["review_date"], int(newest["total"])) if newest is not None else None
        now = quarter_rows.get((unit_id, current.year, current.number))
        done = quarter_rows.get((unit_id, full.year, full.number))
        rows.append(
            UnitRow(
                unit_id=unit_id,
                code=str(unit.code),
                name=str(unit.name),
                area=str(unit.area),
                latest=_latest(scale, top),
                items=scores,
                principles=principle_means(scale, principles, scores),
                totals=totals_by_unit.get(unit_id, {}),
                waiting=None if now is None else int(now.waiting_at_end),
                median_wait=_value(now, "median_days_to_enrolment"),
                employment_rate=None if done is None else _rate(done.in_competitive_work, done.served),
                education_rate=None if done is None else _rate(done.in_education, done.served),
                caseload=None if done is None else _rate(done.served, done.specialist_fte),
                due=due,
                overdue_review=due is not None and due < today,
                overdue_actions=int(actions.get(unit_id, 0)),
                quarter=full if done is not None else None,
            )
        )
    return Comparison(scale, kind, first, last, halves_between(first, last), tuple(rows), full)


def export_frame(comparison: Comparison, principles: PrincipleSet) -> pd.DataFrame:
    """One line per unit, for CSV and xlsx: the latest review, item scores, principle means, monitoring, overdue."""
    records = []
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
        record |= {
            f"principle_{p.key}": None if row.principles[p.key] is None else round(row.principles[p.key] or 0, 2)
            for p in principles.principles
        }
        record |= {
            "waiting": row.waiting,
            "median_days_to_enrolment": row.median_wait,
            "quarter": str(row.quarter) if row.quarter else None,
            "employment_rate": None if row.employment_rate is None else round(row.employment_rate, 4),
            "education_rate": None if row.education_rate is None else round(row.education_rate, 4),
            "caseload_per_specialist": None if row.caseload is None else round(row.caseload, 1),
            "next_review_due": row.due.isoformat() if row.due else None,
            "review_overdue": row.overdue_review,
            "overdue_actions": row.overdue_actions,
        }
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    whole = ["total", "waiting", "overdue_actions", *(f"item_{key}" for key in comparison.scale.item_keys)]
    return frame.astype({name: "Int64" for name in whole if name in frame})  # whole numbers stay whole, or empty
