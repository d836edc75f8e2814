"""Reading a journey file defensively: what a damaged, odd or hostile file does is a clear refusal naming the line,
never a server error, an endless wait, or values stored other than as the file shows them."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date
from typing import Any

import openpyxl
import pytest

from fidelity.monitoring.imports import ImportRefused, Problem, import_journeys
from fidelity.monitoring.journey_files import read_cells
from fidelity.monitoring.layout import header
from tests import factories
from tests.journey_data import TODAY, csv_file, csv_text, journey, xlsx_file
from tests.test_journey_import import counts, journeys_of


def refusal(data: bytes, name: str) -> list[Problem]:
    with pytest.raises(ImportRefused) as refused:
        read_cells(data, name)
    return refused.value.problems


def workbook(rows: list[list[object]]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx_file(rows)))


def saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_line_with_fewer_values_than_the_header_is_refused_not_read_as_empty(session: Any) -> None:
    """A line cut short would clear, in the journey it replaces, every value it left out."""
    unit = factories.unit()
    import_journeys(unit, csv_file([journey(code="SHORT-1")]), "first.csv", TODAY)
    session.commit()
    before = counts(session)
    text = csv_text([journey(code="SHORT-1"), journey(code="SHORT-2")])
    lines = text.splitlines()
    lines[1] = "SHORT-1,2026-01-12,25_29,work"  # the first four values only
    columns = len(lines[0].split(","))
    with pytest.raises(ImportRefused) as refused:
        import_journeys(unit, ("\n".join(lines) + "\n").encode(), "short.csv", TODAY)
    assert refused.value.problems == [Problem(2, (
        f"This line has 4 values, fewer than the {columns} columns the header names: a value left out is not taken "
        "as empty. Save the file from the spreadsheet as an xlsx workbook, or end the line with a separator for each "
        "empty value."))]  # fmt: skip
    assert counts(session) == before and journeys_of(session, unit)["SHORT-1"].decision is not None

    # Empty values written out, a blank line, and empty columns at the header's end are all as before.
    lines[1] = "SHORT-1,2026-01-12,25_29,work" + "," * (columns - 4)
    padded = [lines[0] + ",,", lines[1], "", *lines[2:]]
    assert len(read_cells(("\n".join(padded) + "\n").encode(), "ok.csv").rows) == 2
    # A quoted value with the separator and a line break in it is one value.
    quoted = lines[0] + "\n" + '"SHORT,\n3"' + lines[2][len("SHORT-2") :] + "\n"
    assert read_cells(quoted.encode(), "quoted.csv").rows.iat[0, 0] == "SHORT,\n3"
    quoted_short = lines[0] + '\n"SHORT-3",2026-01-12\n'
    assert [problem.line for problem in read_cells(quoted_short.encode(), "quoted.csv").problems] == [2]


def test_a_utf8_file_with_a_line_in_another_encoding_is_refused_at_that_line() -> None:
    """Read as Windows-1252, each å of the rest of the file would be stored as two wrong letters."""
    text = csv_text([journey(code="MÜß-7"), journey(code="ÅSA-1"), journey(code="BRÅ-9")])
    lines = text.splitlines()
    data = "\n".join(lines[:3]).encode("utf-8") + b"\n" + lines[3].encode("cp1252") + b"\n"
    assert refusal(data, "mixed.csv") == [Problem(4, (
        "The file is UTF-8 text except on this line, which holds a character saved in another encoding: correct it, "
        "or save the whole file as 'CSV UTF-8'."))]  # fmt: skip
    # A file all in Windows-1252 (Swedish Excel's semicolon CSV) is read as before.
    whole = csv_text([journey(code="ÅSA-1"), journey(code="BRÅ-9")], separator=";").encode("cp1252")
    assert list(read_cells(whole, "excel.csv").rows[0]) == ["ÅSA-1", "BRÅ-9"]


def test_a_header_with_thousands_of_empty_columns_is_refused_at_once() -> None:
    data = ",".join(header()).encode() + b"," * 200_000 + b"\n" + csv_file([journey()]).split(b"\n")[1] + b"\n"
    start = time.perf_counter()
    (problem,) = refusal(data, "wide.csv")
    assert time.perf_counter() - start < 5  # not a timing target: a guard against laying out 200,000 columns
    assert problem.line == 1 and problem.message.startswith(f"The first line has {len(header()) + 200_000} columns")


def test_a_code_typed_as_a_number_under_a_capitalised_header_keeps_its_zeros() -> None:
    columns = header()
    book = workbook([["Code", *columns[1:]], [123, "2026-01-12"]])
    sheet = book.active
    assert sheet is not None
    sheet["A2"].number_format = "00000"
    assert read_cells(saved(book), "zeros.xlsx").rows.iat[0, 0] == "00123"


@pytest.mark.parametrize("number_format", ['"NRV-"000', "#,##0", "0000.00"])
def test_a_code_typed_as_a_number_that_the_sheet_shows_otherwise_is_refused(number_format: str) -> None:
    """ "NRV-"000 shows 42 as NRV-042, which the file does not hold: reading 42 would give the person another code."""
    book = workbook([header(), [42, "2026-01-12"]])
    sheet = book.active
    assert sheet is not None
    sheet["A2"].number_format = number_format
    assert refusal(saved(book), "formatted.xlsx") == [Problem(2, (
        f"code: the number 42 is formatted as {number_format} in the sheet, which shows it otherwise: format the "
        "column as text and type the code again."))]  # fmt: skip


def test_a_hidden_first_sheet_is_passed_over_for_the_first_visible_one() -> None:
    book = workbook([header(), ["T-VISIBLE", "2026-01-12"]])
    hidden = book.create_sheet("old", 0)
    hidden.append(header())
    hidden.append(["T-HIDDEN", "2026-01-12"])
    hidden.sheet_state = "hidden"
    assert list(read_cells(saved(book), "hidden.xlsx").rows[0]) == ["T-VISIBLE"]


def test_a_value_far_beyond_the_journeys_is_refused_before_the_sheet_is_laid_out() -> None:
    book = workbook([header(), ["FAR-1", "2026-01-12"]])
    sheet = book.active
    assert sheet is not None
    sheet["CV300000"] = "x"
    start = time.perf_counter()
    assert refusal(saved(book), "far.xlsx") == [Problem(300000, (
        "The sheet has a value in row 300000, column CV, far beyond a journey file's columns and rows: delete what "
        "is there, or copy the journeys to a new workbook."))]  # fmt: skip
    assert time.perf_counter() - start < 30  # not a timing target: laid out in full it takes minutes and gigabytes


def test_a_value_far_down_is_refused_once_the_rows_between_reach_the_limit() -> None:
    """openpyxl gives an empty row for each row number between two with values (a crafted file may name row numbers
    in the billions): the count stops at MAX_CELLS, the empty rows counted as wide as the header."""
    from fidelity.monitoring.journey_files import MAX_CELLS

    book = workbook([header(), ["DEEP-1", "2026-01-12"]])
    sheet = book.active
    assert sheet is not None
    sheet["A1000000"] = "x"  # near the last row a sheet has
    start = time.perf_counter()
    (problem,) = refusal(saved(book), "deep.xlsx")
    assert problem.message.startswith("The sheet goes on far beyond a journey file's rows and columns (to row ")
    assert problem.line == MAX_CELLS // len(header()) + 1  # the first row past MAX_CELLS, the header's width each
    assert time.perf_counter() - start < 30  # not a timing target: row by row it took minutes and gigabytes


def test_empty_formatted_cells_count_toward_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.styles import Font

    from fidelity.monitoring import journey_files

    book = workbook([header(), ["FMT-1", "2026-01-12"]])
    sheet = book.active
    assert sheet is not None
    for row in range(3, 13):
        for column in range(1, 41):
            sheet.cell(row=row, column=column).font = Font(bold=True)  # formatted, empty
    monkeypatch.setattr(journey_files, "MAX_CELLS", 200)
    (problem,) = refusal(saved(book), "formatted.xlsx")
    assert problem.message.startswith("The sheet goes on far beyond") and 3 <= problem.line <= 12


def test_a_workbook_declaring_too_many_styles_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from fidelity.monitoring import journey_files

    data = xlsx_file([header(), ["STY-1", "2026-01-12"]])
    assert len(read_cells(data, "fine.xlsx").rows) == 1
    monkeypatch.setattr(journey_files, "MAX_STYLES", 100)
    (problem,) = refusal(data, "styles.xlsx")
    assert problem.message == (
        "The workbook declares far more cell styles than a journey file needs: copy the journeys to a new workbook."
    )


def _damaged(part: str, keep: float) -> bytes:
    """A good workbook with one of its parts cut short."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_file([header(), ["CUT-1", date(2026, 1, 12)]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item, content[: int(len(content) * keep)] if item.filename == part else content)
    return out.getvalue()


