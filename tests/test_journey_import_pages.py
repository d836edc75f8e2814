"""The journey import page, the templates and exports to download, and `fidelity import journeys`."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl.utils import column_index_from_string
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from fidelity.cli import main
from fidelity.models import AuditEntry, JobSpell, Journey, Role, User
from fidelity.monitoring.kept import lock_quarters
from fidelity.monitoring.layout import LAYOUT, header, swedish_name
from fidelity.monitoring.quarters import Quarter
from tests import factories
from tests.journey_data import OWN_CODE, columns_for, csv_file, journey, xlsx_file
from tests.test_web import TOKEN, csrf_token, login

GOOD_ROWS = [journey(code="NRV-0001"), journey(code="NRV-0002", education1_start="2026-04-01")]
BAD_ROWS = [journey(code="NRV-0001"), journey(code="811218-9876"), journey(code="NRV-0003", job1_hours="99")]


def written(session: Any) -> tuple[int, int, int]:
    session.expire_all()
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Journey, JobSpell, AuditEntry))


@pytest.fixture
def manager(client: Any, session: Any) -> Any:
    """A frontline manager logged in, and their unit."""
    unit = factories.unit()
    user = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    assert login(client, user.email).status_code == 302
    return unit, user


def upload(client: Any, code: str, data: bytes, filename: str, *, confirm: bool = True) -> Any:
    """Upload a file to the unit's import page. A good file's check is shown (the page it redirects to); unless told
    not to, it is then imported. Returns the last response."""
    url = f"/units/{code}/journeys/import"
    form = {"csrf_token": csrf_token(client, url), "file": (io.BytesIO(data), filename)}
    response = client.post(url, data=form, content_type="multipart/form-data")
    if response.status_code != 302 or not response.headers["Location"].startswith(f"{url}/"):
        return response
    check = client.get(response.headers["Location"])
    return answer(client, check) if confirm and check.status_code == 200 else check


CONFIRM_ACTION = re.compile(r'<form method="post" action="(/units/[^"]+/journeys/import/[^"]+)">')
STATE = re.compile(r'id="state" name="state" type="hidden" value="([^"]*)"')


def answer(client: Any, check: Any, button: str = "submit", state: str | None = None) -> Any:
    """Answer a file's check page: import it (`submit`) or not (`cancel`), with the state it carries or `state`."""
    page = check.get_data(as_text=True)
    action, carried, token = CONFIRM_ACTION.search(page), STATE.search(page), TOKEN.search(page)
    assert action and carried and token, "no question on the check's page"
    form = {"csrf_token": token.group(1) or token.group(2), "state": carried.group(1) if state is None else state,
            button: "x"}  # fmt: skip
    return client.post(action.group(1), data=form)


def test_the_page_explains_every_column_and_links_the_files(client: Any, manager: Any) -> None:
    unit, _user = manager
    page = client.get(f"/units/{unit.code}/journeys/import").get_data(as_text=True)
    for column in LAYOUT:
        assert f"<code>{column.name.replace('<', '&lt;').replace('>', '&gt;')}</code>" in page
    for name in ("template.csv", "template.xlsx", "export.csv", "export.xlsx"):
        assert f"/units/{unit.code}/journeys/{name}" in page
    assert 'enctype="multipart/form-data"' in page
    assert client.get(f"/units/{unit.code}").get_data(as_text=True).count("journeys/import") == 1


def test_a_good_file_is_imported_and_the_numbers_shown(client: Any, session: Any, manager: Any) -> None:
    unit, user = manager
    response = upload(client, unit.code, csv_file(GOOD_ROWS, separator=";", bom=True), "spring.csv")
    assert response.status_code == 302 and response.headers["Location"] == f"/units/{unit.code}/journeys/import"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    flashed = "Imported spring.csv. Journeys added: 2; replaced: 0, of which changed: 0; jobs: 2; courses of study: 1."
    assert flashed in page
    session.expire_all()
    codes = session.scalars(select(Journey.code).where(Journey.unit_id == unit.id).order_by(Journey.code)).all()
    assert codes == ["NRV-0001", "NRV-0002"]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).one()
    assert (entry.actor_label, entry.actor_id, entry.unit_id) == (user.email, user.id, unit.id)


