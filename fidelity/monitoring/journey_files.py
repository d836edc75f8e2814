"""Journey files as tables of text cells: reading CSV (UTF-8 or Windows-1252, comma or semicolon) and xlsx, writing
both.

Every cell is read as text, so that the checks see what the person typed and can quote it; xlsx dates and numbers
are turned into the text a CSV would hold. A file that cannot be read is one problem about the whole file.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from flask_babel import gettext as _

from fidelity.monitoring.layout import LAYOUT, Column, Kind, spell_header
from fidelity.monitoring.problems import Problem, refused

XLSX_MAGIC = b"PK\x03\x04"  # an xlsx workbook is a zip archive


@dataclass(frozen=True)
class Cells:
    """A file's header and its non-empty rows, every cell text ('' when empty)."""

    header: list[str]
    rows: pd.DataFrame  # columns numbered 0..n-1 as in the header; index 0..len-1
    lines: np.ndarray  # the line (CSV) or sheet row (xlsx) each row was on
    header_line: int = 1
    problems: tuple[Problem, ...] = ()  # lines left out of `rows` because they could not be read as rows


def read_cells(data: bytes, filename: str) -> Cells:
    """The cells of an uploaded CSV or xlsx file. Raises ImportRefused when the file cannot be read."""
    suffix = PurePath(filename).suffix.lower()
    if data.isspace() or not data:  # stops at the first character that is not a space, unlike a stripped copy
        raise refused(_("The file is empty."))
    skipped: list[int] = []
    if data.startswith(XLSX_MAGIC):
        table = _read_xlsx(data)
    elif suffix == ".xls":
        raise refused(_("This is the old Excel format (.xls): save it as .xlsx or as CSV UTF-8."))
    elif suffix in (".csv", ".txt", ""):
        table, skipped = _read_csv(data)
    else:
        raise refused(_("This is not a CSV or xlsx file."))
    return _cells(table, skipped)


# What the C parser warns of each line with more values than the first: "Skipping line 7: expected 13 fields, saw 14".
_SKIPPED_LINE = re.compile(r"Skipping line (\d+): expected \d+ fields, saw \d+")


def _read_csv(data: bytes) -> tuple[pd.DataFrame, list[int]]:
    """The file's lines as a table of text, and the lines left out of it for having more values than the header."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refused(_("The file is UTF-16 text (Excel's 'Unicode text'): in Excel, save it as 'CSV UTF-8'."))
    if b"\x00" in data:
        raise refused(_("This is not a CSV file: it is not text."))
    end = data.find(b"\n")
    first_line = data[: end if end >= 0 else len(data)]  # without copying the rest of the file
    separator = ";" if first_line.count(b";") > first_line.count(b",") else ","
    try:
        try:
            table, caught = _parse_csv(data, separator, "utf-8-sig")
        except UnicodeDecodeError:
            # Not UTF-8: Swedish Excel's "CSV (semicolon separated)" is Windows-1252, which reads nearly any bytes.
            table, caught = _parse_csv(data, separator, "cp1252")
    except UnicodeDecodeError:
        raise refused(_("The file is not UTF-8 text: in Excel, save it as 'CSV UTF-8'.")) from None
    except pd.errors.EmptyDataError:
        raise refused(_("The file is empty.")) from None
    except pd.errors.ParserError as error:
        raise refused(_("The file cannot be read as CSV: %(error)s", error=str(error))) from None
    skipped = [int(line) for warning in caught for line in _SKIPPED_LINE.findall(str(warning.message))]
    return table, sorted(skipped)


def _parse_csv(data: bytes, separator: str, encoding: str) -> tuple[pd.DataFrame, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        # pandas decodes as it parses, rather than after a decoded copy of the whole file. A line with more values
        # than the header is left out with a warning, so that every such line is found and reported.
        table = pd.read_csv(io.BytesIO(data), encoding=encoding, sep=separator, header=None, dtype=object,
                            keep_default_na=False, skip_blank_lines=False, on_bad_lines="warn")  # fmt: skip
    return table, caught


def _read_xlsx(data: bytes) -> pd.DataFrame:
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=object, engine="openpyxl")
        codes = _numeric_codes(data, frame)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise refused(_("The file cannot be read as an xlsx workbook.")) from None
    frame = frame.map(cell_text)
    for (row, column), text in codes.items():
        frame.iat[row, column] = text
    return frame


# A number format of zeros alone ("00000"): Excel shows the number with as many digits, leading zeros put back.
_ZERO_PADDED = re.compile(r"0+")


def _numeric_codes(data: bytes, frame: pd.DataFrame) -> dict[tuple[int, int], str]:
    """The codes typed as numbers, as the sheet shows them: a code 00123 typed into a cell formatted "00000" is held
    as the number 123, and would otherwise become another person's code. Keyed by position in `frame`; the sheet is
    opened a second time only when there is such a cell."""
    if frame.empty:
        return {}
    columns = [i for i, name in enumerate(frame.iloc[0]) if isinstance(name, str) and name.strip() == "code"]
    numeric = [
        (int(row), column)
        for column in columns
        for row in np.flatnonzero(frame[frame.columns[column]].map(_is_number).to_numpy(dtype=bool))
    ]
    if not numeric:
        return {}
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    wanted = set(numeric)
    texts = {}
    for column in columns:  # one pass down each code column: a read-only sheet has no quick way to a single cell
        for row, (cell,) in enumerate(sheet.iter_rows(min_col=column + 1, max_col=column + 1)):
            if (row, column) in wanted:
                digits = cell_text(cell.value)
                padded = _ZERO_PADDED.fullmatch(getattr(cell, "number_format", "") or "")
                texts[row, column] = digits.zfill(len(padded.group())) if padded and digits.isdigit() else digits
    return texts


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def cell_text(value: Any) -> str:
    """An xlsx cell as the text a CSV would hold: dates as YYYY-MM-DD, whole numbers without '.0', yes/no."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cells(table: pd.DataFrame, skipped: list[int]) -> Cells:
    if table.empty:
        raise refused(_("The file is empty."))
    table.columns = range(table.shape[1])
    header = [str(name).strip() for name in table.iloc[0]]
    if not any(header):
        raise refused(_("The first line must name the columns."), 1)
    rows = table.iloc[1:]
    # A row is blank when every cell is empty; only rows whose first cell is empty need the rest looked at.
    filled = rows[0].to_numpy(dtype=object) != ""
    unsure = np.flatnonzero(~filled)
    filled[unsure] = (rows.iloc[unsure].to_numpy(dtype=object) != "").any(axis=1)
    every_line = np.arange(1, len(table) + len(skipped) + 1)
    kept_lines = np.delete(every_line, np.asarray(skipped, dtype=int) - 1)  # the line each row of `table` was on
    lines = kept_lines[1:][filled]
    too_many = _("This line has more values than the header has columns.")
    problems = tuple(Problem(line, too_many) for line in skipped)
    return Cells(header=header, rows=rows[filled].reset_index(drop=True), lines=lines, problems=problems)


