"""An import in two steps: the file is checked and what it would change shown; it is imported only when its
uploader says so, while it is held for them, and only if the unit's journeys are as the check saw them."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select, update

from fidelity.cli import main
from fidelity.models import AuditEntry, EducationSpell, HeldImport, JobSpell, Journey, RecordRead, Role
from fidelity.models.types import utcnow
from fidelity.monitoring.held_imports import HOLD_MINUTES, Entry, FieldChange, field_changes, undoing
from fidelity.monitoring.imports import Change
from fidelity.monitoring.journey_operations import delete_journey
from fidelity.monitoring.kept import lock_quarters
from fidelity.monitoring.quarters import Quarter
from tests import factories
from tests.journey_data import csv_file, journey
from tests.test_journey_import_pages import CONFIRM_ACTION, STATE, answer, manager, swedish, upload, written
from tests.test_web import TOKEN, csrf_token, login

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


def checked(client: Any, unit: Any) -> Any:
    """FIRST imported, then LATER uploaded: its check's page."""
    imported(client, unit, FIRST)
    return upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False)


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
    assert check.status_code == 200 and check.request.path.startswith(f"/units/{unit.code}/journeys/import/")
    page = check.get_data(as_text=True)
    assert "The file june.csv has no problems. Nothing is imported yet." in page
    assert '<input class="primary" id="submit" name="submit" type="submit" value="Import">' in page  # nothing marked
    assert "1 new journey added" in page and "<code>NRV-0004</code>" in page  # the new code, to catch a typo
    assert "3 journeys already in the unit replaced:" in page
    assert "2 of them changed" in page and "1 left as it was" in page
    assert "Jobs in the file: 3; courses of study: 0" in page
    # By column, then each change field by field, with what the unit has now and what the file has.
    assert "exit_date in 1 journey" in page and "jobs in 1 journey" in page
    assert "<code>exit_date</code></td>" in page and "<code>exit_reason</code></td>" in page
    assert '<td data-label="Now">(empty)</td>\n        <td data-label="From the file">2026-05-29</td>' in page
    assert "2026-03-16\u2013, competitive, 20 h a week" in page and "2026-03-16\u20132026-05-15" in page
    assert ">NRV-0002</a>" not in page  # left as it was: not listed
    assert "undoes a change" not in page  # it puts back no earlier value
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
    held = session.scalars(select(HeldImport)).one()
    assert (held.answer, held.data) == ("imported", b"")  # the file let go; the answer kept until its time is up
    # The same answer again (a second click, another tab) imports nothing twice, and says so; so does the page.
    before = written(session)
    for again in (lambda: answer(client, check), lambda: client.get(check.request.path)):
        response = again()
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "This file has been imported already: it is not imported twice." in page
    assert written(session) == before


def new_journeys_table(page: str) -> list[list[str]]:
    """The check page's table of new journeys, a list of cells (headings first), tags stripped."""
    table = page.split('<table class="admin new-journeys"')[1].split("</table>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in table.split("<tr>")[1:]
    ]


def test_the_check_shows_what_each_new_journey_holds(client: Any, session: Any, manager: Any) -> None:
    """A new journey's values are shown as the file is read, before it is imported, a line each under the file's
    columns: a date read in the wrong column, or a choice mistaken, shows before it counts."""
    unit, _user = manager
    rows = [
        journey(code="NRV-0101", job2_start="2026-06-01", job2_competitive="no", job2_hours="", job2_end="2026-07-01"),
        journey(code="NRV-0102", decision="not_accepted", not_accepted_reason="not_motivated", first_meeting_date="",
                enrolment_date="", first_employer_contact_date="", job1_start="", job1_competitive="", job1_hours=""),
    ]  # fmt: skip
    page = upload(client, unit.code, csv_file(rows), "new.csv", confirm=False).get_data(as_text=True)
    assert "What each new journey holds, as the file is read" in page
    lines = new_journeys_table(page)
    headings, first, second = lines
    assert headings[:5] == ["Code", "referral_date", "age_band", "goal", "decision"]
    assert headings[-1] == "jobs" and "not_accepted_reason" in headings
    cells = [dict(zip(headings, line, strict=True)) for line in (first, second)]
    assert cells[0]["Code"] == "NRV-0101" and cells[0]["referral_date"] == "2026-01-12"
    assert cells[0]["goal"] == "Work" and cells[0]["decision"] == "Accepted"
    assert cells[0]["jobs"] == "2026-03-16–, competitive, 20 h a week; 2026-06-01–2026-07-01, not competitive"
    # A field the journey leaves empty is an empty cell; a reason in words.
    assert cells[1]["enrolment_date"] == "" and cells[1]["jobs"] == ""
    assert cells[1]["not_accepted_reason"] == "Judged not motivated" and cells[0]["not_accepted_reason"] == ""
    assert session.scalar(select(func.count()).select_from(Journey).where(Journey.unit_id == unit.id)) == 0


