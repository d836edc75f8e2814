"""The audit log as people read it: what was changed, in words, and only the values that say something."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from fidelity.actions.forms import STATUS_LABELS
from fidelity.adaptations.forms import REASON_NAMES
from fidelity.admin.operations import HOST_TYPE_NAMES, ROLE_NAMES
from fidelity.audit import CLEARED, ERASE_MISTAKE, ERASE_REASON, ERASE_REQUEST, ERASED, REDACTED
from fidelity.extensions import db
from fidelity.i18n import LANGUAGE_NAMES, amount_text, date_text, datetime_text, quarter_text
from fidelity.models import (
    Action,
    Adaptation,
    ApiToken,
    AuditEntry,
    EducationSpell,
    JobSpell,
    Journey,
    RoleAssignment,
    StaffingQuarter,
    User,
)
from fidelity.monitoring.journey_forms import (
    AGE_BAND_NAMES,
    DECISION_NAMES,
    EXIT_NAMES,
    GOAL_NAMES,
    JOURNEY_LABELS,
    SPELL_LABELS,
)
from fidelity.monitoring.journey_forms import REASON_NAMES as NOT_ACCEPTED_NAMES
from fidelity.scales import Principle, Scale

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
    "erase": _l("erased the trail of"),  # a deleted journey's values cleared from the trail, at the person's request
    "export": _l("exported"),  # a unit's journeys handed out as a file, one entry per export
}
# Imports, purges and exports concern many rows under one entry, named in the plural.
BULK_ACTIONS = frozenset({"import", "purge", "export"})
BULK_NAMES: Mapping[str, Any] = {"journeys": _l("journeys"), "audit_log": _l("audit entries")}
# Bookkeeping columns: the row's own id and the times the database stamps on every write.
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at", "assigned_at", "revision"})
# A field that names what a row is about, shown beside the entity: 'rating S1', 'role Frontline manager'.
SUBJECT_FIELDS: Mapping[str, str] = {
    "ratings": "item_key",
    "role_assignments": "role",
    "units": "code",
    "actions": "title",
    "adaptations": "title",
    "api_tokens": "name",
}

# What each stored field is called on the page, in the words the forms and pages use for it. A column that holds
# another row's id says so: the trail shows the id, not the row. One name per field: where two tables' forms name
# a field differently ("title": an action's title, an adaptation's "what the unit does differently"), the plain one.
FIELD_LABELS: Mapping[str, Any] = {
    # organisations, areas, units
    "code": _l("Code"),
    "name": _l("Name"),
    "organisation_id": _l("Organisation (id)"),
    "area_id": _l("Area (id)"),
    "host_type": _l("Run by"),
    "offers_ips": _l("Offers IPS"),
    "offers_sed": _l("Offers SEd"),
    "target_group": _l("Target group"),
    "started_on": _l("Started"),
    # users, their roles and API tokens
    "email": _l("E-mail"),
    "display_name": _l("Name"),
    "password_hash": _l("Password"),
    "active": _l("Active"),
    "locale": _l("Language"),
    "session_generation": _l("Times every session was ended"),
    "role": _l("Role"),
    "user_id": _l("User"),
    "secret_hash": _l("Fingerprint"),
    "prefix": _l("Begins with"),
    "last_used_at": _l("Last used"),
    "expires_at": _l("Expires"),
    "revoked_at": _l("Revoked"),
    # reviews, ratings, consensus
    "unit_id": _l("Unit (id)"),
    "kind": _l("Kind"),
    "scale_id": _l("Scale"),
    "scale_version": _l("Scale version"),
    "review_date": _l("Review date"),
    "status": _l("Status"),
    "created_by_id": _l("Created by"),
    "submitted_at": _l("Submitted"),
    "submitted_by_id": _l("Submitted by"),
    "visit_start": _l("First day of the visit"),
    "visit_end": _l("Last day of the visit"),
    "strengths": _l("Strengths"),
    "corrects_id": _l("Corrects (id)"),
    "change_reason": _l("Reason for the change"),
    "total": _l("Total"),
    "scored_items": _l("Items scored"),
    "review_id": _l("Review (id)"),
    "rater_id": _l("Scored by"),
    "reviewer_id": _l("Reviewer"),
    "signed_off_at": _l("Signed off"),
    "item_key": _l("Item"),
    "score": _l("Score"),
    "evidence": _l("Evidence"),
    "sources": _l("Sources"),
    "rationale": _l("Rationale"),
    "recommendation": _l("Recommendation"),
    "correction_note": _l("Correction of an earlier score"),
    # action plans
    "title": _l("Title"),
    "description": _l("Description"),
    "owner_id": _l("Owner"),
    "due_date": _l("Due date"),
    "action_id": _l("Action (id)"),
    "author_id": _l("Author"),
    "text": _l("Comment"),
    # staffing
    "year": _l("Year"),
    "quarter": _l("Quarter"),
    "specialist_fte": _l("Work/study specialists (FTE)"),
    "supervisor_fte": _l("Supervisors (FTE)"),
    # local adaptations
    "reason": _l("Why"),
    "since": _l("Since"),
    "until": _l("Until"),
    "decided_by": _l("Decided by"),
    "principles": _l("Principles it departs from"),
    "items": _l("Scale items it departs from"),
    # journeys, their jobs and courses, as the journey form names them
    **JOURNEY_LABELS,
    "journey_id": _l("Journey (id)"),
    **SPELL_LABELS,
    # the facts of an import and of a purge, each one entry for many journeys
    "file": _l("File"),
    "format": _l("Format"),
    "journeys": _l("Journeys"),
    "added": _l("Journeys added"),
    "replaced": _l("Journeys replaced"),
    "changed": _l("Journeys changed"),
    "left_out": _l("Journeys left as they were, which the file would have put back as before a later change"),
    "job_spells": _l("Jobs"),
    "education_spells": _l("Courses"),
    "removed": _l("Journeys deleted"),
    "cleared": _l("Audit entries cleared of their values"),
    ERASE_REASON: _l("Why"),
    "cutoff": _l("Ended before"),
    "file_names_cleared": _l("Imports' file names cleared"),
    "reads_deleted": _l("Reads of the records deleted from their log"),
    "file_cleared": _l("File's name cleared by the purge of journeys that ended before"),
}
REVIEW_KIND_NAMES: Mapping[str, Any] = {"self_assessment": _l("Self-assessment"), "external": _l("External review")}
REVIEW_STATUS_NAMES: Mapping[str, Any] = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "consensus": _l("Consensus"),
    "final": _l("Final"),
}
# Fields that hold a user's id: shown as the user's e-mail address, with the id.
USER_FIELDS = frozenset(
    {"user_id", "created_by_id", "submitted_by_id", "rater_id", "reviewer_id", "owner_id", "author_id"}
)
# Stored choices in words, by field, with the names the forms and pages give them.
CHOICE_NAMES: Mapping[str, Mapping[Any, Any]] = {
    "role": ROLE_NAMES,
    "host_type": HOST_TYPE_NAMES,
    "locale": LANGUAGE_NAMES,
    "status": {**STATUS_LABELS, **REVIEW_STATUS_NAMES},  # an action's or a review's: their values differ
    "kind": REVIEW_KIND_NAMES,
    "reason": REASON_NAMES,
    "age_band": AGE_BAND_NAMES,
    "goal": GOAL_NAMES,
    "decision": DECISION_NAMES,
    "not_accepted_reason": NOT_ACCEPTED_NAMES,
    "exit_reason": EXIT_NAMES,
    ERASE_REASON: {
        ERASE_REQUEST: _l("The person asked to be forgotten"),
        ERASE_MISTAKE: _l("Recorded with a detail that points at the person, by mistake"),
    },
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")

# How a stored value becomes text: given the field's name and the value as stored in the log.
ValueText = Callable[[str, Any], str | None]


@dataclass(frozen=True)
class Change:
    field: str  # as stored: what an administrator looks for in the database
    before: str | None
    after: str | None

    @property
    def label(self) -> str:
        """The field as the forms and pages name it; a field without a name is shown as stored."""
        return str(FIELD_LABELS.get(self.field, self.field))


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
    # A change to a person's record (a journey, a job, a course), shown to a reader who may not read the records: what
    # was done and when, without the values or the journey's code.
    withheld: bool = False
    # The values were cleared by a purge of journeys that ended before this day (in words), with the journey itself.
    cleared: str | None = None
    # The values were erased on this day (in words), with the journey, and why (ERASE_REQUEST or ERASE_MISTAKE).
    erased: str | None = None
    erased_because: str = ERASE_REQUEST


def shown(value: Any) -> str | None:
    """A stored value as text: lists joined with commas, empty values as None."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def stored_text(field: str, value: Any) -> str | None:
    """A value as stored, whatever the field: for a log read outside a request."""
    return shown(value)