# --- writing -------------------------------------------------------------------------------------------------


def day_text(dates: pd.Series) -> np.ndarray:
    """Dates as 'YYYY-MM-DD' text, None where missing: what the files hold and what a DATE column takes."""
    # Formatted once per distinct day: a file has far fewer days than rows.
    codes, days = pd.factorize(dates)
    text = np.datetime_as_string(np.asarray(days, dtype="datetime64[D]"), unit="D").astype(object)
    return np.append(text, [None])[codes]  # code -1, a missing date, takes the None at the end


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table of text as CSV, UTF-8 with the byte-order mark Excel needs to see it is UTF-8."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def _column(name: str) -> Column | None:
    spell = spell_header(name)
    return spell[2] if spell else next((c for c in LAYOUT if c.name == name), None)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as dates and hours as numbers, so that a spreadsheet shows and sorts them as such."""
    typed = frame.copy()
    for name in frame.columns:
        column = _column(name)
        if column is not None and column.kind is Kind.DATE:
            typed[name] = pd.to_datetime(frame[name], format="%Y-%m-%d", errors="coerce").dt.date
        elif column is not None and column.kind is Kind.HOURS:
            typed[name] = pd.to_numeric(frame[name], errors="coerce")
    typed = typed.astype(object)
    return typed.where(typed.notna() & (typed != ""), None)


def xlsx_bytes(frame: pd.DataFrame, help_rows: list[list[str]] | None = None) -> bytes:
    """A table of text as an xlsx workbook: the sheet 'journeys', and a sheet 'columns' when help rows are given."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="YYYY-MM-DD") as writer:
        _typed(frame).to_excel(writer, sheet_name="journeys", index=False)
        sheet = writer.sheets["journeys"]
        sheet.freeze_panes = "B2"
        for index, name in enumerate(frame.columns):
            dimension = sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter]
            dimension.width = max(12, len(name) + 2)
            if name == "code":
                dimension.number_format = "@"  # text, so that a code typed as 0042 keeps its zeros
        if help_rows:
            pd.DataFrame(help_rows[1:], columns=help_rows[0]).to_excel(writer, sheet_name="columns", index=False)
            columns_sheet = writer.sheets["columns"]
            for letter, width in zip("ABCD", (30, 10, 50, 80), strict=True):
                columns_sheet.column_dimensions[letter].width = width
    return buffer.getvalue()
