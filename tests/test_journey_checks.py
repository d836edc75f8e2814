"""Reading and checking journey files, without a database: every problem on its line, the file's own problems
alone, and the journeys and spells a good file holds."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from flask import Flask
from flask_babel import force_locale

from fidelity.monitoring.identity import BIRTH_DATE, NAME_WORDS, SWEDISH_PERSONNUMMER
from fidelity.monitoring.journey_files import read_cells
from fidelity.monitoring.layout import LAYOUT, Kind, header
from fidelity.monitoring.problems import ImportRefused, Problem
from fidelity.monitoring.validation import (
    CheckedJourneys,
    check_journeys,
    choice_words,
    plain_words,
    written_choices,
    yes_and_no,
)
from tests.journey_data import GOOD, OWN_CODE, TODAY, csv_file, csv_text, journey, xlsx_file


def checked(data: bytes, name: str = "journeys.csv") -> CheckedJourneys:
    return check_journeys(read_cells(data, name), TODAY)


def problems(data: bytes, name: str = "journeys.csv") -> list[Problem]:
    with pytest.raises(ImportRefused) as refusal:
        checked(data, name)
    return refusal.value.problems


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --- good files ----------------------------------------------------------------------------------------------


def test_a_good_file_gives_its_journeys_and_spells() -> None:
    rows = [
        journey(
            job2_start="2026-06-01",
            job2_end="2026-08-31",
            job2_competitive="no",
            job2_hours="12.5",
            job1_end="2026-05-29",
            education1_start="2026-09-01",
        ),
        journey(
            code="NRV-0002",
            decision="not_accepted",
            not_accepted_reason="declined",
            first_meeting_date="",
            enrolment_date="",
            first_employer_contact_date="",
            job1_start="",
            job1_competitive="",
            job1_hours="",
        ),
    ]
    result = checked(csv_file(rows))
    journeys = result.journeys
    assert journeys["code"].tolist() == ["NRV-0001", "NRV-0002"]
    assert journeys["referral_date"].tolist() == [day("2026-01-12")] * 2
    assert journeys["decision"].tolist() == ["accepted", "not_accepted"]
    assert journeys["not_accepted_reason"].tolist() == ["", "declined"]
    assert journeys["enrolment_date"].iloc[0] == day("2026-01-26") and pd.isna(journeys["enrolment_date"].iloc[1])
    jobs = result.jobs.sort_values("start_date")
    assert jobs["row"].tolist() == [0, 0]
    assert jobs["start_date"].tolist() == [day("2026-03-16"), day("2026-06-01")]
    assert jobs["competitive"].tolist() == [True, False]
    assert jobs["hours_per_week"].tolist() == [20.0, 12.5]
    assert result.education["row"].tolist() == [0]
    assert pd.isna(result.education["end_date"].iloc[0])


def test_choices_take_any_case_and_cells_any_surrounding_spaces() -> None:
    row = journey(
        decision=" ACCEPTED",
        goal="Work ",
        age_band="18-24",
        referral_date=" 2026-01-12 ",
        job1_competitive="No",
        job1_hours=" 20,5 ",
    )
    result = checked(csv_file([row]))
    assert result.journeys[["decision", "goal", "age_band"]].iloc[0].tolist() == ["accepted", "work", "18_24"]
    assert result.journeys["referral_date"].iloc[0] == day("2026-01-12")
    assert result.jobs[["competitive", "hours_per_week"]].iloc[0].tolist() == [False, 20.5]


def test_a_date_at_midnight_is_its_date_and_a_time_of_day_is_not() -> None:
    """A spreadsheet that holds a date as a date and time writes it with 00:00:00: that is the date. Any other time
    of day is refused rather than cut off."""
    row = journey(
        referral_date="2026-01-12 00:00:00", decision_date="2026-01-13T00:00", first_meeting_date="2026-01-14"
    )
    result = checked(csv_file([row]))
    assert result.journeys[["referral_date", "decision_date"]].iloc[0].tolist() == [
        day("2026-01-12"),
        day("2026-01-13"),
    ]
    found = problems(csv_file([journey(decision_date="2026-01-13 09:30:00")]))
    assert found == [Problem(2, "decision_date: '2026-01-13 09:30:00' is not a date (YYYY-MM-DD)")]


def test_a_line_break_in_a_cell_is_shown_on_the_problems_line() -> None:
    """The command prints a problem a line (FILE:LINE: problem): a line break typed in a cell must not split one."""
    found = problems(csv_file([journey(age_band="25\n29")]))
    assert len(found) == 1 and "'25⏎29'" in found[0].message and "\n" not in found[0].message


def test_a_job_without_competitive_is_competitive() -> None:
    result = checked(csv_file([journey(job1_competitive="")]))
    assert result.jobs["competitive"].tolist() == [True]


@pytest.mark.parametrize(("separator", "bom"), [(",", False), (",", True), (";", False), (";", True)])
def test_csv_with_comma_or_semicolon_with_or_without_byte_order_mark(separator: str, bom: bool) -> None:
    result = checked(csv_file([journey(), journey(code="NRV-0002")], separator=separator, bom=bom))
    assert result.journeys["code"].tolist() == ["NRV-0001", "NRV-0002"]


def test_csv_as_swedish_excel_saves_it_in_windows_1252() -> None:
    """Excel's "CSV (semicolon separated)" is Windows-1252, not UTF-8: a code with a Swedish letter reads the same."""
    data = csv_text([journey(code="ÅS-001"), journey(code="NRV-2")], ";").encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert checked(data).journeys["code"].tolist() == ["ÅS-001", "NRV-2"]


