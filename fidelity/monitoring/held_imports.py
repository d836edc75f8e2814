"""A journey import in two steps: the file is checked and what it would do shown, then imported when its uploader
says so.

The check runs the import itself and rolls it back, so that it finds every problem the import would, and knows what
the import would add, replace and change. The file is then held in the database (`HeldImport`) for `HOLD_MINUTES`,
for its uploader and that unit only. Importing it or cancelling deletes it; so does the same user's next upload for
the unit, any check or import after its time is up, and the purge.

Between the check and the import a colleague may change the unit's journeys, or import a file. The page that asks
carries the state of the journeys the check saw (`journeys_state`): when they have changed since, nothing is
imported and the check is made again, for the uploader to look at once more.

A journey the file would change that was changed in the app since the unit's journeys were last exported or imported
is named, with the day: a file exported before that change, edited and imported, would undo it. (Changes made
before the last export are in the exported file, so a value the file changes then is the file's own edit.)
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from fidelity.audit import ROW_ACTIONS
from fidelity.extensions import db
from fidelity.models import AuditEntry, HeldImport, Unit, User
from fidelity.models.types import as_utc, utcnow
from fidelity.monitoring.bulk import JOURNEY_ENTITIES
from fidelity.monitoring.imports import Change, ImportSummary, import_journeys, kept_file_name
from fidelity.monitoring.layout import JOURNEY_COLUMNS
from fidelity.monitoring.unit_lock import take_units

HOLD_MINUTES = 30
CHANGES_SHOWN = 200  # journeys listed on the check's page; a file changing thousands would make a page of megabytes


class JourneysChanged(Exception):
    """The unit's journeys changed between the check of a file and its import."""


@dataclass(frozen=True)
class Check:
    """What importing a file would do, as the unit's journeys stood (`state`) when it was checked."""

    summary: ImportSummary
    state: str
    # Journey id -> when it was last changed in the app since the unit's journeys were last exported or imported, for
    # those the file changes.
    changed_in_app: dict[int, datetime]

    @property
    def shown(self) -> tuple[Change, ...]:
        return self.summary.changes[:CHANGES_SHOWN]


@dataclass(frozen=True)
class FieldChange:
    column: str  # as the file names it, or 'jobs' and 'courses of study'
    old: str
    new: str


def journeys_state(unit_id: int) -> str:
    """The state of the unit's journeys, as a text that any change to them, by hand or by an import, changes: every
    such change is audited. The count as well as the last entry: an earlier entry committed later counts too."""
    count, last = db.session.execute(
        select(func.count(), func.max(AuditEntry.id)).where(
            AuditEntry.unit_id == unit_id, AuditEntry.entity.in_(JOURNEY_ENTITIES)
        )
    ).one()
    return f"{count}.{last or 0}"


def changed_in_app(unit_id: int) -> dict[int, datetime]:
    """The unit's journeys changed in the app (a journey, or one of its jobs or courses, added, changed or deleted by
    hand) since its journeys were last exported or imported, each with the time of its last such change."""
    last_file = db.session.scalar(
        select(func.max(AuditEntry.id)).where(
            AuditEntry.unit_id == unit_id,
            AuditEntry.entity == "journeys",
            AuditEntry.action.in_(("import", "export")),
        )
    )
    entries = db.session.execute(
        select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.at, AuditEntry.changes).where(
            AuditEntry.unit_id == unit_id,
            AuditEntry.entity.in_(JOURNEY_ENTITIES),
            AuditEntry.action.in_(ROW_ACTIONS),
            AuditEntry.id > (last_file or 0),
        )
    )
    changed: dict[int, datetime] = {}
    for entity, entity_id, at, changes in entries:
        if entity == "journeys":
            journey = int(entity_id) if entity_id.isdigit() else None
        else:  # a job or course names its journey, as [old, new]
            named = [value for value in (changes or {}).get("journey_id") or () if value is not None]
            journey = int(named[-1]) if named else None
        if journey is not None:
            changed[journey] = max(changed.get(journey, as_utc(at)), as_utc(at))
    return changed


