"""Importing a unit's journeys from a file, all or nothing.

The file is read and every row checked first; one problem anywhere and nothing is written. Otherwise journeys are
replaced by code: a journey of the unit whose code is in the file (in any capitals) is replaced with its spells (it
keeps its id, so links to it still work, and takes the file's spelling of the code), a new code is added, and
journeys not in the file are kept. The rows are written in bulk
inside the caller's transaction. The import is one entry in the audit log, and each replaced journey the file changes
one more, with its old and new values (a journey left as it was, none); the caller commits once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Connection, Select, func, insert, select

from fidelity.audit import current_actor, summary_entry
from fidelity.extensions import db
from fidelity.models import AuditEntry, EducationSpell, JobSpell, Journey, Unit
from fidelity.models.types import utcnow
from fidelity.monitoring.bulk import (
    EDUCATION_SPELLS,
    JOB_SPELLS,
    JOURNEYS,
    delete_ids,
    insert_rows,
    new_ids,
    one_of,
    pairs,
    stored_value,
)
from fidelity.monitoring.columns import as_written
from fidelity.monitoring.gone import gone_on
from fidelity.monitoring.identity import (
    code_key,
    code_keys,
    holds_given_name,
    holds_surname,
    identifying,
    runs_names_together,
)
from fidelity.monitoring.journey_files import Cells, day_text, read_cells
from fidelity.monitoring.layout import JOURNEY_COLUMNS, Kind
from fidelity.monitoring.problems import ImportRefused, Problem
from fidelity.monitoring.purge import latest_purge
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.staffing import locked_quarters
from fidelity.monitoring.unit_lock import take_units
from fidelity.monitoring.validation import CheckedJourneys, check_journeys

__all__ = ["Change", "ImportRefused", "ImportSummary", "Problem", "import_journeys"]

FILE_NAME_MAX = 200  # characters of the file's name kept in the audit log
# A number in a file's name, its digits possibly in groups split by spaces, dots, hyphens, slashes or brackets.
_NUMBERS = re.compile(r"\+?\(?\d(?:[\s.()/-]{0,2}\d)+")
# A year and month written as ISO 8601 does (2026-11): nobody writes a date day first with it.
_YEAR_MONTH = re.compile(r"(?<!\d)(?:19|20)\d\d-(?:0[1-9]|1[0-2])(?!\d)")


@dataclass(frozen=True)
class Change:
    """A journey the file replaces and changes: its id and code, and each field it changes as [old, new]; its jobs
    (`job_spells`) and courses (`education_spells`), when any of them changes, as [old list, new list]."""

    journey_id: int
    code: str
    fields: dict[str, list[Any]]


@dataclass(frozen=True)
class ImportSummary:
    added: int
    replaced: int  # journeys whose code was in the unit already
    jobs: int
    education: int
    changed: int = 0  # of the replaced ones, those the file changed (each audited with its old and new values)
    # The last quarter a purge locked, when the file holds a journey referred in or before it: the figures of that
    # quarter and of the locked ones before it do not change with the import.
    locked_through: Quarter | None = None
    # The file's name as the audit log keeps it; None when it is not kept (see `kept_file_name`).
    file_name: str | None = None
    changes: tuple[Change, ...] = ()  # of the replaced journeys, those the file changes, in the file's order
    added_codes: tuple[str, ...] = ()  # the codes of the journeys added, in the file's order
    left_out: int = 0  # journeys of the file left as the unit has them, as asked (`import_cells`'s `keep`)
    left_out_codes: tuple[str, ...] = ()  # their codes, in the file's order
    earliest_referral: date | None = None  # of the journeys written

    @property
    def journeys(self) -> int:
        return self.added + self.replaced


def import_journeys(unit: Unit, data: bytes, filename: str, today: date) -> ImportSummary:
    """Import the journeys in `data` (a CSV or xlsx file called `filename`) into `unit`, as they stand on `today`.

    Raises ImportRefused with every problem found; nothing is written then.
    """
    # The file is read before the unit is held: reading a large workbook takes a while, and another change to the
    # unit, or a page that counts its figures, need not wait for it.
    cells = read_cells(data, filename)
    take_units(unit.id)  # another change to the unit's journeys waits, and this one reads what it wrote
    return import_cells(unit, cells, kept_file_name(filename, today.year), today)


def import_cells(
    unit: Unit, cells: Cells, file_name: str | None, today: date, keep: Collection[int] = ()
) -> ImportSummary:
    """Import the journeys of a file read already into `unit`, which the caller holds (`take_units`); the audit log
    names the file `file_name` (None: no name). The unit's journeys whose ids are in `keep` are left as they are,
    whatever the file holds for them (the journeys a file would put back as they were before a later change). Raises
    ImportRefused as `import_journeys` does."""
    purge = latest_purge(unit.id)
    checked = check_journeys(cells, today, as_written(cells), purged_before=purge.cutoff if purge else None)
    db.session.flush()  # whatever the session holds goes first, so that the bulk statements below see it
    actor = current_actor()
    summary = _write(db.session.connection(), unit.id, checked, actor, frozenset(keep))
    earliest = summary.earliest_referral
    locked = locked_reached(earliest, locked_quarters(unit)) if earliest is not None else None
    summary = replace(summary, locked_through=locked, file_name=file_name)
    _forget_journeys()
    facts = {"file": summary.file_name, "added": summary.added, "replaced": summary.replaced,
             "changed": summary.changed, "job_spells": summary.jobs, "education_spells": summary.education}  # fmt: skip
    if summary.left_out:
        facts["left_out"] = summary.left_out
    db.session.add(AuditEntry(**summary_entry("import", "journeys", unit.code, facts, unit.id)))
    db.session.flush()
    return summary


def _stored(frame: pd.DataFrame, kinds: dict[str, Kind]) -> dict[str, np.ndarray]:
    """Each column of `frame` as an array of stored values: dates as text, '' and NaN as None."""
    columns = {}
    for name in frame.columns:
        values = frame[name]
        if kinds.get(name) is Kind.DATE:
            columns[name] = day_text(values)
        else:
            array = values.to_numpy(dtype=object, copy=True)
            array[pd.isna(array) | (array == "")] = None  # on the array: three times as fast as Series.isna
            columns[name] = array
    return columns


def kept_file_name(filename: str, year: int) -> str | None:
    """The file's name as the audit log keeps it (without its folder, and cut short), or None when it looks like it
    holds a personal identity number, a date of birth, a phone number, or a common given name anywhere in it: people
    name a referral's file after the person, in any order and with any punctuation."""
    # Without characters that show nothing or turn the text around (a right-to-left override).
    name = "".join(c for c in PurePath(filename).name if unicodedata.category(c) not in ("Cc", "Cf"))[:FILE_NAME_MAX]
    # Read as the eye reads it: full-width digits as digits, any dash as '-', marks that show nothing left out.
    seen = "".join(
        "-" if unicodedata.category(c) == "Pd" else c
        for c in unicodedata.normalize("NFKC", PurePath(name).stem)
        if unicodedata.category(c) != "Mn"
    )
    written = _NUMBERS.findall(seen)
    numbers = [re.sub(r"[^\d+]", "", number) for number in written]
    # The whole name, each word of it, each number written in groups ("(073) 987 65 43"), and each eight-digit one
    # read back to front too, as a date of birth written day first (01011980), unless it holds a year and month
    # written year first ("NRV-01 2026-11" holds no birth date 26 November 2001).
    backwards = [
        n[4:] + n[2:4] + n[:2]
        for n, w in zip(numbers, written, strict=True)
        if len(n) == 8 and not _YEAR_MONTH.search(w)
    ]
    parts = [seen, *re.split(r"[\s_,;()]+", seen), *numbers, *backwards]
    named = holds_given_name(seen) or holds_surname(seen) or runs_names_together(seen)
    if named or any(identifying(part, year) for part in parts if part):
        return None
    return name


