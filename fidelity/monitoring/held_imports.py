"""A journey import in two steps: the file is checked and what it would do shown, then imported when its uploader
says so.

The check runs the import itself and rolls it back, so that it finds every problem the import would, and knows what
the import would add, replace and change. The file is read before the unit is held, as the import reads it. It is
then held in the database (`HeldImport`) for `HOLD_MINUTES` from its latest check, for its uploader and that unit
only; the same user's next upload for the unit replaces it. The answer, import or not, empties it and is kept until
its time is up, so that a second answer (a second click, another tab) is told what became of it. Files past their
time are deleted as the import page is opened or a file uploaded, without waiting on rows another transaction
holds, and by the purge.

Between the check and the import a colleague may change the unit's journeys, or import a file. The page that asks
carries the state of the journeys the check saw (`journeys_state`): when they have changed since, nothing is
imported and the check is made again, for the uploader to look at once more.

A journey is marked when the file puts back a value it had before a later change, by hand or by another import: a
field's earlier value, the jobs or courses as they were before an import, a job or course added by hand left out, or
one deleted by hand brought back; with who made the latest such change, and when. A file made before that change,
edited and imported, would undo it. The journey's history is read from the audit log, which holds every change with
its old and new values (`undoing`, pure).
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import Date, delete, func, select
from sqlalchemy.orm import undefer

from fidelity.audit import CLEARED, ERASED
from fidelity.extensions import db
from fidelity.i18n import number_text
from fidelity.models import AuditEntry, HeldImport, Journey, Unit, User
from fidelity.models.types import as_utc, utcnow
from fidelity.monitoring.bulk import EDUCATION_SPELLS, JOB_SPELLS, JOURNEY_ENTITIES, about_journeys, one_of
from fidelity.monitoring.columns import as_written
from fidelity.monitoring.imports import Change, ImportSummary, import_cells, kept_file_name
from fidelity.monitoring.journey_files import Cells, read_cells
from fidelity.monitoring.journey_forms import CHOICE_LABELS
from fidelity.monitoring.layout import JOURNEY_COLUMNS
from fidelity.monitoring.unit_lock import take_units
from fidelity.monitoring.validation import reader_writes_swedish

HOLD_MINUTES = 30
CHANGES_SHOWN = 200  # journeys listed on the check's page; a file changing thousands would make a page of megabytes
SWEEPING_LEAST = 10  # journeys a column must change in to be called out as changed in most of them
# The values of a job and of a course that the import writes and the audit log keeps.
SPELL_FIELDS = {
    "job_spells": ("start_date", "end_date", "competitive", "hours_per_week"),
    "education_spells": ("start_date", "end_date"),
}


IMPORTED, NOT_IMPORTED = "imported", "not_imported"  # the answers to a check


class JourneysChanged(Exception):
    """The unit's journeys changed between the check of a file and its import."""


class NothingLeft(Exception):
    """A file that, but for the journeys it would undo a later change in (`undone` of them), changes nothing: nothing
    to import."""

    def __init__(self, undone: int) -> None:
        super().__init__(undone)
        self.undone = undone


class NoLongerHeld(Exception):
    """No file is held under the token for its user and unit: it was answered (`answer`), replaced by a newer upload,
    or its time is up (None)."""

    def __init__(self, answer: str | None) -> None:
        super().__init__(answer)
        self.answer = answer