def test_the_check_names_a_column_as_the_file_writes_it(client: Any, session: Any, manager: Any) -> None:
    """The reader edits the file: its columns are named as its header writes them, in English on a Swedish page and
    in Swedish (capitals and all) on an English one."""
    unit, _user = manager
    imported(client, unit, FIRST)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    page = upload(client, unit.code, csv_file(LATER), "juni.csv", confirm=False).get_data(as_text=True)
    assert 'lang="sv"' in page and "Inget är importerat än." in page
    assert "<code>exit_date</code></td>" in page and "<code>exit_reason</code></td>" in page
    assert "avslutsdatum" not in page and "exit_date i 1 förlopp" in page

    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    in_swedish = swedish(LATER)
    header = in_swedish.decode().split("\n", 1)[0].split(",")
    names = {name.lower(): name for name in header}
    assert "Avslutsdatum" in header or "Avslutsskäl" in header  # a name with a capital, as a spreadsheet may write it
    page = upload(client, unit.code, in_swedish, "juni.csv", confirm=False).get_data(as_text=True)
    assert f"<code>{names['avslutsdatum']}</code></td>" in page and f"<code>{names['avslutsskäl']}</code></td>" in page
    assert "exit_date" not in page and f"{names['avslutsdatum']} in 1 journey" in page


def test_a_new_code_with_every_date_and_choice_of_a_journey_already_there_is_flagged(
    client: Any, session: Any, manager: Any, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """One person under a mistyped code would be counted twice: the check names the journey the new one copies. A
    new journey one value apart, or one no further than its referral and decision (two people referred on one day
    and taken on at one intake meeting are common), is not flagged."""
    unit, _user = manager
    before = [journey(code="NRV-0001"), journey(code="NRV-0002", referral_date="2026-05-04", decision="",
                                                 decision_date="", first_meeting_date="", enrolment_date="",
                                                 first_employer_contact_date="", job1_start="", job1_competitive="",
                                                 job1_hours="")]  # fmt: skip
    before.append(before[1] | {"code": "NRV-0005", "decision": "accepted", "decision_date": "2026-05-06"})
    imported(client, unit, before)
    rows = [
        before[0] | {"age_band": "30_39"},  # the file changes NRV-0001 too: the copy is of the journey as it was
        before[1],
        journey(code="NRV-O001", job1_hours="25"),  # a typo of NRV-0001, its job's hours since changed
        journey(code="NRV-0003", enrolment_date="2026-01-27"),  # another person: one date apart
        before[1] | {"code": "NRV-0004"},  # another person referred the same day, nothing else known yet
        before[2],
        before[2] | {"code": "NRV-0006"},  # taken on at the same intake meeting as NRV-0005: nothing after it yet
    ]
    page = upload(client, unit.code, csv_file(rows), "june.csv", confirm=False).get_data(as_text=True)
    top = page[: page.index('id="new-heading"')]  # above the answers, not below them
    assert "1 new journey has every date and choice of a journey the unit has already." in top
    assert "If it is the same person, its code is mistyped: importing the file would count them twice." in top
    # The character that differs is marked in both codes: a code's font may draw a 0 and an O alike.
    assert "<tr><td><code>NRV-<mark>O</mark>001</code></td><td><code>NRV-<mark>0</mark>001</code></td></tr>" in top
    assert top.count("<tr><td><code>NRV-") == 1 and "Marked: the characters that differ." in top
    # Not importing comes first, as for a file that undoes others' changes.
    assert top.index('value="Do not import"') < top.index('value="Import anyway"')
    # The command says it too.
    path = tmp_path / "june.csv"
    path.write_bytes(csv_file(rows))
    said = runner.invoke(main, ["import", "journeys", str(path), "--unit", unit.code, "--check"])
    assert "NRV-O001 has every date and choice of NRV-0001, already in the unit: a mistyped code?" in said.output
    assert "NRV-0003 has" not in said.output and "NRV-0004 has" not in said.output and "NRV-0006 has" not in said.output


def test_not_importing_lets_the_file_go_and_writes_nothing(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    imported(client, unit, FIRST)
    journeys = stored(session, unit)
    check = upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False)
    response = answer(client, check, "cancel")
    assert response.status_code == 302
    assert "Nothing was imported." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert stored(session, unit) == journeys
    assert session.scalars(select(HeldImport.data)).all() == [b""]
    later = answer(client, check)  # Import, from the same page in another tab
    assert "This file was not imported, as asked." in client.get(later.headers["Location"]).get_data(as_text=True)
    assert stored(session, unit) == journeys


def test_a_file_that_changes_nothing_has_nothing_to_import(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    imported(client, unit, FIRST)
    response = upload(client, unit.code, csv_file(FIRST), "first.csv", confirm=False)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The file changes nothing: each of its 3 journeys is as the unit has it. There is nothing to import." in page
    assert 'name="state"' not in page
    assert session.scalars(select(HeldImport.answer)).all() == ["imported"]  # the first file's, answered; no other


def test_a_file_that_ends_a_job_added_by_hand_is_the_file_s_edit(client: Any, session: Any, manager: Any) -> None:
    """A job added by hand, exported with the journey and given its end in the spreadsheet: the file edits the job,
    and undoes nothing. A file that leaves the job out, or has another job in its place, undoes its adding."""
    unit, _user = manager
    imported(client, unit, FIRST)
    one = session.scalars(select(Journey).where(Journey.unit_id == unit.id, Journey.code == "NRV-0001")).one()
    one.jobs.append(JobSpell(start_date=date(2026, 4, 20), competitive=True, hours_per_week=10))  # by hand
    session.commit()
    second = {"job2_start": "2026-04-20", "job2_competitive": "yes", "job2_hours": "10"}
    ended = journey(code="NRV-0001", **second, job2_end="2026-05-29")
    page = upload(client, unit.code, csv_file([ended, *FIRST[1:]]), "ended.csv", confirm=False).get_data(as_text=True)
    assert "2026-04-20\u20132026-05-29, competitive, 10 h a week</td>" in page  # the change is shown
    assert "undoes a change" not in page and "back as they were" not in page
    other = journey(code="NRV-0001", **(second | {"job2_start": "2026-05-04"}))
    page = upload(client, unit.code, csv_file([other, *FIRST[1:]]), "other.csv", confirm=False).get_data(as_text=True)
    assert "The file puts 1 journey back as it was before a later change" in page
    assert page.count("undoes a change by the system, ") == 1


def test_a_file_that_puts_back_earlier_values_is_marked(app: Flask, client: Any, session: Any, manager: Any) -> None:
    """A file made before a change (by hand, or by another import), edited and imported, would undo it: the check
    marks each journey it puts back as it was, whatever was exported or imported since."""
    unit, _user = manager
    imported(client, unit, FIRST)
    by_code = {j.code: j for j in session.scalars(select(Journey).where(Journey.unit_id == unit.id))}
    by_code["NRV-0001"].exit_date, by_code["NRV-0001"].exit_reason = date(2026, 6, 1), "goal_reached"  # by hand
    by_code["NRV-0002"].jobs[0].hours_per_week = 25  # by hand
    by_code["NRV-0003"].education.append(EducationSpell(start_date=date(2026, 4, 1)))  # a course, by hand
    session.commit()
    assert client.get(f"/units/{unit.code}/journeys/export.csv").status_code == 200  # an export changes nothing

    page = upload(client, unit.code, csv_file(FIRST), "old.csv", confirm=False).get_data(as_text=True)
    assert "The file puts 3 journeys back as they were before a later change" in page
    # Not importing it is the first choice; importing it is said for what it is.
    assert '<input class="primary" id="cancel" name="cancel" type="submit" value="Do not import">' in page
    assert '<input id="submit" name="submit" type="submit" value="Import anyway">' in page
    assert page.count("undoes a change by the system, ") == 3  # made outside a request: the app's own hand
    assert "courses of study in 1 journey" in page and "2026-04-01\u2013" in page
    # A choice by its words, with the file's code beside them
    now = '<td data-label="Now">Goal reached; support no longer needed <code class="file-code">goal_reached</code></td>'
    assert now in page and '<td data-label="From the file">(empty)</td>' in page

    # A new value is the file's own: not marked.
    page = upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False).get_data(as_text=True)
    assert "<code>exit_date</code>" in page and "undoes a change" not in page.split("NRV-0001</a>")[1][:80]
    # NRV-0002's hours and NRV-0003's course, which LATER leaves out
    assert page.count("undoes a change by the system, ") == 2

    # What an import changed, a file made before it puts back: marked too.
    answer(client, upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False))
    page = upload(client, unit.code, csv_file(FIRST), "first.csv", confirm=False).get_data(as_text=True)
    assert "The file puts 2 journeys back" in page  # NRV-0001's exit and NRV-0003's job end
    # Who made the change undone, as the audit trail names them: NRV-0003's job end, the import's; NRV-0001's exit
    # is put back as it was before the hand change (the import changed its date only).
    assert page.count("undoes a change of yours, ") == 1 and page.count("undoes a change by the system, ") == 1
    # Yours is known by who you are, not by the address the audit trail kept: it may have changed since.
    _user.email = "renamed@example.org"
    session.commit()
    page = upload(client, unit.code, csv_file(FIRST), "first.csv", confirm=False).get_data(as_text=True)
    assert page.count("undoes a change of yours, ") == 1

    # A colleague's change is theirs, by their address.
    colleague = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    other = app.test_client()
    assert login(other, colleague.email).status_code == 302
    imported(other, unit, [*FIRST[:2], journey(code="NRV-0003", job1_end="2026-05-20")], "colleague.csv")
    page = upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False).get_data(as_text=True)
    # Their file took NRV-0001's exit away and moved NRV-0003's job end: LATER puts both back as they were before.
    assert page.count(f"undoes a change by {colleague.email}, ") == 2