def locked_reached(earliest_referral: date, locked: Collection[Quarter]) -> Quarter | None:
    """The last of the `locked` quarters if a journey referred on `earliest_referral` falls in or before it."""
    last = max(locked, default=None)
    return last if last is not None and earliest_referral <= last.end else None


def _codes_and_ids(unit_id: int) -> Select[str, int]:
    return select(Journey.code, Journey.id).where(Journey.unit_id == unit_id)


def _write(
    connection: Connection, unit_id: int, checked: CheckedJourneys, actor: Any, keep: frozenset[int]
) -> ImportSummary:
    existing = {code_key(code): journey_id for code, journey_id in pairs(connection, _codes_and_ids(unit_id)).items()}
    old_ids = code_keys(checked.journeys["code"]).map(existing)  # a journey is replaced by its code in any capitals
    left_out = old_ids.isin(keep).to_numpy() if keep else np.zeros(len(old_ids), dtype=bool)
    left_out_codes = tuple(checked.journeys["code"].to_numpy(dtype=object)[left_out].tolist())
    if left_out.any():
        checked, old_ids = checked.without(left_out), old_ids[~left_out].reset_index(drop=True)
    journeys = checked.journeys
    replaced = old_ids.notna().to_numpy()
    _refuse_gone(connection, unit_id, checked, np.flatnonzero(~replaced))
    replaced_ids = old_ids[replaced].astype(int).tolist()
    columns = _stored(journeys, {column.field: column.kind for column in JOURNEY_COLUMNS})
    # What the file changes in each replaced journey, read before its rows are deleted, is audited as a change made
    # by hand would be: its old and new values.
    _refuse_losing_spells(connection, checked, np.flatnonzero(replaced), replaced_ids)
    changes = _replaced_changes(connection, checked, columns, np.flatnonzero(replaced), replaced_ids)
    # A replaced journey keeps its id, so that links to it still work; a new one is given its id now, before the
    # replaced rows are deleted, so that its spells can be written with it.
    added_ids = new_ids(connection, JOURNEYS, len(journeys) - len(replaced_ids))
    delete_ids(connection, JOB_SPELLS, "journey_id", replaced_ids)
    delete_ids(connection, EDUCATION_SPELLS, "journey_id", replaced_ids)
    delete_ids(connection, JOURNEYS, "id", replaced_ids)
    if changes:
        now = utcnow()
        connection.execute(
            insert(AuditEntry),
            [
                {
                    "at": now,
                    "actor_id": actor.user_id,
                    "actor_label": actor.label,
                    "action": "update",
                    "entity": "journeys",
                    "entity_id": str(journey_id),
                    "unit_id": unit_id,
                    "journey_id": journey_id,
                    "changes": changed,
                }
                for _position, journey_id, changed in changes
            ],
        )
    columns["unit_id"] = np.full(len(journeys), unit_id, dtype=object)
    columns["updated_at"] = np.full(
        len(journeys), stored_value(connection, JOURNEYS.c.updated_at, utcnow()), dtype=object
    )
    journey_ids = np.empty(len(journeys), dtype=np.int64)
    journey_ids[replaced] = replaced_ids
    journey_ids[~replaced] = added_ids
    columns["id"] = journey_ids.astype(object)
    names = ["id", "unit_id", *journeys.columns, "updated_at"]
    insert_rows(connection, JOURNEYS, {name: columns[name] for name in names})

    for table, spells in ((JOB_SPELLS, checked.jobs), (EDUCATION_SPELLS, checked.education)):
        fields = [name for name in spells.columns if name != "row"]
        spell_columns = _stored(spells[fields], {"start_date": Kind.DATE, "end_date": Kind.DATE})
        spell_columns["journey_id"] = journey_ids[spells["row"].to_numpy(dtype=int)].astype(object)
        insert_rows(connection, table, spell_columns)
    return ImportSummary(
        added=len(added_ids),
        replaced=len(replaced_ids),
        jobs=len(checked.jobs),
        education=len(checked.education),
        changed=len(changes),
        changes=tuple(Change(journey_id, str(journeys["code"].iat[at]), fields) for at, journey_id, fields in changes),
        added_codes=tuple(journeys["code"].to_numpy(dtype=object)[~replaced].tolist()),
        left_out=int(left_out.sum()),
        left_out_codes=left_out_codes,
        earliest_referral=journeys["referral_date"].min().date() if len(journeys) else None,
    )