def value_text(field: str, value: Any, people: Mapping[int, str] | None = None) -> str | None:
    """A stored value in words, in the language of the request: dates and time stamps written as the pages write
    them, yes or no, and choices by the names the forms give them; a user by their e-mail address in `people` (user
    id -> address, see `people_named`); a value kept out of the log (a password's hash, a token's fingerprint) as not
    shown. Anything else as stored."""
    if value == REDACTED:
        return _("(not shown)")
    if field in USER_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        address = (people or {}).get(value)
        return f"{address} (#{value})" if address else f"#{value}"
    if field == "sources" and isinstance(value, list):
        labels = {code: s.label for scale in _scales() for code, s in scale.sources.items()}
        return shown([labels.get(code, code) for code in value])
    if field == "scale_id" and isinstance(value, str):
        return next((scale.title for scale in _scales() if scale.id == value), value)
    if field == "principles" and isinstance(value, list):  # an adaptation's, named as its form names them
        principles = {p.key: f"{p.number}. {p.title}" for p in _principles()}
        return "; ".join(principles.get(str(key), str(key)) for key in value) or None
    if field == "items" and isinstance(value, list):  # an adaptation's scale items, stored as 'scale:key'
        items = {f"{scale.id}:{item.key}": f"{item.key} {item.title}" for scale in _scales() for item in scale.items}
        return "; ".join(items.get(str(ref), str(ref)) for ref in value) or None
    if field in ("job_spells", "education_spells") and isinstance(value, list):
        if not value:  # a journey's, as an import that changed them keeps them
            return _("no jobs") if field == "job_spells" else _("no courses")
        return "; ".join(spell_text(spell) for spell in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float):
        return amount_text(value, 2)
    if isinstance(value, str):
        names: Mapping[Any, Any] = CHOICE_NAMES.get(field, {})
        if value in names:
            return str(names[value])
        if ISO_DATE.fullmatch(value):
            return _date_text(value)
        if ISO_TIMESTAMP.fullmatch(value):
            return _datetime_text(value)
    return shown(value)


