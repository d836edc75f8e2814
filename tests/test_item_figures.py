"""The unit's own figures beside the items they bear on, on small journeys worked by hand. Pure but for the
language the texts are written in (an app context)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import update

from fidelity.models import Decision, NotAcceptedReason, Review
from fidelity.monitoring.frames import frames_from_records
from fidelity.monitoring.item_figures import ITEM_FIGURES, item_figures, last_full_quarter
from fidelity.monitoring.outcomes import figures_by_quarter
from fidelity.monitoring.quarters import Quarter
from tests import factories
from tests.factories import app_today
from tests.test_external import Team, full_ratings, keys, step, team
from tests.test_reports import pdf_text
from tests.test_web import login

__all__ = ["keys", "team"]  # the fixtures, used by name

D = date
REVIEW = D(2026, 10, 14)  # in 2026 Q4: the last full quarter is 2026 Q3 (Jul 1 - Sep 30)
Q3 = Quarter(2026, 3)


def person(number: int, **values: Any) -> dict[str, Any]:
    return {"id": number, "code": f"P{number}"} | values


# Q3: 21 people served (enrolled May 15, still there: their 30 days ended in Q2, with no employer met); 1.2 specialist
# full-time equivalents and a tenth of a supervisor.
SERVED = [person(n, referral_date=D(2026, 5, 1), decision="accepted", enrolment_date=D(2026, 5, 15)) for n in range(21)]
# Enrolled in July: their 30 days end in Q3. Two met an employer by day 30 (days 10 and 30), one on day 40.
CONTACTS = [
    person(30, referral_date=D(2026, 6, 20), decision="accepted", enrolment_date=D(2026, 7, 1),
           first_employer_contact_date=D(2026, 7, 11)),
    person(31, referral_date=D(2026, 6, 20), decision="accepted", enrolment_date=D(2026, 7, 1),
           first_employer_contact_date=D(2026, 7, 31)),
    person(32, referral_date=D(2026, 6, 20), decision="accepted", enrolment_date=D(2026, 7, 1),
           first_employer_contact_date=D(2026, 8, 10)),
]  # fmt: skip
# Referred in the year to the review: two refused as not motivated (a breach), one who declined (not a breach).
REFUSED = [
    person(40, referral_date=D(2026, 3, 2), decision="not_accepted", decision_date=D(2026, 3, 9),
           not_accepted_reason="not_motivated"),
    person(41, referral_date=D(2026, 8, 3), decision="not_accepted", decision_date=D(2026, 8, 5),
           not_accepted_reason="not_motivated"),
    person(42, referral_date=D(2026, 9, 1), decision="not_accepted", decision_date=D(2026, 9, 2),
           not_accepted_reason="declined"),
]  # fmt: skip
STAFFING = [{"unit_id": 1, "year": 2026, "quarter": 3, "specialist_fte": 1.2, "supervisor_fte": 0.1}]


def figures_of(
    journeys: list[dict[str, Any]],
    staffing: list[dict[str, Any]],
    review: date = REVIEW,
    scale: tuple[str, str] = ("ips-25", "1.0"),
    **options: Any,
) -> Any:
    frames = frames_from_records(journeys, staffing=staffing)
    quarter = last_full_quarter(review)
    outcomes = figures_by_quarter(frames, quarter, quarter, as_of=review)
    return item_figures(scale, review, outcomes, frames.journeys, **options)


def in_english(app: Flask, *args: Any, **options: Any) -> Any:
    with app.test_request_context(), force_locale("en"):
        return figures_of(*args, **options)


def test_the_last_full_quarter_by_a_day() -> None:
    assert last_full_quarter(D(2026, 10, 14)) == Q3
    assert last_full_quarter(D(2026, 9, 30)) == Q3  # a quarter ending on the day has ended by it
    assert last_full_quarter(D(2026, 9, 29)) == Quarter(2026, 2)
    assert last_full_quarter(D(2026, 1, 1)) == Quarter(2025, 4)


def test_each_item_gets_its_figure_worked_by_hand(app: Flask) -> None:
    found = in_english(app, SERVED + CONTACTS + REFUSED, STAFFING)
    assert set(found) == {"S1", "O5", "O6", "V4"}
    # 24 served (21 + 3) / 1.2 FTE = 20.0: at the model's 20, not above it.
    assert found["S1"].text == (
        "Caseload per specialist, 2026\u00a0Q3: 20 (24 people served, 1.2 specialist full-time equivalents; the model "
        "allows at most 20)."
    )
    assert not found["S1"].marked
    # 1.2 / 0.1 = 12 specialists per full-time supervisor: above 10.
    assert found["O5"].text == "Specialists per full-time supervisor, 2026\u00a0Q3: 12 (the model allows at most 10)."
    assert found["O5"].marked
    # Of the three whose 30 days ended in Q3, two met an employer by day 30; days 10, 30 and 40: mean 26.7, median 30,
    # within the scale's best anchor (30 days or fewer on average).
    assert found["V4"].text == (
        "Days from enrolment to a first employer contact made in 2026\u00a0Q3: mean 26.7 (the scale's anchors judge by "
        "the mean: 30 days or fewer at best), median 30. Employer contact within 30 days of enrolment: 2 of 3 (67%) "
        "of the people whose first 30 days ended in the quarter."
    )
    assert not found["V4"].marked
    # The year to Oct 14, 2026 starts on Oct 15, 2025: 21 + 3 + 3 referred, 2 screened out; the decline is no breach.
    assert found["O6"].text == (
        "Screened out against zero exclusion, of the people referred towards work (a goal of work, both or none "
        "recorded) from Oct 15, 2025 to Oct 14, 2026: 2 of 27 (7%). Reasons: Judged not motivated 2."
    )
    assert found["O6"].marked


def test_a_slow_first_contact_is_marked_against_the_scale_s_best_anchor(app: Flask) -> None:
    late = [person(33, referral_date=D(2026, 6, 20), decision="accepted", enrolment_date=D(2026, 7, 1),
                   first_employer_contact_date=D(2026, 9, 29))]  # fmt: skip
    found = in_english(app, SERVED + CONTACTS + late, STAFFING)
    assert "mean 42.5 (the scale's anchors judge by the mean: 30 days or fewer at best), median 35." in found["V4"].text
    assert found["V4"].marked
    # A mean of 30.05 is shown as 30: at the best anchor, not marked beside it.
    thirty = [person(60 + n, referral_date=D(2026, 6, 20), decision="accepted", enrolment_date=D(2026, 7, 1),
                     first_employer_contact_date=D(2026, 7, 31)) for n in range(20)]  # fmt: skip
    one_more = [person(90, referral_date=D(2026, 6, 20), decision="accepted", enrolment_date=D(2026, 7, 1),
                       first_employer_contact_date=D(2026, 8, 1))]  # fmt: skip
    found = in_english(app, thirty + one_more, STAFFING)
    assert "mean 30 (the scale's anchors" in found["V4"].text and not found["V4"].marked
    # A quarter a purge locked: its journeys are partly gone, and its kept median is given alone.
    found = in_english(app, SERVED + CONTACTS + late, STAFFING, locked=[Q3])
    assert found["V4"].text.startswith(
        "Days from enrolment to a first employer contact made in 2026\u00a0Q3: median 35."
    )
    assert not found["V4"].marked


def test_screening_counts_the_people_the_item_is_about(app: Flask) -> None:
    """IPS's zero exclusion is about people who want to work, SEd's about people who want to study: a referral
    towards education alone refused as not ready is no breach of IPS's, and one towards work alone none of SEd's."""
    study = person(50, referral_date=D(2026, 8, 3), goal="education", decision="not_accepted",
                   decision_date=D(2026, 8, 5), not_accepted_reason="not_ready")  # fmt: skip
    work = person(51, referral_date=D(2026, 8, 3), goal="work", decision="not_accepted",
                  decision_date=D(2026, 8, 5), not_accepted_reason="not_motivated")  # fmt: skip
    either = person(52, referral_date=D(2026, 8, 3), goal="both")
    ips = in_english(app, [study, work, either], [])["O6"]
    assert ips.text.endswith("2026: 1 of 2 (50%). Reasons: Judged not motivated 1.")  # work, and both
    sed = in_english(app, [study, work, either], [], scale=("sed", "1.0"))
    assert set(sed) == {"A1", "A4", "A6"}
    assert sed["A4"].text == (
        "Screened out against zero exclusion, of the people referred towards education (a goal of education, both or "
        "none recorded) from Oct 15, 2025 to Oct 14, 2026: 1 of 2 (50%). Reasons: Judged not ready for work or "
        "study 1."
    )
    assert in_english(app, [work], [], scale=("sed", "1.0"))["A4"].text.startswith(
        "Screened out against zero exclusion: nobody was referred towards education from Oct 15, 2025"
    )
    # A review dated before the latest purge's cut-off: the year's ended journeys are gone, and it says so.
    purged = in_english(app, [study, work, either], [], purged_before=D(2026, 11, 1))["O6"]
    assert purged.text == (
        "Screened out against zero exclusion: not known for the year to Oct 14, 2026, whose ended journeys a purge "
        "deleted (those that ended before Nov 1, 2026)."
    )
    # A cut-off within the year starts the year there, as the waiting list does.
    assert in_english(app, [study, work, either], [], purged_before=D(2026, 8, 1))["O6"].text.startswith(
        "Screened out against zero exclusion, of the people referred towards work (a goal of work, both or none "
        "recorded) from Aug 1, 2026 to Oct 14, 2026: 1 of 2"
    )
    # A version of the scale not named (its items may be numbered otherwise): no figure.
    assert in_english(app, [work], [], scale=("ips-25", "2.0")) == {}


def test_what_is_not_recorded_is_said(app: Flask) -> None:
    found = in_english(app, REFUSED[2:], [])
    assert found["S1"].text == "Caseload per specialist, 2026\u00a0Q3: no staffing recorded."
    assert found["O5"].text == "Specialists per supervisor, 2026\u00a0Q3: no staffing recorded."
    assert found["V4"].text == (
        "Employer contact, 2026\u00a0Q3: no first contact was made in the quarter, and nobody's first 30 days "
        "ended in it."
    )
    assert found["O6"].text.endswith(": 0 of 1 (0%).") and not found["O6"].marked  # no reason that screens out
    assert not any(figure.marked for figure in found.values())
    nobody = in_english(app, [], [])
    assert nobody["O6"].text == (
        "Screened out against zero exclusion: nobody was referred towards work from Oct 15, 2025 to Oct 14, 2026."
    )
    # Specialists with no supervisor recorded: marked.
    alone = [STAFFING[0] | {"supervisor_fte": 0.0}]
    found = in_english(app, SERVED, alone)
    assert found["O5"].marked and "no supervisor time recorded for 1.2 specialist" in found["O5"].text
    assert found["S1"].text.startswith("Caseload per specialist, 2026\u00a0Q3: 17.5 (21 people served")  # 21 / 1.2
    # Staffing with no specialist time, and people served: marked, as the outcomes page marks it.
    found = in_english(app, SERVED, [STAFFING[0] | {"specialist_fte": 0.0}])
    assert (
        found["S1"].text == "Caseload per specialist, 2026\u00a0Q3: no specialist time recorded for 21 people served."
    )
    assert found["S1"].marked
    assert found["O5"].text == "Specialists per supervisor, 2026\u00a0Q3: no specialist time recorded."


@pytest.mark.parametrize(("scale", "keys"), [("ips-25", {"S1", "O5", "O6", "V4"}), ("sed", {"A1", "A4", "A6"})])
def test_the_items_named_are_the_scale_s_own(app: Flask, registry: Any, scale: str, keys: set[str]) -> None:
    """Each item a figure is set beside is an item of the scale's version, about what the figure counts."""
    version = registry.get(scale).version
    assert set(ITEM_FIGURES[(scale, version)]) == keys
    items = {item.key: item for item in registry.get(scale).items}
    assert keys <= set(items)
    titles = " ".join(items[key].title.lower() for key in sorted(keys))
    assert "caseload" in titles and "zero exclusion" in titles


