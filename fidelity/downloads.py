"""Files a page hands over for saving: CSV and Excel exports."""

from __future__ import annotations

import io
from collections.abc import Collection

import pandas as pd
from flask import Response
from openpyxl.utils import get_column_letter

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


def xlsx_bytes(
    frame: pd.DataFrame,
    sheet: str,
    *,
    percent: Collection[str] = (),
    dates: Collection[str] = (),
    times: Collection[str] = (),
    freeze: str | None = None,
    names: ColumnNames | None = None,
) -> bytes:
    """`frame` as a workbook of one sheet, its cells typed for a spreadsheet: the `percent` columns (shares from 0
    to 1) shown as percentages, the `dates` ('YYYY-MM-DD') and `times` ('YYYY-MM-DD HH:MM:SS') columns as dates and
    times Excel can sort and count with. The CSV export of the same frame keeps the values as they are. With `names`,
    the columns are headed in the language of the request (the other arguments name them in English)."""
    typed = frame.copy()
    for column in (*dates, *times):
        if column in typed:
            typed[column] = pd.to_datetime(typed[column], errors="coerce")
    buffer = io.BytesIO()
    with pd.ExcelWriter(
        buffer, engine="openpyxl", date_format="YYYY-MM-DD", datetime_format="YYYY-MM-DD HH:MM:SS"
    ) as writer:
        headings = [names.heading(column) for column in typed.columns] if names else list(typed.columns)
        sheet = names.heading(sheet) if names else sheet  # the sheet too, when it has a Swedish name
        typed.to_excel(writer, sheet_name=sheet, index=False, header=headings)
        worksheet = writer.sheets[sheet]
        for position, (column, heading) in enumerate(zip(typed.columns, headings, strict=True), start=1):
            if column in percent:
                for (cell,) in worksheet.iter_rows(min_row=2, min_col=position, max_col=position):
                    cell.number_format = "0.0%"
            if column in dates:  # a date column without a time: pandas writes dates with times as datetimes
                for (cell,) in worksheet.iter_rows(min_row=2, min_col=position, max_col=position):
                    cell.number_format = "YYYY-MM-DD"
            worksheet.column_dimensions[get_column_letter(position)].width = _width(frame[column], str(heading))
        if freeze:
            worksheet.freeze_panes = freeze
    return buffer.getvalue()


def _width(values: pd.Series, heading: str) -> int:
    """A column wide enough for its heading and its longest value (a unit's name), within 10 to 40 characters."""
    shown = values.dropna()
    longest = max((len(str(value)) for value in shown), default=0)
    return max(10, min(max(len(heading), longest) + 2, 40))
