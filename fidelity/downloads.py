"""Files a page hands over for saving: CSV and Excel exports."""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Sequence

import pandas as pd
from flask import Response
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fidelity.column_names import ColumnNames

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, content_type: str, filename: str) -> Response:
    """`content` as an attachment called `filename`. The Content-Type is kept as given (as a mimetype, werkzeug would
    add a second charset to text/csv's), and no cache keeps a unit's figures or records."""
    response = Response(content, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# A workbook's sheet that says what each of its columns gives (`column_key`), and that sheet's columns, as a Swedish
# reader's files name them: for the ColumnNames of an export whose workbook has one.
SOFT_HYPHEN = "\u00ad"
KEY_NAMES = {"Definitions": "Definitioner", "column": "kolumn", "figure": "mått", "definition": "definition"}


def column_key(names: ColumnNames, explained: Iterable[tuple[str, str, str]]) -> pd.DataFrame:
    """A workbook's sheet of definitions, a line for each column: the column as the reader's export heads it (`names`
    gives the Swedish name of one named in English), with its label and its definition, both given in the reader's
    language. The soft hyphens a page's label may hold, where a narrow column may break a long word, are left out:
    a spreadsheet's cell wraps by words."""
    lines = [(names.heading(column), label.replace(SOFT_HYPHEN, ""), text) for column, label, text in explained]
    return pd.DataFrame(lines, columns=["column", "figure", "definition"])


def xlsx_bytes(
    frame: pd.DataFrame,
    sheet: str,
    *,
    percent: Collection[str] = (),
    dates: Collection[str] = (),
    times: Collection[str] = (),
    freeze: str | None = None,
    names: ColumnNames | None = None,
    more: Sequence[tuple[str, pd.DataFrame]] = (),
) -> bytes:
    """`frame` as a workbook, its cells typed for a spreadsheet: the `percent` columns (shares from 0 to 1) shown as
    percentages, the `dates` ('YYYY-MM-DD') and `times` ('YYYY-MM-DD HH:MM:SS') columns as dates and times Excel can
    sort and count with. The CSV export of the same frame keeps the values as they are. With `names`, the columns
    are headed in the language of the request (the other arguments name them in English). `more` are further sheets
    after it, each a name and a table of plain values, named and headed the same way (a key to the first's columns)."""
    typed = frame.copy()
    for column in (*dates, *times):
        if column in typed:
            typed[column] = pd.to_datetime(typed[column], errors="coerce")
    buffer = io.BytesIO()
    with pd.ExcelWriter(
        buffer, engine="openpyxl", date_format="YYYY-MM-DD", datetime_format="YYYY-MM-DD HH:MM:SS"
    ) as writer:
        worksheet = _sheet(writer, typed, sheet, names, widths=frame)
        for position, column in enumerate(typed.columns, start=1):
            if column in percent:
                for (cell,) in worksheet.iter_rows(min_row=2, min_col=position, max_col=position):
                    cell.number_format = "0.0%"
            if column in dates:  # a date column without a time: pandas writes dates with times as datetimes
                for (cell,) in worksheet.iter_rows(min_row=2, min_col=position, max_col=position):
                    cell.number_format = "YYYY-MM-DD"
        if freeze:
            worksheet.freeze_panes = freeze
        for name, table in more:
            _sheet(writer, table, name, names, prose=True)
    return buffer.getvalue()


def _sheet(
    writer: pd.ExcelWriter,
    frame: pd.DataFrame,
    sheet: str,
    names: ColumnNames | None,
    *,
    widths: pd.DataFrame | None = None,
    prose: bool = False,
) -> Worksheet:
    """`frame` written as the sheet `sheet`, it and its columns named in the language of the request when `names`
    has them, each column as wide as its heading and its longest value need (in `widths`, the values as written
    before dates were typed, when given), within NARROWEST to WIDEST characters. On a sheet of `prose` (a key to
    another sheet's columns), a column of sentences is wide and its cells wrap them instead; a data sheet's long
    value (a unit's name of 200 characters) keeps to WIDEST, in one line."""
    headings = [names.heading(column) for column in frame.columns] if names else list(frame.columns)
    sheet = names.heading(sheet) if names else sheet  # the sheet too, when it has a Swedish name
    frame.to_excel(writer, sheet_name=sheet, index=False, header=headings)
    worksheet: Worksheet = writer.sheets[sheet]
    wrapped = False
    for position, (column, heading) in enumerate(zip(frame.columns, headings, strict=True), start=1):
        values = (frame if widths is None else widths)[column]
        letter = get_column_letter(position)
        if prose and _longest(values) > PROSE:  # a column of sentences (a definition): wide, its lines wrapped
            wrapped = True
            worksheet.column_dimensions[letter].width = PROSE_WIDTH
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        else:
            worksheet.column_dimensions[letter].width = _width(values, str(heading))
    if wrapped:  # the other cells of a line at the top of it, beside the first line of the wrapped text
        for row in worksheet.iter_rows(min_row=2):
            for cell in row:
                if not cell.alignment.wrap_text:
                    cell.alignment = Alignment(vertical="top")
    return worksheet


PROSE = 80  # a column whose values run longer than this is prose, wrapped in cells PROSE_WIDTH characters wide
PROSE_WIDTH = 90


def _longest(values: pd.Series) -> int:
    return max((len(str(value)) for value in values.dropna()), default=0)


# A column's width in characters: at least NARROWEST, so that a short heading's column takes a number; at most
# WIDEST, so that a long value (a unit's name) does not push the rest of the sheet out of sight.
NARROWEST, WIDEST = 10, 40


def _width(values: pd.Series, heading: str) -> int:
    """A column wide enough for its heading as the sheet writes it (in the reader's language: a Swedish heading such as
    `ej_antagna_behovsbedömning_ej_beviljad` is not the length of its English name) and its longest value, with a
    character's margin on each side, within NARROWEST to WIDEST characters."""
    return max(NARROWEST, min(max(len(heading), _longest(values)) + 2, WIDEST))