def test_blank_lines_are_skipped_and_line_numbers_still_count_them() -> None:
    text = csv_file([journey(), journey(code="NRV-0002", goal="job")]).decode()
    first, second, third = text.splitlines()
    data = "\n".join([first, second, "", ",,,,", third]).encode()
    assert problems(data) == [Problem(5, "goal: 'job' is not one of work, education, both")]


def test_codes_that_are_not_plain_ascii_are_each_looked_at_closely() -> None:
    """Spaces around a code are taken off; letters beyond ASCII are letters; digits beyond ASCII are digits."""
    codes = [" NRV-0001 ", "Ärende-7", "NRV-1234567890", "NRV-0004"]
    result = checked(csv_file([journey(code=code) for code in codes]))
    assert result.journeys["code"].tolist() == ["NRV-0001", "Ärende-7", "NRV-1234567890", "NRV-0004"]
    # A personnummer in full-width digits is still a personnummer.
    fullwidth = "19811218-9876".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    found = problems(csv_file([journey(), journey(code=fullwidth)]))
    assert found == [Problem(3, "code: looks like a Swedish personal identity number (personnummer)" + OWN_CODE)]


def test_a_file_s_codes_holding_a_birth_date_a_name_or_a_number_with_letters_inside_are_refused() -> None:
    """What a unit's own habits put in a code: initials and a date of birth, a name joined with '_', a personnummer
    with letters for its separator. Each is refused on its line, as in a form."""
    codes = ["NRV-0001", "AS811218", "Anna_Svensson", "811218XX9876", "NRV-000123", "Lisa_Berg_150785"]
    found = problems(csv_file([journey(code=code) for code in codes]))
    assert found == [
        Problem(3, f"code: {BIRTH_DATE}"),
        Problem(4, f"code: {NAME_WORDS}"),
        Problem(5, f"code: {SWEDISH_PERSONNUMMER}"),
        Problem(7, f"code: {BIRTH_DATE}"),
    ]


def test_a_row_without_a_code_is_not_taken_for_a_blank_line() -> None:
    text = csv_file([journey(), journey(code="")]).decode()
    first, second, third = text.splitlines()
    data = "\n".join([first, second, "", third]).encode()
    assert problems(data) == [Problem(4, "code: the code is missing")]


def test_xlsx_with_dates_and_numbers_as_cells() -> None:
    names = header()
    row = dict.fromkeys(names, None) | {
        "code": "NRV-0001",
        "referral_date": datetime(2026, 1, 12),
        "decision": "accepted",
        "decision_date": date(2026, 1, 19),
        "job1_start": datetime(2026, 3, 16),
        "job1_hours": 20,
        "job1_competitive": True,
    }
    result = checked(xlsx_file([names, list(row.values())]), "journeys.xlsx")
    assert result.journeys["referral_date"].iloc[0] == day("2026-01-12")
    assert result.jobs[["start_date", "competitive", "hours_per_week"]].iloc[0].tolist() == [
        day("2026-03-16"),
        True,
        20.0,
    ]


