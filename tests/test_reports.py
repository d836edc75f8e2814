"""The PDF report of a review: every section in order with the numbers of a known review, a bare unit that still
renders, vector charts, the DRAFT watermark, the download and command, and long words and line breaks people write
kept within the page."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskCliRunner
from flask_babel import gettext
from pypdf import PdfReader
from sqlalchemy import func, select, update

from fidelity.cli import main
from fidelity.models import (
    Action,
    ActionStatus,
    Adaptation,
    AuditEntry,
    ConsensusScore,
    Decision,
    NotAcceptedReason,
    QuarterlyOutcome,
    ReviewStatus,
    Role,
)
from fidelity.models.types import as_utc
from fidelity.monitoring.outcomes import DEFINITIONS_VERSION
from fidelity.monitoring.quarters import Quarter
from tests import factories
from tests.factories import app_today
from tests.test_web import login

SECTIONS = [
    "Summary",
    "The eight principles",
    "Local adaptations and what they cost",
    "Item by item",
    "Strengths and recommendations",
    "Action plan",
    "Waiting list and outcomes",
    "Appendix: anchors of the items scored below 4",
]


def pdf_text(pdf: bytes) -> tuple[str, list[str], PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() or "" for page in reader.pages]
    return " ".join(" ".join(pages).split()), pages, reader


@pytest.fixture
def known(session: Any, registry: Any) -> dict[str, Any]:
    """A unit with an earlier self-assessment, a final external review, an adaptation, journeys and a plan."""
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    keys = registry.get("ips-25").item_keys
    factories.self_assessment(unit, manager, dict.fromkeys(keys, 4), date(2025, 9, 15))
    first, second = factories.user(Role.EXTERNAL_REVIEWER), factories.user(Role.EXTERNAL_REVIEWER)
    # Consensus: every item 4, but O6 1 and V4 2 (recommendations), S2 5: total 23*4 - 4 - ... worked below.
    agreed = dict.fromkeys(keys, (4, "")) | {"O6": (1, "Accept every referral"), "V4": (2, "Meet employers sooner"),
                                             "S2": (5, "")}  # fmt: skip
    review = factories.final_external_review(unit, [first, second], date(2026, 3, 11), agreed)
    review.strengths = "Employers trust the team."
    session.commit()
    factories.adaptation(unit, "Needs assessment before start", date(2025, 6, 1), items=["ips-25:O6", "ips-25:V4"],
                         principles=["zero-exclusion"])  # fmt: skip
    today = date(2026, 3, 11)
    factories.journey(unit, today - timedelta(days=40), code="Q-1")
    factories.journey(unit, today - timedelta(days=90), code="Q-2", decision=Decision.NOT_ACCEPTED,
                      not_accepted_reason=NotAcceptedReason.NOT_MOTIVATED)  # fmt: skip
    factories.action(unit, manager, date(2026, 6, 1), title="Take every referral")
    # The quarter of the review had not ended on its day: its figures, which count what came after, are left out.
    counts = dict.fromkeys(("served", "in_competitive_work", "in_education", "job_starts", "education_starts"), 99)
    windows = dict.fromkeys(("contact_window_closed", "contact_within_30", "retention_window_closed", "retained_90"), 9)
    session.add(QuarterlyOutcome(unit_id=unit.id, year=2026, quarter=1, definitions_version="1", waiting_at_end=9,
                                 locked=True, **counts, **windows))  # fmt: skip
    session.add(
        QuarterlyOutcome(
            unit_id=unit.id,
            year=2025,
            quarter=4,
            definitions_version="1",
            served=20,
            in_competitive_work=9,
            in_education=2,
            job_starts=3,
            education_starts=1,
            median_days_to_employer_contact=21.0,
            contact_window_closed=4,
            contact_within_30=3,
            retention_window_closed=2,
            retained_90=1,
            waiting_at_end=5,
            median_days_to_enrolment=30.0,
            specialist_fte=2.0,
            locked=True,  # as after a purge: the refresh before printing leaves it as it is
        )
    )
    session.commit()
    return {"unit": unit, "review": review, "manager": manager}


def test_every_section_in_order_with_the_numbers(client: Any, known: dict[str, Any]) -> None:
    unit, review = known["unit"], known["review"]
    login(client, known["manager"].email)
    response = client.get(f"/units/{unit.code}/reports/{review.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    name = f"{unit.code}-{review.review_date.isoformat()}-{{}}-{review.id}.pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name.format("external")}"'
    swedish = client.get(f"/units/{unit.code}/reports/{review.id}.pdf", headers={"Accept-Language": "sv"})
    assert swedish.headers["Content-Disposition"] == f'attachment; filename="{name.format("extern")}"'
    text, pages, reader = pdf_text(response.data)
    positions = [text.index(title) for title in SECTIONS]
    assert positions == sorted(positions), "sections out of order"
    # Cover: 22 items at 4, O6 1, V4 2, S2 5 -> 88 + 1 + 2 + 5 = 96, fair fidelity.
    cover = " ".join(pages[0].split())
    assert unit.name in cover and "External fidelity review" in cover and "Mar 11, 2026" in cover
    assert "96 / 125" in cover and "Fair fidelity" in cover and "version 1.0" in cover
    # Strongest: S2 (5), then two of the 22 items at 4, which says how many more are; weakest: O6, V4 and one at 4.
    assert "and 20 more items at 4" in text and "and 21 more items at 4" in text
    # Principles: zero exclusion is O6 1 and V14 4 -> mean 2.5, departs.
    assert re.search(r"2\. Zero exclusion O6 1, V14 4 2\.5 Departs", text)
    assert re.search(r"6\. Rapid job search V3 4, V4 2 3\.0 Partial", text)
    # The adaptation costs O6 4 points and V4 3 against this review's scores.
    assert "Points lost against the model: 7" in text
    # Item by item with the previous score (all 4 in the self-assessment) and the recommendation.
    assert "Recommendation: Accept every referral" in text and "Employers trust the team." in text
    assert "Previous: the score in the self-assessment of Sep 15, 2025." in text  # which review "previous" is
    # Action plan, waiting list and outcomes.
    assert "Take every referral" in text and "1 person was waiting" in text
    assert "2025 Q4 20 9 (45%) 2 (10%) 3 3 of 4 (75%) 1 of 2 (50%) 5 10" in text and "2026 Q1" not in text
    # Appendix: O6 and V4 with their anchors.
    appendix = text[text.index(SECTIONS[-1]) :]
    assert "O6 Zero exclusion criteria — scored 1" in appendix and "V4 Rapid search for competitive job" in appendix
    assert "S1 Caseload size — scored" not in appendix
    assert f"{len(reader.pages)} / {len(reader.pages)}" in pages[-1]  # page numbers
    assert f"{unit.name} · External fidelity review · Mar 11, 2026" in pages[1]  # running header
    assert "DRAFT" not in text


def test_charts_are_vector_graphics(client: Any, known: dict[str, Any]) -> None:
    unit, review = known["unit"], known["review"]
    login(client, known["manager"].email)
    _, pages, reader = pdf_text(client.get(f"/units/{unit.code}/reports/{review.id}.pdf").data)
    summary = next(i for i, page in enumerate(pages) if "Summary" in page)
    # No raster image anywhere; the charts' own words are text in the page, drawn as vector paths.
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        assert all(xobjects[name].get_object().get("/Subtype") != "/Image" for name in xobjects)
    assert "Total score" in pages[summary] and "Target 4" in pages[summary]
    content = reader.pages[summary].get_contents().get_data()
    assert content.count(b" re") + content.count(b" l\n") > 50  # rectangles and lines of the charts


def test_an_adaptation_too_tall_for_the_rest_of_its_page_starts_under_its_section_s_heading(
    client: Any, session: Any, known: dict[str, Any]
) -> None:
    """A long description makes the adaptation taller than what is left of the page after the principles: it runs on
    from its section's heading and breaks between its tables, rather than leave the heading alone at the foot."""
    unit = known["unit"]
    adaptation = session.scalars(select(Adaptation).where(Adaptation.unit_id == unit.id)).one()
    adaptation.description = "\n".join(f"Line {n} of what the board decided, and why." for n in range(40))
    session.commit()
    login(client, known["manager"].email)
    _text, pages, _reader = pdf_text(client.get(f"/units/{unit.code}/reports/{known['review'].id}.pdf").data)
    heading = next(page for page in pages if "Local adaptations and what they cost" in page)
    assert "Needs assessment before start" in heading and "Line 0 of what the board decided" in heading
    tables = [page for page in pages if "Points lost against the model" in page]
    assert len(tables) == 1 and "Zero exclusion criteria" in tables[0]  # the cost table whole, with its caption


