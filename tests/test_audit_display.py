"""The audit trail in words: bookkeeping hidden, creations show what they set, changes show before and after."""

from __future__ import annotations

from datetime import UTC, datetime

import fidelity.models  # noqa: F401  (every audited table in the metadata)
from fidelity.audit_display import ENTITY_NAMES, FIELD_LABELS, HIDDEN_FIELDS, Change, audit_line
from fidelity.extensions import db

AT = datetime(2026, 3, 15, 9, 30, tzinfo=UTC)


def test_a_creation_lists_the_values_it_set_without_bookkeeping() -> None:
    line = audit_line(
        AT,
        "manager@example.org",
        "create",
        "ratings",
        "384",
        {
            "id": [None, 384],
            "review_id": [None, 18],
            "item_key": [None, "S1"],
            "score": [None, 3],
            "evidence": [None, ""],
            "sources": [None, ["MIS", "DOC"]],
            "updated_at": [None, "2026-03-15T09:30:00+00:00"],
        },
    )
    assert (line.action, str(line.action_label), str(line.entity), line.subject) == (
        "create",
        "created",
        "rating",
        "S1",
    )
    assert line.changes == (
        Change("review_id", None, "18"),
        Change("item_key", None, "S1"),
        Change("score", None, "3"),
        Change("sources", None, "MIS, DOC"),
    )


def test_a_change_keeps_both_sides_even_when_one_is_empty() -> None:
    line = audit_line(
        AT, "cli", "update", "ratings", "7", {"score": [3, 4], "evidence": ["", "Counted"], "updated_at": ["a", "b"]}
    )
    assert line.changes == (Change("score", "3", "4"), Change("evidence", None, "Counted"))
    assert line.subject == ""  # the item key did not change, so the entry does not carry it


def test_an_unknown_table_is_named_as_stored() -> None:
    line = audit_line(AT, "system", "delete", "something_new", "1", {"name": ["x", None]})
    assert (str(line.entity), str(line.action_label), line.changes) == (
        "something_new",
        "deleted",
        (Change("name", "x", None),),
    )


# --- fields and values in words ---------------------------------------------------------------------------------


def test_every_audited_column_is_named_and_an_id_column_says_so() -> None:
    columns = {
        column.name
        for table in db.metadata.sorted_tables
        if table.name in ENTITY_NAMES
        for column in table.columns
        if column.name not in HIDDEN_FIELDS
    }
    assert columns - set(FIELD_LABELS) == set()
    assert [Change(name, None, "3").label for name in ("unit_id", "owner_id", "not_accepted_reason", "since")] == [
        "Unit (id)",
        "Owner (id)",
        "Reason not accepted",  # as the journey form names it
        "Since",  # as the adaptation form names it
    ]
    assert Change("something_new", None, "x").label == "something_new"  # a field without a name: as stored
