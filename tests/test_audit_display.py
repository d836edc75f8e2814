"""The audit trail in words: bookkeeping hidden, creations show what they set, changes show before and after."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from flask_babel import force_locale

import fidelity.models  # noqa: F401  (every audited table in the metadata)
from fidelity.audit_display import ENTITY_NAMES, FIELD_LABELS, HIDDEN_FIELDS, Change, audit_line, value_text
from fidelity.extensions import db
from fidelity.models import Decision, Goal, NotAcceptedReason, ReviewStatus, Role
from tests import factories
from tests.test_web import login

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
        "Owner",  # shown by e-mail address, not id
        "Reason not accepted",  # as the journey form names it
        "Since",  # as the adaptation form names it
    ]
    assert Change("something_new", None, "x").label == "something_new"  # a field without a name: as stored


def test_values_are_written_in_words_in_the_readers_language(app: Flask) -> None:
    def both(field: str, value: object) -> tuple[str | None, str | None]:
        with app.test_request_context():
            with force_locale("en"):
                english = value_text(field, value)
            with force_locale("sv"):
                return english, value_text(field, value)

    assert both("since", "2026-03-15") == ("Mar 15, 2026", "15 mars 2026")
    assert both("cutoff", "2024-11-23") == ("Nov 23, 2024", "23 nov. 2024")  # a purge's fact, not a column
    # Time stamps (stored in UTC) to the minute in the app's time zone, Stockholm's by default, as the trail's own
    # "When" column writes them: winter time in November, summer time in July.
    assert both("submitted_at", "2026-11-23T08:54:36.715137+00:00") == both("submitted_at", "2026-11-23T09:54:36+01:00")
    assert both("signed_off_at", "2026-11-23T08:54:36") == both("submitted_at", "2026-11-23T08:54:36.715137+00:00")
    assert both("submitted_at", "2026-11-23T08:54:36.715137+00:00") == (
        "Nov 23, 2026, 9:54\u202fAM CET",
        "23 nov. 2026 09:54 CET",
    )
    assert both("submitted_at", "2026-07-01T08:54:00+00:00") == (
        "Jul 1, 2026, 10:54\u202fAM CEST",
        "1 juli 2026 10:54 CEST",
    )
    assert both("competitive", True) == ("Yes", "Ja")
    assert both("offers_sed", False) == ("No", "Nej")
    assert both("reason", "funding") == ("Funding", "Finansiering")
    assert both("not_accepted_reason", "declined") == ("The person declined", "Personen tackade nej")
    assert both("status", "in_progress") == ("In progress", "Pågår")  # an action's status
    assert both("status", "draft") == ("Draft", "Utkast")  # a review's status
    assert both("kind", "self_assessment") == ("Self-assessment", "Självskattning")
    with app.test_request_context():
        assert value_text("created_by_id", 6, {6: "kim@example.org"}) == "kim@example.org (#6)"
        assert value_text("created_by_id", 7, {6: "kim@example.org"}) == "#7"  # nobody known by that id
    assert both("role", "frontline_manager") == ("Frontline manager", "Enhetschef")
    assert both("specialist_fte", 2.5) == ("2.5", "2,5")
    assert both("something_new", "2026-13-45") == ("2026-13-45", "2026-13-45")  # shaped like a date, but none
    assert both("something_new", "funding") == ("funding", "funding")  # a choice's names belong to its field
    # Data sources and scales by the names the forms give them; a code no scale knows as stored.
    assert both("sources", ["MIS", "DOC"]) == ("Records, Documents", "Register, Dokument")
    assert both("sources", ["MIS", "XYZ"]) == ("Records, XYZ", "Register, XYZ")
    assert both("scale_id", "ips-25") == (
        "IPS Supported Employment Fidelity Scale (25 items)",
        "Fidelitetsskala för IPS – Supported Employment (25 punkter)",
    )
    assert both("scale_id", "gone-1") == ("gone-1", "gone-1")
    # An adaptation's principles and items, as its form names them.
    principles = both("principles", ["zero-exclusion", "rapid-search", "gone"])
    assert principles[0].startswith("2. Zero exclusion; ") and principles[0].endswith("; gone")
    assert "rapid-search" not in principles[0] and "zero-exclusion" not in principles[1]
    items = both("items", ["ips-25:O6", "ips-25:V4", "gone-1:X1"])
    assert items[0] == "O6 Zero exclusion criteria; V4 Rapid search for competitive job; gone-1:X1"
    assert items[1].startswith("O6 ") and "Zero exclusion criteria" not in items[1]
    assert both("evidence", "") == (None, None)
    assert both("score", 3) == ("3", "3")
    # A journey's jobs and courses as an import that changed them keeps them.
    jobs = [{"start_date": "2026-03-16", "end_date": "2026-05-29", "competitive": True, "hours_per_week": 20.0},
            {"start_date": "2026-06-01", "end_date": None, "competitive": False, "hours_per_week": 12.5}]  # fmt: skip
    assert both("job_spells", jobs) == (
        "Mar 16, 2026 to May 29, 2026, competitive, 20 hours a week; from Jun 1, 2026, not competitive, "
        "12.5 hours a week",
        "16 mars 2026 till 29 maj 2026, på öppna arbetsmarknaden, 20 timmar i veckan; från 1 juni 2026, inte på "
        "öppna arbetsmarknaden, 12,5 timmar i veckan",
    )
    assert both("education_spells", [{"start_date": "2026-09-01", "end_date": None}]) == (
        "from Sep 1, 2026",
        "från 1 sep. 2026",
    )
    assert both("education_spells", []) == ("no courses", "inga utbildningar")
    assert both("job_spells", 2) == ("2", "2")  # an import's count of jobs


def test_a_line_written_for_a_page_names_values_and_subject_in_words(app: Flask) -> None:
    changes = {"role": [None, "frontline_manager"], "unit_id": [None, 4], "assigned_at": [None, "2026-03-15T09:30"]}
    with app.test_request_context():
        line = audit_line(AT, "admin@example.org", "create", "role_assignments", "9", changes, text=value_text)
    assert (str(line.entity), line.subject) == ("role", "Frontline manager")
    assert [(c.label, c.after) for c in line.changes] == [("Role", "Frontline manager"), ("Unit (id)", "4")]
    # Without a request to take the language from, the values stay as stored.
    assert audit_line(AT, "cli", "create", "role_assignments", "9", changes).subject == "frontline_manager"


# --- the page ---------------------------------------------------------------------------------------------------


def visible(html: str) -> str:
    """The page's text as a reader sees it: without tags (and so without their attributes), spaces squeezed."""
    body = html.split("<main", 1)[1]
    return " ".join(re.sub(r"<[^>]*>", " ", body).split())