def spell_text(spell: Mapping[str, Any]) -> str:
    """A job or course as an import's audit entry keeps it, in words: its dates, and for a job whether it is
    competitive and its hours."""
    start = _date_text(spell["start_date"])
    text = _("%(start)s to %(end)s", start=start, end=_date_text(spell["end_date"])) if spell.get("end_date") else (
        _("from %(start)s", start=start))  # fmt: skip
    if "competitive" in spell:
        text += ", " + (_("competitive") if spell["competitive"] else _("not competitive"))
    if spell.get("hours_per_week") is not None:
        text += ", " + _("%(hours)s hours a week", hours=amount_text(spell["hours_per_week"], 2))
    return text


def _scales() -> list[Scale]:
    """The latest version of each scale, in the reader's language: how the forms name a scale and its sources."""
    from fidelity import scale_registry  # the app's registry, read in the request

    return scale_registry().latest()


def _principles() -> tuple[Principle, ...]:
    from fidelity import scale_registry

    return scale_registry().principles.principles


def _date_text(value: str) -> str:
    try:
        return date_text(date.fromisoformat(value))
    except ValueError:  # shaped like a date but none: as stored
        return value


def _datetime_text(value: str) -> str:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return value
    return datetime_text(at)  # one written without its zone is UTC, as datetime_text takes it


