"""The journey file layout is described once: the README's table, the templates and the checks agree with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from fidelity.monitoring.exports import template_csv
from fidelity.monitoring.journey_files import read_cells
from fidelity.monitoring.layout import LAYOUT, header, markdown_table, spell_header
from fidelity.monitoring.problems import ImportRefused
from fidelity.monitoring.validation import check_journeys
from tests.journey_data import TODAY

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_shows_the_layout_of_the_code() -> None:
    table = markdown_table()
    assert table in README.read_text(encoding="utf-8"), f"README.md should hold this table:\n{table}"


def test_the_table_has_a_row_per_column() -> None:
    rows = markdown_table().splitlines()[2:]
    assert [row.split("`")[1] for row in rows] == [column.name for column in LAYOUT]


def test_spell_columns_are_numbered_from_1() -> None:
    assert spell_header("job12_hours") == ("job", 12, LAYOUT[16])
    assert spell_header("education1_end") == ("education", 1, LAYOUT[-1])
    for name in ("job0_start", "job01_start", "job1_salary", "jobs1_start", "job_start", "education1_hours"):
        assert spell_header(name) is None, name


def test_the_header_grows_with_the_groups_it_makes_room_for() -> None:
    assert header(jobs=0, education=0) == [column.name for column in LAYOUT[:13]]
    assert header(jobs=2, education=1)[13:] == [
        "job1_start", "job1_end", "job1_competitive", "job1_hours",
        "job2_start", "job2_end", "job2_competitive", "job2_hours",
        "education1_start", "education1_end",
    ]  # fmt: skip


def test_the_template_passes_the_checks_but_its_example_is_not_taken_for_a_person() -> None:
    with pytest.raises(ImportRefused) as refused:
        check_journeys(read_cells(template_csv(), "journeys-template.csv"), TODAY)
    assert [(p.line, p.message) for p in refused.value.problems] == [
        (2, "code: EXAMPLE is the template's example journey: delete its row before importing")
    ]
    # With a code of the unit's own in place of the example's, every other cell of the example passes.
    mine = template_csv().replace(b"\nEXAMPLE,", b"\nNRV-0042,")
    result = check_journeys(read_cells(mine, "journeys.csv"), TODAY)
    assert result.journeys["code"].tolist() == ["NRV-0042"] and len(result.jobs) == 1
    lowered = template_csv().replace(b"\nEXAMPLE,", b"\n example ,")
    with pytest.raises(ImportRefused):
        check_journeys(read_cells(lowered, "journeys.csv"), TODAY)