def test_the_trail_tells_a_journey_in_words_in_english_and_in_swedish(client: Any, session: Any) -> None:
    unit = factories.unit()
    english = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    swedish = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    swedish.locale = "sv"
    journey = factories.journey(unit, date(2026, 1, 12), code="J-1", goal=Goal.WORK, jobs=((date(2026, 2, 2), None),))
    journey.decision, journey.decision_date = Decision.NOT_ACCEPTED, date(2026, 1, 20)
    journey.not_accepted_reason = NotAcceptedReason.DECLINED
    review = factories.draft_self_assessment(unit, english, date(2026, 3, 2))
    review.status, review.submitted_at = ReviewStatus.SUBMITTED, datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    session.commit()

    login(client, english.email)
    page = client.get(f"/units/{unit.code}/audit").get_data(as_text=True)
    text = visible(page)
    assert "Reason not accepted : – → The person declined" in text
    assert "Decided : – → Jan 20, 2026" in text and "Referred : Jan 12, 2026" in text
    assert "Goal : Work" in text and "Competitive job : Yes" in text and "Started : Feb 2, 2026" in text
    assert "Submitted : – → Mar 2, 2026, 3:05" in text  # 14:05 UTC, in Stockholm
    assert '<span title="not_accepted_reason">Reason not accepted</span>' in page  # the stored name, on hover
    for stored in ("not_accepted_reason", "decision_date", "unit_id", "journey_id", "submitted_at", "not_accepted"):
        assert stored not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO dates nor time stamps

    login(client, swedish.email)
    text = visible(client.get(f"/units/{unit.code}/audit").get_data(as_text=True))
    assert "Skäl till att remissen inte antogs : – → Personen tackade nej" in text
    assert "Beslutsdatum : – → 20 jan. 2026" in text and "Arbete på öppna arbetsmarknaden : Ja" in text
    assert "Enhet (id)" in text and "Förlopp (id)" in text
    assert "Submitted" not in text and "The person declined" not in text and "Yes" not in text
    for stored in ("not_accepted_reason", "decision_date", "unit_id", "journey_id", "submitted_at", "not_accepted"):
        assert stored not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)


def test_a_change_to_an_action_or_adaptation_names_it_though_its_title_did_not_change(
    client: Any, session: Any
) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    adaptation = factories.adaptation(unit, "Needs assessment first", date(2025, 1, 1), items=[], principles=[])
    action = factories.action(unit, manager, date(2026, 12, 1))
    adaptation.description, action.description = "Now weekly.", "With the job coach."
    session.commit()
    login(client, manager.email)
    text = visible(client.get(f"/units/{unit.code}/audit").get_data(as_text=True))
    changed = [line for line in re.split(r"(?=changed )", text) if line.startswith("changed ")]
    assert any(f"Needs assessment first #{adaptation.id}" in line for line in changed), changed
    assert any(f"{action.title} #{action.id}" in line for line in changed), changed


def test_a_job_s_entry_is_told_by_the_journey_it_keeps_when_its_values_name_none(app: Flask, session: Any) -> None:
    """An older change to a job named only what it changed; its job deleted since, the journey it was filled in with
    (audit_log.journey_id) still tells whose job it was."""
    from fidelity.audit_display import audit_subjects
    from fidelity.models import AuditEntry

    unit = factories.unit()
    journey = factories.journey(unit, date(2026, 1, 5), code="NRV-77")
    entry = AuditEntry(at=datetime(2026, 2, 1, tzinfo=UTC), actor_label="cli", action="update", entity="job_spells",
                       entity_id="9999", unit_id=unit.id, journey_id=journey.id,
                       changes={"end_date": [None, "2026-03-01"]})  # fmt: skip
    session.add(entry)
    session.commit()
    with app.test_request_context():
        assert "NRV-77" in audit_subjects([entry])[entry.id]
        entry.journey_id = None  # as before the column: nothing left to tell it by
        assert entry.id not in audit_subjects([entry])
