"""Keeping one journey in the browser: the same checks as an import, run on a one-row table of the journey as it
would stand after the change, then written row by row (so the audit log has every field's old and new value). The
unit's kept quarterly figures follow every change.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from flask import has_request_context
from flask_babel import gettext as _

from fidelity import clock, stale
from fidelity.audit import ERASE_REQUEST
from fidelity.extensions import db
from fidelity.i18n import date_text
from fidelity.models import EducationSpell, JobSpell, Journey, Unit
from fidelity.models.monitoring import AgeBand, Decision, ExitReason, Goal, NotAcceptedReason
from fidelity.monitoring.gone import remember_gone
from fidelity.monitoring.identity import code_key
from fidelity.monitoring.imports import locked_reached
from fidelity.monitoring.journey_files import Cells
from fidelity.monitoring.journey_forms import field_label
from fidelity.monitoring.journey_queries import journey_with_code
from fidelity.monitoring.kept import refresh_outcomes
from fidelity.monitoring.layout import EDUCATION_COLUMNS, JOB_COLUMNS, JOURNEY_COLUMNS, header, spell_header
from fidelity.monitoring.problems import ImportRefused
from fidelity.monitoring.purge import erase_trail, latest_purge
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.staffing import locked_quarters
from fidelity.monitoring.unit_lock import take_journey, take_units
from fidelity.monitoring.validation import check_journeys

JOURNEY_FIELDS = tuple(column.field for column in JOURNEY_COLUMNS)
CHOICES: dict[str, Any] = {
    "age_band": AgeBand,
    "goal": Goal,
    "decision": Decision,
    "not_accepted_reason": NotAcceptedReason,
    "exit_reason": ExitReason,
}
SPELL_MODELS: dict[str, type[JobSpell] | type[EducationSpell]] = {"jobs": JobSpell, "education": EducationSpell}


class JourneyInvalid(Exception):
    """The change would leave the journey wrong; nothing was written. `messages` says what, one line each;
    `columns`, beside them, the column (the journey's field, or a spell's numbered column) each is about, if any."""

    def __init__(self, messages: Sequence[str], columns: Sequence[str | None] = ()) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)
        self.columns = list(columns) or [None] * len(self.messages)

    # The job or course being saved, as the checks number it: ('job', 2); set by `save_spell`.
    spell: tuple[str, int] | None = None

    def without(self, fields: Collection[str]) -> JourneyInvalid:
        """The problems that are not about `fields` (of the journey): those a form shows already, say."""
        kept = [(column, message) for column, message in zip(self.columns, self.messages, strict=True)
                if column not in fields]  # fmt: skip
        return JourneyInvalid([message for _column, message in kept], [column for column, _message in kept])

    def field_of(self) -> dict[str, str]:
        """Each message about one of the journey's own fields, with that field's name."""
        return {message: field for field, found in self.by_field().items() for message in found}

    def by_field(self) -> dict[str, list[str]]:
        """The messages about each field of what was being saved, for its form to show there: the journey's own
        fields, or, once `save_spell` has set `spell`, the fields of that job or course."""
        found: dict[str, list[str]] = {}
        for column, message in zip(self.columns, self.messages, strict=True):
            if self.spell is None:
                field = column if column in JOURNEY_FIELDS else None
            else:
                parsed = spell_header(column) if column else None
                field = parsed[2].field if parsed is not None and parsed[:2] == self.spell else None
            if field is not None:
                found.setdefault(field, []).append(message)
        return found


class JourneyChanged(stale.Changed[Journey]):
    """A journey's own fields, or one of its jobs or courses, changed after the page the form came from was opened
    (in another tab or window, by a colleague, or by an import), in a way the save cannot be merged with; nothing
    was written. `merged` sets the form's values against the journey (or the spell) as it is now: its `conflicts`
    are the fields both changed. `spell_id` is the changed spell as it is now: None when it is gone."""

    merged: stale.Merged

    def __init__(self, journey: Journey, merged: stale.Merged, spell_id: int | None = None) -> None:
        super().__init__(journey, merged)
        self.journey = journey
        self.spell_id = spell_id


class SpellRecordedAlready(Exception):
    """A new job or course the journey already has, with every value the same: a form sent twice (the back button, a
    second click), which adds nothing. `number`: the spell's place among the journey's jobs or courses."""

    def __init__(self, number: int) -> None:
        super().__init__(f"spell {number} has these values already")
        self.number = number


def journey_snapshot(journey: Journey) -> str:
    """What the journey's form carries of it: its own fields as the page showed them (see `stale.merge`)."""
    return stale.snapshot(_journey_record(journey))