def check_import(unit: Unit, data: bytes, filename: str, today: date, *, name_kept: bool = True) -> Check:
    """What importing the file would do: the import is made and rolled back. Raises ImportRefused with every problem
    found. Ends the session's transaction, whatever happens."""
    try:
        take_units(unit.id)  # the state read is the one the import meets
        state = journeys_state(unit.id)
        in_app = changed_in_app(unit.id)
        summary = import_journeys(unit, data, filename, today, name_kept=name_kept)
    finally:
        db.session.rollback()
    changed = {change.journey_id for change in summary.changes}
    return Check(summary, state, {journey: at for journey, at in in_app.items() if journey in changed})


def _delete(*where: Any) -> int:
    """Delete the held files that match, without looking for them in the session (which holds none); how many."""
    deleted = db.session.execute(delete(HeldImport).where(*where).execution_options(synchronize_session=False))
    return deleted.rowcount or 0  # type: ignore[attr-defined]


def delete_expired() -> int:
    """Delete the files held past their time; how many there were."""
    return _delete(HeldImport.created_at < utcnow() - timedelta(minutes=HOLD_MINUTES))


def hold(unit: Unit, user: User, data: bytes, filename: str, today: date) -> HeldImport:
    """Hold a checked file for `user` to import into `unit`, in place of any file they held for it before. The name
    is kept only as the audit log would keep it. The caller commits."""
    delete_expired()
    _delete(HeldImport.unit_id == unit.id, HeldImport.user_id == user.id)
    held = HeldImport(
        token=secrets.token_urlsafe(24),
        unit_id=unit.id,
        user_id=user.id,
        suffix=PurePath(filename).suffix.lower()[:8],
        file_name=kept_file_name(filename, today.year),
        data=data,
    )
    db.session.add(held)
    return held


def held_import(unit: Unit, user: User, token: str) -> HeldImport | None:
    """The file `user` holds to import into `unit` under `token`, while its time lasts."""
    delete_expired()
    return db.session.scalar(
        select(HeldImport).where(
            HeldImport.token == token, HeldImport.unit_id == unit.id, HeldImport.user_id == user.id
        )
    )


def _name(held: HeldImport) -> str:
    """A name to read the held file by: its own when kept, else one with its ending alone."""
    return held.file_name or f"file{held.suffix}"


def check_held(unit: Unit, held: HeldImport, today: date) -> Check:
    """Check the held file again, as the unit's journeys stand now."""
    return check_import(unit, held.data, _name(held), today, name_kept=held.file_name is not None)


def import_held(unit: Unit, held: HeldImport, state: str, today: date) -> ImportSummary:
    """Import the held file, if the unit's journeys are as they were at its check (`state`), and let it go. Raises
    JourneysChanged otherwise, and ImportRefused with the problems the file has now; nothing is written then."""
    take_units(unit.id)
    if journeys_state(unit.id) != state:
        raise JourneysChanged
    summary = import_journeys(unit, held.data, _name(held), today, name_kept=held.file_name is not None)
    db.session.delete(held)
    return summary


def let_go(held: HeldImport) -> None:
    """Cancel: the held file is deleted. The caller commits."""
    db.session.delete(held)


def _value(value: Any) -> str:
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _spell_text(kind: str, spell: Mapping[str, Any]) -> str:
    span = f"{spell['start_date']}\u2013{spell.get('end_date') or ''}"
    if kind == "education_spells":
        return span
    parts = [span, _("competitive") if spell.get("competitive") else _("not competitive")]
    if spell.get("hours_per_week") is not None:
        parts.append(_("%(hours)s h a week", hours=_value(spell["hours_per_week"])))
    return ", ".join(parts)


def _spells_text(kind: str, spells: Sequence[Mapping[str, Any]]) -> str:
    return "; ".join(_spell_text(kind, spell) for spell in spells) if spells else _("none")


def field_changes(change: Change) -> list[FieldChange]:
    """What the file changes in a journey, field by field in the file's order, as it is read: a field under its
    column's name, the jobs and courses as lists."""
    columns = {column.field: column.name for column in JOURNEY_COLUMNS}
    spells = {"job_spells": _("jobs"), "education_spells": _("courses of study")}
    lines = []
    for field, (old, new) in change.fields.items():
        if field in spells:
            lines.append(FieldChange(spells[field], _spells_text(field, old), _spells_text(field, new)))
        else:
            lines.append(FieldChange(columns.get(field, field), _value(old), _value(new)))
    return lines