def next_step(page: str) -> str | None:
    """The import page's next step after an import, if it shows one."""
    return page[page.index('class="next-step"') :].split("</section>")[0] if 'class="next-step"' in page else None


def test_after_an_import_the_page_links_the_unit_s_journeys_and_its_waiting_list(
    client: Any, session: Any, manager: Any
) -> None:
    """The next step, under the import's numbers: the journeys as the unit has them now, its waiting list, its
    outcomes and its staffing. Once:
    the page opened again shows none, and the page never shows it before an import. A second answer to the same
    check, told the file is imported already, is shown the way on too."""
    unit, _user = manager
    url = f"/units/{unit.code}/journeys/import"
    assert next_step(client.get(url).get_data(as_text=True)) is None
    check = upload(client, unit.code, csv_file(GOOD_ROWS), "spring.csv", confirm=False)
    response = answer(client, check)
    assert response.status_code == 302 and response.headers["Location"] == url
    page = html.unescape(client.get(url).get_data(as_text=True))
    step = next_step(page)
    assert step is not None and "Next, look over the journeys as the unit has them now, its waiting list" in step
    links = tuple(f"/units/{unit.code}/{page}" for page in ("journeys", "waiting-list", "outcomes", "staffing"))
    assert all(f'href="{link}"' in step for link in links)
    assert page.index("Imported spring.csv.") < page.index('class="next-step"')
    assert all(client.get(link).status_code == 200 for link in links)
    assert next_step(client.get(url).get_data(as_text=True)) is None
    again = answer(client, check)
    page = html.unescape(client.get(again.headers["Location"]).get_data(as_text=True))
    assert "This file has been imported already" in page and next_step(page) is not None


def test_the_next_step_and_the_drop_down_lists_warning_speak_swedish(client: Any, session: Any, manager: Any) -> None:
    """A Swedish reader is told the next step after an import, and warned of a value not in a drop-down list, in
    Swedish."""
    unit, user = manager
    session.get(User, user.id).locale = "sv"
    session.commit()
    upload(client, unit.code, csv_file(GOOD_ROWS), "spring.csv")
    step = next_step(html.unescape(client.get(f"/units/{unit.code}/journeys/import").get_data(as_text=True)))
    assert step is not None
    assert "Se sedan över förloppen som enheten har dem nu, dess väntelista eller dess resultat" in step
    assert all(link in step for link in ("Se förloppen", "Se väntelistan", "Se resultaten", "Registrera bemanning"))
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/units/{unit.code}/journeys/template.xlsx").get_data()))
    rule = workbook.worksheets[0].data_validations.dataValidation[0]
    assert rule.errorTitle == "Finns inte i listan" and rule.error.startswith("Det här är inte ett av listans värden")


@pytest.mark.parametrize("filename", ["Anna 19800101-1239 remiss.csv", "remiss 800101-1239.xlsx", "1980-01-01.csv"])
def test_a_file_named_after_a_person_s_number_is_imported_and_its_name_not_kept(
    client: Any, session: Any, manager: Any, filename: str
) -> None:
    """People name a referral's file after the person. The import goes ahead; its name is kept neither in the audit
    log nor in the message, and the message says why."""
    unit, _user = manager
    data = (
        csv_file(GOOD_ROWS)
        if filename.endswith(".csv")
        else xlsx_file(
            [columns_for(GOOD_ROWS), *([row.get(c, "") for c in columns_for(GOOD_ROWS)] for row in GOOD_ROWS)]
        )
    )
    response = upload(client, unit.code, data, filename)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Imported the file. Its name is not kept: it looks like it holds a name, a personal identity number, a date "
        "of birth or a phone number. Journeys added: 2;"
    ) in page
    assert "1980" not in page and "800101" not in page
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).one()
    assert entry.changes["file"] == [None, None] and entry.changes["added"] == [None, 2]
    # A file named for its date, or its unit, keeps its name.
    dated = [*GOOD_ROWS, journey(code="NRV-0003")]
    assert upload(client, unit.code, csv_file(dated), "NRV 2026-03-31 export.csv").status_code == 302
    assert "Imported NRV 2026-03-31 export.csv." in client.get(f"/units/{unit.code}/journeys/import").get_data(
        as_text=True
    )