def spell_snapshot(spell: JobSpell | EducationSpell) -> str:
    """What a job's or course's row carries of it: its fields as the page showed them."""
    return stale.snapshot(_spell_values(spell))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(getattr(value, "value", value))


def _spell_values(spell: JobSpell | EducationSpell) -> dict[str, Any]:
    columns = JOB_COLUMNS if isinstance(spell, JobSpell) else EDUCATION_COLUMNS
    return {column.field: getattr(spell, column.field) for column in columns}


def check(
    record: Mapping[str, Any],
    jobs: Sequence[Mapping[str, Any]],
    education: Sequence[Mapping[str, Any]],
    today: date,
    purged_before: date | None = None,
) -> None:
    """Raise JourneyInvalid with every problem the import would find in this journey on `today` (see
    `check_journeys` for `purged_before`)."""
    names = header(max(1, len(jobs)), max(1, len(education)))
    row = {column.name: _text(record.get(column.field)) for column in JOURNEY_COLUMNS}
    for group, spells in ((JOB_COLUMNS, jobs), (EDUCATION_COLUMNS, education)):
        for number, spell in enumerate(spells, start=1):
            row |= {column.numbered(number): _text(spell.get(column.field)) for column in group}
    cells = Cells(
        header=names,
        rows=pd.DataFrame([[row.get(name, "") for name in names]], columns=range(len(names)), dtype=object),
        lines=np.array([1]),
    )
    try:
        # Dates as the form's reader reads them; as the file has them outside a request (a command, a test).
        day = date_text if has_request_context() else None
        check_journeys(cells, today, label=field_label, purged_before=purged_before, day=day)
    except ImportRefused as refused:
        raise JourneyInvalid(
            [problem.message for problem in refused.problems], [problem.column for problem in refused.problems]
        ) from None


def _code_taken(unit: Unit, code: str, journey: Journey | None) -> str | None:
    """The code, as stored, of another journey of the unit that has `code` in any capitals; None if none has."""
    found = journey_with_code(unit, code, journey.id if journey is not None else None)
    return found[1] if found else None


def save_journey(
    unit: Unit, record: Mapping[str, Any], journey: Journey | None = None, seen: str | None = None
) -> tuple[Journey, list[tuple[str, Any]]]:
    """A new journey of `unit`, or `journey` changed, from the form's values (checked as an import would), and the
    fields someone else changed meanwhile that were kept. `seen` is the journey's snapshot when the form was opened:
    the form's changes are merged with any made since (`stale.merge`); JourneyChanged if both changed a field.
    LookupError if the journey has been deleted meanwhile."""
    kept: list[tuple[str, Any]] = []
    if journey is None:
        take_units(unit.id)
    else:
        take_journey(journey)
        merged = stale.merge(seen, _journey_record(journey), record)
        if merged.conflicts:
            raise JourneyChanged(journey, merged)
        record, kept = merged.values, merged.kept
    invalid = journey_problems(unit, record, journey)
    if invalid is not None:
        raise invalid
    if journey is None:
        journey = Journey(unit_id=unit.id)
        db.session.add(journey)
    elif code_key(record.get("code") or "") != code_key(journey.code):
        remember_gone(unit.id, journey.code, clock.today())  # an older file must not add it back under its old code
    for field in JOURNEY_FIELDS:
        value = record.get(field) or None  # an empty choice or date is no value
        if field in CHOICES and value is not None:
            value = CHOICES[field](value)
        setattr(journey, field, value)
    db.session.flush()
    refresh_outcomes(unit, clock.today())
    return journey, kept