def keep_answer(client: Any, check: Any, **more: str) -> Any:
    """Answer a check page with "Import all but the journeys marked" (and any `more` fields a page never sends)."""
    page = check.get_data(as_text=True)
    action, state, token = CONFIRM_ACTION.search(page), STATE.search(page), TOKEN.search(page)
    assert action and state and token
    form = {"csrf_token": token.group(1) or token.group(2), "state": state.group(1), "keep": "x"} | more
    return client.post(action.group(1), data=form)


def test_a_file_can_be_imported_but_for_the_journeys_whose_later_changes_it_would_undo(
    client: Any, session: Any, manager: Any
) -> None:
    """A file made before a colleague's change, and updated since with the month's news: the news is imported, the
    journeys it would put back are left as the unit has them."""
    unit, _user = manager
    imported(client, unit, FIRST)
    by_code = {j.code: j for j in session.scalars(select(Journey).where(Journey.unit_id == unit.id))}
    by_code["NRV-0001"].exit_date, by_code["NRV-0001"].exit_reason = date(2026, 6, 1), "goal_reached"  # by hand
    session.commit()
    rows = [FIRST[0], *LATER[1:]]  # NRV-0001 as it was before its exit; NRV-0003's job ended; NRV-0004 is new
    check = upload(client, unit.code, csv_file(rows), "june.csv", confirm=False)
    page = check.get_data(as_text=True)
    assert "The file puts 1 journey back as it was before a later change" in page
    assert "You can import the rest of the file and leave the marked journeys as the unit has them." in page
    assert "A marked journey is then left whole: any other change the file makes to it, such as a new job" in page
    # What each answer would change: NRV-0003's job end alone, or NRV-0001's exit put back too.
    assert (
        "Importing all but those marked would change 1 journey already in the unit; importing anyway would change 2. "
        "The new journeys are added either way." in " ".join(page.split())
    )
    buttons = re.findall(r'<input (?:class="primary" )?id="(\w+)" name="\w+" type="submit" value="([^"]+)">', page)
    assert buttons == [("cancel", "Do not import"), ("keep", "Import all but the 1 journey marked"),
                       ("submit", "Import anyway")]  # fmt: skip
    found = session.scalars(select(HeldImport.undone)).one()  # kept from the check, with the state it saw
    assert found["journeys"] == [by_code["NRV-0001"].id] and found["state"] == STATE.search(page).group(1)  # type: ignore[union-attr]

    # The journeys left out are those the check found, whatever an answer names: the page sends none.
    response = keep_answer(client, check, undone=str(by_code["NRV-0003"].id))
    assert response.status_code == 302
    messages = " ".join(client.get(response.headers["Location"]).get_data(as_text=True).split())
    assert "Journeys added: 1; replaced: 2, of which changed: 1;" in messages
    assert (
        "1 journey the file would have put back as it was before a later change was left as the unit has it: NRV-0001."
        in (messages.replace("&#39;", "'"))
    )
    journeys = stored(session, unit)
    assert journeys["NRV-0001"][:2] == (date(2026, 6, 1), "goal_reached")  # the hand change stands
    assert journeys["NRV-0003"][2] == [(date(2026, 3, 16), date(2026, 5, 15))]  # the file's news is in
    assert set(journeys) == {"NRV-0001", "NRV-0002", "NRV-0003", "NRV-0004"}
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "import", AuditEntry.unit_id == unit.id)
        .order_by(AuditEntry.id.desc())
    ).first()  # fmt: skip
    assert entry.changes["left_out"] == [None, 1] and entry.changes["replaced"] == [None, 2]