def test_an_import_into_quarters_locked_by_a_purge_says_their_figures_stay(
    client: Any, session: Any, manager: Any, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    unit, _user = manager
    assert upload(client, unit.code, csv_file(GOOD_ROWS), "first.csv").status_code == 302
    client.get(f"/units/{unit.code}/journeys/import")  # the flash is read
    lock_quarters(unit, Quarter(2026, 1))
    session.commit()
    later = [journey(code="NRV-0100", referral_date="2026-04-01", decision_date="2026-04-02",
                     first_meeting_date="2026-04-03", enrolment_date="2026-04-06", first_employer_contact_date="",
                     job1_start="", job1_competitive="", job1_hours="")]  # fmt: skip
    assert upload(client, unit.code, csv_file(later), "later.csv").status_code == 302
    assert "locked by a purge" not in client.get(f"/units/{unit.code}/journeys/import").get_data(as_text=True)
    early = [journey(code="NRV-0101")]  # referred 2026-01-12, in the locked quarter
    assert upload(client, unit.code, csv_file(early), "early.csv").status_code == 302
    page = client.get(f"/units/{unit.code}/journeys/import").get_data(as_text=True)
    assert "Some journeys in the file were referred in quarters locked by a purge (up to 2026\u00a0Q1)" in page
    path = tmp_path / "early.csv"
    path.write_bytes(csv_file(early))
    result = runner.invoke(main, ["import", "journeys", str(path), "--unit", unit.code])
    assert result.exit_code == 0 and "locked by a purge (up to 2026 Q1)" in result.output


def test_a_bad_file_comes_back_with_every_problem_and_writes_nothing(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    before = written(session)
    response = upload(client, unit.code, csv_file(BAD_ROWS), "spring.csv")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page and "The file has 2 problems." in page
    rows = [
        # the line's code beside its problem, but never a code refused for being an identity number
        '<td class="num">3</td><td class="code"></td><td>code: looks like a Swedish personal identity number '
        "(personnummer): give the person a code of the unit&#39;s own instead</td>",
        '<td class="num">4</td><td class="code">NRV-0003</td><td>job1_hours: 99 hours a week is outside 0-80</td>',
    ]
    assert all(row in page for row in rows)
    assert page.index(rows[0]) < page.index(rows[1])
    assert "811218-9876" not in page
    assert written(session) == before


def test_a_file_wrong_throughout_lists_the_first_thousand_problems(client: Any, manager: Any) -> None:
    unit, _user = manager
    rows = [journey(code=f"NRV-{n:04d}", goal="job") for n in range(1, 1202)]
    response = upload(client, unit.code, csv_file(rows), "spring.csv")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The file has 1201 problems." in page and "The first 1000 are listed." in page
    assert page.count("is not one of work, education, both") == 1000


def test_only_those_who_may_import_see_the_link(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=unit.area_id)
    assert login(client, manager.email).status_code == 302
    page = client.get(f"/units/{unit.code}").get_data(as_text=True)
    assert "Audit trail" in page and "journeys/import" not in page


def test_a_file_the_app_cannot_read_is_one_problem_of_the_file(client: Any, session: Any, manager: Any) -> None:
    unit, _user = manager
    # Neither UTF-8 nor Windows-1252 (where 0x81, 0x8d and 0x8f are no characters).
    response = upload(client, unit.code, b"code;referral_date\n\x81\x8d\x8f;2026-01-12\n", "spring.csv")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The file has 1 problem." in page
    assert "The file is not UTF-8 text: in Excel, save it as &#39;CSV UTF-8&#39;." in page


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [(None, "", "Choose a file to import."), (b"x", "spring.pdf", "Choose a CSV file (.csv) or an Excel workbook")],
)
def test_no_file_or_another_kind_of_file_is_a_form_error(
    client: Any, manager: Any, data: bytes | None, filename: str, message: str
) -> None:
    unit, _user = manager
    url = f"/units/{unit.code}/journeys/import"
    form: dict[str, Any] = {"csrf_token": csrf_token(client, url)}
    if data is not None:
        form["file"] = (io.BytesIO(data), filename)
    response = client.post(url, data=form, content_type="multipart/form-data")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_a_file_over_the_upload_limit_is_refused_with_a_message(
    app: Flask, client: Any, session: Any, manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit, _user = manager
    token = csrf_token(client, f"/units/{unit.code}/journeys/import")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    before = written(session)
    # Encoded here, in memory: the test client would spool a body this large to a file the refusal never closes.
    big = FileStorage(io.BytesIO(b"x" * (3 * 1024 * 1024)), filename="big.csv")
    boundary, body = encode_multipart(MultiDict({"csrf_token": token, "file": big}))
    response = client.post(
        f"/units/{unit.code}/journeys/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "The file is larger than 2 MB" in response.get_data(as_text=True)
    assert written(session) == before


def test_the_csv_template_has_the_header_and_an_example(client: Any, manager: Any) -> None:
    unit, _user = manager
    response = client.get(f"/units/{unit.code}/journeys/template.csv")
    assert (
        response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    )  # one charset, exactly
    assert 'filename="journeys-template.csv"' in response.headers["Content-Disposition"]
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(header()) and lines[1].startswith("EXAMPLE,2026-01-12,25_29,work,accepted,")
    assert len(lines) == 2


def test_the_xlsx_template_has_an_example_and_a_sheet_explaining_the_columns(client: Any, manager: Any) -> None:
    unit, _user = manager
    response = client.get(f"/units/{unit.code}/journeys/template.xlsx")
    assert (
        response.status_code == 200
        and response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["journeys", "columns"]
    rows = list(workbook["journeys"].iter_rows(values_only=True))
    assert list(rows[0]) == header() and rows[1][0] == "EXAMPLE" and len(rows) == 2
    assert rows[1][1].date().isoformat() == "2026-01-12"  # a date cell, shown as a date
    explained = list(workbook["columns"].iter_rows(values_only=True))
    assert [row[0] for row in explained[1:]] == [column.name for column in LAYOUT]
    assert "not_accepted" in next(row[2] for row in explained if row[0] == "decision")


def drop_downs(workbook: Any) -> dict[str, tuple[list[str], str, str | None, bool | None]]:
    """Each drop-down list of the workbook's first sheet, by the header of its column: its values (written in the rule,
    or on the sheet it names), the cells it covers, its error style and whether a cell may be empty."""
    sheet = workbook.worksheets[0]
    heads = [cell.value for cell in sheet[1]]
    found = {}
    for rule in sheet.data_validations.dataValidation:
        assert rule.type == "list"
        if rule.formula1.startswith('"'):
            values = rule.formula1[1:-1].split(",")
        else:
            name, cells = rule.formula1.rsplit("!", 1)
            values = [cell.value for (cell,) in workbook[name.strip("'")][cells.replace("$", "")]]
        for cells in str(rule.sqref).split():
            column = column_index_from_string(cells.split(":")[0].rstrip("0123456789"))
            found[heads[column - 1]] = (values, cells, rule.errorStyle, rule.allow_blank)
    return found


# The values each drop-down list offers an English reader: the codes, and yes or no.
ENGLISH_LISTS = {
    "age_band": ["under_18", "18_24", "25_29", "30_39", "40_49", "50_64", "65_plus"],
    "goal": ["work", "education", "both"],
    "decision": ["accepted", "not_accepted"],
    "not_accepted_reason": [
        "not_motivated", "not_ready", "substance_use", "symptoms", "needs_assessment_not_granted", "criminal_record",
        "outside_eligibility", "declined", "not_reached", "moved_away", "other",
    ],
    "exit_reason": ["goal_reached", "withdrew", "lost_contact", "moved_away", "referred_elsewhere", "other"],
    "job1_competitive": ["yes", "no"],
}  # fmt: skip
# ... and a Swedish reader: the form's names in Swedish, and ja or nej.
SWEDISH_LISTS = {
    "åldersgrupp": ["Under 18", "18–24", "25–29", "30–39", "40–49", "50–64", "65 eller äldre"],
    "mål": ["Arbete", "Studier", "Arbete och studier"],
    "beslut": ["Antagen", "Inte antagen"],
    "skäl_ej_antagen": [
        "Bedömd som inte motiverad", "Bedömd som inte redo för arbete eller studier", "Pågående missbruk",
        "Symtomen bedömda som för svåra", "Behovsbedömning inte beviljad", "Brottsregister",
        "Utanför en lokal behörighetsregel (till exempel en åldersgräns)", "Personen tackade nej", "Gick inte att nå",
        "Flyttade", "Annat",
    ],
    "avslutsskäl": [
        "Målet nått; stödet behövs inte längre", "Avbröt själv", "Kontakten upphörde", "Flyttade",
        "Hänvisad till annan verksamhet", "Annat",
    ],
    "anställning1_öppna_marknaden": ["ja", "nej"],
}  # fmt: skip


def test_the_xlsx_template_offers_each_choice_in_a_drop_down_list_in_the_reader_s_language(
    client: Any, manager: Any
) -> None:
    """The codes in English, the form's names in Swedish: on a thousand rows below the example, a cell may be left
    empty, and another value is warned of but may be kept (a code pasted from another file is read too). A list
    too long to be written in its rule, the Swedish reasons, is on a hidden sheet after the others, which the import
    does not read: it reads the first visible sheet."""
    unit, _user = manager
    url = f"/units/{unit.code}/journeys/template.xlsx"
    english = openpyxl.load_workbook(io.BytesIO(client.get(url, headers={"Accept-Language": "en"}).get_data()))
    lists = drop_downs(english)
    assert {name: values for name, (values, *_rest) in lists.items()} == ENGLISH_LISTS
    for _values, cells, style, blank in lists.values():
        cell_range = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", cells)
        assert cell_range is not None
        first, first_row, last, last_row = cell_range.groups()
        assert (first == last, first_row, last_row, style, blank) == (True, "2", "1002", "warning", True)
    assert english.sheetnames == ["journeys", "columns"]  # every English list is written in its rule
    swedish = openpyxl.load_workbook(io.BytesIO(client.get(url, headers={"Accept-Language": "sv"}).get_data()))
    assert {name: values for name, (values, *_rest) in drop_downs(swedish).items()} == SWEDISH_LISTS
    assert swedish.sheetnames == ["förlopp", "kolumner", "listor"]
    assert [sheet.sheet_state for sheet in swedish.worksheets] == ["visible", "visible", "hidden"]
    # The sheet that explains the columns gives a choice's values as the drop-down list does.
    explained = {row[0]: row[2] for row in swedish["kolumner"].iter_rows(values_only=True)}
    assert explained["beslut"] == "'Antagen', 'Inte antagen'"


@pytest.mark.parametrize("language", ["en", "sv"])
def test_a_template_filled_in_from_its_drop_down_lists_and_saved_imports(
    client: Any, session: Any, manager: Any, language: str
) -> None:
    """The example row made a journey, with values chosen from the lists (a referral not accepted, and one that
    ended), saved by a spreadsheet: imported, each value as its code."""
    unit, _user = manager
    headers = {"Accept-Language": language}
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/units/{unit.code}/journeys/template.xlsx", headers=headers).get_data())
    )
    sheet = workbook.worksheets[0]
    lists = {name: values for name, (values, *_rest) in drop_downs(workbook).items()}
    position = {cell.value: cell.column for cell in sheet[1]}

    def fill(row: int, **cells: str | int) -> None:
        for name, value in cells.items():
            column = swedish_name(name) if language == "sv" else name
            sheet.cell(
                row=row, column=position[column], value=lists[column][value] if isinstance(value, int) else value
            )

    fill(2, code="NRV-0001", age_band=1, goal=2, decision=0, exit_date="2026-06-01", exit_reason=0, job1_competitive=1)
    fill(3, code="NRV-0002", referral_date="2026-02-02", age_band=6, goal=0, decision=1, decision_date="2026-02-09",
         not_accepted_reason=10, first_meeting_date="", enrolment_date="", first_employer_contact_date="",
         job1_start="", job1_competitive="", job1_hours="")  # fmt: skip
    saved = io.BytesIO()
    workbook.save(saved)
    response = upload(client, unit.code, saved.getvalue(), "filled.xlsx")
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))
    session.expire_all()
    journeys = {j.code: j for j in session.scalars(select(Journey).where(Journey.unit_id == unit.id))}
    first, second = journeys["NRV-0001"], journeys["NRV-0002"]
    assert (first.age_band.value, first.goal.value, first.decision.value, first.exit_reason.value) == (
        "18_24", "both", "accepted", "goal_reached"
    )  # fmt: skip
    assert [job.competitive for job in first.jobs] == [False]
    assert (second.age_band.value, second.goal.value, second.decision.value, second.not_accepted_reason.value) == (
        "65_plus", "work", "not_accepted", "other"
    )  # fmt: skip


def test_the_xlsx_export_offers_the_drop_down_lists_below_the_journeys_too(client: Any, manager: Any) -> None:
    unit, _user = manager
    upload(client, unit.code, csv_file(GOOD_ROWS), "spring.csv")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/units/{unit.code}/journeys/export.xlsx").get_data()))
    lists = drop_downs(workbook)
    assert {name: values for name, (values, *_rest) in lists.items()} == ENGLISH_LISTS
    assert lists["goal"][1] == "D2:D1003"  # the two journeys and a thousand rows below them


def test_the_export_downloads_the_units_journeys(client: Any, manager: Any, session: Any) -> None:
    unit, _user = manager
    upload(client, unit.code, csv_file(GOOD_ROWS), "spring.csv")
    response = client.get(f"/units/{unit.code}/journeys/export.csv")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{unit.code}-journeys-' in response.headers["Content-Disposition"]
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines] == ["code", "NRV-0001", "NRV-0002"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/units/{unit.code}/journeys/export.xlsx").get_data()))
    assert [row[0] for row in workbook["journeys"].iter_rows(values_only=True)] == ["code", "NRV-0001", "NRV-0002"]
    # Each export hands personal data on: it is in the unit's audit trail, who, when, in which format, how many.
    exports = session.scalars(select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id)).all()
    assert [(e.entity, e.entity_id, e.unit_id, e.actor_id, e.changes) for e in exports] == [
        ("journeys", unit.code, unit.id, _user.id, {"format": [None, fmt], "journeys": [None, 2]})
        for fmt in ("csv", "xlsx")
    ]
    trail = " ".join(client.get(f"/units/{unit.code}/audit").get_data(as_text=True).split())
    assert f'exported journeys <span class="code">#{unit.code}</span>' in trail


