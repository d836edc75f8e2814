"""Saves made from a page that no longer shows the record as it is (a "lost update").

A form carries, in a hidden field `seen`, a `snapshot` of the values its page showed. When the form comes back, its
operation `merge`s what was typed with the record as it is now, field by field: a field the person left as shown
takes what is stored now (someone else's change stands, and the page says so: `kept_notice`), a field the person
changed takes what was typed, and a field both changed, differently, is a conflict. With conflicts the operation
raises its own subclass of `Changed`, carrying the `Merged`, and writes nothing; the view rolls back and answers 409
with the form `refill`ed with the merged values, the conflicting fields listed (templates/_conflict.html), and a
fresh snapshot, so that saving again settles only them. A form sent without `seen` (a script's) is taken as typed; a
`seen` that is a `digest` comes from a page opened before forms carried snapshots.

Journeys and their jobs and courses, actions and their status, local adaptations and staffing use it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from flask_babel import gettext as _

R = TypeVar("R")


class Changed(Exception, Generic[R]):
    """The record changed after the page its form came from was opened; nothing was written. Each kind of record
    has its own subclass, so that a view catches only what its operation raises."""

    def __init__(self, record: R, merged: Merged | None = None) -> None:
        super().__init__(f"{type(self).__name__}: {record!r} changed since its form was opened")
        self.record = record
        self.merged = merged  # for a form that carries a snapshot: the values to show again and the conflicts


def digest(content: Any) -> str:
    """A fingerprint of `content`, as JSON (mappings, lists, text, numbers, None, dates and choices): the same
    content, the same digest."""
    text = json.dumps(content, default=_plain, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _plain(value: Any) -> str:
    return str(getattr(value, "value", value))  # a choice as its code, a date as YYYY-MM-DD


def _comparable(value: Any) -> Any:
    value = getattr(value, "value", value)
    return None if value is None or value == "" or value == [] else value


def _key(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value


# --- merging: a form that carries the values its page showed ----------------------------------------------------


def snapshot(content: Mapping[str, Any]) -> str:
    """What a form carries of its record: the values its page showed (`content`, field -> value), as JSON. Sent back
    with the form, it tells which fields the person changed and which someone else changed meanwhile (`merge`)."""
    return json.dumps({name: _normal(value) for name, value in content.items()}, sort_keys=True)


@dataclass(frozen=True)
class Merged:
    """A form's values set against its record as it is now and as its page showed it."""

    values: dict[str, Any]  # to write: what was typed where the person changed a field, what is stored elsewhere
    kept: list[tuple[str, Any]] = field(default_factory=list)  # changed meanwhile by someone else only: (field, value)
    conflicts: list[tuple[str, Any]] = field(default_factory=list)  # changed by both, differently: (field, stored)


def merge(seen: str | None, stored: Mapping[str, Any], typed: Mapping[str, Any]) -> Merged:
    """Set what was typed (`typed`) against the record as it is now (`stored`) and as the form's page showed it
    (`seen`, its `snapshot`), field by field, as the fields of `stored`:

    - a field the person left as shown takes the stored value, so that someone else's change to it stands (`kept`
      when there was one);
    - a field the person changed takes the typed value, unless someone else changed it too, to something else: a
      conflict, which is for the person to settle.

    Without `seen` (a script's form) the typed values are taken as they are. A `seen` that is no snapshot (a page
    from before snapshots) is taken as showing what is stored when its digest says so, else as showing nothing: every
    field the person would change is then a conflict."""
    if not seen:
        return Merged(dict(typed))
    shown = _shown(seen, stored)
    values: dict[str, Any] = {}
    kept: list[tuple[str, Any]] = []
    conflicts: list[tuple[str, Any]] = []
    for name, value in stored.items():
        now, mine, then = _key(_normal(value)), _key(_normal(typed.get(name))), shown.get(name, _UNKNOWN)
        if then is not _UNKNOWN and mine == _key(then):
            values[name] = _comparable(value)  # left as shown: what is stored now
            if now != mine:
                kept.append((name, _comparable(value)))
        elif (then is not _UNKNOWN and now == _key(then)) or now == mine:
            values[name] = typed.get(name)  # changed by this person alone, or by both alike
        else:
            values[name] = typed.get(name)
            conflicts.append((name, _comparable(value)))
    return Merged(values, kept, conflicts)


_UNKNOWN = object()


def shown(seen: str) -> dict[str, Any]:
    """The values a form's page showed, as its snapshot `seen` keeps them (empty for anything else)."""
    try:
        values = json.loads(seen)
    except ValueError:
        return {}
    return values if isinstance(values, dict) else {}


def kept_notice(kept: list[tuple[str, Any]], form: Any) -> str | None:
    """What a save says of `kept` (a `Merged`'s): the fields, by their labels in `form`, that someone else changed
    meanwhile and that were kept as they changed them; None when there are none."""
    if not kept:
        return None
    names = ", ".join(str(form[name].label.text) for name, _value in kept)
    return _("Meanwhile someone else changed: %(fields)s; their changes are kept.", fields=names)


def refill(form: Any, values: Mapping[str, Any]) -> None:
    """Show `values` (field -> value, as the form's fields hold them) in `form` rather than what was sent."""
    for name, value in values.items():
        form[name].data = value
        form[name].raw_data = None  # a field shows what was sent before its data


def _shown(seen: str, stored: Mapping[str, Any]) -> dict[str, Any]:
    """The values a form's page showed, from its `seen`."""
    try:
        shown = json.loads(seen)
    except ValueError:
        shown = None
    if isinstance(shown, dict):
        return shown
    # A digest, from a page opened before forms carried snapshots.
    return {name: _normal(value) for name, value in stored.items()} if seen == digest(stored) else {}


def _normal(value: Any) -> Any:
    """A value as a snapshot keeps it: a choice as its code, a date as YYYY-MM-DD, a whole number of hours as a
    number, empty as None."""
    return json.loads(json.dumps(_comparable(value), default=_plain))