def test_a_report_on_the_sed_scale_sets_no_employment_rate_against_the_employment_benchmarks(
    client: Any, session: Any, registry: Any
) -> None:
    """A unit of supported education, 6 of its 30 people in work: the rate is printed, and the note says the
    employment benchmarks do not apply and bolds no employment rate; its caseload of 30 is marked as on any scale."""
    unit = factories.unit(sed=True)
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    today = app_today()
    review = factories.self_assessment(
        unit, manager, dict.fromkeys(registry.get("sed").item_keys, 4), today, scale_id="sed"
    )
    last = Quarter.of(today).previous()
    for number in range(30):
        jobs = ((last.start, None),) if number < 6 else ()
        factories.journey(
            unit, last.start - timedelta(days=60), enrolment_date=last.start - timedelta(days=30), jobs=jobs
        )
    factories.staffing(unit, last.year, last.number, 1.0, 0.2)
    login(client, manager.email)
    text = " ".join(pdf_text(client.get(f"/units/{unit.code}/reports/{review.id}.pdf").data)[0].split())
    assert "The scale measures supported education: the employment benchmarks do not apply." in text
    assert "Employment rate benchmarks" not in text and "an employment rate below the minimum" not in text
    assert "In bold: a caseload above 20," in text and "6 (20%)" in text