def test_xlsx_problems_name_the_sheet_row() -> None:
    names = header()
    good = [GOOD.get(name) for name in names]
    bad = [(GOOD | {"code": "NRV-0002", "goal": "job"}).get(name) for name in names]
    data = xlsx_file([names, good, [], bad])
    found = problems(data, "journeys.xlsx")
    assert found == [Problem(4, "goal: 'job' is not one of work, education, both")]
    assert found[0].code == "NRV-0002"  # the row's code, past the blank row


# --- bad rows ------------------------------------------------------------------------------------------------

NO_JOB = {"job1_start": "", "job1_competitive": "", "job1_hours": ""}
NOT_ACCEPTED = {"decision": "not_accepted", "not_accepted_reason": "not_ready", "enrolment_date": ""}
BAD_ROWS: dict[str, tuple[dict[str, str], str]] = {
    "empty code": ({"code": ""}, "code: the code is missing"),
    "identity number": (
        {"code": "19811218-9876"},
        "code: looks like a Swedish personal identity number (personnummer)" + OWN_CODE,
    ),
    "date of birth": ({"code": "1980-01-01"}, "code: looks like a date of birth: a code must not hold one"),
    "six digits that make a date of birth": (
        {"code": "800101"},
        "code: looks like a date of birth: a code must not hold one",
    ),
    "mobile number": ({"code": "073-987 65 43"}, "code: looks like a mobile phone number" + OWN_CODE),
    "name": ({"code": "Anna Berg"}, "code: contains a space: a code must not be a name"),
    "bad characters": ({"code": "NRV/1"}, "code: a code may contain only letters, digits, '-' and '_'"),
    "too long": ({"code": "N" * 33}, "code: the code is longer than 32 characters"),
    "empty referral": ({"referral_date": ""}, "referral_date is missing"),
    "no such day": (
        {"decision_date": "2026-02-29"},
        "decision_date: '2026-02-29' is no day of the calendar: that month has 28 days",
    ),
    "no such month": (
        {"decision_date": "2026-13-01"},
        "decision_date: '2026-13-01' is no day of the calendar: a month is 01 to 12",
    ),
    "a leap day in a year without one": (
        {"decision_date": "2025-02-29", "referral_date": "2025-01-12"},
        "decision_date: '2025-02-29' is no day of the calendar: that month has 28 days",
    ),
    "bad date": ({"decision_date": "2026-1-5x"}, "decision_date: '2026-1-5x' is not a date (YYYY-MM-DD)"),
    "date in another format": (
        {"exit_date": "12/01/2026", "exit_reason": "withdrew"},
        "exit_date: '12/01/2026' is not a date (YYYY-MM-DD)",
    ),
    "unknown choice": ({"goal": "job"}, "goal: 'job' is not one of work, education, both"),
    "decision before referral": (
        {"decision_date": "2026-01-02"},
        "decision_date (2026-01-02) is before referral_date (2026-01-12)",
    ),
    "first meeting before referral": (
        {"first_meeting_date": "2026-01-11", "enrolment_date": ""},
        "first_meeting_date (2026-01-11) is before referral_date (2026-01-12)",
    ),
    "employer contact before referral": (
        {"first_employer_contact_date": "2025-12-24"},
        "first_employer_contact_date (2025-12-24) is before referral_date (2026-01-12)",
    ),
    "education contact before referral": (
        {"first_education_contact_date": "2025-12-24"},
        "first_education_contact_date (2025-12-24) is before referral_date (2026-01-12)",
    ),
    "enrolment before first meeting": (
        {"enrolment_date": "2026-01-20"},
        "enrolment_date (2026-01-20) is before first_meeting_date (2026-01-21)",
    ),
    "exit before enrolment": (
        {"exit_date": "2026-01-25", "exit_reason": "withdrew", "first_employer_contact_date": "", **NO_JOB},
        "exit_date (2026-01-25) is before enrolment_date (2026-01-26)",
    ),
    "employer contact after leaving": (
        {"exit_date": "2026-02-05", "exit_reason": "withdrew", **NO_JOB},
        "exit_date (2026-02-05) is before first_employer_contact_date (2026-02-09)",
    ),
    "job ends before it starts": (
        {"job1_end": "2026-03-15"},
        "job1_end (2026-03-15) is before job1_start (2026-03-16)",
    ),
    "job before referral": (
        {"job1_start": "2026-01-05"},
        "job1_start (2026-01-05) is before referral_date (2026-01-12)",
    ),
    "course ends before it starts": (
        {"education1_start": "2026-09-01", "education1_end": "2026-08-01"},
        "education1_end (2026-08-01) is before education1_start (2026-09-01)",
    ),
    "spell without start": (
        {"job1_start": "", "job1_hours": "20"},
        "job1_start is missing, but other job columns are filled",
    ),
    "not accepted without reason": (
        {"decision": "not_accepted", "enrolment_date": "", "first_employer_contact_date": "", **NO_JOB},
        "not_accepted_reason is required for a referral not accepted",
    ),
    "reason without not accepted": (
        {"not_accepted_reason": "not_motivated"},
        "not_accepted_reason is only for a referral not accepted",
    ),
    "not accepted but enrolled": (
        {"decision": "not_accepted", "not_accepted_reason": "not_ready", "first_employer_contact_date": "", **NO_JOB},
        "enrolment_date: a referral not accepted cannot be enrolled",
    ),
    "enrolled without a decision": (
        {"decision": "", "decision_date": ""},
        "enrolment_date: only a referral accepted is enrolled",
    ),
    "a decision's date without the decision": (
        {"decision": "", "first_meeting_date": "", "enrolment_date": "", "first_employer_contact_date": "", **NO_JOB},
        "decision_date is filled in, but decision is not",
    ),
    "decided after enrolment": (
        {"decision_date": "2026-01-27"},
        "enrolment_date (2026-01-26) is before decision_date (2026-01-27)",
    ),
    "not accepted but met an employer": (
        {**NOT_ACCEPTED, **NO_JOB},
        "first_employer_contact_date: a referral not accepted has none",
    ),
    "not accepted but left": (
        {
            **NOT_ACCEPTED,
            **NO_JOB,
            "first_employer_contact_date": "",
            "exit_date": "2026-02-01",
            "exit_reason": "withdrew",
        },
        "exit_date: a referral not accepted has none",
    ),
    "not accepted but in a job": (
        {**NOT_ACCEPTED, "first_employer_contact_date": ""},
        "job1_start: a referral not accepted has no jobs or courses",
    ),
    "job found after leaving": (
        {"exit_date": "2026-03-01", "exit_reason": "withdrew"},
        "exit_date (2026-03-01) is before job1_start (2026-03-16)",
    ),
    "year mistyped": (
        {"referral_date": "1026-01-12"},
        "referral_date: 1026-01-12 is before 1990-01-01: is the year right?",
    ),
    "date after today": (
        {"exit_date": "2027-07-01", "exit_reason": "goal_reached"},
        "exit_date: 2027-07-01 is after today",
    ),
    "exit without reason": ({"exit_date": "2026-06-01"}, "exit_reason is required with exit_date"),
    "exit reason without exit": ({"exit_reason": "goal_reached"}, "exit_reason is given without exit_date"),
    "too many hours": ({"job1_hours": "81"}, "job1_hours: 81 hours a week is outside 0-80"),
    "negative hours": ({"job1_hours": "-1"}, "job1_hours: -1 hours a week is outside 0-80"),
    "hours not a number": ({"job1_hours": "full time"}, "job1_hours: 'full time' is not a number of hours"),
    "competitive neither yes nor no": ({"job1_competitive": "maybe"}, "job1_competitive: 'maybe' is not yes or no"),
}


