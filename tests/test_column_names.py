"""Column names in English and Swedish, with placeholders for the part that varies."""

from __future__ import annotations

import pandas as pd
import pytest
from flask import Flask

from fidelity.column_names import ColumnNames

NAMES = ColumnNames(
    {"unit": "enhet", "served_<QUARTER>": "i_stöd_<QUARTER>", "job<N>_hours": "anställning<N>_timmar"},
    {"unit": "enheten", "total_<HALF>_kind": "totalpoäng_<HALF>_slag", "item_<KEY>": "punkt_<KEY>"},
)


def test_a_name_with_a_placeholder_keeps_its_varying_part_in_either_language() -> None:
    assert NAMES.swedish_name("served_2025Q3") == "i_stöd_2025Q3"
    assert NAMES.swedish_name("job12_hours") == "anställning12_timmar"
    assert NAMES.swedish_name("total_2026H1_kind") == "totalpoäng_2026H1_slag"
    assert NAMES.swedish_name("item_S1") == "punkt_S1"
    assert NAMES.english_name("i_stöd_2025Q3") == "served_2025Q3"
    assert NAMES.english_name("anställning3_timmar") == "job3_hours"


def test_a_later_mapping_replaces_an_earlier_and_an_unknown_name_stays() -> None:
    assert NAMES.swedish_name("unit") == "enheten" and NAMES.english_name("enheten") == "unit"
    # What the placeholder does not stand for is no column of the mapping.
    for name in ("served_2025Q5", "served_2025", "job0_hours", "total_2026H1", "item_", "waiting"):
        assert NAMES.swedish_name(name) == name


def test_the_two_names_must_hold_the_same_placeholders() -> None:
    with pytest.raises(ValueError, match="same placeholders"):
        ColumnNames({"served_<QUARTER>": "i_stöd"})


def test_a_table_is_renamed_only_in_a_swedish_request(app: Flask) -> None:
    table = pd.DataFrame({"unit": ["A"], "served_2025Q3": [3]})
    assert list(NAMES.in_language(table).columns) == ["unit", "served_2025Q3"]  # outside a request
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        swedish = NAMES.in_language(table)
        assert NAMES.heading("served_2025Q3") == "i_stöd_2025Q3"
    assert list(swedish.columns) == ["enheten", "i_stöd_2025Q3"] and swedish.iloc[0].tolist() == ["A", 3]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert list(NAMES.in_language(table).columns) == ["unit", "served_2025Q3"]
        assert NAMES.heading("served_2025Q3") == "served_2025Q3"
