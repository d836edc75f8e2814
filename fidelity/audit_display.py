"""The audit log as people read it: what was changed, in words, and only the values that say something."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

ENTITY_NAMES: Mapping[str, Any] = {
    "organisations": _l("organisation"),
    "areas": _l("area"),
    "units": _l("unit"),
    "users": _l("user"),
    "role_assignments": _l("role"),
    "reviews": _l("review"),
    "ratings": _l("rating"),
    "review_reviewers": _l("reviewer assignment"),
    "actions": _l("action"),
    "action_comments": _l("comment on an action"),
    "staffing_quarters": _l("staffing of a quarter"),
    "journeys": _l("journey"),
    "job_spells": _l("job"),
    "education_spells": _l("course"),
    "adaptations": _l("local adaptation"),
    "consensus_scores": _l("consensus score"),
    "api_tokens": _l("API token"),
}
ACTION_NAMES: Mapping[str, Any] = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "purge": _l("purged"),  # journeys deleted under the retention rule, one entry per unit
    "import": _l("imported"),  # journeys written in bulk from a file, one entry per import
}
# Imports and purges write many rows under one entry, named in the plural.
BULK_ACTIONS = frozenset({"import", "purge"})
BULK_NAMES: Mapping[str, Any] = {"journeys": _l("journeys")}
# Bookkeeping columns: the row's own id and the times the database stamps on every write.
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at", "assigned_at", "revision"})
# A field that names what a row is about, shown beside the entity: 'rating S1', 'role frontline_manager'.
SUBJECT_FIELDS: Mapping[str, str] = {
    "ratings": "item_key",
    "role_assignments": "role",
    "units": "code",
    "actions": "title",
    "api_tokens": "name",
}


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    action: str  # create | update | delete
    action_label: str
    entity: str
    entity_id: str
    subject: str  # e.g. the item key of a rating; may be empty
    changes: tuple[Change, ...]
    sealed: bool = False  # values kept back for now (an external reviewer's own rating before consensus)


def shown(value: Any) -> str | None:
    """A stored value as text: lists joined with commas, empty values as None."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def audit_line(
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    changes: Mapping[str, Sequence[Any]],
    sealed: bool = False,
) -> AuditLine:
    """One audit entry in words. A creation lists only the values it set; a change lists every field it changed;
    a sealed entry lists none."""
    kept = []
    for name, (before, after) in changes.items():
        if name in HIDDEN_FIELDS:
            continue
        change = Change(name, shown(before), shown(after))
        if action == "create" and change.after is None:
            continue
        kept.append(change)
    subject_field = SUBJECT_FIELDS.get(entity)
    subject = ""
    if subject_field and subject_field in changes:
        before, after = changes[subject_field]
        subject = shown(after if after is not None else before) or ""
    return AuditLine(
        at=at,
        actor=actor,
        action=action,
        action_label=str(ACTION_NAMES.get(action, action)),
        entity=str((BULK_NAMES if action in BULK_ACTIONS else ENTITY_NAMES).get(entity, entity)),
        entity_id=entity_id,
        subject=subject,
        changes=() if sealed else tuple(kept),
        sealed=sealed,
    )
