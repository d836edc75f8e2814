"""Swedish and English: a complete catalogue that matches the code, the language chosen per user (else the browser's),
dates and numbers written the language's way, and Swedish pages, scale texts and PDF reports."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskCliRunner
from flask_babel import force_locale
from sqlalchemy import select

from fidelity.cli import main
from fidelity.config import PROJECT_ROOT
from fidelity.i18n import amount_text, date_text, datetime_text, number_text, percent_text, quarter_text
from fidelity.models import AuditEntry, Role, User
from tests import factories
from tests.factories import app_today
from tests.test_reports import pdf_text
from tests.test_web import csrf_token, login

TRANSLATIONS = PROJECT_ROOT / "fidelity" / "translations"
PO = TRANSLATIONS / "sv" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "sv" / "LC_MESSAGES" / "messages.mo"
POT = TRANSLATIONS / "messages.pot"
# The keywords of the README's `pybabel extract` command: Babel's own (_, gettext, ngettext, N_ ...) and the lazy
# ones the forms use.
KEYWORDS = DEFAULT_KEYWORDS | {"_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs%]")
SWEDISH = "sv-SE,sv;q=0.9,en;q=0.5"


# --- the catalogue --------------------------------------------------------------------------------------------


def catalogue(path: Path) -> Any:
    with path.open("rb") as handle:
        return read_po(handle)


def messages(path: Path) -> list[Any]:
    return [message for message in catalogue(path) if message.id]


def singular(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


def test_every_message_is_translated_with_the_same_placeholders() -> None:
    sv = catalogue(PO)
    assert sv.num_plurals == 2 and sv.plural_expr == "(n != 1)"
    for message in messages(PO):
        assert "fuzzy" not in message.flags, f"fuzzy: {message.id!r}"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(texts) == (2 if message.pluralizable else 1), f"plural forms of {message.id!r}"
        for text in texts:
            assert text.strip(), f"untranslated: {message.id!r}"
            # The plural form may drop nothing but a count the singular names too.
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(ids[-1])), (
                f"placeholders differ: {message.id!r} -> {text!r}"
            )


def test_the_compiled_catalogue_is_the_po_file() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(PO))
    assert compiled.getvalue() == MO.read_bytes(), (
        "messages.mo is stale: run `pybabel compile -d fidelity/translations`"
    )


def test_every_text_in_the_code_is_in_the_catalogue() -> None:
    with (PROJECT_ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    extracted = {
        singular(found[2]) for found in extract_from_dir(str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS)
    }
    assert "Start a self-assessment" in extracted and "Overdue by %(num)d day" in extracted  # templates, plurals
    assert "People served" in extracted  # marked with N_ and translated where shown
    in_template = {singular(message.id) for message in messages(POT)}
    in_swedish = {singular(message.id) for message in messages(PO)}
    hint = "run the README's pybabel extract and update, then translate"
    assert extracted - in_swedish == set(), f"not in the Swedish catalogue ({hint})"
    assert in_swedish - extracted == set(), f"no longer in the code ({hint})"
    assert in_template == extracted, f"messages.pot is stale ({hint})"


# --- dates and numbers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Nov 22, 2026",
                "Nov 22, 2026, 4:04\u202fPM CET",  # 15:04 UTC, in Stockholm
                "3.5",
                "3.0",
                "0.75",
                "45%",
                "20",
                "2.5",
                "1,234.5",
                "16.3",
                "4.3",
                "2026\u00a0Q3",
            ],
        ),
        (
            "sv",
            [
                "22 nov. 2026",
                "22 nov. 2026 16:04 CET",
                "3,5",
                "3,0",
                "0,75",
                "45\u00a0%",
                "20",
                "2,5",
                "1\u00a0234,5",
                "16,3",
                "4,3",
                "2026\u00a0kv.\u00a03",
            ],
        ),
    ],
)
def test_dates_and_numbers_are_written_the_languages_way(app: Flask, language: str, expected: list[str]) -> None:
    with app.test_request_context(), force_locale(language):
        written = [
            date_text(date(2026, 11, 22)),
            datetime_text(datetime(2026, 11, 22, 15, 4)),
            number_text(3.5),
            number_text(3),
            number_text(0.75, 2),
            percent_text(0.445),  # rounded half up, as people round
            amount_text(20.0),
            amount_text(2.5, 2),
            amount_text(1234.5),
            amount_text(16.25),  # half up, as number_text rounds
            number_text(4.25),  # half up, as the charts round
            quarter_text(2026, 3),
        ]
        assert written == expected
        assert date_text(None) == number_text(None) == percent_text(None) == "–"


# --- choosing the language ------------------------------------------------------------------------------------


def test_an_anonymous_visitor_gets_the_browsers_language(client: Any) -> None:
    swedish = client.get("/login", headers={"Accept-Language": SWEDISH}).get_data(as_text=True)
    assert '<html lang="sv">' in swedish and "Logga in" in swedish and "E-post" in swedish
    assert 'lang="en">English</button>' in swedish  # the switch offers the other language
    english = client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Log in" in english
    unknown = client.get("/login", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert '<html lang="en">' in unknown and 'lang="sv">Svenska</button>' in unknown


def test_an_anonymous_choice_lasts_the_session_and_survives_the_login(client: Any, session: Any) -> None:
    user = factories.user(Role.ADMIN)
    answer = client.post("/language", data={"csrf_token": csrf_token(client), "locale": "sv", "next": "/login"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert "Logga in" in client.get("/login").get_data(as_text=True)
    login(client, user.email)
    assert '<html lang="sv">' in client.get("/").get_data(as_text=True)
    assert session.get(User, user.id).locale is None  # chosen before logging in: not saved on the account


def test_the_accounts_language_stays_after_logging_out(client: Any, session: Any) -> None:
    user = factories.user(Role.ADMIN)
    user.locale = "sv"
    session.commit()
    login(client, user.email)  # from a browser that asks for English
    assert '<html lang="sv">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="sv">' in page and "Du är utloggad." in page


def test_the_switch_saves_the_users_language_and_the_audit_log_has_it(client: Any, session: Any) -> None:
    user = factories.user(Role.ADMIN)
    login(client, user.email)
    token = csrf_token(client, "/")
    answer = client.post("/language", data={"csrf_token": token, "locale": "sv", "next": "/admin?x=1"},
                         headers={"Accept-Language": "en"})  # fmt: skip
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin?x=1"
    assert session.get(User, user.id).locale == "sv"
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "users").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.action == "update" and entry.changes == {"locale": [None, "sv"]} and entry.actor_id == user.id
    # The account's choice wins over the browser's.
    page = client.get("/admin/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="sv">' in page and "Administration" in page and "Ny användare" in page
    # A language the app does not have changes nothing, and the way back is only ever to this site.
    answer = client.post("/language", data={"csrf_token": token, "locale": "de", "next": "https://elsewhere.example"})
    assert answer.headers["Location"] == "/" and session.get(User, user.id).locale == "sv"
    client.post("/language", data={"csrf_token": token, "locale": "en", "next": "/"})
    assert session.get(User, user.id).locale == "en"
    # Pressed on a page a refused form came back on, whose address takes only the form: back to the page above it.
    for form_address, page_above in (
        (f"/admin/users/{user.id}/details", f"/admin/users/{user.id}"),
        ("/units/U-1/journeys/5/jobs/7", "/units/U-1/journeys/5"),
        ("/units/U-1/staffing?x=1", "/units/U-1/staffing?x=1"),  # takes a GET too: kept as it is
    ):
        answer = client.post("/language", data={"csrf_token": token, "locale": "sv", "next": form_address})
        assert answer.headers["Location"] == page_above


def test_the_switch_needs_a_csrf_token(client: Any, session: Any) -> None:
    answer = client.post("/language", data={"locale": "sv"})
    assert answer.status_code == 400


def test_an_administrator_sets_a_users_language(client: Any, session: Any) -> None:
    admin, other = factories.user(Role.ADMIN), factories.user(Role.EXTERNAL_REVIEWER)
    login(client, admin.email)
    page = client.get(f"/admin/users/{other.id}").get_data(as_text=True)
    assert "The browser's language" in page and '<option value="sv">Svenska</option>' in page
    token = csrf_token(client, f"/admin/users/{other.id}")
    answer = client.post(f"/admin/users/{other.id}/locale", data={"csrf_token": token, "locale": "sv"})
    assert answer.status_code == 302 and session.get(User, other.id).locale == "sv"
    assert '<html lang="en">' in client.get("/admin/").get_data(as_text=True)  # the administrator's own is unchanged
    refused = client.post(f"/admin/users/{other.id}/locale", data={"csrf_token": token, "locale": "de"})
    assert refused.status_code == 400 and session.get(User, other.id).locale == "sv"
    client.post(f"/admin/users/{other.id}/locale", data={"csrf_token": token, "locale": ""})
    assert session.get(User, other.id).locale is None  # back to the browser's


def test_users_are_created_with_a_language_from_the_shell(runner: FlaskCliRunner, session: Any) -> None:
    made = runner.invoke(main, ["users", "create", "svea@example.org", "--role", "admin", "--password",
                                "long enough password", "--locale", "sv"])  # fmt: skip
    assert made.exit_code == 0, made.output
    user = session.scalar(select(User).where(User.email == "svea@example.org"))
    assert user.locale == "sv"
    refused = runner.invoke(main, ["users", "set-locale", "svea@example.org", "de"])
    assert refused.exit_code == 2 and "de is not a language of the app (en, sv)" in refused.output
    assert runner.invoke(main, ["users", "set-locale", "svea@example.org"]).exit_code == 0
    session.expire_all()
    assert session.scalar(select(User.locale).where(User.email == "svea@example.org")) is None


# --- Swedish pages --------------------------------------------------------------------------------------------


@pytest.fixture
def swedish_unit(session: Any, registry: Any) -> dict[str, Any]:
    """A unit whose frontline manager reads Swedish, with a submitted self-assessment and a draft."""
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    manager.locale = "sv"
    keys = registry.get("ips-25").item_keys
    submitted = factories.self_assessment(unit, manager, dict.fromkeys(keys, 4), date(2025, 9, 15))
    draft = factories.draft_self_assessment(unit, manager, date(2026, 3, 2))
    session.commit()
    return {"unit": unit, "manager": manager, "submitted": submitted, "draft": draft}


def squeeze(html: str) -> str:
    return " ".join(html.split())


def test_a_swedish_user_sees_the_unit_page_in_swedish(client: Any, swedish_unit: dict[str, Any]) -> None:
    unit = swedish_unit["unit"]
    login(client, swedish_unit["manager"].email)
    page = squeeze(client.get(f"/units/{unit.code}").get_data(as_text=True))
    assert '<html lang="sv">' in page and "Starta en självskattning" in page and "Handlingsplan" in page
    assert "Fidelitetsskala för IPS – Supported Employment (25 punkter)" in page  # the scale's own translation
    assert "God fidelitet" in page and "Senaste (15 sep. 2025)" in page  # band label and date
    assert "Antal deltagare per arbetsspecialist" in page  # an item title in the history table
    assert "Nästa bedömning senast 15 sep. 2026" in page
    assert "Exemplary fidelity" not in page and "Caseload size" not in page
    # The table of all reviews names each review's scale by its short title, with its version and, on hover, its
    # title in Swedish; not by its code.
    table = page[page.index('<table class="reviews">') :]
    assert '<abbr title="Fidelitetsskala för IPS – Supported Employment (25 punkter)">IPS-25</abbr>' in table
    assert '<span class="version">1.0</span>' in table and "ips-25" not in table


def test_the_scoring_form_shows_the_anchors_in_swedish(client: Any, swedish_unit: dict[str, Any]) -> None:
    unit, draft = swedish_unit["unit"], swedish_unit["draft"]
    login(client, swedish_unit["manager"].email)
    page = squeeze(client.get(f"/units/{unit.code}/reviews/{draft.id}/edit").get_data(as_text=True))
    assert "41 eller fler personer per arbetsspecialist på heltid" in page  # S1's anchor 1
    assert "Första arbetsgivarkontakten inom i genomsnitt 30 dagar eller färre" in page  # V4's anchor 5
    assert "Förra gången (självskattning, 15 sep. 2025):" in page and "Spara utkast" in page
    assert "Intervjuer" in page and "Underlag för S1" in page  # data sources and field labels
    assert "Samordning med den psykiatriska vården" in page  # a principle in the summary
    # English again for an English reader of the same unit: the forms are made per language.
    reader = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, reader.email)
    english = squeeze(client.get(f"/units/{unit.code}/reviews/{draft.id}/edit").get_data(as_text=True))
    assert "41 or more people per full-time specialist" in english and "Interviews" in english


def test_a_submitted_self_assessment_names_its_sources_as_the_form_does(
    client: Any, session: Any, swedish_unit: dict[str, Any]
) -> None:
    unit, submitted = swedish_unit["unit"], swedish_unit["submitted"]
    rating = next(r for r in submitted.ratings if r.item_key == "S1")
    rating.sources = ["MIS", "INT"]
    session.commit()
    login(client, swedish_unit["manager"].email)
    page = squeeze(client.get(f"/units/{unit.code}/reviews/{submitted.id}").get_data(as_text=True))
    # The codes never shown as they are stored (a page's random tokens may hold the letters MIS).
    assert "<td>Register, Intervjuer</td>" in page and not re.search(r">\s*MIS|MIS, INT", page)


def test_the_audit_trail_heads_its_column_with_a_noun_in_swedish(client: Any, swedish_unit: dict[str, Any]) -> None:
    # "Change" is a button elsewhere ("Ändra"); over the trail's column it names what was done ("Ändring").
    unit = swedish_unit["unit"]
    login(client, swedish_unit["manager"].email)
    page = squeeze(client.get(f"/units/{unit.code}/audit").get_data(as_text=True))
    assert '<th scope="col">Ändring</th>' in page and '<th scope="col">Ändra</th>' not in page
    english = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, english.email)
    assert '<th scope="col">Change</th>' in squeeze(client.get(f"/units/{unit.code}/audit").get_data(as_text=True))


def test_the_comparison_page_in_swedish(client: Any, session: Any, registry: Any) -> None:
    area = factories.area()
    unit = factories.unit(area)
    manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id)
    manager.locale = "sv"
    keys = registry.get("ips-25").item_keys
    # Zero exclusion (O6, V14) at 4 and 5: a mean of 4.5.
    factories.self_assessment(unit, manager, dict.fromkeys(keys, 4) | {"V14": 5}, app_today().replace(day=1))
    session.commit()
    login(client, manager.email)
    page = squeeze(client.get("/comparison").get_data(as_text=True))
    assert '<html lang="sv">' in page and "Jämför enheter" in page and "Ingen utestängs" in page
    assert "4,5" in page and "4.5" not in page  # decimal comma
    assert re.search(r"20\d\d\s+kv\.\s+[1-4]", page) and not re.search(r"20\d\d\s+Q[1-4]", page)  # quarters too
    assert "Senaste bedömningen, punkt för punkt" in page and "Bara självskattningar" in page
    chart = client.get(re.search(r'<img src="([^"]+)"', page).group(1).replace("&amp;", "&"))
    assert chart.status_code == 200 and "Andel i arbete" in chart.get_data(as_text=True)


def test_a_time_stamps_date_is_the_day_it_was_in_the_apps_time_zone(app: Flask) -> None:
    """23:30 UTC on 23 November is half past midnight on the 24th in Stockholm: the date and the time agree."""
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    with app.test_request_context(), force_locale("en"):
        assert date_text(late) == "Nov 24, 2026" and datetime_text(late).startswith("Nov 24, 2026, 12:30")
        assert date_text(datetime(2026, 11, 23, 23, 30)) == "Nov 24, 2026"  # stored without its zone: UTC
        assert date_text(date(2026, 11, 23)) == "Nov 23, 2026"  # a date is a date


def test_a_template_formats_constants_in_each_readers_language(app: Flask) -> None:
    """Jinja works a filter given constants out when it compiles a template, unless told not to: the percentages of
    the comparison's benchmarks were written in the language of whoever opened the page first, for everyone."""
    template = app.jinja_env.from_string("{{ 0.31|percent }} {{ 4.25|number }} {{ 2.5|amount }}")
    rendered = {}
    for language in ("sv", "en"):  # one compiled template, rendered for each language in turn
        with app.test_request_context(), force_locale(language):
            rendered[language] = template.render()
    assert rendered == {"sv": "31\u00a0% 4,3 2,5", "en": "31% 4.3 2.5"}


