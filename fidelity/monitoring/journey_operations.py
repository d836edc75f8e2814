"""Keeping one journey in the browser: the same checks as an import, run on a one-row table of the journey as it
would stand after the change, then written row by row (so the audit log has every field's old and new value). The
unit's kept quarterly figures follow every change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import select

from fidelity import clock, stale
from fidelity.extensions import db
from fidelity.models import EducationSpell, JobSpell, Journey, Unit
from fidelity.models.monitoring import AgeBand, Decision, ExitReason, Goal, NotAcceptedReason
from fidelity.monitoring.identity import code_key
from fidelity.monitoring.journey_files import Cells
from fidelity.monitoring.journey_forms import field_label
from fidelity.monitoring.kept import refresh_outcomes
from fidelity.monitoring.layout import EDUCATION_COLUMNS, JOB_COLUMNS, JOURNEY_COLUMNS, header
from fidelity.monitoring.problems import ImportRefused
from fidelity.monitoring.purge import latest_purge
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
    """The change would leave the journey wrong; nothing was written. `messages` says what, one line each."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


class JourneyChanged(stale.Changed[Journey]):
    """The journey, or one of its jobs or courses, changed after the page the form came from was opened (in another
    tab or window, by a colleague, or by an import); nothing was written."""

    def __init__(self, journey: Journey) -> None:
        super().__init__(journey)
        self.journey = journey


def _journey_content(journey: Journey) -> list[Any]:
    """Everything a journey's forms change: its own fields, its jobs and its courses."""
    return [
        _journey_record(journey),
        {str(s.id): _spell_values(s) for s in journey.jobs},  # keys sorted by the digest
        {str(s.id): _spell_values(s) for s in journey.education},
    ]


def journey_digest(journey: Journey) -> str:
    """A fingerprint of everything a journey's forms change. A form carries the fingerprint of the journey as its
    page showed it; a different one when it is sent back means the journey changed meanwhile, whoever or whatever
    changed it (an import replaces rows without touching any timestamp the form could carry)."""
    return stale.digest(_journey_content(journey))


def require_unchanged(journey: Journey, seen: str | None) -> None:
    """Raise JourneyChanged unless the journey is as it was when the form's page showed it (`seen`, its digest then).
    A form sent without a digest (a script's) is not checked."""
    stale.require_unchanged(journey, seen, _journey_content(journey), JourneyChanged)


def changed_fields(journey: Journey, record: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The journey's own fields whose stored value differs from `record` (a form's values): each as its column and
    the value it holds (a choice as its code, a date as a date, None when empty)."""
    return stale.differences(_journey_record(journey), record)


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
        check_journeys(cells, today, label=field_label, purged_before=purged_before)
    except ImportRefused as refused:
        raise JourneyInvalid([problem.message for problem in refused.problems]) from None


def _code_taken(unit: Unit, code: str, journey: Journey | None) -> bool:
    """Whether another journey of the unit has `code` in any capitals (compared here, not in SQL, where SQLite's
    upper() knows only ASCII letters)."""
    query = select(Journey.code).where(Journey.unit_id == unit.id)
    if journey is not None:
        query = query.where(Journey.id != journey.id)
    return code_key(code) in {code_key(other) for other in db.session.scalars(query)}


def save_journey(
    unit: Unit, record: Mapping[str, Any], journey: Journey | None = None, seen: str | None = None
) -> Journey:
    """A new journey of `unit`, or `journey` changed, from the form's values (checked as an import would). `seen` is
    the journey's digest when the form was opened: JourneyChanged if it has changed since."""
    if journey is not None:
        require_unchanged(journey, seen)
    jobs = [_spell_values(s) for s in journey.jobs] if journey else []
    education = [_spell_values(s) for s in journey.education] if journey else []
    today = clock.today()
    purge = latest_purge(unit.id)
    check(record, jobs, education, today, purge.cutoff if purge else None)
    if _code_taken(unit, record["code"], journey):
        raise JourneyInvalid([_("The unit already has a journey with the code %(code)s.", code=record["code"])])
    if journey is None:
        journey = Journey(unit_id=unit.id)
        db.session.add(journey)
    for field in JOURNEY_FIELDS:
        value = record.get(field) or None  # an empty choice or date is no value
        if field in CHOICES and value is not None:
            value = CHOICES[field](value)
        setattr(journey, field, value)
    db.session.flush()
    refresh_outcomes(unit, today)
    return journey


def delete_journey(journey: Journey) -> None:
    unit = journey.unit
    db.session.delete(journey)  # its spells go with it (ORM cascade), each audited
    db.session.flush()
    refresh_outcomes(unit, clock.today())


def _journey_record(journey: Journey) -> dict[str, Any]:
    return {field: getattr(journey, field) for field in JOURNEY_FIELDS}


def save_spell(
    journey: Journey, kind: str, values: Mapping[str, Any], spell_id: int | None = None, seen: str | None = None
) -> None:
    """Add a job or course to the journey, or change one of its own; checked with the whole journey. JourneyChanged
    if the journey is no longer as its page showed it (`seen`)."""
    require_unchanged(journey, seen)
    model = SPELL_MODELS[kind]
    spells = journey.jobs if kind == "jobs" else journey.education
    spell = journey_spell(journey, kind, spell_id) if spell_id is not None else None
    # The changed spell keeps its place among the others, so that a problem names it by its own number.
    proposed = [dict(values) if s is spell else _spell_values(s) for s in spells]
    if spell is None:
        proposed.append(dict(values))
    today = clock.today()
    check(
        _journey_record(journey),
        proposed if kind == "jobs" else [_spell_values(s) for s in journey.jobs],
        proposed if kind == "education" else [_spell_values(s) for s in journey.education],
        today,
    )
    if spell is None:
        spell = model(**values)
        spells.append(spell)  # type: ignore[arg-type]
    else:
        for field, value in values.items():
            setattr(spell, field, value)
    db.session.flush()
    refresh_outcomes(journey.unit, today)


def journey_spell(journey: Journey, kind: str, spell_id: int) -> JobSpell | EducationSpell:
    """One of the journey's own jobs ("jobs") or courses ("education"); LookupError if it has no such spell."""
    spells: Sequence[JobSpell | EducationSpell] = journey.jobs if kind == "jobs" else journey.education
    spell = next((s for s in spells if s.id == spell_id), None)
    if spell is None:
        raise LookupError(spell_id)
    return spell


def delete_spell(journey: Journey, kind: str, spell_id: int, seen: str | None = None) -> None:
    require_unchanged(journey, seen)
    # Deleted in so many words rather than dropped from the journey's list: the audit log sees a deletion, but not
    # the removal of an orphan, which happens inside the flush.
    db.session.delete(journey_spell(journey, kind, spell_id))
    db.session.flush()
    db.session.expire(journey, [kind])
    refresh_outcomes(journey.unit, clock.today())