def journey_problems(unit: Unit, record: Mapping[str, Any], journey: Journey | None = None) -> JourneyInvalid | None:
    """What saving `record` as a journey of `unit` (or as `journey`, with its jobs and courses) would be refused for,
    checked as an import would, and its code against the unit's other journeys; None if nothing. Writes nothing."""
    jobs = [_spell_values(s) for s in journey.jobs] if journey else []
    education = [_spell_values(s) for s in journey.education] if journey else []
    purge = latest_purge(unit.id)
    try:
        check(record, jobs, education, clock.today(), purge.cutoff if purge else None)
    except JourneyInvalid as invalid:
        return invalid
    taken = _code_taken(unit, record["code"], journey)
    if taken == record["code"]:
        return JourneyInvalid([_("The unit already has a journey with the code %(code)s.", code=taken)], ["code"])
    if taken is not None:
        message = _("The unit already has a journey with the code %(code)s: codes that differ only in capitals are "
                    "the same code.", code=taken)  # fmt: skip
        return JourneyInvalid([message], ["code"])
    return None


def delete_journey(journey: Journey, *, erase: bool = False, reason: str = ERASE_REQUEST) -> int:
    """Delete the journey with its jobs and courses, each audited; with `erase`, clear the values the audit trail
    kept of them too (`erase_trail`), for `reason`: the person asked to be forgotten, or a detail that points at them
    was recorded by mistake. Returns the entries cleared. LookupError if it has been deleted meanwhile."""
    take_journey(journey)
    unit, journey_id = journey.unit, journey.id
    remember_gone(unit.id, journey.code, clock.today())  # an older file must not bring it back
    db.session.delete(journey)  # its spells go with it (ORM cascade), each audited
    db.session.flush()
    refresh_outcomes(unit, clock.today())
    return erase_trail(unit, journey_id, clock.today(), reason) if erase else 0


def _journey_record(journey: Journey) -> dict[str, Any]:
    return {field: getattr(journey, field) for field in JOURNEY_FIELDS}


def _shown_spell(journey: Journey, kind: str, spell_id: int, seen: str | None) -> JobSpell | EducationSpell:
    """The journey's spell a row was about: by its id, or, when an import has written the journey's spells again
    with new ids, the one that still holds what the row showed (`seen`). JourneyChanged when it is gone; LookupError
    for an id that is none of the journey's, from a form without a snapshot."""
    try:
        return journey_spell(journey, kind, spell_id)
    except LookupError:
        if not seen:
            raise
    spells: Sequence[JobSpell | EducationSpell] = journey.jobs if kind == "jobs" else journey.education
    again = next((s for s in spells if spell_snapshot(s) == seen), None)
    if again is None:
        raise JourneyChanged(journey, stale.Merged({}), None)
    return again


