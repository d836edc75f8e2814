"""Importing a unit's journeys from a file, all or nothing.

The file is read and every row checked first; one problem anywhere and nothing is written. Otherwise journeys are
replaced by code: a journey of the unit whose code is in the file (in any capitals) is replaced with its spells (it
keeps its id, so links to it still work, and takes the file's spelling of the code), a new code is added, and
journeys not in the file are kept. The rows are written in bulk
inside the caller's transaction, and the import is one entry in the audit log; the caller commits once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from pathlib import PurePath
from typing import cast

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Select, Table, select

from fidelity.audit import current_actor
from fidelity.extensions import db
from fidelity.models import AuditEntry, EducationSpell, JobSpell, Journey, Unit
from fidelity.models.types import utcnow
from fidelity.monitoring.bulk import delete_ids, insert_rows, new_ids, pairs, stored_value
from fidelity.monitoring.identity import code_key, code_keys
from fidelity.monitoring.journey_files import day_text, read_cells
from fidelity.monitoring.layout import JOURNEY_COLUMNS, Kind
from fidelity.monitoring.problems import ImportRefused, Problem
from fidelity.monitoring.purge import latest_purge
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.staffing import locked_quarters
from fidelity.monitoring.validation import CheckedJourneys, check_journeys

__all__ = ["ImportRefused", "ImportSummary", "Problem", "import_journeys"]

FILE_NAME_MAX = 200  # characters of the file's name kept in the audit log
JOURNEYS = cast(Table, Journey.__table__)
JOB_SPELLS = cast(Table, JobSpell.__table__)
EDUCATION_SPELLS = cast(Table, EducationSpell.__table__)


@dataclass(frozen=True)
class ImportSummary:
    added: int
    replaced: int
    jobs: int
    education: int
    # The last quarter a purge locked, when the file holds a journey referred in or before it: the figures of that
    # quarter and of the locked ones before it do not change with the import.
    locked_through: Quarter | None = None

    @property
    def journeys(self) -> int:
        return self.added + self.replaced


def import_journeys(unit: Unit, data: bytes, filename: str, today: date) -> ImportSummary:
    """Import the journeys in `data` (a CSV or xlsx file called `filename`) into `unit`, as they stand on `today`.

    Raises ImportRefused with every problem found; nothing is written then.
    """
    purge = latest_purge(unit.id)
    checked = check_journeys(read_cells(data, filename), today, purged_before=purge.cutoff if purge else None)
    db.session.flush()  # whatever the session holds goes first, so that the bulk statements below see it
    summary = _write(db.session.connection(), unit.id, checked)
    earliest = checked.journeys["referral_date"].min()
    summary = replace(summary, locked_through=locked_reached(earliest.date(), locked_quarters(unit)))
    _forget_journeys()
    actor = current_actor()
    db.session.add(
        AuditEntry(
            at=utcnow(),
            actor_id=actor.user_id,
            actor_label=actor.label,
            action="import",
            entity="journeys",
            entity_id=unit.code,
            unit_id=unit.id,
            changes={
                "file": [None, PurePath(filename).name[:FILE_NAME_MAX]],
                "added": [None, summary.added],
                "replaced": [None, summary.replaced],
                "job_spells": [None, summary.jobs],
                "education_spells": [None, summary.education],
            },
        )
    )
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


def locked_reached(earliest_referral: date, locked: Collection[Quarter]) -> Quarter | None:
    """The last of the `locked` quarters if a journey referred on `earliest_referral` falls in or before it."""
    last = max(locked, default=None)
    return last if last is not None and earliest_referral <= last.end else None


def _codes_and_ids(unit_id: int) -> Select[str, int]:
    return select(Journey.code, Journey.id).where(Journey.unit_id == unit_id)


def _write(connection: Connection, unit_id: int, checked: CheckedJourneys) -> ImportSummary:
    journeys = checked.journeys
    existing = {code_key(code): journey_id for code, journey_id in pairs(connection, _codes_and_ids(unit_id)).items()}
    old_ids = code_keys(journeys["code"]).map(existing)  # a journey is replaced by its code in any capitals
    replaced = old_ids.notna().to_numpy()
    replaced_ids = old_ids[replaced].astype(int).tolist()
    # A replaced journey keeps its id, so that links to it still work; a new one is given its id now, before the
    # replaced rows are deleted, so that its spells can be written with it.
    added_ids = new_ids(connection, JOURNEYS, len(journeys) - len(replaced_ids))
    delete_ids(connection, JOB_SPELLS, "journey_id", replaced_ids)
    delete_ids(connection, EDUCATION_SPELLS, "journey_id", replaced_ids)
    delete_ids(connection, JOURNEYS, "id", replaced_ids)

    columns = _stored(journeys, {column.field: column.kind for column in JOURNEY_COLUMNS})
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
    )


def _forget_journeys() -> None:
    """Expire any journey or spell the session holds: the bulk statements changed their rows behind its back."""
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, Journey | JobSpell | EducationSpell):
            db.session.expire(instance)