def test_a_bare_unit_still_renders_and_a_draft_says_so(client: Any, session: Any, registry: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    draft = factories.draft_self_assessment(unit, manager, date(2026, 3, 1))
    login(client, manager.email)
    text, _pages, _reader = pdf_text(client.get(f"/units/{unit.code}/reports/{draft.id}.pdf").data)
    assert "DRAFT" in text and "No band: 25 items not scored" in text and "No item is scored yet." in text
    for line in (
        "No local adaptations are registered for the unit.",
        "There is no earlier review of the unit on this scale to compare with.",
        "No strengths are written in this review.",
        "The unit has no action plan yet.",
        "No referrals are recorded for the unit.",
        "No quarterly outcome figures are recorded for the four full quarters before the review.",
    ):
        assert line in text


def test_an_external_review_prints_only_from_consensus(client: Any, session: Any) -> None:
    unit = factories.unit()
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)
    rating = factories.external_review(unit, [reviewer], date(2026, 3, 1), ReviewStatus.DRAFT)
    login(client, reviewer.email)
    response = client.get(f"/units/{unit.code}/reports/{rating.id}.pdf")
    assert response.status_code == 409 and "once consensus has started" in response.get_data(as_text=True)


def test_an_external_review_at_consensus_prints_no_total_yet(client: Any, session: Any) -> None:
    unit = factories.unit()
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)
    review = factories.external_review(unit, [reviewer], date(2026, 3, 1), ReviewStatus.CONSENSUS)
    review.consensus.extend([ConsensusScore(item_key="S1", score=4), ConsensusScore(item_key="S2", score=3)])
    session.commit()
    login(client, reviewer.email)
    text, _pages, _reader = pdf_text(client.get(f"/units/{unit.code}/reports/{review.id}.pdf").data)
    cover = " ".join(text.split("Summary")[0].split())
    assert "DRAFT" in text and "Consensus in progress: 2 of 25 items agreed." in cover
    assert "/ 125" not in cover and "No band" not in cover  # no total, not even a dash, before consensus is agreed