@pytest.mark.parametrize("kind", sorted(BAD_ROWS))
def test_each_kind_of_bad_row_is_refused_on_its_line(kind: str) -> None:
    changes, message = BAD_ROWS[kind]
    rows = [journey(code="NRV-0100"), journey(code="NRV-0101"), journey(**changes)]
    assert problems(csv_file(rows)) == [Problem(4, message)]


def test_a_code_twice_is_refused_on_the_later_lines() -> None:
    rows = [journey(), journey(code="NRV-0002"), journey(), journey()]
    assert problems(csv_file(rows)) == [
        Problem(4, "code: NRV-0001 is also on line 2"),
        Problem(5, "code: NRV-0001 is also on line 2"),
    ]


def test_codes_that_differ_only_in_capitals_are_the_same_code() -> None:
    rows = [journey(code="Case-X"), journey(code="NRV-0002"), journey(code="CASE-X"), journey(code="Case-X")]
    assert problems(csv_file(rows)) == [
        Problem(4, "code: CASE-X is on line 2 as Case-X (codes that differ only in capitals are the same code)"),
        Problem(5, "code: Case-X is also on line 2"),
    ]


def test_every_problem_of_every_row_is_reported_in_line_order() -> None:
    rows = [
        journey(code="NRV-0001"),
        journey(code="811218-9876", goal="job"),
        journey(code="NRV-0003"),
        journey(code="NRV-0004", referral_date="", job1_hours="99"),
    ]
    assert problems(csv_file(rows)) == [
        Problem(3, "code: looks like a Swedish personal identity number (personnummer)" + OWN_CODE),
        Problem(3, "goal: 'job' is not one of work, education, both"),
        Problem(5, "referral_date is missing"),
        Problem(5, "job1_hours: 99 hours a week is outside 0-80"),
    ]