@dataclass(frozen=True)
class Check:
    """What importing a file would do, as the unit's journeys stood (`state`) when it was checked."""

    summary: ImportSummary
    state: str
    # Journey id -> the latest change the file would undo, for those journeys it puts back an earlier value of.
    undone: dict[int, Entry]
    # A column of the layout as the file's header writes it: in Swedish or English, whatever the reader's language.
    written: Callable[[str], str]
    # The new journeys that have every value of a journey the unit had before the file: mistyped codes?
    copies: tuple[Copy, ...]
    # The first CHANGES_SHOWN new journeys as imported, in the file's order: each field it fills, [None, value], and
    # its jobs and courses, [[], list], as a Change of a journey not yet in the unit (id 0) gives them.
    added: tuple[Change, ...] = ()

    @property
    def shown(self) -> tuple[Change, ...]:
        return self.summary.changes[:CHANGES_SHOWN]

    @property
    def new_codes(self) -> tuple[str, ...]:
        return self.summary.added_codes[:CHANGES_SHOWN]

    @property
    def changes_nothing(self) -> bool:
        return not self.summary.added and not self.summary.changes

    @property
    def does_more_than_undo(self) -> bool:
        """Whether the file adds a journey, or changes one it does not put back as it was before a later change:
        something to import once the journeys it would undo changes in are left out."""
        return bool(self.summary.added) or any(c.journey_id not in self.undone for c in self.summary.changes)

    @property
    def leaving_undone(self) -> ImportSummary:
        """What importing all but the marked journeys would do: the same journeys added, and the marked ones (each
        changed by the file) neither replaced nor changed."""
        left = len(self.undone)
        return replace(self.summary, replaced=self.summary.replaced - left, changed=self.summary.changed - left)

    def columns(self) -> list[tuple[str, int]]:
        """Each column the file changes, with the number of journeys it changes it in, most first: a column sorted
        or shifted by mistake in a spreadsheet shows as one column changed in most journeys."""
        counts = Counter(field for change in self.summary.changes for field in change.fields)
        return [(column_name(field, self.written), count) for field, count in counts.most_common()]

    def field_changes(self, change: Change) -> list[FieldChange]:
        """What the file changes in a journey, each field under its column's name as the file writes it."""
        return field_changes(change, self.written)

    def new_table(self) -> NewJourneys:
        """The new journeys shown, as a table: a column for each field any of them fills, headed as the file writes
        it, in the file's order; a journey's empty fields are empty cells."""
        return new_table(self.added, self.written)

    def sweeping(self) -> list[tuple[str, int]]:
        """The columns the file changes in most of the journeys it replaces (at least SWEEPING_LEAST of them): what a
        column sorted on its own, or moved by a row, in a spreadsheet does; rarely what a month's records do."""
        replaced = self.summary.replaced
        return [(name, count) for name, count in self.columns() if count >= SWEEPING_LEAST and 2 * count > replaced]


@dataclass(frozen=True)
class Entry:
    """An audit entry about one of the unit's journeys, or one of its jobs or courses, as the check reads it."""

    journey_id: int
    entity: str  # journeys, job_spells or education_spells
    action: str  # create, update or delete
    at: datetime
    changes: Mapping[str, Any]
    row_id: int | None = None  # the job's or course's id; its journey's for an entry about a journey
    by: str = ""  # who made it, as the audit log names them (an address, 'cli', 'system')
    by_user: int | None = None  # and their user id, when a user made it (an address may change since)
    id: int = 0  # the audit entry's: of two made in the same instant, the later has the greater


@dataclass(frozen=True)
class FieldChange:
    column: str  # as the file names it, or 'jobs' and 'courses of study'
    old: str
    new: str
    is_column: bool = True  # the name of a column of the file; False for the jobs and courses
    # A choice's codes, when `old` and `new` are its words and the reader's files write codes (a Swedish reader's
    # write the words themselves); empty otherwise.
    old_code: str = ""
    new_code: str = ""

    @property
    def codes_shown(self) -> tuple[str, str]:
        """The file's codes to show beside the words: those the words do not say ('both' beside 'Work and
        education', not 'withdrew' beside 'Withdrew')."""
        return _unsaid(self.old_code, self.old), _unsaid(self.new_code, self.new)


