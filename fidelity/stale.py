"""Refusing a save made from a page that no longer shows the record as it is (a "lost update").

A form carries, in a hidden field `seen`, the digest of the record as its page showed it. When the form comes back,
its operation compares that with the record's digest now: a different one means the record changed meanwhile (in
another tab or window, by a colleague, by an import), and saving would silently put back the values the page had
shown for the fields this person did not touch. The operation then raises its own subclass of `Changed` and writes
nothing; the view rolls back and answers 409 with what was typed, where the record now differs from it
(`differences`), and the record's digest as it is now, so that saving again is a deliberate choice. A form sent
without a digest (a script's) is not checked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

R = TypeVar("R")


class Changed(Exception, Generic[R]):
    """The record changed after the page its form came from was opened; nothing was written. Each kind of record
    has its own subclass, so that a view catches only what its operation raises."""

    def __init__(self, record: R) -> None:
        super().__init__(f"{type(self).__name__}: {record!r} changed since its form was opened")
        self.record = record


def digest(content: Any) -> str:
    """A fingerprint of `content`, as JSON (mappings, lists, text, numbers, None, dates and choices): the same
    content, the same digest."""
    text = json.dumps(content, default=_plain, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _plain(value: Any) -> str:
    return str(getattr(value, "value", value))  # a choice as its code, a date as YYYY-MM-DD


def require_unchanged(
    record: Any,
    seen: str | None,
    content: Any,
    changed: type[Changed[Any]],
    typed: Mapping[str, Any] | None = None,
) -> None:
    """Raise `changed(record)` unless `content` (the record's editable content now) has the digest `seen` (the
    record's when the form's page showed it); not when `seen` is empty (a script's form). With `typed` (the form's
    values, keyed as `content`), a form that would change nothing is let through: it cannot put anything back."""
    if not seen or seen == digest(content):
        return
    if typed is not None and not differences(content, typed):
        return
    raise changed(record)


def differences(stored: Mapping[str, Any], typed: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The fields of `stored` whose value differs from `typed` (a form's values, in the same terms), in the order of
    `stored`, each with the value it holds: a choice as its code, None when empty; lists are compared as sets."""
    return [
        (field, _comparable(value))
        for field, value in stored.items()
        if _key(_comparable(value)) != _key(_comparable(typed.get(field)))
    ]


def _comparable(value: Any) -> Any:
    value = getattr(value, "value", value)
    return None if value is None or value == "" or value == [] else value


def _key(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value