def test_a_problem_names_its_line_s_code_unless_the_code_itself_is_refused() -> None:
    """A person correcting a long file finds a row by its code; a code refused (an identity number, a name, none, the
    template's example) is never repeated beside the line's other problems."""
    rows = [
        journey(code="NRV-0001", goal="job"),
        journey(code="811218-9876", goal="job"),
        journey(code="Anna_Svensson", goal="job"),
        journey(code="", goal="job"),
        journey(code="EXAMPLE", goal="job"),
        journey(code="nrv-0001", goal="job"),
        journey(code=" NRV-0008 ", goal="job"),
    ]
    found = problems(csv_file(rows))
    assert [(problem.line, problem.code) for problem in found] == [
        (2, "NRV-0001"),
        (3, None),
        (3, None),
        (4, None),
        (4, None),
        (5, None),
        (5, None),
        (6, None),
        (6, None),
        (7, "nrv-0001"),  # a code twice is still the line's code
        (7, "nrv-0001"),
        (8, "NRV-0008"),  # as stored: without its spaces
    ]
    assert all("811218" not in (problem.code or "") + problem.message for problem in found)


def test_an_identity_number_is_never_quoted_back() -> None:
    found = problems(csv_file([journey(code="15078510150")]))
    assert found == [Problem(2, "code: looks like a Norwegian national identity number (fødselsnummer)" + OWN_CODE)]
    assert "15078510150" not in found[0].message


# --- the header and the file ---------------------------------------------------------------------------------


def test_unknown_repeated_and_missing_columns_are_problems_of_the_header() -> None:
    text = "code,referral_date,code,colour,job2_start\nNRV-1,2026-01-12,NRV-1,red,\n"
    missing = ", ".join(name for name in header(jobs=0, education=0) if name not in ("code", "referral_date"))
    assert problems(text.encode()) == [
        Problem(1, "The column code appears more than once."),
        Problem(1, "Unknown column: colour."),
        Problem(1, f"Missing columns: {missing}."),
        Problem(
            1,
            "Missing columns: job2_end, job2_competitive, job2_hours (job2 needs all of job2_start, job2_end, "
            "job2_competitive, job2_hours).",
        ),
    ]


def test_an_unknown_column_is_listed_with_the_problems_of_the_rows() -> None:
    """A notes column the layout does not take: the other columns are read all the same, so that one answer lists
    every problem, rather than the rows' only once the column is taken out."""
    rows = [journey(notes="met at the job centre"), journey(code="NRV-0002", goal="job")]
    found = problems(csv_text(rows, columns=[*header(), "notes"]).encode())
    assert found == [
        Problem(1, "Unknown column: notes."),
        Problem(3, "goal: 'job' is not one of work, education, both", "goal"),
    ]
    # Alone, it is the one problem: nothing is taken.
    alone = csv_text([journey(notes="x")], columns=[*header(), "notes"]).encode()
    assert problems(alone) == [Problem(1, "Unknown column: notes.")]


def test_a_first_line_that_is_no_header_is_one_problem() -> None:
    """A title line above the header, a file without one, or tabs between the columns: the first line names no
    column, and one problem says what to do rather than each cell being an unknown column."""
    text = csv_text([journey()], ",")
    no_header = problems(("Journeys of Norrvik, spring 2026\n" + text).encode())
    assert len(no_header) == 1 and no_header[0].line == 1
    assert no_header[0].message.startswith("This line names none of the columns: the first line must be the header")
    without = problems(text.split("\n", 1)[1].encode())
    assert len(without) == 1 and without[0].message.startswith("This line names none of the columns")
    tabs = problems(csv_text([journey()], "\t").encode(), "journeys.txt")
    assert tabs == [Problem(1, "The columns are separated by tabs: save the file as CSV, or as an xlsx workbook.")]


