"""Importing journeys into the database: all or nothing, replaced by code, one audit entry; exports that import
again unchanged. The same tests run on SQLite and on PostgreSQL (where the rows go in through COPY)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import func, select

from fidelity.audit import acting_as
from fidelity.console import CLI_ACTOR
from fidelity.models import AuditEntry, EducationSpell, JobSpell, Journey, Role, Unit
from fidelity.monitoring.exports import export_csv, export_xlsx, journeys_table
from fidelity.monitoring.identity import SWEDISH_PERSONNUMMER
from fidelity.monitoring.imports import ImportRefused, Problem, import_journeys
from fidelity.monitoring.layout import header
from tests import factories
from tests.journey_data import TODAY, csv_file, journey, xlsx_file
from tests.test_journey_checks import BAD_ROWS
from tests.test_web import csrf_token, login

TABLES = (Journey, JobSpell, EducationSpell, AuditEntry)

RICH = [
    journey(
        code="NRV-0001",
        job1_end="2026-05-29",
        job2_start="2026-06-01",
        job2_competitive="no",
        job2_hours="12.5",
        education1_start="2026-09-01",
        education1_end="2026-12-18",
        exit_date="2027-01-15",
        exit_reason="goal_reached",
    ),
    journey(
        code="NRV-0002",
        referral_date="2026-02-03",
        decision="",
        decision_date="",
        first_meeting_date="",
        enrolment_date="",
        first_employer_contact_date="",
        job1_start="",
        job1_competitive="",
        job1_hours="",
        age_band="",
        goal="education",
    ),
    journey(
        code="NRV-0003",
        referral_date="2026-02-10",
        decision="not_accepted",
        decision_date="2026-02-20",
        not_accepted_reason="needs_assessment_not_granted",
        first_meeting_date="",
        enrolment_date="",
        first_employer_contact_date="",
        job1_start="",
        job1_competitive="",
        job1_hours="",
    ),
]


def counts(session: Any) -> dict[type, int]:
    session.expire_all()
    return {model: session.scalar(select(func.count()).select_from(model)) for model in TABLES}


def journeys_of(session: Any, unit: Unit) -> dict[str, Journey]:
    session.expire_all()
    return {j.code: j for j in session.scalars(select(Journey).where(Journey.unit_id == unit.id))}


def test_a_valid_csv_imports_journeys_spells_and_one_audit_entry(session: Any) -> None:
    unit = factories.unit()
    before = counts(session)
    with acting_as(CLI_ACTOR):
        summary = import_journeys(unit, csv_file(RICH), "spring.csv", TODAY)
    session.commit()

    assert (summary.added, summary.replaced, summary.jobs, summary.education) == (3, 0, 2, 1)
    after = counts(session)
    assert {model: after[model] - before[model] for model in TABLES} == {
        Journey: 3,
        JobSpell: 2,
        EducationSpell: 1,
        AuditEntry: 1,
    }
    journeys = journeys_of(session, unit)
    first = journeys["NRV-0001"]
    assert (first.referral_date, first.decision.value, first.enrolment_date) == (
        date(2026, 1, 12),
        "accepted",
        date(2026, 1, 26),
    )
    assert (first.exit_date, first.exit_reason.value, first.age_band.value) == (
        date(2027, 1, 15),
        "goal_reached",
        "25_29",
    )
    assert [(j.start_date, j.end_date, j.competitive, j.hours_per_week) for j in first.jobs] == [
        (date(2026, 3, 16), date(2026, 5, 29), True, 20.0),
        (date(2026, 6, 1), None, False, 12.5),
    ]
    assert [(e.start_date, e.end_date) for e in first.education] == [(date(2026, 9, 1), date(2026, 12, 18))]
    second = journeys["NRV-0002"]
    assert (second.decision, second.age_band, second.goal.value, second.jobs) == (None, None, "education", [])
    assert journeys["NRV-0003"].not_accepted_reason.value == "needs_assessment_not_granted"

    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.entity, entry.entity_id, entry.unit_id, entry.actor_label) == (
        "import",
        "journeys",
        unit.code,
        unit.id,
        "cli",
    )
    assert entry.changes == {
        "file": [None, "spring.csv"],
        "added": [None, 3],
        "replaced": [None, 0],
        "changed": [None, 0],
        "job_spells": [None, 2],
        "education_spells": [None, 1],
    }


def test_a_replaced_journey_is_audited_with_the_old_and_new_value_of_everything_the_file_changes(
    session: Any,
) -> None:
    unit = factories.unit()
    with acting_as(CLI_ACTOR):
        import_journeys(unit, csv_file(RICH), "spring.csv", TODAY)
    session.commit()
    ids = {code: journey.id for code, journey in journeys_of(session, unit).items()}
    # Again: NRV-0001 with a new age band, its second job's hours changed and its course dropped; NRV-0002 as it was;
    # NRV-0003 under the same code in small letters.
    again = [
        RICH[0] | {"age_band": "30_39", "job2_hours": "15", "education1_start": "", "education1_end": ""},
        RICH[1],
        RICH[2] | {"code": "nrv-0003"},
    ]
    before = counts(session)[AuditEntry]
    with acting_as(CLI_ACTOR):
        summary = import_journeys(unit, csv_file(again), "autumn.csv", TODAY)
    session.commit()
    assert (summary.added, summary.replaced, summary.changed) == (0, 3, 2)
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[before:]
    assert [(e.action, e.entity, e.entity_id) for e in entries] == [
        ("update", "journeys", str(ids["NRV-0001"])),
        ("update", "journeys", str(ids["NRV-0003"])),
        ("import", "journeys", unit.code),
    ]
    first, third, summary_entry = entries
    job = {"start_date": "2026-03-16", "end_date": "2026-05-29", "competitive": True, "hours_per_week": 20.0}
    assert first.changes == {
        "age_band": ["25_29", "30_39"],
        "job_spells": [
            [job, {"start_date": "2026-06-01", "end_date": None, "competitive": False, "hours_per_week": 12.5}],
            [job, {"start_date": "2026-06-01", "end_date": None, "competitive": False, "hours_per_week": 15.0}],
        ],
        "education_spells": [[{"start_date": "2026-09-01", "end_date": "2026-12-18"}], []],
    }
    assert third.changes == {"code": ["NRV-0003", "nrv-0003"]}
    assert (first.actor_label, first.unit_id) == ("cli", unit.id)
    assert summary_entry.changes["replaced"] == [None, 3] and summary_entry.changes["changed"] == [None, 2]
    # The same file once more changes nothing: the journeys are replaced, and no change is audited.
    with acting_as(CLI_ACTOR):
        assert import_journeys(unit, csv_file(again), "autumn.csv", TODAY).changed == 0
    session.commit()
    assert counts(session)[AuditEntry] == before + len(entries) + 1


def test_a_valid_xlsx_imports(session: Any) -> None:
    unit = factories.unit()
    columns = [
        "code",
        "referral_date",
        "age_band",
        "goal",
        "decision",
        "decision_date",
        "not_accepted_reason",
        "first_meeting_date",
        "enrolment_date",
        "first_employer_contact_date",
        "first_education_contact_date",
        "exit_date",
        "exit_reason",
        "job1_start",
        "job1_end",
        "job1_competitive",
        "job1_hours",
    ]
    first = [
        "P1",
        date(2026, 1, 12),
        "18_24",
        "Work",
        "Accepted",
        date(2026, 1, 13),
        None,
        date(2026, 1, 14),
        date(2026, 1, 15),
        None,
        None,
        None,
        None,
        date(2026, 2, 1),
        None,
        "yes",
        37.5,
    ]
    second = ["20261", date(2026, 1, 20)] + [None] * 15
    summary = import_journeys(unit, xlsx_file([columns, first, second]), "journeys.xlsx", TODAY)
    session.commit()
    assert (summary.added, summary.jobs) == (2, 1)
    journeys = journeys_of(session, unit)
    assert journeys["P1"].goal.value == "work" and journeys["P1"].jobs[0].hours_per_week == 37.5
    assert journeys["20261"].referral_date == date(2026, 1, 20)


def test_an_xlsx_code_typed_as_a_number_is_read_as_the_sheet_shows_it(session: Any) -> None:
    """A code 00123 typed into a cell formatted "00000" is the number 123 to Excel: it replaces journey 00123 rather
    than adding a second one for the same person. A Swedish number that lost its leading zero is still refused."""
    unit = factories.unit()
    import_journeys(unit, csv_file([journey(code="00123", goal="work")]), "first.csv", TODAY)
    session.commit()
    columns = header()

    def row(code: int, referral: date, goal: str | None = None) -> list[object]:
        cells: dict[str, object] = {"code": code, "referral_date": referral, "goal": goal}
        return [cells.get(name) for name in columns]

    workbook = openpyxl.load_workbook(
        io.BytesIO(xlsx_file([columns, row(123, date(2026, 1, 20), "education"), row(77, date(2026, 1, 21))]))
    )
    sheet = workbook.active
    assert sheet is not None and columns[0] == "code"
    sheet["A2"].number_format = "00000"  # shown as 00123; A3 keeps the General format and reads 77
    buffer = io.BytesIO()
    workbook.save(buffer)
    summary = import_journeys(unit, buffer.getvalue(), "second.xlsx", TODAY)
    session.commit()
    assert (summary.added, summary.replaced) == (1, 1)
    journeys = journeys_of(session, unit)
    assert sorted(journeys) == ["00123", "77"] and journeys["00123"].goal.value == "education"

    with pytest.raises(ImportRefused) as refusal:
        import_journeys(unit, xlsx_file([columns, row(503151234, date(2026, 1, 20))]), "third.xlsx", TODAY)
    assert refusal.value.problems == [Problem(2, f"code: {SWEDISH_PERSONNUMMER}")]


@pytest.mark.parametrize("kind", sorted(BAD_ROWS))
def test_a_bad_row_refuses_the_whole_file_and_writes_nothing(session: Any, kind: str) -> None:
    unit = factories.unit()
    import_journeys(unit, csv_file([journey(code="NRV-0100", goal="work")]), "first.csv", TODAY)
    session.commit()
    before = counts(session)
    changes, message = BAD_ROWS[kind]
    rows = [journey(code="NRV-0100", goal="education"), journey(code="NRV-0200"), journey(**changes)]
    with pytest.raises(ImportRefused) as refusal:
        import_journeys(unit, csv_file(rows), "second.csv", TODAY)
    session.rollback()
    assert refusal.value.problems == [Problem(4, message)]
    assert counts(session) == before
    assert journeys_of(session, unit)["NRV-0100"].goal.value == "work"


def test_journeys_are_replaced_by_code_and_others_kept(session: Any) -> None:
    unit, other = factories.unit(), factories.unit()
    first = [
        journey(code="A", job1_end="2026-04-01", job2_start="2026-05-01", job2_competitive="yes", job2_hours="30"),
        journey(code="B", education1_start="2026-03-01"),
    ]
    import_journeys(unit, csv_file(first), "first.csv", TODAY)
    import_journeys(other, csv_file([journey(code="A")]), "other.csv", TODAY)
    session.commit()
    old = journeys_of(session, unit)
    held = old["A"]  # an object the session holds: the import must not leave it stale
    ids = {code: j.id for code, j in old.items()}

    summary = import_journeys(unit, csv_file([journey(code="A", goal="both"), journey(code="C")]), "second.csv", TODAY)
    session.commit()

    assert (summary.added, summary.replaced) == (1, 1)
    assert held.goal.value == "both"
    journeys = journeys_of(session, unit)
    assert sorted(journeys) == ["A", "B", "C"]
    assert journeys["A"].id == ids["A"]  # a replaced journey keeps its id
    assert [job.start_date for job in journeys["A"].jobs] == [date(2026, 3, 16)]
    assert journeys["B"].id == ids["B"] and [e.start_date for e in journeys["B"].education] == [date(2026, 3, 1)]
    others = journeys_of(session, other)
    assert others["A"].goal.value == "work" and len(others["A"].jobs) == 1
    orphans = select(func.count()).select_from(JobSpell).where(~JobSpell.journey_id.in_(select(Journey.id)))
    assert session.scalar(orphans) == 0


def test_the_newest_journey_replaced_beside_new_ones_keeps_its_id_and_each_gets_its_own_spells(session: Any) -> None:
    unit = factories.unit()
    first = [journey(code="A", job1_hours="32"), journey(code="B", job1_hours="5")]
    import_journeys(unit, csv_file(first), "first.csv", TODAY)
    session.commit()
    newest = journeys_of(session, unit)["B"].id

    second = [
        journey(code="C", job1_hours="10"),
        journey(code="B", job1_hours="20"),
        journey(code="D", job1_hours="30", education1_start="2026-04-01"),
    ]
    summary = import_journeys(unit, csv_file(second), "second.csv", TODAY)
    session.commit()

    assert (summary.added, summary.replaced) == (2, 1)
    journeys = journeys_of(session, unit)
    assert journeys["B"].id == newest
    assert len({j.id for j in journeys.values()}) == 4 and min(journeys["C"].id, journeys["D"].id) > newest
    assert {code: [job.hours_per_week for job in j.jobs] for code, j in journeys.items()} == {
        "A": [32.0],
        "B": [20.0],
        "C": [10.0],
        "D": [30.0],
    }
    assert [course.start_date for course in journeys["D"].education] == [date(2026, 4, 1)]


def test_an_export_is_the_file_imported_and_imports_again_unchanged(session: Any) -> None:
    unit, copy, xlsx_copy = factories.unit(), factories.unit(), factories.unit()
    import_journeys(unit, csv_file(RICH), "rich.csv", TODAY)
    session.commit()
    exported = journeys_table(unit.id)
    original = pd.read_csv(io.StringIO(csv_file(RICH).decode()), dtype=str, keep_default_na=False)
    assert list(exported.columns) == list(original.columns) == header(jobs=2, education=1)
    assert exported.equals(original)

    summary = import_journeys(unit, export_csv(unit), "export.csv", TODAY)
    assert (summary.added, summary.replaced) == (0, 3)
    assert journeys_table(unit.id).equals(exported)
    import_journeys(copy, export_csv(unit), "export.csv", TODAY)
    import_journeys(xlsx_copy, export_xlsx(unit), "export.xlsx", TODAY)
    session.commit()
    assert journeys_table(copy.id).equals(exported)
    assert journeys_table(xlsx_copy.id).equals(exported)
    # The workbook explains its columns on a second sheet, as the template does.
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(unit)), read_only=True)
    assert book.sheetnames == ["journeys", "columns"]
    explained = [row[0] for row in book["columns"].iter_rows(min_row=2, values_only=True)]
    assert explained[:2] == ["code", "referral_date"] and "job<N>_start" in explained


def test_a_unit_without_journeys_exports_the_header_with_one_group_of_each(session: Any) -> None:
    unit = factories.unit()
    table = journeys_table(unit.id)
    assert list(table.columns) == header() and table.empty
    assert export_csv(unit) == ("\ufeff" + ",".join(header()) + "\n").encode()


def test_a_code_in_other_capitals_replaces_the_journey_and_the_form_can_still_save_it(
    client: Any, session: Any
) -> None:
    unit = factories.unit()
    import_journeys(unit, csv_file([journey(code="nrv-0001")]), "first.csv", TODAY)
    session.commit()
    kept = journeys_of(session, unit)["nrv-0001"].id

    summary = import_journeys(unit, csv_file([journey(code="NRV-0001", goal="both")]), "second.csv", TODAY)
    session.commit()

    assert (summary.added, summary.replaced) == (0, 1)
    journeys = journeys_of(session, unit)
    assert list(journeys) == ["NRV-0001"] and journeys["NRV-0001"].id == kept  # the file's spelling, the same id
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    saved = client.post(
        f"/units/{unit.code}/journeys/{kept}/edit",
        data={"code": "NRV-0001", "referral_date": "2026-01-12", "decision": "accepted", "decision_date": "2026-01-19",
              "first_meeting_date": "2026-01-21", "enrolment_date": "2026-01-26", "csrf_token": csrf_token(client)},
    )  # fmt: skip
    assert saved.status_code == 302


def test_the_file_is_read_before_the_unit_is_held(session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a large workbook takes a while: other changes to the unit, and pages counting its figures, do not wait
    for it, only for the check and the writing."""
    from fidelity.monitoring import imports

    unit = factories.unit()
    steps: list[str] = []
    read, hold = imports.read_cells, imports.take_units
    monkeypatch.setattr(imports, "read_cells", lambda *args: steps.append("read") or read(*args))
    monkeypatch.setattr(imports, "take_units", lambda *ids: steps.append("hold") or hold(*ids))
    with acting_as(CLI_ACTOR):
        assert import_journeys(unit, csv_file([journey(code="ORDER-1")]), "order.csv", TODAY).added == 1
    assert steps == ["read", "hold"]