def test_the_rest_is_imported_only_by_the_journeys_found_for_the_state_answered(
    client: Any, session: Any, manager: Any
) -> None:
    """Two checks of the same file finishing in either order, or a file held from before an upgrade, leave a list
    of journeys found for another state of the unit's journeys, or none: the answer is asked again, nothing written."""
    unit, _user = manager
    imported(client, unit, FIRST)
    hand = session.scalars(select(Journey).where(Journey.code == "NRV-0001")).one()
    hand.exit_date, hand.exit_reason = date(2026, 6, 1), "goal_reached"
    session.commit()
    check = upload(client, unit.code, csv_file([FIRST[0], *LATER[1:]]), "june.csv", confirm=False)
    before = written(session)
    for found in ({"state": "1.1", "journeys": [hand.id]}, {}):
        session.execute(update(HeldImport).values(undone=found))
        session.commit()
        response = keep_answer(client, check)
        assert response.status_code == 302 and "/journeys/import/" in response.headers["Location"]
        page = client.get(response.headers["Location"]).get_data(as_text=True).replace("&#39;", "'")
        assert "The unit's journeys were changed after the file was checked" in page
        assert written(session) == before


def test_a_message_names_twenty_codes_at_most() -> None:
    from fidelity.monitoring.import_routes import _listed

    assert _listed(("A", "B")) == "A, B"
    codes = tuple(f"C{n}" for n in range(25))
    assert _listed(codes) == ", ".join(codes[:20]) + " and 5 more"


def test_no_import_of_the_rest_is_offered_when_the_file_only_undoes(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    imported(client, unit, FIRST)
    journey_row = session.scalars(select(Journey).where(Journey.code == "NRV-0001")).one()
    journey_row.exit_date, journey_row.exit_reason = date(2026, 6, 1), "goal_reached"
    session.commit()
    check = upload(client, unit.code, csv_file(FIRST), "old.csv", confirm=False)
    page = check.get_data(as_text=True)
    assert "The file puts 1 journey back" in page and 'id="keep"' not in page and "import the rest" not in page


def test_a_change_made_between_the_check_and_the_answer_is_not_overwritten_unseen(
    client: Any, session: Any, manager: Any
) -> None:
    unit, _user = manager
    check = checked(client, unit)
    colleague = session.scalars(select(Journey).where(Journey.code == "NRV-0002")).one()
    colleague.goal = None  # a colleague's change, made while the check was on the screen
    session.commit()
    journeys = stored(session, unit)

    again = answer(client, check)
    assert again.status_code == 302 and again.headers["Location"] == check.request.path
    shown = client.get(again.headers["Location"])
    page = shown.get_data(as_text=True)
    assert "The unit&#39;s journeys were changed after the file was checked" in page
    assert "Nothing was imported: here is what importing the file would do now." in page
    assert "3 of them changed" in page  # NRV-0002's goal now changes too
    assert stored(session, unit) == journeys
    # The new check's answer imports.
    assert answer(client, shown).status_code == 302
    session.expire_all()
    assert session.scalars(select(Journey.goal).where(Journey.code == "NRV-0002")).one() == "work"


def test_an_export_or_a_read_between_the_check_and_the_answer_changes_nothing(
    client: Any, session: Any, manager: Any
) -> None:
    unit, _user = manager
    check = checked(client, unit)
    assert client.get(f"/units/{unit.code}/journeys/export.xlsx").status_code == 200
    assert client.get(f"/units/{unit.code}/journeys").status_code == 200
    response = answer(client, check)
    assert response.headers["Location"] == f"/units/{unit.code}/journeys/import"
    assert stored(session, unit)["NRV-0001"][0] == date(2026, 5, 29)


@pytest.mark.parametrize("state", ["0.0", ""])
def test_an_answer_carrying_another_state_or_none_imports_nothing(
    client: Any, session: Any, manager: Any, state: str
) -> None:
    unit, _user = manager
    imported(client, unit, FIRST)
    journeys = stored(session, unit)
    check = upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False)
    response = answer(client, check, state=state)
    assert response.status_code == 302 and response.headers["Location"] == check.request.path
    assert stored(session, unit) == journeys