def _refuse_gone(connection: Connection, unit_id: int, checked: CheckedJourneys, positions: np.ndarray) -> None:
    """Refuse new journeys (at `positions`) whose code a journey of the unit had until it was deleted or given another
    code: the file was made before, and would bring back what was deleted (`fidelity.monitoring.gone`)."""
    codes = checked.journeys["code"].to_numpy(dtype=object)[positions].tolist()
    went = gone_on(connection, unit_id, codes)
    problems = [
        Problem(
            int(checked.lines[positions[index]]),
            _("%(code)s: the unit's journey with this code was deleted, or given another code, on %(date)s; an import "
              "does not bring it back. Take the line out of the file, or add the journey again by hand.",
              code=codes[index], date=day.isoformat()),
            "code",
            code=codes[index],
        )
        for index, day in sorted(went.items())
    ]  # fmt: skip
    if problems:
        raise ImportRefused(problems)


def _refuse_losing_spells(
    connection: Connection, checked: CheckedJourneys, positions: np.ndarray, ids: Sequence[int]
) -> None:
    """Refuse a file without a kind of spell's columns (no job columns at all) that replaces journeys with spells of
    that kind: a journey is replaced with its spells, so they would be deleted by a file that says nothing of them.
    Empty job columns say there are none, and delete them as meant."""
    problems = []
    for group, table in (("job", JOB_SPELLS), ("education", EDUCATION_SPELLS)):
        if group in checked.spell_groups or not ids:
            continue
        held: dict[int, int] = dict(
            connection.execute(
                select(table.c.journey_id, func.count())
                .where(one_of(connection.dialect.name, table.c.journey_id, ids))
                .group_by(table.c.journey_id)
            ).all()
        )
        for position, journey_id in zip(positions.tolist(), ids, strict=True):
            if held.get(journey_id):
                count, code = held[journey_id], checked.journeys["code"].iat[position]
                message = (
                    ngettext("%(code)s has %(num)d job, and the file has no job columns: replacing the journey would "
                             "delete it. Add the job columns (the unit's export has them), or leave the journey out.",
                             "%(code)s has %(num)d jobs, and the file has no job columns: replacing the journey would "
                             "delete them. Add the job columns (the unit's export has them), or leave the journey "
                             "out.", count, code=code)
                    if group == "job"
                    else ngettext("%(code)s has %(num)d course, and the file has no education columns: replacing the "
                                  "journey would delete it. Add the education columns (the unit's export has them), "
                                  "or leave the journey out.",
                                  "%(code)s has %(num)d courses, and the file has no education columns: replacing "
                                  "the journey would delete them. Add the education columns (the unit's export has "
                                  "them), or leave the journey out.", count, code=code)
                )  # fmt: skip
                problems.append(Problem(int(checked.lines[position]), message, code=code))
    if problems:
        raise ImportRefused(problems)