def audit_line(
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    changes: Mapping[str, Sequence[Any]],
    sealed: bool = False,
    text: ValueText = stored_text,
    subject: str = "",
    withheld: bool = False,
) -> AuditLine:
    """One audit entry in words. A creation lists only the values it set; a change lists every field it changed;
    a sealed entry lists none. `text` writes each value: `value_text` in words for a page (it needs the request's
    language), the stored value by default. `subject`: what the entry is about, where the caller knows it better than
    the entry's own fields tell."""
    cleared = erased = None
    because = ERASE_REQUEST
    if CLEARED in changes:
        cleared, changes = text("cutoff", changes[CLEARED][1]), {}
    elif ERASED in changes:
        erased, because = text("erased", changes[ERASED][1]), (changes.get(ERASE_REASON) or [None, ERASE_REQUEST])[1]
        changes = {}
    kept = []
    for name, (before, after) in changes.items():
        if name in HIDDEN_FIELDS or (action == "update" and before == after != REDACTED):
            continue  # kept out of sight, or not a change: what the row belongs to (its context)
        change = Change(name, text(name, before), text(name, after))
        if (action == "create" and change.after is None) or (action == "delete" and change.before is None):
            continue  # nothing was set, or nothing was there
        kept.append(change)
    subject_field = SUBJECT_FIELDS.get(entity)
    if withheld:
        subject, cleared, erased = "", None, None
    elif not subject and subject_field and subject_field in changes:
        before, after = changes[subject_field]
        subject = text(subject_field, after if after is not None else before) or ""
    return AuditLine(
        at=at,
        actor=actor,
        action=action,
        action_label=str(ACTION_NAMES.get(action, action)),
        entity=str((BULK_NAMES if action in BULK_ACTIONS else ENTITY_NAMES).get(entity, entity)),
        entity_id=entity_id,
        subject=subject,
        changes=() if sealed or withheld else tuple(kept),
        sealed=sealed,
        withheld=withheld,
        cleared=cleared,
        erased=erased,
        erased_because=because,
    )


def _named(entry: AuditEntry, field: str) -> Any:
    """The value of `field` an audit entry names: the new one, else the old one (a deletion's)."""
    before, after = (entry.changes or {}).get(field) or (None, None)
    return after if after is not None else before


def _looked_up(model: Any, column: Any, wanted: Mapping[int, int]) -> dict[int, Any]:
    """For each entry (id -> row id in `wanted`), `column` of its row, where the row still exists: one query."""
    if not wanted:
        return {}
    found = db.session.execute(select(model.id, column).where(model.id.in_(set(wanted.values()))))
    rows: dict[int, Any] = {row_id: value for row_id, value in found}
    return {entry_id: rows[row_id] for entry_id, row_id in wanted.items() if row_id in rows}