@pytest.mark.parametrize(
    "part", ["xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml"]
)
def test_a_damaged_workbook_is_refused_as_unreadable(part: str) -> None:
    assert refusal(_damaged(part, 0.5), "damaged.xlsx") == [
        Problem(None, "The file cannot be read as an xlsx workbook.")
    ]


def test_a_workbook_with_an_entity_that_expands_without_end_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi", strict=True))
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row></sheetData></worksheet>'
    )
    source = zipfile.ZipFile(io.BytesIO(xlsx_file([header()])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, bomb if item.filename == "xl/worksheets/sheet1.xml" else source.read(item))
    assert refusal(out.getvalue(), "bomb.xlsx") == [Problem(None, "The file cannot be read as an xlsx workbook.")]


def test_a_workbook_with_a_password_is_named_as_such() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (problem,) = refusal(ole, "secret.xlsx")
    assert problem.message.startswith("This is a workbook with a password, or in the old Excel format (.xls)")


@pytest.mark.parametrize(
    ("filename", "kept"),
    [
        ("Anna 073-987 65 43.csv", None),  # a mobile number written in groups
        ("ref 0739876543.csv", None),  # a mobile number beside other words
        ("Anna Svensson 800101.csv", None),  # a date of birth as a word of its own
        ("remiss_19800101-1239.csv", None),
        ("journeys 2026-11-24.csv", "journeys 2026-11-24.csv"),  # the day of the export
        ("NRV-01-journeys-2026-11-24.xlsx", "NRV-01-journeys-2026-11-24.xlsx"),
        ("NRV-01-forlopp-2026-11-24.xlsx", "NRV-01-forlopp-2026-11-24.xlsx"),  # a Swedish reader's export
        ("NRV-01 export 2026Q3.xlsx", "NRV-01 export 2026Q3.xlsx"),
        ("q3 (12 st).csv", "q3 (12 st).csv"),
        ("abc\u202evsc.csv", "abcvsc.csv"),  # a right-to-left override would show the name turned around
        ("Anna (073) 987 65 43.csv", None),
        ("Anna 073\u2013987 65 43.csv", None),  # an en dash
        ("Ola 01.01.1980.csv", None),  # a date of birth written day first
        ("Ola 01011980.csv", None),
        ("Anna 1980\u034f0101.csv", None),  # a mark that shows nothing, between the digits
        ("export 24.11.2026.csv", "export 24.11.2026.csv"),
        ("Anna Svensson remiss.csv", None),  # a person's names
        ("Karin_Nilsson_uppföljning.xlsx", None),
        ("remisser/Åsa Öberg/oktober.csv", "oktober.csv"),  # the folders are never kept
        ("Journeys Q3 2026.csv", "Journeys Q3 2026.csv"),  # one word with a capital is no name
        # Surname first, with a comma or in brackets, or a given name alone: a given name anywhere is enough.
        ("SVENSSON, ANNA 2026-10.csv", None),
        ("Svensson,Anna.xlsx", None),
        ("Svensson (Anna).csv", None),
        ("remiss lisa.csv", None),
        ("ANNASVENSSON.xlsx", None),  # run together
        ("annasvensson 2026.csv", None),
        ("Uppföljning oktober (NRV-02).xlsx", "Uppföljning oktober (NRV-02).xlsx"),
        ("Andersson remiss.csv", None),  # a surname alone
        ("remiss OLSEN.xlsx", None),
        # A number holding a month written year first is not read back to front: "01 2026-11" is no birth date.
        ("NRV-01 2026-11.csv", "NRV-01 2026-11.csv"),
        ("NRV-01 2026-11 v2.csv", "NRV-01 2026-11 v2.csv"),
        ("ref 1980-01-01.csv", None),  # a birth date written so is still one
        ("1990-05 15.csv", None),
        # A date beside more digits is still read with them, as an identity number or a phone number.
        ("1980-01-01-1239.csv", None),
        ("Referral 2012-05-05 1236.csv", None),  # a personnummer of someone aged 14, check digit right
        ("2012-05-05_1236.xlsx", None),
        ("(2012-05-05)1234.csv", None),
        ("1925-03-04 1234.csv", None),  # aged 101
        ("export 2026-11-25 14.30.csv", None),  # a date and a time that read as a newborn's personnummer
        ("070 2011-12 34.csv", None),
        ("0702 2011-12.csv", None),
        ("ref 2026-11 0739876543.csv", None),
    ],
)
def test_a_file_s_name_is_kept_unless_some_part_of_it_points_at_a_person(filename: str, kept: str | None) -> None:
    from fidelity.monitoring.imports import kept_file_name

    assert kept_file_name(filename, 2026) == kept


def test_a_code_a_spreadsheet_would_read_as_a_sum_is_refused_in_a_file(session: Any) -> None:
    """The CSV export writes codes as they are; a code starting with '-' would come back from Excel changed."""
    unit = factories.unit()
    with pytest.raises(ImportRefused) as refused:
        import_journeys(unit, csv_file([journey(code="NRV-1"), journey(code="-1-1")]), "sums.csv", TODAY)
    assert refused.value.problems == [
        Problem(3, "code: a code may not begin with '-': a spreadsheet would read it as a sum (-1-1 as -2)")
    ]


def test_words_are_not_dates_and_only_numbers_are_hours(session: Any) -> None:
    """pandas reads 'today' as a date, and Python reads 'nan' and '1_0' as numbers: a file holds neither."""
    unit = factories.unit()
    rows = [journey(code="W-1", decision_date="today"), journey(code="W-2", job1_hours="nan"),
            journey(code="W-3", job1_hours="1_0"), journey(code="W-4", job1_hours="20")]  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        import_journeys(unit, csv_file(rows), "words.csv", TODAY)
    assert refused.value.problems == [
        Problem(2, "decision_date: 'today' is not a date (YYYY-MM-DD)"),
        Problem(3, "job1_hours: 'nan' is not a number of hours"),
        Problem(4, "job1_hours: '1_0' is not a number of hours"),
    ]


def test_a_quote_never_closed_is_named_at_its_line() -> None:
    text = csv_text([journey(code="Q-1"), journey(code="Q-2"), journey(code="Q-3")])
    lines = text.splitlines()
    lines[2] = lines[2].replace("Q-2", '"Q-2', 1)
    assert refusal(("\n".join(lines) + "\n").encode(), "quote.csv") == [Problem(3, (
        'A quotation mark (") on this line opens a value that is never closed: the rest of the file would be read '
        "as part of it. Close it, or take it away."))]  # fmt: skip


def test_an_empty_first_sheet_is_named_rather_than_the_file_called_empty() -> None:
    book = workbook([])
    book.active.title = "Blad1"  # type: ignore[union-attr]
    second = book.create_sheet("journeys")
    second.append(header())
    second.append(["E-1", "2026-01-12"])
    assert refusal(saved(book), "empty.xlsx") == [
        Problem(None, "The workbook's first sheet, Blad1, is empty: the journeys go on the first sheet.")
    ]


def test_a_file_without_job_columns_does_not_delete_the_jobs_of_the_journeys_it_replaces(session: Any) -> None:
    """A journey is replaced with its jobs and courses. A file with no job columns at all says nothing of jobs: it
    is refused where it would delete some, rather than delete them unsaid. Empty job columns say there are none."""
    from tests.journey_data import GOOD

    unit = factories.unit()
    import_journeys(unit, csv_file([journey(code="KEEP-1"), journey(code="KEEP-2", job1_start="", job1_competitive="",
                                                                    job1_hours="")]), "first.csv", TODAY)  # fmt: skip
    session.commit()
    before = counts(session)
    main_columns = [name for name in header() if not name.startswith(("job", "education"))]
    rows = [{name: value for name, value in GOOD.items() if name in main_columns} | {"code": code}
            for code in ("NEW-1", "KEEP-1", "KEEP-2")]  # fmt: skip
    text = csv_text(rows, columns=main_columns)
    with pytest.raises(ImportRefused) as refused:
        import_journeys(unit, text.encode(), "no-jobs.csv", TODAY)
    assert refused.value.problems == [Problem(3, (
        "KEEP-1 has 1 job, and the file has no job columns: replacing the journey would delete it. Add the job "
        "columns (the unit's export has them), or leave the journey out."))]  # fmt: skip
    assert counts(session) == before
    # Without KEEP-1 the file goes in: KEEP-2 had no job, and none had a course.
    summary = import_journeys(unit, csv_text(rows[::2], columns=main_columns).encode(), "two.csv", TODAY)
    assert (summary.added, summary.replaced) == (1, 1)
    # Empty job columns delete KEEP-1's job, as meant.
    summary = import_journeys(unit, csv_file([journey(code="KEEP-1", job1_start="", job1_competitive="",
                                                      job1_hours="")]), "none.csv", TODAY)  # fmt: skip
    assert summary.replaced == 1 and journeys_of(session, unit)["KEEP-1"].jobs == []


def test_lines_ending_in_cr_alone_or_in_cr_and_lf_mixed_are_counted_as_pandas_reads_them() -> None:
    """A line cut short is found whatever ends the lines; a file whose lines end in CR alone reads as any other."""
    text = csv_text([journey(code="CR-1"), journey(code="CR-2"), journey(code="CR-3")])
    lines = text.splitlines()
    short = lines[2].rsplit(",", 6)[0]  # its last six values left out
    mixed = (lines[0] + "\n" + lines[1] + "\r" + short + "\n" + lines[3] + "\n").encode()
    assert [problem.line for problem in read_cells(mixed, "mixed.csv").problems] == [3]
    doubled = ("\r\r\n".join([lines[0], lines[1], short, lines[3]]) + "\r\r\n").encode()
    assert [problem.line for problem in read_cells(doubled, "doubled.csv").problems] == [5]  # a blank line after each
    cr_only = ("\r".join(lines * 1) + "\r").encode()
    cells = read_cells(cr_only, "cr.csv")
    assert cells.problems == () and list(cells.rows[0]) == ["CR-1", "CR-2", "CR-3"]


def test_a_year_0_or_before_is_refused_as_any_early_date(session: Any) -> None:
    unit = factories.unit()
    with pytest.raises(ImportRefused) as refused:
        rows = [journey(code="Y-1", referral_date="0000-01-01"), journey(code="Y-2", decision_date="-2025-09-08")]
        import_journeys(unit, csv_file(rows), "years.csv", TODAY)
    messages = [problem.message for problem in refused.value.problems]
    assert "referral_date: 0000-01-01 is before 1990-01-01: is the year right?" in messages
    assert "decision_date: -2025-09-08 is before 1990-01-01: is the year right?" in messages


def test_a_workbook_with_damaged_compressed_data_is_refused_as_unreadable() -> None:
    data = bytearray(xlsx_file([header(), *[[f"Z-{n}", "2026-01-12"] for n in range(200)]]))
    at = data.find(b"xl/worksheets/sheet1.xml") + 200  # inside that part's compressed data
    data[at : at + 3] = bytes(255 - byte for byte in data[at : at + 3])
    assert refusal(bytes(data), "damaged.xlsx") == [Problem(None, "The file cannot be read as an xlsx workbook.")]


def test_a_quoted_file_with_a_huge_value_is_read_not_crashed() -> None:
    text = csv_text([journey(code="BIG-1")])
    head, row = text.splitlines()
    data = (head + "\n" + row.replace("25_29", '"' + "x" * 200_000 + '"', 1) + "\n").encode()
    assert read_cells(data, "big.csv").rows.shape[0] == 1


def test_a_row_with_cells_as_far_as_column_xfd_is_refused_at_once() -> None:
    book = workbook([header(), ["XFD-1", "2026-01-12"]])
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=3, column=16384).number_format = "0.00"  # formatted, empty
    sheet.cell(row=3, column=16384).value = None
    sheet.cell(row=3, column=1).value = "XFD-2"
    (problem,) = refusal(saved(book), "xfd.xlsx")
    assert problem.line == 3 and "as far as column XFD" in problem.message


