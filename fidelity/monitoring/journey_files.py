"""Journey files as tables of text cells: reading CSV (UTF-8 or Windows-1252, comma or semicolon) and xlsx, writing
both.

Every cell is read as text, so that the checks see what the person typed and can quote it; xlsx dates and numbers
are turned into the text a CSV would hold. A file that cannot be read is one problem about the whole file.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Any
from xml.etree.ElementTree import ParseError

import numpy as np
import openpyxl
import pandas as pd
from flask_babel import gettext as _
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from fidelity.column_names import ColumnNames, swedish_request
from fidelity.i18n import semicolon_csv
from fidelity.monitoring.layout import JA_NEJ, LAYOUT, Column, Kind, english_name, spell_header
from fidelity.monitoring.problems import Problem, refused

XLSX_MAGIC = b"PK\x03\x04"  # an xlsx workbook is a zip archive
# An OLE compound file: an old .xls workbook, or an xlsx workbook encrypted with a password.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
    values: np.ndarray | None = None
    if data.startswith(XLSX_MAGIC):
        table = _read_xlsx(data)
    elif data.startswith(OLE_MAGIC):
        raise refused(_("This is a workbook with a password, or in the old Excel format (.xls): save it as .xlsx "
                        "without a password, or as CSV UTF-8."))  # fmt: skip
    elif suffix == ".xls":
        raise refused(_("This is the old Excel format (.xls): save it as .xlsx or as CSV UTF-8."))
    elif suffix in (".csv", ".txt", ""):
        table, skipped, values = _read_csv(data)
    elif suffix in (".xlsx", ".xlsm"):
        raise refused(_("The file is named %(suffix)s but is not an Excel workbook: it may be a CSV file renamed, or "
                        "a damaged one. Open it in Excel and save it as .xlsx, or name a CSV file .csv.",
                        suffix=suffix))  # fmt: skip
    else:
        raise refused(_("This is not a CSV or xlsx file."))
    return _cells(table, skipped, values)


# What the C parser says of a quoted value still open at the end of the file.
_UNCLOSED_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")
# What the C parser warns of each line with more values than the first: "Skipping line 7: expected 13 fields, saw 14".
_SKIPPED_LINE = re.compile(r"Skipping line (\d+): expected \d+ fields, saw \d+")


def _read_csv(data: bytes) -> tuple[pd.DataFrame, list[int], np.ndarray]:
    """The file's lines as a table of text, the lines left out of it for having more values than the header, and
    how many values each line holds."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refused(_("The file is UTF-16 text (Excel's 'Unicode text'): in Excel, save it as 'CSV UTF-8'."))
    if b"\x00" in data:
        raise refused(_("This is not a CSV file: it is not text."))
    ends = [at for at in (data.find(b"\n"), data.find(b"\r")) if at >= 0]
    first_line = data[: min(ends, default=len(data))]  # without copying the rest of the file
    separator = ";" if first_line.count(b";") > first_line.count(b",") else ","
    if first_line.count(separator.encode()) >= MAX_COLUMNS:
        raise refused(
            _("The first line has %(count)d columns, far more than a journey file has: delete the empty ones at its "
              "end.", count=first_line.count(separator.encode()) + 1),
            1,
        )  # fmt: skip
    try:
        try:
            table, caught = _parse_csv(data, separator, "utf-8-sig")
        except UnicodeDecodeError:
            # Not UTF-8: Swedish Excel's "CSV (semicolon separated)" is Windows-1252, which reads nearly any bytes.
            _refuse_mixed_encodings(data)
            table, caught = _parse_csv(data, separator, "cp1252")
    except UnicodeDecodeError:
        raise refused(_("The file is not UTF-8 text: in Excel, save it as 'CSV UTF-8'.")) from None
    except pd.errors.EmptyDataError:
        raise refused(_("The file is empty.")) from None
    except pd.errors.ParserError as error:
        unclosed = _UNCLOSED_QUOTE.search(str(error))
        if unclosed:  # pandas counts its rows from 0
            line = int(unclosed.group(1)) + 1
            raise refused(
                _("A quotation mark (\") on this line opens a value that is never closed: the rest of the file would "
                  "be read as part of it. Close it, or take it away."),
                line,
            ) from None  # fmt: skip
        raise refused(_("The file cannot be read as CSV: %(error)s", error=str(error))) from None
    skipped = [int(line) for warning in caught for line in _SKIPPED_LINE.findall(str(warning.message))]
    return table, sorted(skipped), _values_per_line(data, separator)


# Two or more bytes that UTF-8 writes one letter outside ASCII with (å is C3 A5). Windows-1252 text holds them only as
# unlikely pairs of letters ("Ã¥"), so a file that has them and yet is not UTF-8 mixes the two encodings.
_UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _refuse_mixed_encodings(data: bytes) -> None:
    """Refuse a file that is UTF-8 but for some bytes (a line pasted from a file saved another way): read as
    Windows-1252, each of its letters outside ASCII would become two wrong ones, and be stored so."""
    if not _UTF8_LETTER.search(data):
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n" if b"\n" in data else b"\r", 0, error.start) + 1
        raise refused(
            _("The file is UTF-8 text except on this line, which holds a character saved in another encoding: "
              "correct it, or save the whole file as 'CSV UTF-8'."),
            line,
        ) from None  # fmt: skip


def _values_per_line(data: bytes, separator: str) -> np.ndarray:
    """How many values each line of the file holds, in the order pandas reads its lines (a quoted line break is
    within its value); counted on the bytes, as the separators, quotes and line breaks are ASCII in either encoding."""
    if b'"' in data or 0 < data.count(b"\r") != data.count(b"\r\n"):
        # Quoted values may hold separators and line breaks, and a line may end in CR alone, LF or both: a CSV
        # reader counts them as pandas does.
        csv.field_size_limit(max(csv.field_size_limit(), len(data)))
        text = io.StringIO(data.decode("latin-1"), newline="")
        return np.fromiter((len(row) or 1 for row in csv.reader(text, delimiter=separator)), dtype=np.int64)
    bytes_ = np.frombuffer(data, dtype=np.uint8)
    newline = ord("\n") if b"\n" in data else ord("\r")
    separators = np.flatnonzero(bytes_ == ord(separator))
    before = np.searchsorted(separators, np.flatnonzero(bytes_ == newline))  # separators before each line's end
    per_line = np.diff(np.concatenate(([0], before, [len(separators)])))  # the last: after the last line break
    return (per_line[:-1] if data.endswith(bytes([newline])) else per_line) + 1


def _parse_csv(data: bytes, separator: str, encoding: str) -> tuple[pd.DataFrame, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        # pandas decodes as it parses, rather than after a decoded copy of the whole file. A line with more values
        # than the header is left out with a warning, so that every such line is found and reported.
        table = pd.read_csv(io.BytesIO(data), encoding=encoding, sep=separator, header=None, dtype=object,
                            keep_default_na=False, skip_blank_lines=False, on_bad_lines="warn")  # fmt: skip
    return table, caught


# A journey file has 13 columns and 4 more for each job, 2 for each course: a file with more than this many columns,
# or a sheet with more cells in all (100,000 journeys with ten jobs each fill 5.3 million), has something far away
# from its journeys (a stray value in column XFD), which would otherwise be laid out as a grid of empty cells as wide
# and as long as it reaches.
MAX_COLUMNS = 1_000
MAX_CELLS = 6_000_000
# Errors reading a workbook that is not one, or a damaged one: its zip, its XML (cut short, or an entity that would
# expand without end), or what openpyxl makes of them.
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, KeyError, ValueError, TypeError,
               IndexError, OSError, ParseError, InvalidFileException)  # fmt: skip
# What a workbook may unpack to: 100,000 journeys with jobs and courses take some 100 MB of sheet XML.
MAX_UNPACKED = 400_000_000
# What its styles may unpack to. openpyxl reads every style a workbook declares, whatever its cells use, and a few
# kilobytes zipped can declare millions (a minute and gigabytes of memory): a workbook saved by a spreadsheet holds a
# few hundred, in well under a megabyte.
MAX_STYLES = 3_000_000


def _read_xlsx(data: bytes) -> pd.DataFrame:
    """The first visible sheet as a table of text. Read cell by cell (openpyxl, read-only), so that a code typed as a
    number is read as the sheet shows it, and so that a sheet reaching far beyond its journeys is refused before it
    is laid out in full."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
        styles = sum(item.file_size for item in parts if item.filename.lower().endswith("styles.xml"))
        if sum(item.file_size for item in parts) > MAX_UNPACKED or styles > MAX_STYLES:
            raise refused(_("The workbook unpacks to more than %(size)d MB, far more than a journey file takes: copy "
                            "the journeys to a new workbook.", size=MAX_UNPACKED // 1_000_000)
                          if styles <= MAX_STYLES else
                          _("The workbook declares far more cell styles than a journey file needs: copy the journeys "
                            "to a new workbook."))  # fmt: skip
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        try:
            sheet = next((sheet for sheet in book.worksheets if sheet.sheet_state == "visible"), None)
            if sheet is None:
                raise refused(_("The workbook has no visible sheet."))
            rows = _sheet_rows(sheet)
            if not rows and len(book.worksheets) > 1:
                raise refused(_("The workbook's first sheet, %(sheet)s, is empty: the journeys go on the first sheet.",
                                sheet=sheet.title))  # fmt: skip
        finally:
            book.close()
    except _UNREADABLE:
        raise refused(_("The file cannot be read as an xlsx workbook.")) from None
    return pd.DataFrame(rows, dtype=object)


def _sheet_rows(sheet: Any) -> list[list[str]]:
    """The rows of a read-only sheet as text, up to the last row with a value, each as wide as the widest.

    Refused as soon as what has been read would fill more than MAX_CELLS: counting the empty cells the sheet holds
    (formatted ones) and the empty rows that lie between its rows with values (openpyxl gives one for each missing row
    number, so a value in row 100,000,000 would otherwise be reached a row at a time)."""
    sheet.reset_dimensions()  # a sheet's declared size may be wrong: read what it holds
    rows: list[list[str]] = []
    code_columns: set[int] = set()
    last, width, held = -1, 0, 0
    for number, row in enumerate(sheet.rows):
        held += len(row)
        if held > MAX_CELLS or (number + 1) * max(width, 1) > MAX_CELLS:
            raise refused(
                _("The sheet goes on far beyond a journey file's rows and columns (to row %(row)d at least, with "
                  "empty or formatted cells): delete what is below and beside the journeys, or copy them to a new "
                  "workbook.", row=number + 1),
                number + 1,
            )  # fmt: skip
        if len(row) > MAX_COLUMNS:  # cells as far as XFD, if only formatted: each would be read
            raise refused(
                _("Row %(row)d of the sheet has cells as far as column %(column)s (formatted, if empty): clear what "
                  "is beyond the journeys' columns, or copy the journeys to a new workbook.",
                  row=number + 1, column=get_column_letter(len(row))),
                number + 1,
            )  # fmt: skip
        values = [cell_text(cell.value) for cell in row]
        if number == 0:
            code_columns = {i for i, name in enumerate(values) if name.strip().lower() == "code"}
        for column in code_columns:
            if number and column < len(values) and not isinstance(row[column].value, str | None):
                values[column] = _code_of(row[column], number + 1)
        while values and values[-1] == "":
            values.pop()
        if values:
            last, width = number, max(width, len(values))
            if (number + 1) * width > MAX_CELLS:  # (a row beyond MAX_COLUMNS was refused above)
                raise refused(
                    _("The sheet has a value in row %(row)d, column %(column)s, far beyond a journey file's columns "
                      "and rows: delete what is there, or copy the journeys to a new workbook.",
                      row=number + 1, column=get_column_letter(len(values))),
                    number + 1,
                )  # fmt: skip
        rows.append(values)
    return [values + [""] * (width - len(values)) for values in rows[: last + 1]]


# A number format of zeros alone ("00000"): Excel shows the number with as many digits, leading zeros put back.
_ZERO_PADDED = re.compile(r"0+")
# Formats that show a whole number as its digits.
_PLAIN_FORMATS = frozenset({"General", "0", "@"})


def _code_of(cell: Any, row: int) -> str:
    """A code cell the sheet holds as something other than text: a number as the sheet shows it; a date or a yes/no,
    which a code typed into a cell Excel took for one (15-Mar, TRUE) would be stored as, refused."""
    if isinstance(cell.value, datetime | date | bool):
        raise refused(
            _("code: the sheet holds a date or a yes/no here, not the code typed: format the column as text and type "
              "the code again."),
            row,
        )  # fmt: skip
    return _code_as_shown(cell, row)


def _code_as_shown(cell: Any, row: int) -> str:
    """A code typed as a number, as the sheet shows it: 00123 typed into a cell formatted "00000" is held as the
    number 123, and would otherwise become another person's code. A number in any other format ("NRV-"000, #,##0)
    is shown as something the file does not hold: refused, rather than read as another code."""
    digits = cell_text(cell.value)
    number_format = getattr(cell, "number_format", None) or "General"
    padded = _ZERO_PADDED.fullmatch(number_format)
    if padded and digits.isdigit():
        return digits.zfill(len(padded.group()))
    if number_format in _PLAIN_FORMATS:
        return digits
    raise refused(
        _("code: the number %(number)s is formatted as %(format)s in the sheet, which shows it otherwise: format "
          "the column as text and type the code again.", number=digits, format=number_format),
        row,
    )  # fmt: skip


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


def _cells(table: pd.DataFrame, skipped: list[int], values: np.ndarray | None = None) -> Cells:
    """The header and non-empty rows of `table`. `skipped`: lines left out for having too many values; `values`: how
    many values each line of a CSV holds, so that a line with fewer than the header names is refused rather than
    read as if the missing values at its end were empty (an import would then clear them)."""
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
    problems = [Problem(line, too_many) for line in skipped]
    named = max(i for i, name in enumerate(header) if name) + 1  # empty columns at the header's end need no value
    if values is not None and len(values) >= len(every_line):
        found = values[lines - 1]
        for position in np.flatnonzero(found < named):
            if (rows[filled].iloc[position, int(found[position]) : named] == "").all():  # as pandas read it too
                problems.append(Problem(int(lines[position]), _(
                    "This line has %(found)d values, fewer than the %(named)d columns the header names: a value left "
                    "out is not taken as empty. Save the file from the spreadsheet as an xlsx workbook, or end the "
                    "line with a separator for each empty value.",
                    found=int(found[position]), named=named)))  # fmt: skip
    problems.sort(key=lambda problem: problem.line or 0)
    return Cells(header=header, rows=rows[filled].reset_index(drop=True), lines=lines, problems=tuple(problems))


# --- writing -------------------------------------------------------------------------------------------------


def day_text(dates: pd.Series) -> np.ndarray:
    """Dates as 'YYYY-MM-DD' text, None where missing: what the files hold and what a DATE column takes."""
    # Formatted once per distinct day: a file has far fewer days than rows.
    codes, days = pd.factorize(dates)
    text = np.datetime_as_string(np.asarray(days, dtype="datetime64[D]"), unit="D").astype(object)
    return np.append(text, [None])[codes]  # code -1, a missing date, takes the None at the end


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV, UTF-8 with the byte-order mark Excel needs to see it is UTF-8; for a reader whose language
    writes a decimal comma (`semicolon_csv`), with semicolons and decimal commas, as their Excel opens and saves it.
    The import reads either."""
    if swedish_request():
        frame = _yes_no(frame)
    if semicolon_csv():
        return frame.to_csv(index=False, lineterminator="\n", sep=";", decimal=",").encode("utf-8-sig")
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


_JA_NEJ = dict(zip((True, False), JA_NEJ, strict=True))


def _yes_no(frame: pd.DataFrame) -> pd.DataFrame:
    """True and false as a Swedish reader writes them, ja and nej (which the import reads too): Swedish Excel reads
    neither True nor False as a truth value, and shows them as English words."""
    said = frame.copy()
    for name in frame.columns:
        # Told by the column's type first: a column of text (the journeys') is never read cell by cell.
        if pd.api.types.infer_dtype(frame[name], skipna=True) not in ("boolean", "mixed"):
            continue
        truths = frame[name].map(lambda value: isinstance(value, bool | np.bool_))
        if truths.any():
            said[name] = frame[name].astype(object).where(~truths, frame[name][truths].map(lambda v: _JA_NEJ[bool(v)]))
    return said


def layout_column(name: str) -> Column | None:
    """The layout's column a header names, in English or Swedish."""
    name = english_name(name)
    spell = spell_header(name)
    return spell[2] if spell else next((c for c in LAYOUT if c.name == name), None)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as dates and hours as numbers, so that a spreadsheet shows and sorts them as such."""
    typed = frame.copy()
    for name in frame.columns:
        column = layout_column(name)
        if column is not None and column.kind is Kind.DATE:
            typed[name] = pd.to_datetime(frame[name], format="%Y-%m-%d", errors="coerce").dt.date
        elif column is not None and column.kind is Kind.HOURS:
            typed[name] = pd.to_numeric(frame[name], errors="coerce")
    typed = typed.astype(object)
    return typed.where(typed.notna() & (typed != ""), None)


# The workbook's sheets, as a Swedish reader's are named. The import reads the first visible sheet whatever its name,
# so that a workbook with the English names (any made before), the Swedish ones or others is read alike.
SHEETS = ColumnNames({"journeys": "förlopp", "columns": "kolumner", "lists": "listor"})
# Rows below the journeys that a drop-down list reaches, for the journeys a unit adds.
DROP_DOWN_ROWS = 1000
# The most characters Excel takes in a list written in the rule itself, commas included; a longer list, or one with a
# value holding a comma, a semicolon (the separator Excel shows in a language that writes decimal commas) or a
# quotation mark, is written on the hidden sheet of lists and named by its cells.
LIST_IN_RULE_MAX = 255


def xlsx_bytes(
    frame: pd.DataFrame, help_rows: list[list[str]] | None = None, lists: Mapping[str, Sequence[str]] | None = None
) -> bytes:
    """A table of text as an xlsx workbook: the sheet 'journeys', and a sheet 'columns' when help rows are given,
    each named in Swedish for a Swedish reader. `lists`: the values each column takes, by the layout's name of the
    column (job<N>_competitive for every job's), offered as a drop-down list in its cells."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="YYYY-MM-DD") as writer:
        journeys = SHEETS.heading("journeys")
        _typed(frame).to_excel(writer, sheet_name=journeys, index=False)
        sheet = writer.sheets[journeys]
        sheet.freeze_panes = "B2"
        for index, name in enumerate(frame.columns):
            dimension = sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter]
            dimension.width = max(12, len(name) + 2)
            if english_name(name) == "code":
                dimension.number_format = "@"  # text, so that a code typed as 0042 keeps its zeros
        if help_rows:
            columns = SHEETS.heading("columns")
            pd.DataFrame(help_rows[1:], columns=help_rows[0]).to_excel(writer, sheet_name=columns, index=False)
            columns_sheet = writer.sheets[columns]
            for letter, width in zip("ABCD", (30, 10, 50, 80), strict=True):
                columns_sheet.column_dimensions[letter].width = width
        if lists:
            _drop_downs(writer.book, sheet, list(frame.columns), lists, last_row=len(frame) + 1 + DROP_DOWN_ROWS)
    return buffer.getvalue()


def _drop_downs(
    book: Workbook, sheet: Worksheet, names: list[str], lists: Mapping[str, Sequence[str]], last_row: int
) -> None:
    """A drop-down list in each column of `sheet` (headed `names`) that `lists` has values for, from the row under
    the header to `last_row`. A cell may be left empty. A value typed that is not in the list is warned of, and
    kept if the person says so: a warning rather than a stop, because a value pasted or typed from another file (a
    code such as not_motivated, or the form's English name) is read by the import too, though not in the list; the
    import checks every value anyway."""
    written: dict[tuple[str, ...], str] = {}  # each list written on the sheet of lists, and its cells
    for position, name in enumerate(names, start=1):
        column = layout_column(name)
        values = tuple(lists.get(column.name, ())) if column is not None else ()
        if not values:
            continue
        formula = _list_in_rule(values)
        if formula is None:
            if not written:
                hidden = book.create_sheet(SHEETS.heading("lists"))
                hidden.sheet_state = "hidden"  # the import reads the first visible sheet, and this one is last
            if values not in written:
                written[values] = _write_list(book[SHEETS.heading("lists")], name, values, len(written) + 1)
            formula = written[values]
        rule = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=_("Not in the list"),
            error=_("This is not one of the list's values, and the import may refuse it. Choose one from the list, "
                    "or leave the cell empty."),
        )  # fmt: skip
        letter = get_column_letter(position)
        rule.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(rule)


def _list_in_rule(values: Sequence[str]) -> str | None:
    """A list as Excel writes it in the rule itself ("a,b,c"), or None when it cannot be: longer than
    LIST_IN_RULE_MAX, or with a comma or semicolon (which could split a value) or a quotation mark in a value."""
    text = ",".join(values)
    if len(text) > LIST_IN_RULE_MAX or any(mark in value for value in values for mark in ',;"'):
        return None
    return f'"{text}"'


def _write_list(sheet: Worksheet, name: str, values: Sequence[str], number: int) -> str:
    """`values` in column `number` of the sheet of lists, under the name of the column they are for; the reference
    to their cells a rule takes."""
    letter = get_column_letter(number)
    sheet.cell(row=1, column=number, value=name)
    for row, value in enumerate(values, start=2):
        sheet.cell(row=row, column=number, value=value)
    return f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${len(values) + 1}"