def test_in_swedish(app: Flask) -> None:
    with app.test_request_context(), force_locale("sv"):
        found = figures_of(SERVED + CONTACTS + REFUSED, STAFFING)
    assert found["S1"].text.startswith(
        "Deltagare per specialist, 2026\u00a0kv.\u00a03: 20 (24 personer i stöd, 1,2 årsarbetare"
    )
    assert found["O6"].text.endswith("Skäl: Bedömd som inte motiverad 2.")


def test_a_review_dated_today_counts_the_quarter_before_today_s(app: Flask) -> None:
    today = D(2026, 11, 25)
    assert "2026\u00a0Q3" in in_english(app, SERVED, STAFFING, review=today)["S1"].text  # not Q4, still under way
    later = today + timedelta(days=60)  # Jan 24, 2027: Q4 has ended, and nothing is recorded for it
    found = in_english(app, SERVED, STAFFING, review=later)
    assert found["S1"].text == "Caseload per specialist, 2026\u00a0Q4: no staffing recorded."


def test_the_scoring_pages_and_the_report_set_the_figure_beside_its_item(
    client: Any, session: Any, team: Team, keys: tuple[str, ...]
) -> None:
    """A unit with 45 people served and 1.5 specialists in the last full quarter before its reviews: a caseload of
    30, above the model's 20, beside S1 wherever S1 is scored (the self-assessment, each reviewer's rating, the
    consensus) and in the report, marked; an item no figure bears on gets none."""
    today = app_today()
    quarter = last_full_quarter(today)
    for _person in range(45):
        factories.journey(
            team.unit, quarter.start - timedelta(days=40), enrolment_date=quarter.start - timedelta(days=20)
        )
    factories.staffing(team.unit, quarter.year, quarter.number, 1.5, 0.5)
    for reason in (NotAcceptedReason.NOT_MOTIVATED, NotAcceptedReason.DECLINED):
        refused = {"decision": Decision.NOT_ACCEPTED, "decision_date": today - timedelta(days=9)}
        factories.journey(team.unit, today - timedelta(days=10), not_accepted_reason=reason, **refused)
    said = f"Caseload per specialist, {quarter.year}\u00a0Q{quarter.number}: 30 (45 people served"

    def figure_of(page: str, item: str) -> str:
        """The unit's figure within the item's part of the page ('' if none)."""
        part = page.split(f'id="{item}"')[1].split("</fieldset>")[0]
        return part.split('class="unit-figure')[1].split("</p>")[0] if 'class="unit-figure' in part else ""

    draft = factories.draft_self_assessment(team.unit, team.manager, today)
    login(client, team.manager.email)
    page = client.get(f"/units/{team.unit.code}/reviews/{draft.id}/edit").get_data(as_text=True)
    assert said in figure_of(page, "item-S1") and figure_of(page, "item-S1").startswith(" against-model")
    assert figure_of(page, "item-V1") == ""  # benefits planning: no figure bears on it
    assert "The unit's records:" in figure_of(page, "item-O6")
    text = " ".join(pdf_text(client.get(f"/units/{team.unit.code}/reports/{draft.id}.pdf").data)[0].split())
    assert "The unit's records: Against the model: " + said.replace("\u00a0", " ") in text.replace("\u00a0", " ")
    # The waiting list's section gives the reasons for refusing, those that screen people out in bold.
    reasons = "by reason (in bold, the reasons that screen people out against zero exclusion): "
    assert reasons + "The person declined 1; Judged not motivated 1." in text  # most first, then by code
    # A review dated later than today gives today's figures, on the page and in the report alike.
    session.execute(update(Review).where(Review.id == draft.id).values(review_date=today + timedelta(days=200)))
    session.commit()
    page = client.get(f"/units/{team.unit.code}/reviews/{draft.id}/edit").get_data(as_text=True)
    assert said in figure_of(page, "item-S1")
    text = " ".join(pdf_text(client.get(f"/units/{team.unit.code}/reports/{draft.id}.pdf").data)[0].split())
    assert "The unit's records: Against the model: " + said.replace("\u00a0", " ") in text.replace("\u00a0", " ")

    review = factories.external_review(team.unit, [team.first, team.second], today)
    login(client, team.first.email)
    page = client.get(f"/units/{team.unit.code}/external/{review.id}/rate").get_data(as_text=True)
    assert said in figure_of(page, "item-S1")
    full_ratings(client, team, review.id, keys, 4, 4)
    step(client, team, review.id, "/consensus/start")
    page = client.get(f"/units/{team.unit.code}/external/{review.id}/consensus").get_data(as_text=True)
    assert said in figure_of(page, "consensus-S1") and figure_of(page, "consensus-V1") == ""


def test_a_quarter_before_the_first_referral_has_no_figures_on_the_page_or_in_the_report(
    client: Any, session: Any, team: Team
) -> None:
    """Staffing recorded for the last full quarter, and the unit's first referral after it: the outcomes count from
    the quarter of the first referral, so the scoring page and the report alike say no figures were counted."""
    today = app_today()
    quarter = last_full_quarter(today)
    factories.staffing(team.unit, quarter.year, quarter.number, 2.0, 0.5)
    factories.journey(team.unit, today)
    draft = factories.draft_self_assessment(team.unit, team.manager, today)
    login(client, team.manager.email)
    page = client.get(f"/units/{team.unit.code}/reviews/{draft.id}/edit").get_data(as_text=True)
    said = f"Caseload per specialist, {quarter.year}\u00a0Q{quarter.number}: no figures counted for the quarter."
    assert said in page
    text = " ".join(pdf_text(client.get(f"/units/{team.unit.code}/reports/{draft.id}.pdf").data)[0].split())
    assert said.replace("\u00a0", " ") in text.replace("\u00a0", " ")
