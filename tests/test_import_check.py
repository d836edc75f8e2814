"""An import in two steps: the file is checked and what it would change shown; it is imported only when its
uploader says so, while it is held for them, and only if the unit's journeys are as the check saw them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask.testing import FlaskCliRunner
from sqlalchemy import select, update

from fidelity.cli import main
from fidelity.models import EducationSpell, HeldImport, Journey, RecordRead, Role
from fidelity.models.types import utcnow
from fidelity.monitoring.held_imports import HOLD_MINUTES, FieldChange, field_changes
from fidelity.monitoring.imports import Change
from fidelity.monitoring.journey_operations import delete_journey
from tests import factories
from tests.journey_data import csv_file, journey
from tests.test_journey_import_pages import CONFIRM_ACTION, answer, manager, upload, written
from tests.test_web import csrf_token, login

__all__ = ["manager"]  # the fixture, used by name

FIRST = [journey(code="NRV-0001"), journey(code="NRV-0002"), journey(code="NRV-0003")]
# The same journeys a month on: NRV-0001 has left, NRV-0002 is as it was, NRV-0003's job ended; NRV-0004 is new.
LATER = [
    journey(code="NRV-0001", exit_date="2026-05-29", exit_reason="goal_reached"),
    journey(code="NRV-0002"),
    journey(code="NRV-0003", job1_end="2026-05-15"),
    journey(code="NRV-0004", referral_date="2026-05-04", decision="", decision_date="", first_meeting_date="",
            enrolment_date="", first_employer_contact_date="", job1_start="", job1_competitive="", job1_hours=""),
]  # fmt: skip


def imported(client: Any, unit: Any, rows: list[dict[str, str]], name: str = "first.csv") -> None:
    assert upload(client, unit.code, csv_file(rows), name).status_code == 302
    client.get(f"/units/{unit.code}/journeys/import")  # the message is read


def stored(session: Any, unit: Any) -> dict[str, tuple[Any, ...]]:
    session.expire_all()
    return {
        j.code: (j.exit_date, j.exit_reason, [(s.start_date, s.end_date) for s in j.jobs], len(j.education))
        for j in session.scalars(select(Journey).where(Journey.unit_id == unit.id))
    }


def test_a_file_is_shown_checked_and_imported_only_when_asked(client: Any, session: Any, manager: Any) -> None:
    unit, user = manager
    imported(client, unit, FIRST)
    before, journeys = written(session), stored(session, unit)

    check = upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False)
    assert check.status_code == 200
    page = check.get_data(as_text=True)
    assert "The file june.csv has no problems. Nothing is imported yet." in page
    assert "1 new journey added" in page
    assert "3 journeys the unit has replaced:" in page and "2 of them changed" in page and "1 left as it was" in page
    # Each change, field by field, with what the unit has now and what the file has.
    assert "<code>exit_date</code></td>" in page and "<code>exit_reason</code></td>" in page
    assert '<td data-label="Now">(empty)</td>\n        <td data-label="From the file">2026-05-29</td>' in page
    assert "2026-03-16\u2013, competitive, 20 h a week" in page and "2026-03-16\u20132026-05-15" in page
    assert ">NRV-0002</a>" not in page  # left as it was: not listed
    assert "changed in the app" not in page  # nothing was changed by hand since the import
    # Nothing is written but the file held, and the read of the values shown.
    assert written(session) == before and stored(session, unit) == journeys
    held = session.scalars(select(HeldImport)).one()
    assert (held.unit_id, held.user_id, held.file_name, held.suffix) == (unit.id, user.id, "june.csv", ".csv")
    assert session.scalars(select(RecordRead.what).where(RecordRead.unit_id == unit.id)).all() == ["import_check"]

    done = answer(client, check)
    assert done.status_code == 302 and done.headers["Location"] == f"/units/{unit.code}/journeys/import"
    flashed = "Imported june.csv. Journeys added: 1; replaced: 3, of which changed: 2; jobs: 3; courses of study: 0."
    assert flashed in client.get(done.headers["Location"]).get_data(as_text=True)
    now = stored(session, unit)
    assert now["NRV-0001"][0] == date(2026, 5, 29) and now["NRV-0003"][2] == [(date(2026, 3, 16), date(2026, 5, 15))]
    assert set(now) == {"NRV-0001", "NRV-0002", "NRV-0003", "NRV-0004"}
    assert session.scalars(select(HeldImport)).all() == []  # let go once imported
    # The same answer again finds nothing held, and imports nothing twice.
    again = answer(client, check)
    assert again.status_code == 302
    assert "The file checked is no longer held" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_not_importing_lets_the_file_go_and_writes_nothing(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    imported(client, unit, FIRST)
    journeys = stored(session, unit)
    check = upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False)
    response = answer(client, check, "cancel")
    assert response.status_code == 302
    assert "Nothing was imported." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert stored(session, unit) == journeys and session.scalars(select(HeldImport)).all() == []


def test_journeys_changed_in_the_app_since_the_last_import_are_marked(client: Any, session: Any, manager: Any) -> None:
    """A file exported before a change made in the app, edited and imported, would undo the change: the check says
    which journeys were changed so, on which day."""
    unit, _user = manager
    imported(client, unit, FIRST)
    by_code = {j.code: j for j in session.scalars(select(Journey).where(Journey.unit_id == unit.id))}
    by_code["NRV-0001"].exit_date, by_code["NRV-0001"].exit_reason = date(2026, 6, 1), None  # by hand
    by_code["NRV-0003"].education.append(EducationSpell(start_date=date(2026, 4, 1)))  # a course, by hand
    session.commit()

    page = upload(client, unit.code, csv_file(LATER), "may.csv", confirm=False).get_data(as_text=True)
    assert (
        "2 journeys the file changes were changed in the app since the unit's journeys were last exported or imported."
    ) in page
    assert page.count("changed in the app on ") == 2
    assert "<code>courses of study</code></td>" in page and "2026-04-01\u2013" in page
    # Changes made before an export are in the exported file: a file made from it changes them on purpose.
    assert client.get(f"/units/{unit.code}/journeys/export.csv").status_code == 200
    page = upload(client, unit.code, csv_file(LATER), "may.csv", confirm=False).get_data(as_text=True)
    assert "2 of them changed" in page and "changed in the app" not in page
    session.scalars(select(Journey).where(Journey.code == "NRV-0002")).one().goal = None  # after the export: marked
    session.commit()
    page = upload(client, unit.code, csv_file(LATER), "may.csv", confirm=False).get_data(as_text=True)
    assert "1 journey the file changes was changed in the app" in page and page.count("changed in the app on ") == 1
    # Once a file is imported, what it changed is no longer a change made in the app.
    answer(client, upload(client, unit.code, csv_file(LATER), "may.csv", confirm=False))
    page = upload(client, unit.code, csv_file(FIRST), "first.csv", confirm=False).get_data(as_text=True)
    assert "3 journeys the unit has replaced" in page and "changed in the app" not in page


def test_a_change_made_between_the_check_and_the_answer_is_not_overwritten_unseen(
    client: Any, session: Any, manager: Any
) -> None:
    unit, _user = manager
    imported(client, unit, FIRST)
    check = upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False)
    colleague = session.scalars(select(Journey).where(Journey.code == "NRV-0002")).one()
    colleague.goal = None  # a colleague's change, made while the check was on the screen
    session.commit()
    journeys = stored(session, unit)

    again = answer(client, check)
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert "The unit&#39;s journeys were changed after the file was checked" in page
    assert "Nothing was imported: here is what importing the file would do now." in page
    assert "3 of them changed" in page and "changed in the app on" in page  # NRV-0002's goal now changes too
    assert stored(session, unit) == journeys
    # The new check's answer imports.
    assert answer(client, again).status_code == 302
    session.expire_all()
    assert session.scalars(select(Journey.goal).where(Journey.code == "NRV-0002")).one() == "work"


def test_a_check_carrying_another_state_imports_nothing(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    imported(client, unit, FIRST)
    journeys = stored(session, unit)
    check = upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False)
    assert answer(client, check, state="0.0").status_code == 409
    assert stored(session, unit) == journeys


def test_a_file_that_meets_a_problem_by_its_answer_is_refused_and_let_go(
    client: Any, session: Any, manager: Any
) -> None:
    """The check found no problem; by the answer, a colleague deleted a journey the file replaces, so the file would
    bring it back."""
    unit, _user = manager
    imported(client, unit, FIRST)
    check = upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False)
    with client.application.app_context():
        delete_journey(session.scalars(select(Journey).where(Journey.code == "NRV-0003")).one())
        session.commit()
    before = written(session)
    response = answer(client, check)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page and "NRV-0003: the unit&#39;s journey with this code was deleted" in page
    assert written(session) == before and session.scalars(select(HeldImport)).all() == []


def test_a_held_file_is_its_uploader_s_alone(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    check = upload(client, unit.code, csv_file(FIRST), "first.csv", confirm=False)
    action = CONFIRM_ACTION.search(check.get_data(as_text=True))
    assert action
    colleague, other = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id), client.application.test_client()
    assert login(other, colleague.email).status_code == 302
    token = csrf_token(other, f"/units/{unit.code}/journeys/import")
    response = other.post(action.group(1), data={"csrf_token": token, "state": "x", "submit": "x"})
    assert response.status_code == 302
    assert "no longer held" in other.get(response.headers["Location"]).get_data(as_text=True)
    assert stored(session, unit) == {} and len(session.scalars(select(HeldImport)).all()) == 1


def test_a_file_is_held_for_a_while_only(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    check = upload(client, unit.code, csv_file(FIRST), "first.csv", confirm=False)
    session.execute(update(HeldImport).values(created_at=utcnow() - timedelta(minutes=HOLD_MINUTES, seconds=1)))
    session.commit()
    response = answer(client, check)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"a file is held for {HOLD_MINUTES} minutes after its check" in page
    assert stored(session, unit) == {} and session.scalars(select(HeldImport)).all() == []


def test_each_upload_holds_one_file_and_a_name_with_a_number_is_not_kept(
    client: Any, session: Any, manager: Any
) -> None:
    unit, _user = manager
    upload(client, unit.code, csv_file(FIRST), "first.csv", confirm=False)
    check = upload(client, unit.code, csv_file(FIRST), "Anna 19800101-1239.csv", confirm=False)
    page = check.get_data(as_text=True)
    assert "The file has no problems." in page and "1980" not in page
    assert "The file's name is not kept" in page
    held = session.scalars(select(HeldImport)).one()  # the first upload's file was let go
    assert (held.file_name, held.suffix) == (None, ".csv")
    assert session.scalars(select(RecordRead)).all() == []  # a check that changes no journey shows no values
    response = answer(client, check)
    assert "Imported the file. Its name is not kept" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_command_checks_a_file_and_writes_nothing(
    runner: FlaskCliRunner, client: Any, session: Any, manager: Any, tmp_path: Path
) -> None:
    unit, _user = manager
    imported(client, unit, FIRST)
    before = written(session)
    path = tmp_path / "june.csv"
    path.write_bytes(csv_file(LATER))
    result = runner.invoke(main, ["import", "journeys", str(path), "--unit", unit.code, "--check"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        f"Checked {path} for {unit.code}: no problems. Nothing was written. Importing it would add 1 journeys and "
        "replace 3, of which 2 would change; jobs: 3; courses of study: 0."
    )
    assert lines[1:] == [
        "  NRV-0001: exit_date: (empty) -> 2026-05-29; exit_reason: (empty) -> goal_reached",
        "  NRV-0003: jobs: 2026-03-16\u2013, competitive, 20 h a week -> 2026-03-16\u20132026-05-15, competitive, "
        "20 h a week",
    ]
    assert written(session) == before


def test_the_purge_deletes_files_held_past_their_time(
    runner: FlaskCliRunner, client: Any, session: Any, manager: Any
) -> None:
    unit, _user = manager
    upload(client, unit.code, csv_file(FIRST), "first.csv", confirm=False)
    result = runner.invoke(main, ["purge", "--older-than", "24"])
    assert result.exit_code == 0 and "never imported" not in result.output
    assert len(session.scalars(select(HeldImport)).all()) == 1  # still within its time
    session.execute(update(HeldImport).values(created_at=utcnow() - timedelta(hours=1)))
    session.commit()
    result = runner.invoke(main, ["purge", "--older-than", "24", "--dry-run"])
    assert "more than 30 minutes ago and never imported would be deleted: 1." in result.output
    assert len(session.scalars(select(HeldImport)).all()) == 1
    result = runner.invoke(main, ["purge", "--older-than", "24"])
    assert result.exit_code == 0 and "more than 30 minutes ago and never imported deleted: 1." in result.output
    session.expire_all()
    assert session.scalars(select(HeldImport)).all() == []


def test_a_change_reads_field_by_field() -> None:
    change = Change(
        7,
        "NRV-7",
        {
            "exit_date": [None, "2026-05-29"],
            "goal": ["work", "both"],
            "job_spells": [
                [{"start_date": "2026-03-16", "end_date": None, "competitive": True, "hours_per_week": 20.0}],
                [
                    {"start_date": "2026-03-16", "end_date": "2026-04-30", "competitive": True, "hours_per_week": 7.5},
                    {"start_date": "2026-05-04", "end_date": None, "competitive": False, "hours_per_week": None},
                ],
            ],
            "education_spells": [[{"start_date": "2026-01-10", "end_date": None}], []],
        },
    )
    assert field_changes(change) == [
        FieldChange("exit_date", "(empty)", "2026-05-29"),
        FieldChange("goal", "work", "both"),
        FieldChange(
            "jobs",
            "2026-03-16\u2013, competitive, 20 h a week",
            "2026-03-16\u20132026-04-30, competitive, 7.5 h a week; 2026-05-04\u2013, not competitive",
        ),
        FieldChange("courses of study", "2026-01-10\u2013", "none"),
    ]