# --- the command line ------------------------------------------------------------------------------------------


def test_the_command_imports_a_file_as_cli(runner: FlaskCliRunner, session: Any, tmp_path: Path) -> None:
    unit = factories.unit()
    path = tmp_path / "spring.csv"
    path.write_bytes(csv_file(GOOD_ROWS))
    result = runner.invoke(main, ["import", "journeys", str(path), "--unit", unit.code.lower()])
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == f"Imported {path} into {unit.code}. Journeys added: 2; replaced: 0, of which changed: 0; jobs: 2; "
        "courses of study: 1.\n"
    )
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Journey).where(Journey.unit_id == unit.id)) == 2
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).one()
    assert (entry.actor_label, entry.actor_id, entry.unit_id) == ("cli", None, unit.id)


def test_the_command_prints_every_problem_and_exits_2_writing_nothing(
    runner: FlaskCliRunner, session: Any, tmp_path: Path
) -> None:
    unit = factories.unit()
    path = tmp_path / "spring.csv"
    path.write_bytes(csv_file(BAD_ROWS))
    before = written(session)
    result = runner.invoke(main, ["import", "journeys", str(path), "--unit", unit.code])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}:3: code: looks like a Swedish personal identity number (personnummer)" + OWN_CODE,
        f"{path}:4: job1_hours: 99 hours a week is outside 0-80 (journey NRV-0003)",
    ]
    assert written(session) == before


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["--unit", "NO-SUCH-UNIT"], b"", "Error: There is no unit with the code NO-SUCH-UNIT."),
        (["--unit", "{unit}"], None, "Error: {path}: no such file"),
        (
            ["--unit", "{unit}"],
            b"\x81\x8d\x8f",
            "{path}: The file is not UTF-8 text: in Excel, save it as 'CSV UTF-8'.",
        ),
    ],
)
def test_an_unknown_unit_or_unreadable_file_exits_2_with_one_line(
    runner: FlaskCliRunner, session: Any, tmp_path: Path, args: list[str], content: bytes | None, message: str
) -> None:
    unit = factories.unit()
    path = tmp_path / "spring.csv"
    if content is not None:
        path.write_bytes(content)
    before = written(session)
    result = runner.invoke(main, ["import", "journeys", str(path), *(a.format(unit=unit.code) for a in args)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message.format(path=path)]
    assert written(session) == before


# --- Swedish column names ---------------------------------------------------------------------------------------


def swedish(rows: list[dict[str, str]]) -> bytes:
    """A CSV file of the rows with every column named in Swedish, in capitals here and there."""
    text = csv_file(rows).decode("utf-8-sig").split("\n", 1)
    names = [swedish_name(name) for name in text[0].split(",")]
    return (
        ",".join(name.capitalize() if n % 3 == 0 else name for n, name in enumerate(names)) + "\n" + text[1]
    ).encode()


def test_a_file_with_swedish_column_names_is_imported_and_its_problems_named_so(
    client: Any, session: Any, manager: Any
) -> None:
    unit, _user = manager
    assert upload(client, unit.code, swedish(GOOD_ROWS), "vår.csv").status_code == 302
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(JobSpell)) == 2
    bad = swedish([journey(code="NRV-0003", job1_hours="99")])
    page = upload(client, unit.code, bad, "fel.csv").get_data(as_text=True)
    assert "anställning1_timmar" in page and "job1_hours:" not in page
    # A header may mix the two languages.
    mixed = csv_file([journey(code="NRV-0004")]).decode("utf-8-sig").replace("referral_date", "Remissdatum", 1)
    assert upload(client, unit.code, mixed.encode(), "blandad.csv").status_code == 302


