"""Every change to an audited model is written to the audit log in the same transaction.

One session listener does this, so no operation can forget to. Who is acting comes from a context variable that
the web layer sets from the logged-in user and the CLI sets to the command's name.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from fidelity.models.audit import AuditEntry
from fidelity.models.types import Audited, utcnow

REDACTED = "[redacted]"
# All that is left of the values of an audit entry about a journey, job or course once the journey has been deleted
# under the retention rule: [None, the purge's cut-off]. The entry still says who changed what, and when.
CLEARED = "cleared_by_purge"
# The same, once a deleted journey has had its trail erased with it: [None, the day]; beside it ERASE_REASON, why:
# at the person's request (entries made before the reason was kept have none), or a detail that points at the
# person recorded by mistake.
ERASED = "erased_on_request"
ERASE_REASON = "erase_reason"
ERASE_REQUEST = "request"
ERASE_MISTAKE = "mistake"
# The entries that hold a row's values: the others (an import, an export, a purge, an erasure) hold counts, and name a
# unit by its code, which may be digits alone, where these name a row by its id.
ROW_ACTIONS = frozenset({"create", "update", "delete"})


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str


SYSTEM = Actor(None, "system")
_actor: ContextVar[Actor | None] = ContextVar("fidelity_audit_actor", default=None)
_resolver: Callable[[], Actor | None] = lambda: None  # noqa: E731


def set_actor_resolver(resolver: Callable[[], Actor | None]) -> None:
    """Let the web layer name the logged-in user when no block has set an actor."""
    global _resolver
    _resolver = resolver


def current_actor() -> Actor:
    """The actor set by `acting_as`, else the resolver's (the logged-in user), else the system."""
    return _actor.get() or _resolver() or SYSTEM


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Attribute the changes made inside the block to `actor`."""
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def summary_entry(
    action: str,
    entity: str,
    entity_id: str,
    facts: dict[str, Any],
    unit_id: int | None = None,
    journey_id: int | None = None,
) -> dict[str, Any]:
    """The audit_log row of an operation written in bulk, which the listener never sees: one entry for the whole
    operation by the current actor, each fact as a change from nothing (`[None, value]`); `journey_id` when the
    operation is about one journey alone."""
    actor = current_actor()
    return {
        "at": utcnow(),
        "actor_id": actor.user_id,
        "actor_label": actor.label,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "unit_id": unit_id,
        "journey_id": journey_id,
        "changes": {name: [None, _plain(value)] for name, value in facts.items()},
    }


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _changes(obj: Audited, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        name = attr.key
        if name in obj.__audit_exclude__:
            continue
        history = state.attrs[name].history
        if action == "create":
            old, new = None, getattr(obj, name)
        elif action == "delete":
            old, new = getattr(obj, name), None
        else:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if not history.has_changes() or old == new:
                if name not in obj.__audit_context__:
                    continue
                old = new = getattr(obj, name)
        if name in obj.__audit_redact__:
            old, new = (REDACTED if old is not None else None), (REDACTED if new is not None else None)
        changes[name] = [_plain(old), _plain(new)]
    return changes


def _identity(obj: Audited) -> str:
    # New rows have their key values by now, but not yet an identity key.
    state = inspect(obj)
    return "/".join(str(v) for v in state.mapper.primary_key_from_instance(obj))


@event.listens_for(Session, "after_flush")
def _write_audit_entries(session: Session, flush_context: UOWTransaction) -> None:
    rows: list[dict[str, Any]] = []
    actor = current_actor()
    now = utcnow()
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _changes(obj, action)
            context = obj.__audit_context__
            if action == "update" and all(name in context and old == new for name, (old, new) in changes.items()):
                continue  # nothing changed: what is there is only the row's context
            rows.append(
                {
                    "at": now,
                    "actor_id": actor.user_id,
                    "actor_label": actor.label,
                    "action": action,
                    "entity": obj.__tablename__,  # type: ignore[attr-defined]
                    "entity_id": _identity(obj),
                    "unit_id": obj.audit_unit_id(),
                    "journey_id": obj.audit_journey_id(),
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(insert(AuditEntry), rows)