def _plain(value: Any) -> Any:
    """A stored or imported value as the audit log keeps it: a date as 'YYYY-MM-DD', a choice as its code, a whole
    number of hours as a float (the column's type), so that the same value read either way compares equal."""
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return getattr(value, "value", value)


def _spell_lists(rows: Sequence[Any], fields: Sequence[str]) -> dict[Any, list[dict[str, Any]]]:
    """Spells grouped by their first value (the journey they belong to), each as its fields, earliest first (and, of
    two with the same dates, in one order whatever the file's, by their other values)."""
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(
            {field: _plain(value) for field, value in zip(fields, row[1:], strict=True)}
        )
    for spells in grouped.values():
        spells.sort(key=lambda spell: (spell["start_date"], spell["end_date"] or "9999", repr(sorted(spell.items()))))
    return grouped


def _replaced_changes(
    connection: Connection,
    checked: CheckedJourneys,
    columns: dict[str, np.ndarray],
    positions: np.ndarray,
    ids: Sequence[int],
) -> list[tuple[int, int, dict[str, list[Any]]]]:
    """For each journey the file replaces (at `positions` in the file, with the stored `ids`), its position, its id
    and the fields it changes as [old, new], its jobs and courses as lists when any of them changes; only the
    journeys something changes in."""
    if not ids:
        return []
    dialect = connection.dialect.name
    fields = list(checked.journeys.columns)
    stored = {
        row[0]: {field: _plain(value) for field, value in zip(fields, row[1:], strict=True)}
        for row in connection.execute(
            select(JOURNEYS.c.id, *(JOURNEYS.c[field] for field in fields)).where(one_of(dialect, JOURNEYS.c.id, ids))
        )
    }
    spell_changes = []
    for table, spells in ((JOB_SPELLS, checked.jobs), (EDUCATION_SPELLS, checked.education)):
        spell_fields = [name for name in spells.columns if name != "row"]
        old = _spell_lists(
            connection.execute(
                select(table.c.journey_id, *(table.c[field] for field in spell_fields)).where(
                    one_of(dialect, table.c.journey_id, ids)
                )
            ).all(),
            spell_fields,
        )
        new = _spell_lists(list(spells[["row", *spell_fields]].itertuples(index=False, name=None)), spell_fields)
        spell_changes.append((table.name, old, new))
    changes = []
    for position, journey_id in zip(positions.tolist(), ids, strict=True):
        was = stored[journey_id]
        changed: dict[str, list[Any]] = {}
        for field in fields:
            now = _plain(columns[field][position])
            if was[field] != now:
                changed[field] = [was[field], now]
        for name, old_spells, new_spells in spell_changes:
            before, after = old_spells.get(journey_id, []), new_spells.get(position, [])
            if before != after:
                changed[name] = [before, after]
        if changed:
            changes.append((position, journey_id, changed))
    return changes


def _forget_journeys() -> None:
    """Expire any journey or spell the session holds: the bulk statements changed their rows behind its back."""
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, Journey | JobSpell | EducationSpell):
            db.session.expire(instance)