def history(unit_id: int, journey_ids: Collection[int], through: int) -> list[Entry]:
    """The audit entries about the journeys `journey_ids` of the unit and their jobs and courses, up to the entry
    `through`, that hold values (made, changed or deleted, by hand or by an import), in the order they were made;
    those the purge or an erasure cleared hold none, and are left out. Read by the journey each entry names in a
    column of its own, not from the unit's whole trail."""
    if not journey_ids:
        return []
    dialect = db.session.get_bind().dialect.name
    rows = db.session.execute(
        select(
            AuditEntry.journey_id,
            AuditEntry.entity,
            AuditEntry.entity_id,
            AuditEntry.action,
            AuditEntry.at,
            AuditEntry.changes,
            AuditEntry.actor_label,
            AuditEntry.actor_id,
            AuditEntry.id,
        )
        .where(about_journeys(dialect, journey_ids, [unit_id]), AuditEntry.id <= through)
        .order_by(AuditEntry.id)
    )
    entries = []
    for journey, entity, entity_id, action, at, changes, by, by_user, entry_id in rows:
        changes = changes or {}
        if CLEARED in changes or ERASED in changes:
            continue
        own = int(entity_id) if entity_id.isdigit() else None
        entries.append(Entry(journey, entity, action, as_utc(at), changes, own, by, by_user, entry_id))
    return entries


def spells_now(journey_ids: Collection[int]) -> dict[tuple[str, int], dict[str, Any]]:
    """The jobs and courses of the journeys as they are, by (kind, id), each as the audit log keeps its values."""
    dialect = db.session.get_bind().dialect.name
    found = {}
    for table in (JOB_SPELLS, EDUCATION_SPELLS):
        fields = SPELL_FIELDS[table.name]
        rows = db.session.execute(
            select(table.c.id, *(table.c[field] for field in fields)).where(
                one_of(dialect, table.c.journey_id, list(journey_ids))
            )
        )
        for row in rows:
            found[(table.name, row[0])] = {field: _kept(value) for field, value in zip(fields, row[1:], strict=True)}
    return found


def _kept(value: Any) -> Any:
    """A value as the audit log keeps it: a date as its ISO text."""
    return value.isoformat() if isinstance(value, date) else value


def undoing(
    changes: Sequence[Change], entries: Sequence[Entry], spells: Mapping[tuple[str, int], Mapping[str, Any]]
) -> dict[int, Entry]:
    """Of the journeys the file `changes`, those it puts back as they were before a later change, given their audit
    `entries` (in order) and their jobs and courses as they are (`spells`, by kind and id); each with the latest
    change it would undo."""
    by_journey: defaultdict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_journey[entry.journey_id].append(entry)
    undone = {}
    for change in changes:
        own = by_journey.get(change.journey_id, [])
        found = [entry for entry in own if entry.entity == "journeys" and _undoes_field(change, entry)]
        for kind in SPELL_FIELDS:
            if kind in change.fields:
                found += _spells_undone(change.fields[kind], [e for e in own if e.entity == kind], spells, kind)
        if found:
            undone[change.journey_id] = max(found, key=lambda entry: (entry.at, entry.id))
    return undone


def _undoes_field(change: Change, entry: Entry) -> bool:
    """A field's change, or an import's change to the jobs or courses as whole lists, that the file puts back."""
    return entry.action == "update" and any(
        _same(entry.changes[field][0], new) for field, (_old, new) in change.fields.items() if field in entry.changes
    )