def test_an_unnamed_empty_column_is_ignored_but_an_unnamed_column_with_values_is_not() -> None:
    text = csv_file([journey()]).decode()
    head, row = text.splitlines()
    assert checked(f"{head},\n{row},\n".encode()).journeys["code"].tolist() == ["NRV-0001"]
    width = len(head.split(","))
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[width]  # the column after the header's last
    assert problems(f"{head},\n{row},\n{row},x\n".encode()) == [
        Problem(1, f"Column {width + 1} ({letter} in a spreadsheet) has values but no name: the first on line 3."),
        Problem(3, "code: NRV-0001 is also on line 2", "code"),  # the rows are still read
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "journeys.csv", "The file is empty."),
        (b"  \n", "journeys.csv", "The file is empty."),
        (  # 0x81 is no character in Windows-1252 either
            "code;referral_date\nNRV-1;2026-01-12\n".encode("cp1252") + b"\x81\n",
            "journeys.csv",
            "The file is not UTF-8 text: in Excel, save it as 'CSV UTF-8'.",
        ),
        (
            "code\tage_band\nNRV-1\t25_29\n".encode("utf-16"),
            "journeys.txt",
            "The file is UTF-16 text (Excel's 'Unicode text'): in Excel, save it as 'CSV UTF-8'.",
        ),
        (b"%PDF-1.4\x00\x01", "journeys.csv", "This is not a CSV file: it is not text."),
        (
            b"\xd0\xcf\x11\xe0 old workbook",
            "journeys.xls",
            "This is the old Excel format (.xls): save it as .xlsx or as CSV UTF-8.",
        ),
        (b"code,referral_date", "journeys.pdf", "This is not a CSV or xlsx file."),
        (
            b"code,referral_date\nNRV-1,2026-01-05\n",
            "Journeys.XLSX",
            "The file is named .xlsx but is not an Excel workbook: it may be a CSV file renamed, or a damaged one. "
            "Open it in Excel and save it as .xlsx, or name a CSV file .csv.",
        ),
        (b"PK\x03\x04 not really a workbook", "journeys.xlsx", "The file cannot be read as an xlsx workbook."),
    ],
)
def test_a_file_that_cannot_be_read_is_one_problem(data: bytes, name: str, message: str) -> None:
    assert problems(data, name) == [Problem(None, message)]


def test_a_header_without_journeys_is_refused() -> None:
    header_only = ",".join(header()) + "\n,,\n"
    assert problems(header_only.encode()) == [Problem(None, "The file has a header but no journeys.")]


def test_a_line_with_more_values_than_columns_is_named() -> None:
    text = csv_file([journey(), journey(code="NRV-0002")]).decode()
    lines = text.splitlines()
    lines[2] += ",extra"
    assert problems("\n".join(lines).encode()) == [Problem(3, "This line has more values than the header has columns.")]


def test_every_line_with_too_many_values_is_named_beside_the_other_rows_problems() -> None:
    rows = [journey(code=f"NRV-{n:04d}") for n in range(1, 6)]
    rows[3] = journey(code="811218-9876")  # line 5: an identity number
    lines = csv_file(rows).decode().splitlines()
    lines[1] += ",extra"  # line 2
    lines[3] += ",more,values"  # line 4
    too_many = "This line has more values than the header has columns."
    found = problems("\n".join(lines).encode())
    assert [problem.line for problem in found] == [2, 4, 5]
    assert found[:2] == [Problem(2, too_many), Problem(4, too_many)]
    assert "personal identity number" in found[2].message


def test_lines_after_a_line_with_too_many_values_keep_their_numbers() -> None:
    rows = [journey(code="NRV-0001"), journey(code="NRV-0002"), journey(code="NRV-0002")]
    lines = csv_file(rows).decode().splitlines()
    lines[1] += ",extra"
    found = problems("\n".join(lines).encode())
    # Line 2 is left out; the duplicate code on line 4 is still told by its own line and the one before it.
    assert found == [
        Problem(2, "This line has more values than the header has columns."),
        Problem(4, "code: NRV-0002 is also on line 3"),
    ]