def test_a_code_the_sheet_holds_as_a_date_is_refused() -> None:
    book = workbook([header(), [date(2026, 3, 15), "2026-01-12"]])
    assert refusal(saved(book), "date-code.xlsx") == [Problem(2, (
        "code: the sheet holds a date or a yes/no here, not the code typed: format the column as text and type the "
        "code again."))]  # fmt: skip


def test_a_workbook_that_unpacks_to_too_much_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from fidelity.monitoring import journey_files

    data = xlsx_file([header(), ["U-1", "2026-01-12"]])
    monkeypatch.setattr(journey_files, "MAX_UNPACKED", 1_000)
    (problem,) = refusal(data, "big.xlsx")
    assert problem.message.startswith("The workbook unpacks to more than 0 MB")


def test_an_unknown_column_is_named_on_one_line_and_cut_short() -> None:
    from fidelity.monitoring.columns import header_problems

    head = ",".join(header()) + ',"note\nmore",' + "x" * 500
    cells = read_cells((head + "\n" + csv_file([journey()]).decode().splitlines()[1] + ",,\n").encode(), "odd.csv")
    messages = [problem.message for problem in header_problems(cells)]
    assert messages == [
        "Unknown column: note⏎more.",
        f"Unknown column: {'x' * 39}….",
    ]