def test_a_pdf_that_fails_to_render_says_why_and_changes_nothing(
    client: Any, session: Any, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    review = factories.draft_self_assessment(unit, manager, date(2026, 3, 1))

    def out_of_memory(*_args: Any, **_kwargs: Any) -> bytes:
        raise MemoryError("no room for the charts")

    monkeypatch.setattr("fidelity.reports.render.HTML.write_pdf", out_of_memory)
    audited = session.scalar(select(func.count()).select_from(AuditEntry))
    login(client, manager.email)
    response = client.get(f"/units/{unit.code}/reports/{review.id}.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "The report could not be made" in page and "MemoryError: no room for the charts" in page
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audited
    out = tmp_path / "review.pdf"
    result = runner.invoke(main, ["report", str(review.id), "--out", str(out)])
    assert result.exit_code == 1 and "MemoryError: no room for the charts" in result.output and not out.exists()


def test_the_report_command(runner: FlaskCliRunner, known: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "review.pdf"
    by_id = runner.invoke(main, ["report", str(known["review"].id), "--out", str(out)])
    assert by_id.exit_code == 0, by_id.output
    assert out.read_bytes().startswith(b"%PDF") and "96 / 125" in pdf_text(out.read_bytes())[0]
    latest = tmp_path / "latest.pdf"
    result = runner.invoke(main, ["report", "--unit", known["unit"].code.lower(), "--latest", "--out", str(latest)])
    assert result.exit_code == 0 and f"report of review {known['review'].id}" in result.output
    for args, message in (
        (["report", "--out", str(out)], "give either REVIEW_ID, or --unit CODE --latest"),
        (["report", "999999", "--out", str(out)], "there is no review 999999"),
        (["report", "--unit", "NOPE", "--latest", "--out", str(out)], "there is no unit with the code NOPE"),
        (["report", "--unit", known["unit"].code, "--out", str(out)], "give either REVIEW_ID"),
    ):
        refused = runner.invoke(main, args)
        assert refused.exit_code == 2 and message in refused.output


def test_the_report_command_picks_the_latest_review_on_a_scale(
    runner: FlaskCliRunner, session: Any, registry: Any, tmp_path: Path
) -> None:
    """A unit reviewed on IPS and on SEd: --scale picks the latest review on either. Without it, the latest review
    whatever its scale, as --latest has always meant, and a note on standard error names the scale it printed and how
    to pick the other; standard output, which scripts read, is as ever. A scale that does not exist, a scale the unit
    has no review on, or --scale with a review's id are refused (exit 2)."""
    unit = factories.unit(sed=True)
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    ips = factories.self_assessment(unit, manager, dict.fromkeys(registry.get("ips-25").item_keys, 4),
                                    date(2026, 1, 15))  # fmt: skip
    sed = factories.self_assessment(unit, manager, dict.fromkeys(registry.get("sed").item_keys, 3), date(2026, 2, 20),
                                    scale_id="sed")  # fmt: skip
    out = tmp_path / "report.pdf"

    def report(*args: str) -> Any:
        return runner.invoke(main, ["report", "--unit", unit.code, "--latest", *args, "--out", str(out)])

    chosen = report()
    assert chosen.exit_code == 0, chosen.output
    assert f"report of review {sed.id} ({unit.code}, sed, 2026-02-20)" in chosen.stdout
    note = f"{unit.code} has reviews on ips-25, sed: this is its latest, on sed; for the latest on another scale, give "
    assert chosen.stderr == note + "--scale ips-25\n" and "--scale" not in chosen.stdout
    picked = report("--scale", "ips-25")
    assert picked.exit_code == 0 and f"report of review {ips.id} ({unit.code}, ips-25, 2026-01-15)" in picked.stdout
    assert picked.stderr == "" and "IPS Supported Employment Fidelity Scale" in pdf_text(out.read_bytes())[0]
    assert f"report of review {sed.id}" in report("--scale", "sed").stdout

    only_ips = factories.unit(sed=True)
    factories.self_assessment(only_ips, manager, dict.fromkeys(registry.get("ips-25").item_keys, 4), date(2026, 1, 5))
    for args, message in (
        (["--unit", unit.code, "--latest", "--scale", "nope"], "there is no scale nope (the scales: ips-25, sed;"),
        (["--unit", only_ips.code, "--latest", "--scale", "sed"],
         f"{only_ips.code} has no submitted or final review on sed yet (its reviews are on ips-25)"),
        ([str(ips.id), "--scale", "ips-25"], "--scale picks a unit's latest review: give it with --unit CODE --latest"),
    ):  # fmt: skip
        refused = runner.invoke(main, ["report", *args, "--out", str(tmp_path / "refused.pdf")])
        assert refused.exit_code == 2 and message in refused.output, refused.output
    assert not (tmp_path / "refused.pdf").exists()
    # A unit reviewed on one scale alone gets its latest review without a note.
    alone = runner.invoke(main, ["report", "--unit", only_ips.code, "--latest", "--out", str(out)])
    assert alone.exit_code == 0 and alone.stderr == ""


def test_actions_of_the_review_come_first(known: dict[str, Any], session: Any, app: Any, registry: Any) -> None:
    from fidelity.reports.content import report_data

    review, manager = known["review"], known["manager"]
    done_elsewhere = Action(unit_id=known["unit"].id, title="Old and done", owner_id=manager.id,
                            due_date=date(2025, 1, 1), status=ActionStatus.DONE)  # fmt: skip
    mine = Action(unit_id=known["unit"].id, review_id=review.id, item_key="O6", title="From this review",
                  owner_id=manager.id, due_date=date(2026, 9, 1))  # fmt: skip
    session.add_all([done_elsewhere, mine])
    session.commit()
    with app.test_request_context():
        data = report_data(session.get(type(review), review.id), registry, date(2026, 3, 20))
    assert [a.title for a in data.actions] == ["From this review", "Take every referral"]
    assert data.summary.total == 96


def test_the_report_says_when_a_purge_deleted_journeys_its_figures_would_count(
    known: dict[str, Any], session: Any, app: Any, registry: Any
) -> None:
    from fidelity.monitoring.purge import PastPurge
    from fidelity.reports.content import report_data
    from fidelity.reports.render import report_html

    review = session.get(type(known["review"]), known["review"].id)
    with app.test_request_context():
        data = report_data(review, registry, date(2026, 3, 20))
    assert data.purge is None and data.adaptations[0].purge is None
    # A purge with the cut-off Nov 1, 2025: after the start of the waiting list's year (Mar 11, 2025) and of the
    # adaptation's year before (Jun 1, 2024).
    entry = AuditEntry(actor_label="cli", action="purge", entity="journeys", entity_id="", unit_id=review.unit_id,
                       changes={"removed": [None, 3], "cutoff": [None, "2025-11-01"]})  # fmt: skip
    session.add(entry)
    session.commit()
    purged_on = as_utc(entry.at).date()
    with app.test_request_context():
        data = report_data(review, registry, date(2026, 3, 20))
        html = " ".join(report_html(data).split())
    assert data.adaptations[0].purge == data.latest_purge == PastPurge(date(2025, 11, 1), purged_on)
    assert "the figures before and after the adaptation began count only" in html
    # The waiting list's year is cut short to start on the cut-off: what is left before it would flatter its shares.
    assert data.purge is None and data.waiting.starts_at_purge and data.waiting.period_start == date(2025, 11, 1)
    assert "The period starts on Nov 1, 2025, the cut-off of the purge of" in html
    assert "referred from Nov 1, 2025" in html and "referred in the year before" not in html
    assert "the figures for this period count only" not in html


def test_an_area_pdf_holds_every_units_latest_review(client: Any, session: Any, registry: Any) -> None:
    area = factories.area()
    first, second, empty = factories.unit(area), factories.unit(area), factories.unit(area)
    manager = factories.user(Role.SECOND_TIER_MANAGER, area_id=area.id)
    keys = registry.get("ips-25").item_keys
    factories.self_assessment(first, manager, dict.fromkeys(keys, 3), date(2025, 3, 15))
    factories.self_assessment(first, manager, dict.fromkeys(keys, 4), date(2025, 9, 15))  # the latest counts
    factories.self_assessment(second, manager, dict.fromkeys(keys, 5), date(2025, 9, 15))
    login(client, manager.email)
    page = client.get(f"/areas/{area.code}/report").get_data(as_text=True)
    assert first.name in page and second.name in page and empty.name not in page and "(2 reviews)" in page

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    started = client.post(f"/areas/{area.code}/report", data={"csrf_token": token.group(1)})
    assert started.status_code == 302
    progress = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "The PDF is ready." in progress and 'value="2" max="2"' in progress
    link = re.search(r'href="(/areas/[^"]+\.pdf)"', progress)
    assert link
    response = client.get(link.group(1))
    assert f"{area.code}-latest-reviews-" in response.headers["Content-Disposition"]
    _text, pages, reader = pdf_text(response.data)
    assert reader.metadata.title == f"Latest reviews of {area.name}"
    # The area's cover: its contents give each review's first page, and name the unit without a review.
    contents = " ".join(pages[0].split())
    assert contents.startswith(f"LATEST REVIEWS {area.name}")
    assert f"No submitted or final review yet: {empty.name}." in contents
    listed = re.findall(r"(\d+) / 125 (?:Fair|Good|Exemplary) fidelity (\d+)", contents)
    covers = [i for i, p in enumerate(pages) if "Printed" in p and i > 0]
    assert [(total, int(page)) for total, page in listed] == [("100", covers[0] + 1), ("125", covers[1] + 1)]
    assert first.name in pages[covers[0]] and second.name in pages[covers[1]]  # the first unit's latest counts
    # The pages are numbered through the whole PDF, each under the area's title.
    assert [page.split()[-1] for page in pages] == [str(number) for number in range(1, len(pages) + 1)]
    assert all(f"Latest reviews of {area.name}" in page for page in pages[1:])

    other = factories.area()
    client.post("/logout", data={"csrf_token": token.group(1)})
    login(client, factories.user(Role.SECOND_TIER_MANAGER, area_id=other.id).email)
    assert client.get(link.group(1)).status_code == 404  # another area's manager: it does not exist for them


def test_an_area_without_reviews_fails_with_the_reason(client: Any, session: Any) -> None:
    area = factories.area()
    factories.unit(area)
    admin = factories.user(Role.ADMIN)
    login(client, admin.email)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token
    started = client.post(f"/areas/{area.code}/report", data={"csrf_token": token.group(1)})
    progress = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "could not be made: No unit of the area has a submitted or final review yet." in progress


def test_the_report_lists_the_adaptations_in_force_since_the_review_before(
    known: dict[str, Any], session: Any, app: Any, registry: Any
) -> None:
    from fidelity.reports.content import report_data
    from fidelity.reports.render import report_html

    unit, review = known["unit"], known["review"]  # the review before it is the self-assessment of 2025-09-15
    ended_long_ago = factories.adaptation(unit, "Age limit", date(2023, 1, 1), items=["ips-25:O6"], principles=[])
    ended_since = factories.adaptation(unit, "Waiting list closed", date(2025, 1, 1), items=["ips-25:V4"],
                                       principles=[])  # fmt: skip
    ended_long_ago.until, ended_since.until = date(2025, 3, 31), date(2025, 12, 31)
    session.commit()
    with app.test_request_context():
        data = report_data(session.get(type(review), review.id), registry, date(2026, 3, 20))
        html = " ".join(report_html(data).split())
    titles = [costed.adaptation.title for costed in data.adaptations]
    assert sorted(titles) == ["Needs assessment before start", "Waiting list closed"]
    # The cost is counted against the scores of the review printed, and its column says so.
    assert '<th scope="col" class="num">Score in this review</th>' in html and "Latest score" not in html


def test_a_report_costs_an_adaptation_on_its_own_scale_and_names_the_items_of_others(
    known: dict[str, Any], session: Any, app: Any, registry: Any
) -> None:
    """The unit's adaptation departs from IPS items only: the IPS review costs it; a SEd self-assessment does not say
    it costs 0 points, but that it departs from no item of its scale, and which IPS items it departs from."""
    from fidelity.reports.content import report_data
    from fidelity.reports.render import report_html

    unit, manager = known["unit"], known["manager"]
    sed = registry.get("sed")
    factories.adaptation(unit, "Study plan first", date(2025, 7, 1), items=[f"sed:{sed.item_keys[0]}", "ips-25:O6"],
                         principles=[])  # fmt: skip
    review = factories.self_assessment(unit, manager, dict.fromkeys(sed.item_keys, 3), date(2026, 3, 20), "sed")
    with app.test_request_context():
        html = " ".join(report_html(report_data(review, registry, date(2026, 3, 20))).split())
    adaptations = html[html.index("Local adaptations and what they cost") :]
    # The latest first: the study plan, then the needs assessment.
    study = adaptations[adaptations.index("Study plan first") : adaptations.index("Needs assessment before start")]
    needs = adaptations[adaptations.index("Needs assessment before start") :]
    assert "It departs from no item of this scale." in needs and "Points lost" not in needs
    assert "Items of other scales it departs from: IPS-25 O6, V4" in needs
    assert '<th scope="col" class="num">Score in this self-assessment</th>' in study
    assert f"Points lost against the model: {sed.score_max - 3}" in study
    assert "Items of other scales it departs from: IPS-25 O6" in study
    assert "(IPS-25)" not in adaptations and "(SEd)" not in adaptations


def test_a_corrected_self_assessments_report_says_which_replaces_which(session: Any, app: Any, registry: Any) -> None:
    from fidelity.reports.content import report_data
    from fidelity.reports.render import report_html

    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    keys = registry.get("ips-25").item_keys
    original = factories.self_assessment(unit, manager, dict.fromkeys(keys, 3), date(2026, 3, 15))
    correction = factories.self_assessment(unit, manager, dict.fromkeys(keys, 4), date(2026, 3, 15))
    correction.corrects = original
    correction.change_reason = "Supervision was counted twice."
    session.commit()
    with app.test_request_context():
        replaced = " ".join(report_html(report_data(original, registry, date(2026, 4, 1))).split())
        replacing = " ".join(report_html(report_data(correction, registry, date(2026, 4, 1))).split())
    assert f"Replaced by</th><td>the correction #{correction.id} of Mar 15, 2026: this review no longer counts" in (
        replaced
    )
    assert f"Replaces</th><td>the review of Mar 15, 2026 (#{original.id}), which it corrects" in replacing
    assert "Replaced by" not in replacing
    # Both say why the correction was made.
    reason = 'Reason for the change</th><td class="reason">Supervision was counted twice.</td>'
    assert reason in replaced and reason in replacing


def test_an_amended_external_reviews_report_says_amends_not_corrects(session: Any, app: Any, registry: Any) -> None:
    from fidelity.reports.content import report_data
    from fidelity.reports.render import report_html

    unit = factories.unit()
    reviewers = [factories.user(Role.EXTERNAL_REVIEWER), factories.user(Role.EXTERNAL_REVIEWER)]
    keys = registry.get("ips-25").item_keys
    original = factories.final_external_review(unit, reviewers, date(2026, 3, 11), dict.fromkeys(keys, (4, "")))
    amendment = factories.final_external_review(unit, reviewers, date(2026, 3, 11), dict.fromkeys(keys, (5, "")))
    amendment.corrects, amendment.change_reason = original, "V3 was read from last year's records."
    session.commit()
    with app.test_request_context():
        replaced = " ".join(report_html(report_data(original, registry, date(2026, 4, 1))).split())
        replacing = " ".join(report_html(report_data(amendment, registry, date(2026, 4, 1))).split())
    assert (
        f"Replaced by</th><td>the amendment #{amendment.id} of Mar 11, 2026: this review no longer counts" in replaced
    )
    assert f"Replaces</th><td>the review of Mar 11, 2026 (#{original.id}), which it amends" in replacing
    assert "correct" not in replaced.lower().split("replaced by")[1][:80]
    assert "V3 was read from last year&#39;s records." in replaced and "V3 was read" in replacing


# 200 characters with nowhere to break a line: what a pasted link to a document looks like.
LONG = "https://intranet.example.org/" + "fidelity_review_evidence_" * 6 + "x" * 21


def laid_out_lines(html: str) -> list[tuple[int, float, float, str]]:
    """Each line WeasyPrint lays the report out in: its page, the right edges of its text and of the page's content
    area (in CSS px), and its text."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    lines = []
    for number, page in enumerate(HTML(string=html).render().pages, 1):
        root = page._page_box  # the page's layout boxes: WeasyPrint keeps no public API for them
        content = root.children[0]
        edge = content.content_box_x() + content.width
        for line in root.descendants():
            if isinstance(line, boxes.LineBox):
                texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox)]
                if texts:
                    right = max(box.position_x + box.width for box in texts)
                    lines.append((number, right, edge, "".join(box.text for box in texts)))
    return lines


def test_long_words_stay_on_the_page_and_line_breaks_stay_in_the_report(
    known: dict[str, Any], session: Any, app: Any, registry: Any
) -> None:
    from fidelity.reports.content import report_data
    from fidelity.reports.render import report_html

    review = session.get(type(known["review"]), known["review"].id)
    for consensus in review.consensus:
        if consensus.item_key == "O6":
            consensus.recommendation = f"See {LONG}"
            consensus.rationale = f"Agreed after {LONG}"
        if consensus.item_key == "V4":
            consensus.recommendation = "Fewer cases.\nReview monthly."
            consensus.rationale = "Records say 2.\nInterviews say 3."
    review.strengths = f"Employers trust the team.\nTheir notes: {LONG}"
    session.commit()
    with app.test_request_context():
        lines = laid_out_lines(report_html(report_data(review, registry, date(2026, 3, 20))))

    # The long string is laid out four times (O6's rationale and recommendation in the item by item table, the
    # strengths, the list of recommendations), and no line of it, nor any other, runs past the right margin.
    assert "".join(text for _page, _right, _edge, text in lines).count(LONG) == 4
    too_wide = [(page, round(right), text[:40]) for page, right, edge, text in lines if right > edge + 0.5]
    assert too_wide == []
    # The authors' line breaks: each of these starts a line of its own.
    starts = [text.strip() for _page, _right, _edge, text in lines]
    assert "Interviews say 3." in starts
    assert starts.count("Review monthly.") == 2  # in the item by item table, and in the list of recommendations


def test_the_report_marks_a_rate_below_the_minimum_and_a_caseload_above_20_as_the_page_does(
    known: dict[str, Any], session: Any, app: Any, registry: Any
) -> None:
    from fidelity.reports.content import report_data
    from fidelity.reports.render import report_html

    unit, review = known["unit"], known["review"]
    with app.test_request_context():
        html = " ".join(report_html(report_data(review, registry, date(2026, 3, 20))).split())
    # 9 of 20 (45 %) and 10 per specialist: nothing to mark.
    assert "9 (45%)" in html and "<strong>9 (45%)" not in html and '<td class="num">10</td> <td class="num">' in html
    assert "These figures are the journeys as they stood on the review's date" in html
    q4 = session.scalars(
        select(QuarterlyOutcome).where(QuarterlyOutcome.unit_id == unit.id, QuarterlyOutcome.quarter == 4)
    ).one()
    q4.served, q4.in_competitive_work = 50, 10  # 20 %, and 25 per specialist
    session.commit()
    with app.test_request_context():
        html = " ".join(report_html(report_data(review, registry, date(2026, 3, 20))).split())
    assert "<strong>10 (20%)</strong>" in html and '<td class="num"><strong>25</strong></td> <td' in html
    assert "In bold: an employment rate below the minimum, a caseload above 20," in html
    assert "fewer than 10 people served" not in html
    # Among 6 people, 1 in work is marked few rather than below the minimum, and the note says what few means.
    session.execute(
        update(QuarterlyOutcome).where(QuarterlyOutcome.id == q4.id).values(served=6, in_competitive_work=1)
    )
    session.commit()
    with app.test_request_context():
        html = " ".join(report_html(report_data(review, registry, date(2026, 3, 20))).split())
    assert (
        '1 (17%) <span class="few" role="img" aria-label="Only 6 people served: one person moves the rate by 17' in html
    )
    assert "<strong>1 (17%)" not in html
    assert "“few”: too few people to set against the benchmarks. With fewer than 10 served" in html


def test_the_report_gives_specialists_per_supervisor_in_bold_above_10(
    known: dict[str, Any], session: Any, app: Any, registry: Any
) -> None:
    """Judged as the outcomes page judges it (`outcomes.supervision`): 4.5 specialists to 0.4 supervisor is 11.25,
    above 10; 4.7 to 0.47 is 10, within; specialists with no supervisor say so; a quarter counted before the
    supervisors were kept has none to give."""
    from fidelity.reports.content import report_data
    from fidelity.reports.render import report_html

    unit, review = known["unit"], known["review"]
    q4 = session.scalars(
        select(QuarterlyOutcome).where(QuarterlyOutcome.unit_id == unit.id, QuarterlyOutcome.quarter == 4)
    ).one()

    def last_cell(specialists: float, supervisors: float | None) -> str:
        session.execute(
            update(QuarterlyOutcome).where(QuarterlyOutcome.id == q4.id)
            .values(specialist_fte=specialists, supervisor_fte=supervisors)
        )  # fmt: skip
        session.commit()
        with app.test_request_context():
            html = " ".join(report_html(report_data(review, registry, date(2026, 3, 20))).split())
        row = html[html.index('<th scope="row">2025 Q4</th>') :]
        return row[: row.index("</tr>")].rsplit("<td", 1)[1]

    assert last_cell(4.5, 0.4) == ' class="num"><strong>11.3</strong></td>'
    assert last_cell(4.7, 0.47) == ' class="num">10</td>'
    assert last_cell(2.0, 0.0) == ' class="num"><strong>no supervisor</strong></td>'
    assert last_cell(2.0, None) == ' class="num">–</td>'
    with app.test_request_context():
        html = " ".join(report_html(report_data(review, registry, date(2026, 3, 20))).split())
    assert '<th scope="col" class="num">Specialists per supervisor</th></tr></thead>' in html
    assert "at most 20 people per specialist, and at most 10 specialists per full-time supervisor." in html
    assert "a caseload above 20, more than 10 specialists per supervisor, and specialists with no supervisor" in html


def test_the_report_adds_up_job_endings_and_exits_under_the_outcomes_table(
    known: dict[str, Any], session: Any, app: Any, registry: Any
) -> None:
    """The table keeps its ten columns; a sentence under it adds up the quarters' job endings and exits, and says
    when some of the quarters were locked before definitions version 7 and have none."""
    from fidelity.reports.content import report_data
    from fidelity.reports.render import report_html

    unit, review = known["unit"], known["review"]

    def note() -> str:
        with app.test_request_context():
            html = " ".join(report_html(report_data(review, registry, date(2026, 3, 20))).split())
        return html[html.index('<p class="small">Employment rate benchmarks') :].split("</p>")[0]

    # 2025 Q4 was locked under version 1: nothing to add up, nothing said.
    assert "job endings" not in note()
    session.execute(
        update(QuarterlyOutcome).where(QuarterlyOutcome.unit_id == unit.id, QuarterlyOutcome.quarter == 4)
        .values(job_endings=2, exits=3, definitions_version=DEFINITIONS_VERSION)
    )  # fmt: skip
    session.commit()
    said = "Over these quarters, competitive job endings: 2; exits (people enrolled who left the caseload): 3."
    assert said in note() and "Counted in" not in note()
    # A quarter before it, locked under version 6.
    session.add(QuarterlyOutcome(unit_id=unit.id, year=2025, quarter=3, definitions_version="6", served=10,
                                 in_competitive_work=4, in_education=0, job_starts=1, education_starts=0,
                                 contact_window_closed=0, contact_within_30=0, retention_window_closed=0,
                                 retained_90=0, waiting_at_end=0, locked=True))  # fmt: skip
    session.commit()
    assert said in note()
    locked = "Counted in 1 of the 2 quarters: a quarter locked before definitions version 7 has no such figures."
    assert locked in note()


def test_the_outcomes_table_fits_the_page_in_swedish(
    known: dict[str, Any], session: Any, app: Any, registry: Any
) -> None:
    """Ten columns whose Swedish heads hold long words ("anställningar", "Specialister"), and a quarter whose
    specialists had no supervisor: no line of the table, nor of the rest of the report, runs past the right margin."""
    from fidelity.reports.content import report_data
    from fidelity.reports.render import report_html

    unit, review = known["unit"], known["review"]
    session.execute(
        update(QuarterlyOutcome).where(QuarterlyOutcome.unit_id == unit.id, QuarterlyOutcome.quarter == 4)
        .values(supervisor_fte=0.0)
    )  # fmt: skip
    session.commit()
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        lines = laid_out_lines(report_html(report_data(review, registry, date(2026, 3, 20))))
        no_supervisor = gettext("no supervisor")
    texts = [text for _page, _right, _edge, text in lines]
    assert "Specialister" in texts and "anställningar" in texts  # the Swedish heads, each word on a line of its own
    # The quarter without one: "ingen IPS-ledare", broken at its hyphen within the column.
    assert no_supervisor == "ingen IPS-ledare" and "ingen IPS-" in texts and "ledare" in texts
    too_wide = [(page, round(right), text[:40]) for page, right, edge, text in lines if right > edge + 0.5]
    assert too_wide == []


def test_an_adaptation_s_table_and_its_note_share_a_page_however_the_page_falls(
    client: Any, session: Any, known: dict[str, Any]
) -> None:
    """Descriptions of lengths that move the adaptation's tables down the page, line by line: each table's note is
    printed whole on the page of its table, never carried over alone (its last lines made a page of their own)."""
    unit = known["unit"]
    adaptation = session.scalars(select(Adaptation).where(Adaptation.unit_id == unit.id)).one()
    login(client, known["manager"].email)
    note = "The figures show what changed when the adaptation began"
    split, found = [], set()
    for lines in range(16, 48, 4):
        session.execute(
            update(Adaptation)
            .where(Adaptation.id == adaptation.id)
            .values(description="\n".join(f"Line {n} of what the board decided." for n in range(lines)))
        )
        session.commit()
        _text, pages, _reader = pdf_text(client.get(f"/units/{unit.code}/reports/{known['review'].id}.pdf").data)
        flat = [" ".join(page.split()) for page in pages]
        for caption in ("In the monitoring data:", "In the outcome figures:"):
            table = next((i for i, page in enumerate(flat) if caption in page), None)
            if table is None:
                continue
            found.add(caption)
            after = flat[table][flat[table].index(caption) :]
            if note not in after:
                split.append((lines, caption))
    assert found and not split, split