def test_a_choice_may_be_written_as_the_form_names_it_in_english_or_swedish(app: Flask) -> None:
    """A unit's own spreadsheet says 'Inte antagen' or 'Judged not motivated' rather than the stored code; a dash a
    word processor made, an en dash in '18-24', is a hyphen. Words that name no choice are still refused."""
    refused = {
        "enrolment_date": "",
        "first_meeting_date": "",
        "first_employer_contact_date": "",
        "job1_start": "",
        "job1_competitive": "",
        "job1_hours": "",
        "decision_date": "2026-01-20",
    }
    rows = [
        journey(code="NRV-0001", goal="Arbete och studier", age_band="18\u201324", decision="Inte antagen",
                not_accepted_reason="bedömd  som inte MOTIVERAD", **refused),
        journey(code="NRV-0002", goal="Work and education", decision="Not accepted",
                not_accepted_reason="Needs assessment not granted", **refused),
    ]  # fmt: skip
    with app.app_context():
        result = checked(csv_file(rows)).journeys
        unknown = problems(csv_file([journey(goal="ej motiverad")]))
    assert result["goal"].tolist() == ["both", "both"] and result["age_band"].tolist()[0] == "18_24"
    assert result["decision"].tolist() == ["not_accepted", "not_accepted"]
    assert result["not_accepted_reason"].tolist() == ["not_motivated", "needs_assessment_not_granted"]
    assert unknown == [Problem(2, "goal: 'ej motiverad' is not one of work, education, both", "goal")]


# A referral not accepted: none of what follows an acceptance.
NOT_ACCEPTED = {
    "decision": "not_accepted",
    "first_meeting_date": "",
    "enrolment_date": "",
    "first_employer_contact_date": "",
    "job1_start": "",
    "job1_competitive": "",
    "job1_hours": "",
}


def test_a_choice_not_read_is_told_with_its_values_as_the_reader_writes_them(app: Flask) -> None:
    """A Swedish reader is told the form's names in Swedish, which they would write (and the import reads), rather
    than codes they never see; each name in quotes, as a name may hold spaces. An English reader is told the codes,
    as the templates write them."""
    data = csv_file(
        [journey(goal="jobb"), journey(code="NRV-0002", not_accepted_reason="Ej motiverad", **NOT_ACCEPTED)]
    )
    with app.app_context():
        with force_locale("sv"):
            swedish = [problem.message for problem in problems(data)]
        with force_locale("en"):
            english = [problem.message for problem in problems(data)]
    assert swedish == [
        "goal: 'jobb' är inte något av 'Arbete', 'Studier', 'Arbete och studier'",
        "not_accepted_reason: 'Ej motiverad' är inte något av 'Bedömd som inte motiverad', 'Bedömd som inte redo för "
        "arbete eller studier', 'Pågående missbruk', 'Symtomen bedömda som för svåra', 'Behovsbedömning inte "
        "beviljad', 'Brottsregister', 'Utanför en lokal behörighetsregel (till exempel en åldersgräns)', 'Personen "
        "tackade nej', 'Gick inte att nå', 'Flyttade', 'Annat'",
    ]
    assert english == [
        "goal: 'jobb' is not one of work, education, both",
        "not_accepted_reason: 'Ej motiverad' is not one of not_motivated, not_ready, substance_use, symptoms, "
        "needs_assessment_not_granted, criminal_record, outside_eligibility, declined, not_reached, moved_away, other",
    ]


def test_a_value_mistyped_is_told_what_it_most_likely_meant_in_the_reader_s_words(app: Flask) -> None:
    """A letter or two wrong, or a letter left out, in any capitals: the message offers the value meant, as the
    reader writes it, or as its code when it is like the code. A value like none of them offers nothing."""
    data = csv_file(
        [
            journey(code="NRV-0001", not_accepted_reason="Behovsbedömning inte beviljat", **NOT_ACCEPTED),
            journey(code="NRV-0002", not_accepted_reason="NOT_MOTIVTED", **NOT_ACCEPTED),
            journey(code="NRV-0003", goal="Arbete och stdier"),
            journey(code="NRV-0004", goal="job"),
        ]
    )
    with app.app_context():
        with force_locale("sv"):
            swedish = [problem.message for problem in problems(data)]
        with force_locale("en"):
            english = [problem.message for problem in problems(data)]

    def offered(message: str, question: str) -> str | None:
        return message.split(question)[1] if question in message else None

    assert [offered(message, ". Menade du ") for message in swedish] == [
        "'Behovsbedömning inte beviljad'?", "'not_motivated'?", "'Arbete och studier'?", None]  # fmt: skip
    assert [offered(message, ". Did you mean ") for message in english] == [None, "'not_motivated'?", None, None]
    assert swedish[0].startswith("not_accepted_reason: 'Behovsbedömning inte beviljat' är inte något av 'Bedömd")