def _spells_undone(
    lists: Sequence[Sequence[Mapping[str, Any]]],
    entries: Sequence[Entry],
    spells: Mapping[tuple[str, int], Mapping[str, Any]],
    kind: str,
) -> list[Entry]:
    """The changes to a journey's jobs (or courses), one by one, that the file's list undoes: a job
    added by hand that the file leaves out in every form it had, one deleted by hand that the file brings back in any
    form it had, or one whose values the file puts back as they were before a change.

    A job the file holds with values of its own but starting on the day the job starts is that job edited in the
    file, as a spreadsheet ends a job by giving its end, and is not left out (`_edited`)."""
    now, filed = lists
    edited = _edited(now, filed)
    by_row: defaultdict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.row_id is not None:
            by_row[entry.row_id].append(entry)
    undone = []
    for row, own in by_row.items():
        steps = _replayed(own, spells.get((kind, row)), SPELL_FIELDS[kind])
        forms = [form for _entry, before, after in steps for form in (before, after) if form is not None]
        last = own[-1]
        made_by_hand = own[0].action == "create" and last.action != "delete" and forms and _has(now, forms[-1])
        # Known by its values: of jobs alike (two open courses started the same day), edited only if all of them are.
        alike = [edited[i] for i, spell in enumerate(now) if _same(spell, forms[-1])] if made_by_hand else []
        edited_in_file = bool(alike) and all(alike)
        if made_by_hand and not edited_in_file and not any(_has(filed, form) for form in forms):
            undone.append(own[0])  # added by hand, left out
        if last.action == "delete" and any(_has(filed, form) and not _has(now, form) for form in forms):
            undone.append(last)  # deleted by hand, brought back
        for entry, before, after in steps:
            if entry.action != "update":
                continue
            if before is None or after is None:  # the job's other values are not known: those that changed must do
                before = {field: values[0] for field, values in entry.changes.items() if field in SPELL_FIELDS[kind]}
                after = {field: values[1] for field, values in entry.changes.items() if field in SPELL_FIELDS[kind]}
                if _holds(now, after) and _holds(filed, before) and not _holds(filed, after):
                    undone.append(entry)
            elif _has(filed, before) and not _has(filed, after) and _has(now, after):
                undone.append(entry)  # its values put back
    return undone


def _edited(now: Sequence[Mapping[str, Any]], filed: Sequence[Mapping[str, Any]]) -> list[bool]:
    """For each of a journey's jobs (or courses) `now`, whether the file's list `filed` edits it: the job is not in
    the file as it is, and one of the file's own (in no form the unit has) starts on its day. Each of the file's own
    edits one job at most, the one it shares most values with, so that a job the file leaves out is not taken for
    edited because the file edits another that starts on the same day."""
    gone = [i for i, spell in enumerate(now) if not _has(filed, spell)]
    edited = [False] * len(now)
    for spell in (spell for spell in filed if not _has(now, spell)):
        same_day = [i for i in gone if not edited[i] and _same(now[i].get("start_date"), spell.get("start_date"))]
        if same_day:
            alike = max(same_day, key=lambda i: sum(_same(now[i].get(field), value) for field, value in spell.items()))
            edited[alike] = True
    return edited


def _replayed(
    entries: Sequence[Entry], current: Mapping[str, Any] | None, fields: Sequence[str]
) -> list[tuple[Entry, dict[str, Any] | None, dict[str, Any] | None]]:
    """Each entry about one job or course with the whole job before and after it (None where it did not exist, or is
    not known): read back from the job as it is now, or as its deletion left it, and forth from its creation."""
    last = entries[-1]
    state: dict[str, Any] | None
    if last.action == "delete":
        state = {field: (last.changes.get(field) or [None, None])[0] for field in fields}
    else:
        state = dict(current) if current is not None else None
    steps: list[tuple[Entry, dict[str, Any] | None, dict[str, Any] | None]] = []
    for entry in reversed(entries):
        changed = {field: values for field, values in entry.changes.items() if field in fields}
        if entry.action == "delete":
            steps.append((entry, state, None))
        elif entry.action == "create":
            made = {field: (entry.changes.get(field) or [None, None])[1] for field in fields}
            steps.append((entry, None, made))
            state = None
        elif state is None:
            steps.append((entry, None, None))
        else:
            before = state | {field: values[0] for field, values in changed.items()}
            steps.append((entry, before, state))
            state = before
    steps.reverse()
    return steps


def _has(spells: Sequence[Mapping[str, Any]], spell: Mapping[str, Any]) -> bool:
    """Whether one of `spells` is `spell`, value for value."""
    return any(_same(dict(one), dict(spell)) for one in spells)


