"""Journey files for the tests: a good journey to vary, and CSV and xlsx files built from rows of it."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

import openpyxl

from fidelity.monitoring.layout import header

# The day the files are checked on: after every date in them.
TODAY = date(2027, 6, 30)
GOOD: dict[str, str] = {
    "code": "NRV-0001",
    "referral_date": "2026-01-12",
    "age_band": "25_29",
    "goal": "work",
    "decision": "accepted",
    "decision_date": "2026-01-19",
    "first_meeting_date": "2026-01-21",
    "enrolment_date": "2026-01-26",
    "first_employer_contact_date": "2026-02-09",
    "job1_start": "2026-03-16",
    "job1_competitive": "yes",
    "job1_hours": "20",
}


# What a message about a code that looks like an identity number or a phone number tells the reader to do.
OWN_CODE = ": give the person a code of the unit's own instead"


def journey(**changes: str) -> dict[str, str]:
    """The good journey with some cells changed; job2_start=... and the like add columns."""
    return GOOD | changes


def columns_for(rows: Sequence[dict[str, str]]) -> list[str]:
    """The layout's columns with as many job and education groups as the rows use."""

    def groups(prefix: str) -> int:
        numbers = [int(name[len(prefix) :].split("_")[0]) for row in rows for name in row if name.startswith(prefix)]
        return max([1, *numbers])

    return header(jobs=groups("job"), education=groups("education"))


def csv_text(rows: Sequence[dict[str, str]], separator: str = ",", columns: list[str] | None = None) -> str:
    out = io.StringIO()
    names = columns or columns_for(rows)
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([row.get(name, "") for name in names])
    return out.getvalue()


def csv_file(rows: Sequence[dict[str, str]], separator: str = ",", bom: bool = False) -> bytes:
    return csv_text(rows, separator).encode("utf-8-sig" if bom else "utf-8")


def xlsx_file(rows: Sequence[Sequence[object]]) -> bytes:
    """A workbook whose first sheet holds `rows` as they are (the first row being the header)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