# A referral not accepted for a reason written as no choice is named, and the message a Swedish reader gets.
NOT_MOTIVATED = journey(code="NRV-0005", decision="Inte antagen", not_accepted_reason="Ej motiverad",
                        first_meeting_date="", enrolment_date="", first_employer_contact_date="", job1_start="",
                        job1_competitive="", job1_hours="")  # fmt: skip
SWEDISH_REASONS = (
    "Skäl_ej_antagen: 'Ej motiverad' är inte något av 'Bedömd som inte motiverad', 'Bedömd som inte redo för arbete "
    "eller studier', 'Pågående missbruk', 'Symtomen bedömda som för svåra', 'Behovsbedömning inte beviljad', "
    "'Brottsregister', 'Utanför en lokal behörighetsregel (till exempel en åldersgräns)', 'Personen tackade nej', "
    "'Gick inte att nå', 'Flyttade', 'Annat'"
)


def test_a_swedish_reader_is_told_the_names_a_choice_takes_in_swedish(client: Any, session: Any, manager: Any) -> None:
    """The file's column named as it writes it, and the values it takes as the reader writes them: in Swedish, the
    form's names, each of which the import reads (not the codes, which a Swedish reader never sees)."""
    unit, user = manager
    session.get(User, user.id).locale = "sv"  # the user's pages are in Swedish
    session.commit()
    response = upload(client, unit.code, swedish([NOT_MOTIVATED]), "fel.csv")
    page = html.unescape(response.get_data(as_text=True))
    found = page[page.index('class="import-problems"') :].split("</section>")[0]  # not the page's help
    assert response.status_code == 400 and SWEDISH_REASONS in found and "not_motivated" not in found
    # The name it gives is read.
    fixed = swedish([NOT_MOTIVATED | {"not_accepted_reason": "Bedömd som inte motiverad"}])
    assert upload(client, unit.code, fixed, "rätt.csv").status_code == 302
    session.expire_all()
    assert session.scalars(select(Journey.not_accepted_reason).where(Journey.unit_id == unit.id)).one() is not None