def _same(one: Any, other: Any) -> bool:
    """Equal as the audit log and the import keep values: a number as an int or a float alike."""
    if isinstance(one, bool) or isinstance(other, bool):
        return one is other
    if isinstance(one, list) and isinstance(other, list):
        return len(one) == len(other) and all(_same(a, b) for a, b in zip(one, other, strict=True))
    if isinstance(one, dict) and isinstance(other, dict):
        return one.keys() == other.keys() and all(_same(one[key], other[key]) for key in one)
    if isinstance(one, int | float) and isinstance(other, int | float):
        return float(one) == float(other)
    return bool(one == other)


def _holds(spells: Sequence[Mapping[str, Any]], values: Mapping[str, Any]) -> bool:
    """Whether one of `spells` has all of `values`."""
    return bool(values) and any(
        all(_same(spell.get(field), value) for field, value in values.items()) for spell in spells
    )


def check_import(unit: Unit, data: bytes, filename: str, today: date) -> Check:
    """What importing the file would do. Raises ImportRefused with every problem found. Ends the session's
    transaction, whatever happens."""
    return _check(unit, read_cells(data, filename), kept_file_name(filename, today.year), today)


def _check(unit: Unit, cells: Cells, file_name: str | None, today: date) -> Check:
    """The import of a file read already, made and rolled back: what it would do."""
    try:
        take_units(unit.id)  # the state read is the one the import meets
        state = journeys_state(unit.id)
        last = db.session.scalar(select(func.max(AuditEntry.id))) or 0  # the entries before the import's own
        before = journey_values(unit.id)  # as the unit has them, before the file changes any
        summary = import_cells(unit, cells, file_name, today)
        changed = [change.journey_id for change in summary.changes]
        entries = history(unit.id, changed, last)
        after = journey_values(unit.id)
        twins = copies(before, after, summary.added_codes)
        added = new_journeys(after, summary.added_codes[:CHANGES_SHOWN], spells_of(unit.id, summary.added_codes))
        db.session.rollback()  # the jobs and courses as they were before the import, which replaced them
        spells = spells_now(changed)
    finally:
        db.session.rollback()
    return Check(summary, state, undoing(summary.changes, entries, spells), as_written(cells), twins, added)