def test_each_value_a_swedish_reader_is_told_is_read_as_its_code(app: Flask) -> None:
    """What a message (and a workbook's drop-down list) gives a Swedish reader is what the import reads: each name
    of a choice, and ja and nej."""
    choices = [column for column in LAYOUT if column.kind is Kind.CHOICE]
    with app.app_context(), force_locale("sv"):
        for column in choices:
            written = written_choices(column)
            words = choice_words(column.field)
            assert not set(written) & set(column.choices), column.name  # names, not codes
            assert [words[plain_words(name)] for name in written] == list(column.choices)
        rows = [journey(code=f"NRV-{n}", job1_competitive=word) for n, word in enumerate(yes_and_no())]
        assert yes_and_no() == ("ja", "nej") and checked(csv_file(rows)).jobs["competitive"].tolist() == [True, False]
        first = {column.name: written_choices(column)[0] for column in choices}
        inte_antagen = written_choices(next(column for column in choices if column.name == "decision"))[1]
    # The first name of each list, and 'Inte antagen', in a file: read as their codes.
    accepted = journey(**first | {"not_accepted_reason": "", "exit_date": "2026-06-01"})
    reason = first["not_accepted_reason"]
    refused = journey(code="NRV-0002", **NOT_ACCEPTED | {"decision": inte_antagen, "not_accepted_reason": reason})
    with app.app_context():
        read = checked(csv_file([accepted, refused])).journeys
    names = ["age_band", "goal", "decision", "exit_reason"]
    assert read.loc[0, names].tolist() == ["under_18", "work", "accepted", "goal_reached"]
    assert read.loc[1, ["decision", "not_accepted_reason"]].tolist() == ["not_accepted", "not_motivated"]


def test_a_yes_or_no_not_read_is_told_as_the_reader_writes_it(app: Flask) -> None:
    """Ja and nej to a Swedish reader. (The Swedish message needs the translation of its new msgid
    "%(column)s: '%(value)s' is not %(yes)s or %(no)s" in fidelity/translations/sv: until then it reads in English.)"""
    data = csv_file([journey(job1_competitive="kanske")])
    with app.app_context():
        with force_locale("en"):
            english = problems(data)
        with force_locale("sv"):
            swedish = problems(data)
    assert english == [Problem(2, "job1_competitive: 'kanske' is not yes or no", "job1_competitive")]
    # Needs the Swedish translation of the new message (see the docstring).
    assert swedish == [Problem(2, "job1_competitive: 'kanske' är varken ja eller nej", "job1_competitive")]


def test_a_blank_choice_stays_blank_beside_a_choice_written_in_words(app: Flask) -> None:
    with app.app_context():
        result = checked(csv_file([journey(age_band=" "), journey(code="NRV-0002", age_band="65 eller äldre")]))
    assert result.journeys["age_band"].tolist() == ["", "65_plus"]


def test_journeys_left_out_take_their_spells_with_them_and_the_rest_keep_theirs() -> None:
    checked = CheckedJourneys(
        journeys=pd.DataFrame({"code": ["A", "B", "C"]}),
        jobs=pd.DataFrame({"row": [0, 2, 2], "start_date": ["a0", "c0", "c1"]}),
        education=pd.DataFrame({"row": [1, 2], "start_date": ["b0", "c2"]}),
        lines=np.array([2, 3, 5]),
    )
    kept = checked.without(np.array([False, True, False]))
    assert kept.journeys["code"].tolist() == ["A", "C"] and kept.lines.tolist() == [2, 5]
    assert kept.jobs.to_dict("list") == {"row": [0, 1, 1], "start_date": ["a0", "c0", "c1"]}
    assert kept.education.to_dict("list") == {"row": [1], "start_date": ["c2"]}
    assert kept.spell_groups == checked.spell_groups
    assert checked.without(np.array([False, False, False])).jobs["row"].tolist() == [0, 2, 2]
    assert checked.without(np.array([True, True, True])).journeys.empty