def test_a_file_that_meets_a_problem_by_its_answer_is_refused_and_let_go(
    client: Any, session: Any, manager: Any
) -> None:
    """The check found no problem; by the answer, a colleague deleted a journey the file replaces, so the file would
    bring it back."""
    unit, _user = manager
    check = checked(client, unit)
    with client.application.app_context():
        delete_journey(session.scalars(select(Journey).where(Journey.code == "NRV-0003")).one())
        session.commit()
    before = written(session)
    response = answer(client, check)
    assert response.status_code == 302  # to the check, made again
    response = client.get(response.headers["Location"])
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
    for attempt in (
        lambda: other.post(action.group(1), data={"csrf_token": token, "state": "x", "submit": "x"}),
        lambda: other.get(action.group(1)),
    ):
        response = attempt()
        assert response.status_code == 302
        assert "This check has ended" in other.get(response.headers["Location"]).get_data(as_text=True)
    assert stored(session, unit) == {} and session.scalars(select(HeldImport.answer)).all() == [None]
    assert answer(client, check).status_code == 302 and len(stored(session, unit)) == 3  # still the uploader's


def test_a_file_is_held_for_a_while_only(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    check = upload(client, unit.code, csv_file(FIRST), "first.csv", confirm=False)
    session.execute(update(HeldImport).values(created_at=utcnow() - timedelta(minutes=HOLD_MINUTES, seconds=1)))
    session.commit()
    response = answer(client, check)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)  # the import page deletes it
    assert f"its file is held for {HOLD_MINUTES} minutes after the check" in page
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