def save_spell(
    journey: Journey, kind: str, values: Mapping[str, Any], spell_id: int | None = None, seen: str | None = None
) -> list[tuple[str, Any]]:
    """Add a job or course to the journey, or change one of its own; checked with the whole journey. Returns the
    spell's fields someone else changed meanwhile that were kept: a change is merged with any made since the row's
    page showed it (`seen`, the spell's snapshot then); JourneyChanged if both changed a field, or the spell is gone.
    For a new one, `seen` lists the jobs or courses its page showed (`spells_shown`): SpellRecordedAlready if one it
    did not show has every value of the new one (`_refuse_sent_twice`). LookupError if the journey has been deleted
    meanwhile.
    """
    take_journey(journey)
    model = SPELL_MODELS[kind]
    spells = journey.jobs if kind == "jobs" else journey.education
    spell = _shown_spell(journey, kind, spell_id, seen) if spell_id is not None else None
    kept: list[tuple[str, Any]] = []
    if spell is not None:
        merged = stale.merge(seen, _spell_values(spell), values)
        if merged.conflicts:
            raise JourneyChanged(journey, merged, spell.id)
        values, kept = merged.values, merged.kept
    if spell is None:  # a form sent twice adds nothing
        _refuse_sent_twice(kind, values, spells, seen)
    # The changed spell keeps its place among the others, so that a problem names it by its own number.
    proposed = [dict(values) if s is spell else _spell_values(s) for s in spells]
    if spell is None:
        proposed.append(dict(values))
    today = clock.today()
    try:
        check(
            _journey_record(journey),
            proposed if kind == "jobs" else [_spell_values(s) for s in journey.jobs],
            proposed if kind == "education" else [_spell_values(s) for s in journey.education],
            today,
        )
    except JourneyInvalid as invalid:
        number = len(proposed) if spell is None else list(spells).index(spell) + 1
        invalid.spell = ("job" if kind == "jobs" else "education", number)
        raise
    if spell is None:
        spell = model(**values)
        spells.append(spell)  # type: ignore[arg-type]
    else:
        for field, value in values.items():
            setattr(spell, field, value)
    db.session.flush()
    refresh_outcomes(journey.unit, today)
    return kept


def locked_through(unit: Unit, journey: Journey) -> Quarter | None:
    """The last quarter a purge locked, when the journey was referred in or before it: a change to the journey does
    not reach the figures of those quarters (as `imports.locked_reached` tells of a file)."""
    return locked_reached(journey.referral_date, locked_quarters(unit))


def spells_shown(spells: Sequence[JobSpell | EducationSpell]) -> str:
    """What the form for a new job or course carries of the journey's jobs or courses that its page showed."""
    return ",".join(str(spell.id) for spell in spells)


def _refuse_sent_twice(
    kind: str, values: Mapping[str, Any], spells: Sequence[JobSpell | EducationSpell], shown: str | None
) -> None:
    """SpellRecordedAlready if a job or course the page did not show (`shown`, from `spells_shown`) has every value
    of the new one: the form was sent again (the back button, a second click) after it was added. One the page
    showed is another job the person meant to add, alike as it may be (two jobs of 10 hours from the same Monday).
    Without `shown` (a form from elsewhere), any such job or course is taken for the same one."""
    seen_ids = set(shown.split(",")) if shown is not None else set()
    columns = JOB_COLUMNS if kind == "jobs" else EDUCATION_COLUMNS
    typed = {column.field: _text(values.get(column.field)) for column in columns}
    for number, existing in enumerate(spells, start=1):
        if str(existing.id) in seen_ids:
            continue
        if {column.field: _text(getattr(existing, column.field)) for column in columns} == typed:
            raise SpellRecordedAlready(number)


def journey_spell(journey: Journey, kind: str, spell_id: int) -> JobSpell | EducationSpell:
    """One of the journey's own jobs ("jobs") or courses ("education"); LookupError if it has no such spell."""
    spells: Sequence[JobSpell | EducationSpell] = journey.jobs if kind == "jobs" else journey.education
    spell = next((s for s in spells if s.id == spell_id), None)
    if spell is None:
        raise LookupError(spell_id)
    return spell


def delete_spell(journey: Journey, kind: str, spell_id: int, seen: str | None = None) -> None:
    """Delete one of the journey's jobs or courses, as its row showed it (`seen`): JourneyChanged if it has changed
    since (its changed fields as conflicts), or is gone. LookupError if the journey has been deleted meanwhile."""
    take_journey(journey)
    spell = _shown_spell(journey, kind, spell_id, seen)
    if seen and spell_snapshot(spell) != seen:
        changed = stale.merge(seen, _spell_values(spell), stale.shown(seen)).kept  # its fields changed since
        raise JourneyChanged(journey, stale.Merged({}, [], changed), spell.id)
    # Deleted in so many words rather than dropped from the journey's list: the audit log sees a deletion, but not
    # the removal of an orphan, which happens inside the flush.
    db.session.delete(spell)
    db.session.flush()
    db.session.expire(journey, [kind])
    refresh_outcomes(journey.unit, clock.today())
