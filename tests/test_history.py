"""A unit's review history: the reviews that count, in date order, and each item's score from review to review."""

from __future__ import annotations

from datetime import date

from fidelity.config import DEFAULTS
from fidelity.history import DROP_MARK, ItemCell, ReviewPoint, effective_points, item_table
from fidelity.scales import Scale, load_registry

IPS: Scale = load_registry(DEFAULTS["SCALES_DIR"]).get("ips-25")


def point(
    review_id: int,
    day: date,
    changed: dict[str, int] | None = None,
    *,
    missing: tuple[str, ...] = (),
    kind: str = "external",
    corrects: int | None = None,
) -> ReviewPoint:
    """A scored review: every item at 3 except those changed or missing."""
    scores = {key: 3 for key in IPS.item_keys if key not in missing} | (changed or {})
    band = None if missing else IPS.band_for(sum(scores.values()))
    return ReviewPoint(review_id, day, kind, scores, sum(scores.values()), band.key if band else None, corrects)


def ids(points: list[ReviewPoint]) -> list[int]:
    return [p.review_id for p in points]


def test_reviews_come_in_date_order_with_ties_by_id() -> None:
    points = [
        point(3, date(2024, 1, 10)),
        point(1, date(2024, 6, 1), kind="self_assessment"),
        point(5, date(2023, 2, 1)),
        point(2, date(2024, 1, 10), kind="self_assessment"),
    ]
    assert ids(effective_points(points)) == [5, 2, 3, 1]


def test_a_correction_replaces_the_review_it_corrects() -> None:
    points = [
        point(1, date(2023, 1, 15)),
        point(2, date(2023, 6, 1)),
        point(3, date(2023, 7, 1), corrects=2),
        point(4, date(2024, 1, 15)),
    ]
    assert ids(effective_points(points)) == [1, 3, 4]


def test_only_the_last_of_a_chain_of_corrections_counts() -> None:
    points = [
        point(7, date(2023, 9, 1), corrects=6),
        point(5, date(2023, 6, 1)),
        point(6, date(2023, 8, 1), corrects=5),
        point(4, date(2023, 1, 1), kind="self_assessment"),
    ]
    assert ids(effective_points(points)) == [4, 7]


def test_an_empty_history() -> None:
    assert effective_points([]) == []
    table = item_table(IPS, [])
    assert table.columns == ()
    assert [row.key for row in table.rows] == list(IPS.item_keys)
    assert all(row.cells == () for row in table.rows)


def test_rows_follow_the_scale_with_one_cell_per_review() -> None:
    table = item_table(IPS, [point(2, date(2024, 3, 1)), point(1, date(2023, 3, 1))])
    assert ids(list(table.columns)) == [1, 2]
    assert [row.key for row in table.rows] == list(IPS.item_keys)
    first = table.rows[0]
    assert (first.title, first.section) == (IPS.items[0].title, IPS.items[0].section)
    assert all(len(row.cells) == 2 for row in table.rows)


def test_changes_and_drops_of_two_points_or_more() -> None:
    before = point(1, date(2023, 3, 1), {"S1": 4, "S2": 4, "S3": 2, "O1": 5})
    after = point(2, date(2023, 9, 1), {"S1": 2, "S2": 3, "S3": 5, "O1": 1})
    cells = {row.key: row.cells for row in item_table(IPS, [after, before]).rows}
    assert DROP_MARK == 2
    assert cells["S1"] == (ItemCell(4, None, False), ItemCell(2, -2, True))
    assert cells["S2"] == (ItemCell(4, None, False), ItemCell(3, -1, False))
    assert cells["S3"] == (ItemCell(2, None, False), ItemCell(5, 3, False))
    assert cells["O1"][1] == ItemCell(1, -4, True)
    assert cells["V1"][1] == ItemCell(3, 0, False)


def test_a_missing_score_has_no_change_on_either_side() -> None:
    points = [
        point(1, date(2022, 3, 1), {"V2": 5}),
        point(2, date(2022, 9, 1), missing=("V2",)),
        point(3, date(2023, 3, 1), {"V2": 1}),
    ]
    table = item_table(IPS, points)
    v2 = next(row for row in table.rows if row.key == "V2")
    assert v2.cells == (ItemCell(5, None, False), ItemCell(None, None, False), ItemCell(1, None, False))
    assert table.columns[1].band_key is None


def test_changes_are_measured_from_the_correction_not_the_review_it_replaced() -> None:
    points = [
        point(1, date(2023, 1, 1), {"V4": 5}),
        point(2, date(2023, 7, 1), {"V4": 1}),
        point(3, date(2023, 7, 8), {"V4": 4}, corrects=2),
    ]
    table = item_table(IPS, points)
    assert ids(list(table.columns)) == [1, 3]
    v4 = next(row for row in table.rows if row.key == "V4")
    assert v4.cells[1] == ItemCell(4, -1, False)