def spells_of(unit_id: int, codes: Sequence[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The jobs and courses of the unit's journeys of the first CHANGES_SHOWN `codes`, by code and kind, each as the
    audit log keeps its values, in the order of their start."""
    shown = list(codes[:CHANGES_SHOWN])
    found: defaultdict[str, dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    if not shown:
        return {}
    for table in (JOB_SPELLS, EDUCATION_SPELLS):
        fields = SPELL_FIELDS[table.name]
        rows = db.session.execute(
            select(Journey.code, *(table.c[field] for field in fields))
            .join(Journey, Journey.id == table.c.journey_id)
            .where(Journey.unit_id == unit_id, Journey.code.in_(shown))  # CHANGES_SHOWN codes at most
            .order_by(table.c.start_date, table.c.id)
        )
        for code, *values in rows:
            spell = {field: _kept(value) for field, value in zip(fields, values, strict=True)}
            found[code].setdefault(table.name, []).append(spell)
    return dict(found)


def new_journeys(
    after: pd.DataFrame, codes: Sequence[str], spells: Mapping[str, Mapping[str, list[dict[str, Any]]]]
) -> tuple[Change, ...]:
    """The journeys of `codes` as imported (their values in `after`, by code; their jobs and courses in `spells`),
    in the order of `codes`: each as a Change of a journey not yet in the unit, every field it fills from nothing
    (None) to its value as the audit log keeps it, in the file's order. Pure."""
    by_code = after.set_index("code", drop=False)
    fields = [column.field for column in JOURNEY_COLUMNS if column.field in by_code.columns and column.field != "code"]
    added = []
    for code in codes:
        row = by_code.loc[code]
        filled: dict[str, list[Any]] = {}
        for field in fields:
            value = row[field]
            if value is not None and not (isinstance(value, float) and pd.isna(value)) and value != "":
                filled[field] = [None, _kept(getattr(value, "value", value))]
        for kind, listed in spells.get(code, {}).items():
            filled[kind] = [[], listed]
        added.append(Change(0, code, filled))
    return tuple(added)


@dataclass(frozen=True)
class NewJourneys:
    """New journeys as the check's page lays them out: a heading for each column, a line of cells for each journey."""

    headings: tuple[str, ...]
    lines: tuple[tuple[str, tuple[str, ...]], ...]  # each journey's code and its cells


def new_table(added: Sequence[Change], written: Callable[[str], str]) -> NewJourneys:
    """`added` (see `new_journeys`) as a table: a column for each field any of them fills, in the file's order (the
    jobs and courses last), headed as the file writes it; a field a journey leaves empty is an empty cell. A choice
    in words, in the reader's language; jobs and courses as lists."""
    fields: list[str] = []
    for change in added:
        fields += [field for field in change.fields if field not in fields]
    order = {column.field: position for position, column in enumerate(JOURNEY_COLUMNS)}
    order |= {kind: len(order) + position for position, kind in enumerate(SPELL_FIELDS)}  # the jobs, then courses
    fields.sort(key=order.__getitem__)
    lines = []
    for change in added:
        shown = {line.column: line.new for line in field_changes(change, written)}
        named = [column_name(field, written) for field in fields]
        lines.append((change.code, tuple(shown.get(name, "") for name in named)))
    return NewJourneys(tuple(column_name(field, written) for field in fields), tuple(lines))


# A journey's values, all but its code, that a new journey has the same of as one already in the unit when copied;
# and its dates after the referral and the decision, one of which at least they must share: two people referred on
# one day, of one age band and with one goal, and taken on at one intake meeting, are common.
_COPIED = [column for column in Journey.__table__.columns if column.name not in {"id", "unit_id", "code", "updated_at"}]
_LATER_DATES = [column.name for column in _COPIED
                if isinstance(column.type, Date) and column.name not in {"referral_date", "decision_date"}]  # fmt: skip


@dataclass(frozen=True)
class Copy:
    """A new journey with every value of one the unit had (`before`, its code): one person under a mistyped code?"""

    new: str
    before: str

    @property
    def differing(self) -> frozenset[int]:
        """Where the two codes differ, character by character, when they are as long (a 0 typed O): to mark them,
        as a code's font may draw both alike. Nothing for codes of different lengths."""
        if len(self.new) != len(self.before):
            return frozenset()
        return frozenset(i for i, (a, b) in enumerate(zip(self.new, self.before, strict=True)) if a != b)


def journey_values(unit_id: int) -> pd.DataFrame:
    """The unit's journeys, each by its code with every value a copy would share (`_COPIED`)."""
    rows = db.session.execute(select(Journey.code, *_COPIED).where(Journey.unit_id == unit_id)).all()
    return pd.DataFrame(rows, columns=["code", *(column.name for column in _COPIED)]).astype(object)


def copies(before: pd.DataFrame, after: pd.DataFrame, added_codes: Collection[str]) -> tuple[Copy, ...]:
    """Each journey a file adds (by its code, its values as imported, in `after`) that has every value of a journey
    the unit had before the file (`before`), with that journey's code: one person under a mistyped code would be
    counted twice. Set against the journeys as they were, so that a file that also changes the journey it copies
    (an edit, then the row copied) is not missed. Only journeys with a date after their referral and decision (a
    first meeting, an enrolment, ...): a referral and a decision alone say too little to tell two people apart.
    (Jobs and courses aside: a row copied in a spreadsheet copies them too, and a date or a choice set apart is
    enough to tell two people apart.) Pure."""
    if not added_codes or before.empty:
        return ()
    added = after[after["code"].isin(set(added_codes))]
    names = [column.name for column in _COPIED]
    pairs = added.merge(before, on=names, suffixes=("", "_before"))  # an empty value matches one
    pairs = pairs[pairs[_LATER_DATES].notna().any(axis=1)]
    return tuple(Copy(new, old) for new, old in zip(pairs["code"], pairs["code_before"], strict=True))


def journeys_state(unit_id: int) -> str:
    """The state of the unit's journeys, as a text that any change to them, by hand, by an import or by the purge,
    changes: every such change is audited. The count as well as the last entry, so that an entry committed after a
    later one counts too. An export changes nothing."""
    count, last = db.session.execute(
        select(func.count(), func.max(AuditEntry.id)).where(
            AuditEntry.unit_id == unit_id, AuditEntry.entity.in_(JOURNEY_ENTITIES), AuditEntry.action != "export"
        )
    ).one()
    return f"{count}.{last or 0}"


def delete_expired() -> int:
    """Delete the files held past their time (answered or not); how many there were. Rows another transaction is
    answering or deleting are left for the next time: this never waits, so no import waits for another unit's."""
    expired = select(HeldImport.id).where(HeldImport.created_at < utcnow() - timedelta(minutes=HOLD_MINUTES))
    locked = expired.with_for_update(skip_locked=True)
    return _delete(HeldImport.id.in_(locked.scalar_subquery()))


def _delete(*where: Any) -> int:
    """Delete the held files that match, without looking for them in the session (which holds none); how many."""
    deleted = db.session.execute(delete(HeldImport).where(*where).execution_options(synchronize_session=False))
    return deleted.rowcount or 0  # type: ignore[attr-defined]


def hold(unit: Unit, user: User, data: bytes, filename: str, file_name: str | None) -> HeldImport:
    """Hold a checked file for `user` to import into `unit`, in place of any file they held for it before; the file
    is read by its ending (`filename`'s) and the audit log will name it `file_name`. The caller commits."""
    delete_expired()
    _delete(HeldImport.unit_id == unit.id, HeldImport.user_id == user.id)
    held = HeldImport(
        token=secrets.token_urlsafe(24),
        unit_id=unit.id,
        user_id=user.id,
        suffix=PurePath(filename).suffix.lower()[:8],
        file_name=file_name,
        data=data,
    )
    db.session.add(held)
    return held


def held_import(unit: Unit, user: User, token: str, *, for_update: bool = False) -> HeldImport:
    """The file `user` holds to import into `unit` under `token`, while its time lasts. Raises NoLongerHeld when
    there is none, or it has been answered."""
    query = select(HeldImport).where(
        HeldImport.token == token, HeldImport.unit_id == unit.id, HeldImport.user_id == user.id
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    held = db.session.scalar(query.options(undefer(HeldImport.data)))
    limit = utcnow() - timedelta(minutes=HOLD_MINUTES)
    if held is None or as_utc(held.created_at) < limit:
        raise NoLongerHeld(None)
    if held.answer is not None:
        raise NoLongerHeld(held.answer)
    return held


def check_held(unit: Unit, user: User, token: str, today: date) -> tuple[HeldImport, Check]:
    """Check the held file again, as the unit's journeys stand now, and hold it for its full time from now. The
    caller commits."""
    held = held_import(unit, user, token)
    check = _check(unit, read_cells(held.data, f"file{held.suffix}"), held.file_name, today)
    held = held_import(unit, user, token)  # read again: the check ended the transaction
    held.created_at, held.undone = utcnow(), {"state": check.state, "journeys": sorted(check.undone)}
    return held, check


def import_held(
    unit: Unit, user: User, token: str, state: str, today: date, *, leave_undone: bool = False
) -> ImportSummary:
    """Import the held file if the unit's journeys are as they were at its check (`state`), and mark it imported;
    with `leave_undone`, but for the journeys its check found it would undo a later change in, which are left as
    they are (the same journeys now, since the unit's are as they were). Raises NoLongerHeld (it was answered, in
    another window, or its time is up), JourneysChanged, or ImportRefused with the problems the file has now;
    nothing is written then. The caller commits."""
    held = held_import(unit, user, token)
    cells = read_cells(held.data, f"file{held.suffix}")  # before the unit is held, as the import does
    take_units(unit.id)
    held = held_import(unit, user, token, for_update=True)  # another answer to it, under way, is waited for
    if journeys_state(unit.id) != state:
        raise JourneysChanged
    keep: list[int] = []
    if leave_undone:  # the journeys found by the check of this state, and none found: ask again
        found = held.undone or {}
        if found.get("state") != state or not found.get("journeys"):
            raise JourneysChanged
        keep = [int(journey_id) for journey_id in found["journeys"]]
    summary = import_cells(unit, cells, held.file_name, today, keep)
    _answer(held, IMPORTED)
    return summary


def import_leaving_undone(unit: Unit, data: bytes, filename: str, today: date) -> tuple[ImportSummary, Check]:
    """Check the file, then import it but for the journeys the check found it would undo a later change in, which are
    left as they are; the summary, and the check. Raises ImportRefused as the import does, NothingLeft when there is
    nothing else to import, or JourneysChanged when the unit's journeys changed between the check and the import;
    nothing is written then. The caller commits."""
    check = check_import(unit, data, filename, today)
    if not check.does_more_than_undo:
        raise NothingLeft(len(check.undone))
    cells = read_cells(data, filename)
    take_units(unit.id)
    if journeys_state(unit.id) != check.state:
        raise JourneysChanged
    return import_cells(unit, cells, check.summary.file_name, today, check.undone), check


def let_go(unit: Unit, user: User, token: str) -> None:
    """Not to import: the held file is deleted, and marked so. The caller commits."""
    _answer(held_import(unit, user, token, for_update=True), NOT_IMPORTED)


def forget(unit: Unit, user: User, token: str) -> None:
    """Delete the held file, if it is still held: one with problems now. The caller commits."""
    _delete(HeldImport.token == token, HeldImport.unit_id == unit.id, HeldImport.user_id == user.id)


def _answer(held: HeldImport, answer: str) -> None:
    """Empty the file and keep the answer, for the hold's full time from now: a second answer is told of it."""
    held.answer, held.data, held.undone, held.created_at = answer, b"", {}, utcnow()


def _value(value: Any) -> str:
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, float):  # hours: the decimals it has, up to two, with the language's decimal mark
        decimals = f"{value:.2f}".rstrip("0").split(".")[1]
        return number_text(value, len(decimals))
    return str(value)


def _choice(names: Mapping[Any, Any], value: Any) -> str:
    """A choice's words ('Withdrew'), or the value as it is when it has none (empty)."""
    return str(names[value]) if value in names else _value(value)


def _code(value: Any) -> str:
    return "" if value is None or value == "" else str(value)


def _unsaid(code: str, words: str) -> str:
    """`code`, unless `words` say it already (Withdrew for withdrew)."""
    return "" if words.casefold() == code.replace("_", " ").casefold() else code


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


def column_name(field: str, written: Callable[[str], str]) -> str:
    """A field as the check names it: its column as the file's header writes it (`written`: a Swedish file's
    columns in Swedish, an English file's in English, whatever the reader's language), or 'jobs' and 'courses of
    study'."""
    if field == "job_spells":
        return _("jobs")
    if field == "education_spells":
        return _("courses of study")
    return written(next((column.name for column in JOURNEY_COLUMNS if column.field == field), field))


def field_changes(change: Change, written: Callable[[str], str]) -> list[FieldChange]:
    """What the file changes in a journey, field by field in the file's order, as it is read: a field under its
    column's name as the file writes it, the jobs and courses as lists."""
    lines = []
    codes = not reader_writes_swedish()  # beside the words, the codes the reader's files write
    for field, (old, new) in change.fields.items():
        if field in SPELL_FIELDS:
            lines.append(
                FieldChange(column_name(field, written), _spells_text(field, old), _spells_text(field, new), False)
            )
        elif field in CHOICE_LABELS:  # a choice by its words, in the reader's language
            names = CHOICE_LABELS[field]
            words = _choice(names, old), _choice(names, new)
            said = (_code(old), _code(new)) if codes else ("", "")
            lines.append(FieldChange(column_name(field, written), *words, True, *said))
        else:
            lines.append(FieldChange(column_name(field, written), _value(old), _value(new)))
    return lines
