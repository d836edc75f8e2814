"""A unit's review history as plain data: the reviews that count, in date order, and item scores side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from fidelity.scales import Scale

# A fall of this many points or more on one item between two reviews is flagged for a second look.
DROP_MARK = 2


@dataclass(frozen=True)
class ReviewPoint:
    """One submitted or final review, already scored."""

    review_id: int
    review_date: date
    kind: str  # "self_assessment" | "external"
    scores: Mapping[str, int]
    total: int
    band_key: str | None  # None for an incomplete review
    corrects_id: int | None = None  # the review this one corrects, if any


@dataclass(frozen=True)
class ItemCell:
    score: int | None
    change: int | None  # score minus the previous column's score; None if either is missing
    dropped: bool  # change <= -DROP_MARK


@dataclass(frozen=True)
class ItemRow:
    key: str
    title: str
    section: str  # the section key, as on Item
    cells: tuple[ItemCell, ...]  # one per column


@dataclass(frozen=True)
class ItemTable:
    columns: tuple[ReviewPoint, ...]
    rows: tuple[ItemRow, ...]  # every item of the scale, in scale order


def effective_points(points: Sequence[ReviewPoint]) -> list[ReviewPoint]:
    """The reviews that count, by date then id: a correction replaces the review it corrects."""
    # Each corrected review drops out, so along a chain of corrections only the last one stays.
    corrected = {p.corrects_id for p in points if p.corrects_id is not None}
    return sorted((p for p in points if p.review_id not in corrected), key=lambda p: (p.review_date, p.review_id))


def item_table(scale: Scale, points: Sequence[ReviewPoint]) -> ItemTable:
    """Every item's score in each review that counts, with the change since the review before."""
    columns = tuple(effective_points(points))
    rows = []
    for item in scale.items:
        scores = [point.scores.get(item.key) for point in columns]
        cells = tuple(_cell(score, scores[i - 1] if i else None) for i, score in enumerate(scores))
        rows.append(ItemRow(key=item.key, title=item.title, section=item.section, cells=cells))
    return ItemTable(columns=columns, rows=tuple(rows))


def _cell(score: int | None, before: int | None) -> ItemCell:
    change = None if score is None or before is None else score - before
    return ItemCell(score=score, change=change, dropped=change is not None and change <= -DROP_MARK)