def audit_subjects(entries: Sequence[AuditEntry]) -> dict[int, str]:
    """What each entry is about, by entry id, where its own fields do not say: a quarter's staffing by its quarter;
    a journey, job or course by the journey's code; a user by their e-mail address; a role by its name and its
    holder's address; an API token by its name. A change names only the fields it changed, so the rest is looked up
    (a query per kind of row); what has been deleted since, and is not named in the entry, stays unnamed. Written in
    the request's language."""
    subjects: dict[int, str] = {}
    quarters: dict[int, tuple[int, int]] = {}
    wanted: dict[str, dict[int, int]] = {
        "staffing_quarters": {}, "journeys": {}, "job_spells": {}, "education_spells": {}, "users": {},
        "role_assignments": {}, "api_tokens": {}, "actions": {}, "adaptations": {},
    }  # fmt: skip
    journeys: dict[int, int] = {}  # entry id -> journey id
    holders: dict[int, int] = {}  # entry id -> user id
    for entry in entries:
        # An import, export or purge names a unit by its code, which may be digits alone: never a row's id.
        row_id = int(entry.entity_id) if entry.entity_id.isdigit() and entry.action not in BULK_ACTIONS else None
        if entry.entity == "staffing_quarters" and _named(entry, "year") is not None:
            quarters[entry.id] = (int(_named(entry, "year")), int(_named(entry, "quarter")))
        elif entry.entity == "journeys" and _named(entry, "code") is not None:
            subjects[entry.id] = str(_named(entry, "code"))
        elif entry.entity in ("job_spells", "education_spells") and entry.journey_id is not None:
            journeys[entry.id] = entry.journey_id  # the journey the entry is about, kept with it
        elif entry.entity in ("job_spells", "education_spells") and _named(entry, "journey_id") is not None:
            journeys[entry.id] = int(_named(entry, "journey_id"))
        elif entry.entity == "users" and _named(entry, "email") is not None:
            subjects[entry.id] = str(_named(entry, "email"))
        elif entry.entity == "role_assignments" and _named(entry, "user_id") is not None:
            holders[entry.id] = int(_named(entry, "user_id"))
        elif entry.entity == "api_tokens" and _named(entry, "name") is not None:
            subjects[entry.id] = str(_named(entry, "name"))
        elif entry.entity in ("actions", "adaptations") and _named(entry, "title") is not None:
            subjects[entry.id] = str(_named(entry, "title"))
        elif entry.entity in wanted and row_id is not None:
            wanted[entry.entity][entry.id] = row_id
    staffing = _looked_up(StaffingQuarter, StaffingQuarter.year * 10 + StaffingQuarter.quarter,
                          wanted["staffing_quarters"])  # fmt: skip
    quarters |= {entry_id: divmod(key, 10) for entry_id, key in staffing.items()}
    journeys |= {entry_id: journey_id for entry_id, journey_id in wanted["journeys"].items()}
    journeys |= _looked_up(JobSpell, JobSpell.journey_id, wanted["job_spells"])
    journeys |= _looked_up(EducationSpell, EducationSpell.journey_id, wanted["education_spells"])
    holders |= {entry_id: user_id for entry_id, user_id in wanted["users"].items()}
    holders |= _looked_up(RoleAssignment, RoleAssignment.user_id, wanted["role_assignments"])
    for model, column, entity in ((ApiToken, ApiToken.name, "api_tokens"), (Action, Action.title, "actions"),
                                  (Adaptation, Adaptation.title, "adaptations")):  # fmt: skip
        subjects |= {entry_id: str(name) for entry_id, name in _looked_up(model, column, wanted[entity]).items()}
    codes = _looked_up(Journey, Journey.code, journeys)
    emails = _looked_up(User, User.email, holders)
    subjects |= {entry_id: quarter_text(year, number) for entry_id, (year, number) in quarters.items()}
    subjects |= codes
    for entry in entries:
        if entry.id not in emails:
            continue
        if entry.entity == "role_assignments":
            role = _named(entry, "role")
            if role is None:  # a role changed in place: its name as it is now
                role = _looked_up(RoleAssignment, RoleAssignment.role, {entry.id: int(entry.entity_id)}).get(entry.id)
            role_name = value_text("role", role.value if hasattr(role, "value") else role) if role else None
            subjects[entry.id] = f"{role_name}: {emails[entry.id]}" if role_name else emails[entry.id]
        else:
            subjects[entry.id] = emails[entry.id]
    return subjects


def people_named(entries: Sequence[AuditEntry]) -> dict[int, str]:
    """The e-mail address of every user the entries' values name (by id), for `value_text`: one query."""
    ids = {
        value
        for entry in entries
        for field, values in (entry.changes or {}).items()
        if field in USER_FIELDS
        for value in values
        if isinstance(value, int) and not isinstance(value, bool)
    }
    if not ids:
        return {}
    return {
        user_id: email for user_id, email in db.session.execute(select(User.id, User.email).where(User.id.in_(ids)))
    }


# Who made a change that no logged-in person made, in words: a command run on the server, or the app itself.
ACTOR_NAMES: Mapping[str, Any] = {"cli": _l("the command line"), "system": _l("the system")}


def actor_text(label: str) -> str:
    """Who made a change, as the trail shows it: a user's address as stored, the command line or the app in words."""
    return str(ACTOR_NAMES.get(label, label))


def audit_lines(
    entries: Sequence[AuditEntry], sealed: Collection[int] = (), withheld: Collection[int] = ()
) -> list[AuditLine]:
    """The entries as a page shows them, in the request's language: each with what it is about and every value in
    words, users by their addresses; the `sealed` ones (entry ids) without their values, the `withheld` ones (changes
    to people's records, for a reader who may not read them) without their values or the journey's code."""
    subjects, people = audit_subjects(entries), people_named(entries)

    def text(field: str, value: Any) -> str | None:
        return value_text(field, value, people)

    return [
        audit_line(entry.at, actor_text(entry.actor_label), entry.action, entry.entity, entry.entity_id, entry.changes,
                   entry.id in sealed, text, subjects.get(entry.id, ""), entry.id in withheld)
        for entry in entries
    ]  # fmt: skip