def test_a_long_name_is_cut_and_the_file_still_read_by_its_ending(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    name = "journeys v1.2 " + "x" * 220 + ".csv"
    response = upload(client, unit.code, csv_file(FIRST), name)
    assert response.status_code == 302 and len(stored(session, unit)) == 3
    assert session.scalars(select(HeldImport.file_name)).one() == name[:200]


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
    assert result.output.splitlines() == [
        f"Checked {path} for {unit.code}: no problems. Nothing was written. Importing it would add 1 journeys and "
        "replace 3, of which 2 would change; jobs: 3; courses of study: 0.",
        "New codes: NRV-0004",
        "  NRV-0001: exit_date: (empty) -> 2026-05-29; exit_reason: (empty) -> goal_reached",
        "  NRV-0003: jobs: 2026-03-16\u2013, competitive, 20 h a week -> 2026-03-16\u20132026-05-15, competitive, "
        "20 h a week",
    ]
    assert written(session)[:2] == before[:2] and written(session)[2] == before[2]  # journeys, jobs, audit entries
    assert session.scalars(select(RecordRead.what)).all() == ["import_check"]  # the values it printed, read
    # A file that undoes a change says so, journey by journey.
    session.scalars(select(Journey).where(Journey.code == "NRV-0002")).one().goal = None
    session.commit()
    path.write_bytes(csv_file(FIRST))
    result = runner.invoke(main, ["import", "journeys", str(path), "--unit", unit.code, "--check"])
    assert "1 of the journeys it would change it puts back as they were before a later change" in result.output
    assert "  NRV-0002 (undoes a change by the system, " in result.output
    # --leave-undone imports the rest and leaves NRV-0002 as the unit has it.
    path.write_bytes(csv_file([FIRST[0], FIRST[1], LATER[2]]))  # NRV-0003's job ends, NRV-0002's goal put back
    result = runner.invoke(main, ["import", "journeys", str(path), "--unit", unit.code, "--leave-undone"])
    assert result.exit_code == 0, result.output
    assert "replaced: 2, of which changed: 1" in result.output
    assert "Left 1 journey as the unit has it: the file would have put it back as it was before" in result.output
    session.expire_all()
    by_code = {j.code: j for j in session.scalars(select(Journey).where(Journey.unit_id == unit.id))}
    assert by_code["NRV-0002"].goal is None and by_code["NRV-0003"].jobs[0].end_date == date(2026, 5, 15)
    # A file that, but for the journeys it would undo, changes nothing: nothing is imported, nor audited.
    before = written(session)
    result = runner.invoke(main, ["import", "journeys", str(path), "--unit", unit.code, "--leave-undone"])
    assert result.exit_code == 0 and "Nothing was imported: but for the journeys it would put back" in result.output
    assert written(session) == before
    # --check writes nothing: with --leave-undone it is a mistake, said as such.
    result = runner.invoke(main, ["import", "journeys", str(path), "--unit", unit.code, "--check", "--leave-undone"])
    assert result.exit_code == 2 and "--check writes nothing: give it without --leave-undone." in result.output


def test_the_command_leaving_undone_imports_nothing_when_the_journeys_change_after_its_check(
    runner: FlaskCliRunner, client: Any, session: Any, manager: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from fidelity.monitoring import held_imports

    unit, _user = manager
    imported(client, unit, FIRST)
    before = written(session)
    states = iter(["1.1", "2.2"])  # as the check saw the journeys; as the import meets them, after a colleague's change
    monkeypatch.setattr(held_imports, "journeys_state", lambda _unit_id: next(states))
    path = tmp_path / "june.csv"
    path.write_bytes(csv_file(LATER))
    result = runner.invoke(main, ["import", "journeys", str(path), "--unit", unit.code, "--leave-undone"])
    assert result.exit_code == 2
    assert f"{path}: the unit's journeys were changed while the file was checked; nothing was imported." in (
        result.output
    )
    assert written(session) == before


def test_a_change_reads_field_by_field(app: Flask) -> None:
    change = Change(
        7,
        "NRV-7",
        {
            "exit_date": [None, "2026-05-29"],
            "goal": ["work", "both"],
            "exit_reason": [None, "withdrew"],
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
    with app.test_request_context():
        lines = field_changes(change, str)  # the file names its columns as the layout does
    assert lines == [
        FieldChange("exit_date", "(empty)", "2026-05-29"),
        FieldChange("goal", "Work", "Work and education", old_code="work", new_code="both"),
        FieldChange("exit_reason", "(empty)", "Withdrew", new_code="withdrew"),
        FieldChange(
            "jobs",
            "2026-03-16\u2013, competitive, 20 h a week",
            "2026-03-16\u20132026-04-30, competitive, 7.5 h a week; 2026-05-04\u2013, not competitive",
            is_column=False,
        ),
        FieldChange("courses of study", "2026-01-10\u2013", "none", is_column=False),
    ]
    # Beside the words, the codes they do not say: "Work" says work, "Work and education" does not say both.
    assert [line.codes_shown for line in lines[:3]] == [("", ""), ("", "both"), ("", "")]
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        swedish = field_changes(change, lambda name: {"goal": "Mål"}.get(name, name))
        assert swedish[3].new.startswith("2026-03-16\u20132026-04-30, på öppna arbetsmarknaden, 7,5 ")
        # The words alone: a Swedish reader's files write them, not the code ('both').
        assert (swedish[1].new, swedish[1].new_code, swedish[1].codes_shown) == ("Arbete och studier", "", ("", ""))
        # Each column as the file's header writes it, the jobs and courses in the reader's words.
        assert [line.column for line in swedish] == ["exit_date", "Mål", "exit_reason", "anställningar", "utbildningar"]


AT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
JOB = {"start_date": "2026-03-16", "end_date": None, "competitive": True, "hours_per_week": 20.0}
OTHER = {"start_date": "2026-05-04", "end_date": None, "competitive": False, "hours_per_week": None}


def entry(entity: str, action: str, changes: dict[str, Any], days: int = 0, row: int | None = None) -> Entry:
    return Entry(7, entity, action, AT + timedelta(days=days), changes, row)


def made(values: dict[str, Any], row: int, days: int = 0) -> Entry:
    """A job added by hand, as the audit log keeps it: every value from nothing."""
    changes = {"id": [None, row], "journey_id": [None, 7]} | {k: [None, v] for k, v in values.items()}
    return entry("job_spells", "create", changes, days, row)


def edited(changes: dict[str, list[Any]], row: int, days: int = 0) -> Entry:
    return entry("job_spells", "update", changes | {"journey_id": [7, 7]}, days, row)


def deleted(values: dict[str, Any], row: int, days: int = 0) -> Entry:
    changes = {"id": [row, None], "journey_id": [7, None]} | {k: [v, None] for k, v in values.items()}
    return entry("job_spells", "delete", changes, days, row)


def undone_at(
    changes: list[Change], history: list[Entry], spells: dict[tuple[str, int], dict[str, Any]]
) -> dict[int, datetime]:
    """The time of the latest change `undoing` finds the file undoes, by journey."""
    return {journey: entry.at for journey, entry in undoing(changes, history, spells).items()}


def jobs(now: list[dict[str, Any]], filed: list[dict[str, Any]]) -> list[Change]:
    return [Change(7, "NRV-7", {"job_spells": [now, filed]})]


def test_a_file_undoes_a_change_when_it_puts_back_what_was_there_before() -> None:
    exit_set = entry("journeys", "update", {"exit_date": [None, "2026-05-29"], "exit_reason": [None, "withdrew"]})
    goal_set = entry("journeys", "update", {"goal": ["work", "both"]}, days=2)
    history = [exit_set, goal_set]
    # Blanking the exit puts back the value before the first change; the latest change undone is the time given.
    blanked = Change(7, "NRV-7", {"exit_date": ["2026-05-29", None], "goal": ["both", "work"]})
    assert undone_at([blanked], history, {}) == {7: AT + timedelta(days=2)}
    assert undone_at([Change(7, "NRV-7", {"exit_date": ["2026-05-29", None]})], history, {}) == {7: AT}
    # A value of the file's own undoes nothing; nor does another journey's history.
    assert undone_at([Change(7, "NRV-7", {"exit_date": ["2026-05-29", "2026-05-30"]})], history, {}) == {}
    assert undone_at([Change(8, "NRV-8", {"exit_date": ["2026-05-29", None]})], history, {}) == {}
    # A journey made by hand was made, not changed: a file leaving a field empty undoes no change.
    created = entry("journeys", "create", {"goal": [None, "work"]})
    assert undone_at([Change(7, "NRV-7", {"goal": ["work", None]})], [created], {}) == {}

    # Of two changes undone in the same instant, the later made (the greater audit entry) is the one given, with who
    # made it.
    first = replace(exit_set, by="anna@unit.example", id=11)
    second = replace(exit_set, changes={"exit_reason": [None, "withdrew"]}, by="cli", id=12)
    blanked = Change(7, "NRV-7", {"exit_date": ["2026-05-29", None], "exit_reason": ["withdrew", None]})
    assert undoing([blanked], [first, second], {})[7].by == "cli"
    assert undoing([blanked], [second, replace(first, id=13)], {})[7].by == "anna@unit.example"


def test_a_job_added_by_hand_and_left_out_is_undone_in_whatever_form_it_has_now() -> None:
    ended = OTHER | {"end_date": "2026-05-29"}
    history = [made(OTHER, 3), edited({"end_date": [None, "2026-05-29"]}, 3, days=1)]
    now = {("job_spells", 3): ended}
    assert undone_at(jobs([JOB, ended], [JOB]), history, now) == {7: AT}  # left out
    assert undone_at(jobs([JOB, ended], [JOB, ended]), history, now) == {}  # kept (an hours change elsewhere)
    # The file has it as it was added: its end, made by hand later, is what it undoes.
    assert undone_at(jobs([JOB, ended], [JOB, OTHER]), history, now) == {7: AT + timedelta(days=1)}
    # The file ends it later, or gives other hours: the file's edit of the job, which starts on the same day.
    assert undone_at(jobs([JOB, ended], [JOB, ended | {"end_date": "2026-06-10"}]), history, now) == {}
    assert undone_at(jobs([JOB, ended], [JOB, ended | {"hours_per_week": 12}]), history, now) == {}
    # A job of the file's own starting on another day is another job: the one added by hand is left out.
    assert undone_at(jobs([JOB, ended], [JOB, ended | {"start_date": "2026-05-11"}]), history, now) == {7: AT}
    # Two jobs start on the same day, one imported, one added by hand: the file ends the first and leaves the second
    # out. Its edit is of the job it is most like; the one added by hand is left out.
    imported = ended | {"competitive": True, "hours_per_week": 30}
    both = [imported, ended]
    assert undone_at(jobs(both, [imported | {"end_date": "2026-06-01"}]), history, now) == {7: AT}
    assert undone_at(jobs(both, [imported, ended | {"end_date": "2026-06-01"}]), history, now) == {}  # it ends it
    # Two alike (added the same day, the same values): the file ends one and leaves the other out. Which was added by
    # hand cannot be told, so it is marked.
    assert undone_at(jobs([ended, ended], [ended | {"end_date": "2026-06-01"}]), history, now) == {7: AT}


def test_a_job_deleted_by_hand_and_brought_back_in_any_form_is_undone() -> None:
    history = [
        made(OTHER, 3),
        edited({"hours_per_week": [None, 8]}, 3, days=1),
        deleted(OTHER | {"hours_per_week": 8}, 3, days=2),
    ]
    assert undone_at(jobs([JOB], [JOB, OTHER]), history, {}) == {7: AT + timedelta(days=2)}  # as it was first
    assert undone_at(jobs([JOB], [JOB, OTHER | {"hours_per_week": 8.0}]), history, {}) == {7: AT + timedelta(days=2)}
    assert undone_at(jobs([JOB], [JOB, OTHER | {"hours_per_week": 9}]), history, {}) == {}  # another job


def test_a_job_s_values_put_back_are_told_from_another_job_s() -> None:
    """The job changed is known whole, read back from the job as it is: another job with the same values changed
    is not it."""
    now = {("job_spells", 1): JOB | {"competitive": False}, ("job_spells", 2): OTHER}
    history = [edited({"competitive": [True, False]}, 1)]  # the job came with an import: no entry made it
    assert undone_at(jobs([JOB | {"competitive": False}, OTHER], [JOB, OTHER]), history, now) == {7: AT}
    # Hours 20 -> 25 by hand; a newer file gives 30, and another job of 20 hours: no undo.
    now = {("job_spells", 1): JOB | {"hours_per_week": 25}}
    history = [edited({"hours_per_week": [20, 25]}, 1)]
    assert (
        undone_at(
            jobs([JOB | {"hours_per_week": 25}], [JOB | {"hours_per_week": 30.0}, OTHER | {"hours_per_week": 20.0}]),
            history,
            now,
        )
        == {}
    )
    assert undone_at(jobs([JOB | {"hours_per_week": 25}], [JOB]), history, now) == {7: AT}  # 20 as 20.0


def test_an_import_s_change_to_the_jobs_put_back_is_undone_and_courses_say_nothing_of_jobs() -> None:
    ended = JOB | {"end_date": "2026-05-15"}
    by_import = entry("journeys", "update", {"job_spells": [[JOB], [ended]]})
    assert undone_at(jobs([ended], [JOB]), [by_import], {}) == {7: AT}
    course = entry("education_spells", "create", {"journey_id": [None, 7], "start_date": [None, "2026-04-01"],
                                                   "end_date": [None, None]}, row=5)  # fmt: skip
    assert (
        undone_at(
            jobs([ended], [JOB]), [course], {("education_spells", 5): {"start_date": "2026-04-01", "end_date": None}}
        )
        == {}
    )
    # A job an import replaced since (its row gone): what changed in it is all that is known, and enough.
    assert undone_at(jobs([ended], [JOB]), [edited({"end_date": [None, "2026-05-15"]}, 9)], {}) == {7: AT}


def test_the_command_s_check_of_a_bad_file_exits_2_and_writes_nothing(
    runner: FlaskCliRunner, session: Any, tmp_path: Path
) -> None:
    unit = factories.unit()
    before = written(session)
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file([journey(code="NRV-0001"), journey(code="NRV-0002", job1_hours="99")]))
    result = runner.invoke(main, ["import", "journeys", str(path), "--unit", unit.code, "--check"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"{path}:3: job1_hours")
    assert written(session) == before and session.scalars(select(RecordRead)).all() == []


def test_a_long_list_of_changes_shows_the_first_and_says_how_many(
    client: Any, session: Any, manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit, _user = manager
    imported(client, unit, FIRST)
    monkeypatch.setattr("fidelity.monitoring.held_imports.CHANGES_SHOWN", 1)
    page = upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False).get_data(as_text=True)
    assert "The first 1 of 2 journeys are listed." in page
    assert ">NRV-0001</a>" in page and ">NRV-0003</a>" not in page
    assert "exit_date in 1 journey" in page and "jobs in 1 journey" in page  # counted over every change


def test_the_check_says_when_journeys_fall_in_quarters_a_purge_locked(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    imported(client, unit, FIRST)
    lock_quarters(unit, Quarter(2026, 1))
    session.commit()
    page = upload(client, unit.code, csv_file(LATER), "june.csv", confirm=False).get_data(as_text=True)
    assert "Some journeys in the file were referred in quarters locked by a purge (up to 2026\u00a0Q1)" in page


def test_journeys_left_out_are_not_said_to_fall_in_quarters_a_purge_locked(
    client: Any, session: Any, manager: Any
) -> None:
    unit, _user = manager
    early = journey(code="NRV-0001", referral_date="2025-11-03", decision_date="2025-11-10")
    imported(client, unit, [early, *FIRST[1:]])
    lock_quarters(unit, Quarter(2025, 4))
    hand = session.scalars(select(Journey).where(Journey.code == "NRV-0001")).one()
    hand.exit_date, hand.exit_reason = date(2026, 6, 1), "goal_reached"
    session.commit()
    check = upload(client, unit.code, csv_file([early, *LATER[1:]]), "june.csv", confirm=False)
    assert "referred in quarters locked by a purge (up to 2025\u00a0Q4)" in check.get_data(as_text=True)
    response = keep_answer(client, check)
    messages = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Journeys added: 1" in messages and "1 journey the file would have put back" in messages
    assert "locked by a purge" not in messages  # only NRV-0001, left out, was referred in a locked quarter


def test_jobs_with_the_same_dates_in_another_order_are_no_change(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    two = {"job1_start": "2026-04-01", "job1_hours": "10", "job2_start": "2026-04-01", "job2_end": "",
           "job2_competitive": "yes", "job2_hours": "20"}  # fmt: skip
    swapped = two | {"job1_hours": "20", "job2_hours": "10"}
    imported(client, unit, [journey(code="NRV-0001", **two)])
    response = upload(client, unit.code, csv_file([journey(code="NRV-0001", **swapped)]), "again.csv")
    assert response.status_code == 200 and "The file changes nothing" in response.get_data(as_text=True)


def test_hours_of_any_size_read_on_the_check(app: Flask) -> None:
    tiny = Change(7, "N", {"job_spells": [[JOB | {"hours_per_week": 1e-05}], [JOB | {"hours_per_week": 7.25}]]})
    with app.test_request_context():
        (line,) = field_changes(tiny, str)
    assert (line.old, line.new) == (
        "2026-03-16\u2013, competitive, 0 h a week",
        "2026-03-16\u2013, competitive, 7.25 h a week",
    )


def test_a_column_changed_in_most_journeys_is_called_out(client: Any, session: Any, manager: Any) -> None:
    """A column sorted on its own in a spreadsheet changes it in most journeys: the check says so at the top."""
    unit, _user = manager
    bands = ["18_24", "25_29", "30_39", "40_49"]
    rows = [journey(code=f"NRV-{n:04d}", age_band=bands[n % 4]) for n in range(1, 13)]
    imported(client, unit, rows)
    sorted_bands = sorted(row["age_band"] for row in rows)
    shifted = [row | {"age_band": band} for row, band in zip(rows, sorted_bands, strict=True)]
    page = upload(client, unit.code, csv_file(shifted), "sorted.csv", confirm=False).get_data(as_text=True)
    changed = sum(row["age_band"] != band for row, band in zip(rows, sorted_bands, strict=True))
    assert changed >= 10
    assert f"age_band changes in {changed} of the 12 journeys the file replaces." in page
    assert '<input class="primary" id="cancel" name="cancel" type="submit" value="Do not import">' in page
    # A month's records, a few journeys changed, are not called out.
    few = [rows[0] | {"exit_date": "2026-05-29", "exit_reason": "withdrew"}, *rows[1:]]
    page = upload(client, unit.code, csv_file(few), "may.csv", confirm=False).get_data(as_text=True)
    assert "journeys the file replaces." not in page
    assert '<input class="primary" id="submit" name="submit" type="submit" value="Import">' in page