def test_the_command_tells_the_names_a_choice_takes_in_the_app_s_language(
    app: Flask, runner: FlaskCliRunner, session: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command speaks the app's default language (FIDELITY's BABEL_DEFAULT_LOCALE): in Swedish, it gives the
    Swedish names; in English, the codes."""
    code = factories.unit().code
    path = tmp_path / "fel.csv"
    path.write_bytes(swedish([NOT_MOTIVATED]))
    english = runner.invoke(main, ["import", "journeys", str(path), "--unit", code])
    assert english.exit_code == 2 and english.stderr.splitlines() == [
        f"{path}:2: Skäl_ej_antagen: 'Ej motiverad' is not one of not_motivated, not_ready, substance_use, symptoms, "
        "needs_assessment_not_granted, criminal_record, outside_eligibility, declined, not_reached, moved_away, other "
        "(journey NRV-0005)"
    ]
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "sv")
    swedish_ = runner.invoke(main, ["import", "journeys", str(path), "--unit", code])
    assert swedish_.exit_code == 2
    assert swedish_.stderr.splitlines() == [f"{path}:2: {SWEDISH_REASONS} (journey NRV-0005)"]


def test_a_swedish_user_s_files_name_the_columns_in_swedish_and_import_again(
    client: Any, session: Any, manager: Any
) -> None:
    unit, _user = manager
    upload(client, unit.code, csv_file([*GOOD_ROWS, journey(code="NRV-0009", job1_hours="17.5")]), "spring.csv")
    sv = {"Accept-Language": "sv"}
    exported = client.get(f"/units/{unit.code}/journeys/export.csv", headers=sv).get_data()
    # Semicolons and decimal commas, as Swedish Excel opens and saves a CSV file.
    assert exported.decode("utf-8-sig").startswith("kod;remissdatum;åldersgrupp;mål;beslut;")
    assert ";17,5;" in exported.decode("utf-8-sig")
    # Choices and yes or no as the Swedish reader writes them, and the drop-down lists offer them: the form's names.
    first = exported.decode("utf-8-sig").split("\r\n" if "\r\n" in exported.decode("utf-8-sig") else "\n")[1]
    assert ";Arbete;Antagen;" in first and ";ja;" in first and "accepted" not in first
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/units/{unit.code}/journeys/template.xlsx", headers=sv).get_data())
    )
    sheet = workbook["förlopp"]  # its sheets named in Swedish too
    assert [cell.value for cell in sheet[1]][:2] == ["kod", "remissdatum"] and "anställning1_timmar" in [
        cell.value for cell in sheet[1]
    ]
    assert sheet.column_dimensions["A"].number_format == "@" and sheet["B2"].is_date  # typed as in English
    example = dict(zip([cell.value for cell in sheet[1]], [cell.value for cell in sheet[2]], strict=True))
    assert (example["mål"], example["beslut"], example["anställning1_öppna_marknaden"]) == ("Arbete", "Antagen", "ja")
    assert [row[0] for row in workbook["kolumner"].iter_rows(values_only=True)][1:3] == ["kod", "remissdatum"]
    # The Swedish export imported again changes nothing; in English, the names are the layout's.
    response = upload(client, unit.code, exported, "export.csv")
    assert response.status_code == 200 and "The file changes nothing" in response.get_data(as_text=True)
    english = client.get(f"/units/{unit.code}/journeys/export.csv", headers={"Accept-Language": "en"}).get_data()
    assert english.decode("utf-8-sig").startswith("code,referral_date,")


def test_the_import_page_gives_a_choice_s_values_as_the_reader_writes_them(client: Any, manager: Any) -> None:
    """The page's table of columns gives the values a Swedish reader writes (the form's names, ja eller nej), as the
    template's second sheet and its drop-down lists do; an English reader's, the codes."""
    unit, _user = manager
    english = client.get(f"/units/{unit.code}/journeys/import").get_data(as_text=True)
    assert "not_motivated, not_ready" in english and ">yes or no</td>" in english
    swedish = html.unescape(
        client.get(f"/units/{unit.code}/journeys/import", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    )
    assert "'Bedömd som inte motiverad'" in swedish and ">ja eller nej</td>" in swedish
    assert "not_motivated, not_ready" not in swedish