def test_the_agreement_figures_in_swedish(app: Flask) -> None:
    with app.test_request_context(), force_locale("sv"):
        from flask import render_template_string

        html = render_template_string("{{ 0.92|percent }} {{ 0.4123|number(2) }}")
    assert html == "92\u00a0% 0,41"


# --- the PDF report -------------------------------------------------------------------------------------------


def test_a_swedish_user_gets_the_report_in_swedish(client: Any, swedish_unit: dict[str, Any], session: Any) -> None:
    unit, manager, submitted = swedish_unit["unit"], swedish_unit["manager"], swedish_unit["submitted"]
    login(client, manager.email)
    response = client.get(f"/units/{unit.code}/reports/{submitted.id}.pdf")
    assert response.status_code == 200
    text, pages, _reader = pdf_text(response.data)
    for heading in ("Sammanfattning", "De åtta principerna", "Punkt för punkt", "Handlingsplan"):
        assert heading in text
    assert "SJÄLVSKATTNING" in pages[0].upper() and "15 sep. 2025" in text and "God fidelitet" in text
    assert "Antal deltagare per arbetsspecialist" in text and "Samordning med den psykiatriska vården" in text
    assert "Summary" not in text and "Caseload size" not in text


def test_the_report_command_takes_a_language(
    runner: FlaskCliRunner, swedish_unit: dict[str, Any], tmp_path: Path
) -> None:
    submitted = swedish_unit["submitted"]
    out = tmp_path / "rapport.pdf"
    result = runner.invoke(main, ["report", str(submitted.id), "--out", str(out), "--locale", "sv"])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())[0]
    assert "Sammanfattning" in text and "15 sep. 2025" in text
    english = runner.invoke(main, ["report", str(submitted.id), "--out", str(out)])
    assert english.exit_code == 0 and "Summary" in pdf_text(out.read_bytes())[0]
    refused = runner.invoke(main, ["report", str(submitted.id), "--out", str(out), "--locale", "de"])
    assert refused.exit_code == 2 and "de is not a language of the app" in refused.output
