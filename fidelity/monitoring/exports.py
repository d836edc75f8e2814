"""A unit's journeys in the import layout, and the empty templates, as CSV and xlsx.

An export can be imported again unchanged: it has the same columns, with as many job and education groups as the
journey with the most spells needs (at least one of each). An export of a unit's journeys hands personal data on, so
it is an entry in the unit's audit trail: who, when, in which format, how many journeys. A Swedish user's files name
the columns in Swedish (`layout.NAMES`), as the import reads them too. The xlsx files offer each column of choices
(and of yes or no) a drop-down list of its values as the reader writes them, which the import reads; the cells of a
Swedish reader's files write them so too (the form's names, ja and nej), the codes in English.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from flask_babel import gettext as _

from fidelity.audit import summary_entry
from fidelity.column_names import swedish_request
from fidelity.extensions import db
from fidelity.i18n import semicolon_csv
from fidelity.models import AuditEntry, Unit
from fidelity.monitoring.frames import load_frames
from fidelity.monitoring.journey_files import csv_bytes, day_text, layout_column, xlsx_bytes
from fidelity.monitoring.layout import (
    EDUCATION_COLUMNS,
    JOB_COLUMNS,
    JOURNEY_COLUMNS,
    LAYOUT,
    NAMES,
    SWEDISH,
    Column,
    Kind,
    example_row,
    header,
    spell_header,
)
from fidelity.monitoring.reads import EXPORT, log_read
from fidelity.monitoring.unit_lock import share_units
from fidelity.monitoring.validation import one_of, written_choices, yes_and_no

EXPORT_ORDER = ["referral_date", "code"]


def _text(values: pd.Series, kind: Kind) -> np.ndarray:
    """A column of stored values as the file writes them."""
    if kind is Kind.DATE:
        return np.where(values.isna(), "", day_text(values).astype(str))
    if kind is Kind.YES_NO:
        return np.where(values.astype(bool), "yes", "no")
    if kind is Kind.HOURS:
        return np.array(["" if pd.isna(h) else (str(int(h)) if float(h).is_integer() else str(h)) for h in values])
    return values.fillna("").astype(str).to_numpy()


def _spell_columns(spells: pd.DataFrame, columns: tuple[Column, ...], journey_ids: pd.Series) -> pd.DataFrame:
    """The spells of each journey side by side, numbered from 1 in order of start: one row per journey."""
    ordered = spells.sort_values(["journey_id", "start_date", "id"])
    numbers = ordered.groupby("journey_id").cumcount() + 1
    count = max(1, int(numbers.max()) if len(numbers) else 1)
    wide = pd.DataFrame(index=journey_ids.to_numpy())
    for number in range(1, count + 1):
        spell = ordered[numbers == number].set_index("journey_id").reindex(wide.index)
        for column in columns:
            present = spell["start_date"].notna().to_numpy()
            wide[column.numbered(number)] = np.where(present, _text(spell[column.field], column.kind), "")
    return wide


def journeys_table(unit_id: int) -> pd.DataFrame:
    """The unit's journeys in the file layout, every cell text: as one change left them (see `share_units`)."""
    share_units(unit_id)
    frames = load_frames([unit_id])
    journeys = frames.journeys.sort_values(EXPORT_ORDER, kind="stable").reset_index(drop=True)
    table = pd.DataFrame({column.name: _text(journeys[column.field], column.kind) for column in JOURNEY_COLUMNS})
    jobs = _spell_columns(frames.jobs, JOB_COLUMNS, journeys["id"])
    education = _spell_columns(frames.education, EDUCATION_COLUMNS, journeys["id"])
    return in_reader_s_words(pd.concat([table, jobs.reset_index(drop=True), education.reset_index(drop=True)], axis=1))


def in_reader_s_words(table: pd.DataFrame) -> pd.DataFrame:
    """A table of the layout (columns named in English, cells as text) with its choices and its yes or no as the
    reader writes them, as the xlsx files' drop-down lists offer them: for a Swedish reader the form's names
    (`Bedömd som inte motiverad`) and ja or nej, which the import reads as their codes; for any other, as they are
    (the codes, yes and no). An empty cell stays empty."""
    if not swedish_request():
        return table
    words = {}
    for name in table.columns:
        column = layout_column(name)
        if column is None:
            continue
        if column.kind is Kind.CHOICE:
            said = dict(zip(column.choices, written_choices(column), strict=True))
        elif column.kind is Kind.YES_NO:
            said = dict(zip(("yes", "no"), yes_and_no(), strict=True))
        else:
            continue
        words[name] = table[name].map(lambda value, said=said: said.get(value, value))
    return table.assign(**words)


def export_csv(unit: Unit) -> bytes:
    table = journeys_table(unit.id)
    _audit_export(unit, "csv", len(table))
    return csv_bytes(NAMES.in_language(_decimal_commas(table) if semicolon_csv() else table))


def _decimal_commas(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its hours (written as text) in decimal commas, as a CSV of semicolons takes them: 17,5."""
    hours = [name for name in table.columns if (spell := spell_header(name)) and spell[2].kind is Kind.HOURS]
    return table.assign(**{name: table[name].str.replace(".", ",", regex=False) for name in hours})


def export_xlsx(unit: Unit) -> bytes:
    """The unit's journeys, and a second sheet explaining each column, as the template has."""
    table = journeys_table(unit.id)
    _audit_export(unit, "xlsx", len(table))
    return xlsx_bytes(NAMES.in_language(table), help_rows(), drop_down_lists())


def _audit_export(unit: Unit, file_format: str, journeys: int) -> None:
    """The export in the audit trail, and in the log of who read the records (see `reads`)."""
    facts = {"format": file_format, "journeys": journeys}
    db.session.add(AuditEntry(**summary_entry("export", "journeys", unit.code, facts, unit.id)))
    if journeys:  # an export of no journey shows no one
        log_read(unit, EXPORT)


def template_table() -> pd.DataFrame:
    """The header and one example journey, its choices as the reader writes them."""
    return in_reader_s_words(pd.DataFrame([example_row()], columns=header()))


def help_rows() -> list[list[str]]:
    """The layout in words, for the xlsx template's second sheet (in the language of the request). A choice's values
    are those its drop-down list offers: in Swedish, the form's names."""
    rows = [[_("column"), _("required"), _("values"), _("what it holds")]]
    swedish = swedish_request()
    for column in LAYOUT:
        name = SWEDISH[column.name] if swedish else column.name
        rows.append([name, _("yes") if column.required else "", values_text(column), str(column.description)])
    return rows


def values_text(column: Column) -> str:
    """The values a column takes, in words for the help (the import page's and the template's second sheet): a
    choice's as the reader writes them, as its drop-down list offers them."""
    return one_of(written_choices(column)) if column.kind is Kind.CHOICE else str(column.allowed)


def drop_down_lists() -> dict[str, list[str]]:
    """The values of each column of choices and of yes or no as the reader writes them (the form's names and ja or
    nej in Swedish, the codes and yes or no in English), all of which the import reads: for the xlsx files'
    drop-down lists, by the layout's name of the column."""
    return {
        column.name: written_choices(column) if column.kind is Kind.CHOICE else list(yes_and_no())
        for column in LAYOUT
        if column.kind in (Kind.CHOICE, Kind.YES_NO)
    }


def template_csv() -> bytes:
    return csv_bytes(NAMES.in_language(template_table()))


def template_xlsx() -> bytes:
    return xlsx_bytes(NAMES.in_language(template_table()), help_rows(), drop_down_lists())
