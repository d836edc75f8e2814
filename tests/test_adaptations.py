"""The local adaptations register: kept by the unit's managers, each adaptation shown with what it costs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskCliRunner
from sqlalchemy import select

from fidelity.cli import main
from fidelity.models import Adaptation, AuditEntry, Decision, NotAcceptedReason, Role
from fidelity.monitoring.outcomes import DEFINITIONS_VERSION
from tests import factories
from tests.factories import app_today
from tests.test_web import csrf_token, login


def form(client: Any, url: str, **fields: Any) -> dict[str, Any]:
    base = {
        "title": "Needs assessment before start",
        "reason": "law_or_regulation",
        "since": "2025-01-01",
        "decided_by": "Social welfare board",
        "principles": ["zero-exclusion"],
        "items": ["ips-25:O6", "ips-25:V4"],
    }
    return base | fields | {"csrf_token": csrf_token(client, url)}


def test_a_manager_registers_an_adaptation_and_sees_its_cost(client: Any, session: Any, registry: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    scores = dict.fromkeys(registry.get("ips-25").item_keys, 4) | {"O6": 2, "V4": 3}
    factories.self_assessment(unit, manager, scores, date(2025, 9, 15))
    since = app_today() - timedelta(days=200)
    # Before it: met after 10 days; after it: after 100 days, and one refused as needs assessment not granted.
    factories.journey(unit, since - timedelta(days=100), code="B1", first_meeting_date=since - timedelta(days=90))
    factories.journey(unit, since + timedelta(days=5), code="A1", first_meeting_date=since + timedelta(days=105))
    refused = {"decision": Decision.NOT_ACCEPTED, "not_accepted_reason": NotAcceptedReason.NEEDS_ASSESSMENT_NOT_GRANTED}
    factories.journey(unit, since + timedelta(days=6), code="A2", **refused)
    login(client, manager.email)
    url = f"/units/{unit.code}/adaptations/new"

    refused_form = client.post(url, data=form(client, url, since=since.isoformat(), until="2020-01-01"))
    assert refused_form.status_code == 400 and "cannot end before it begins" in refused_form.get_data(as_text=True)
    empty = client.post(url, data=form(client, url, principles=[], items=[]))
    assert empty.status_code == 400 and "Choose the principles or items" in empty.get_data(as_text=True)
    assert session.scalars(select(Adaptation)).all() == []

    assert client.post(url, data=form(client, url, since=since.isoformat())).status_code == 302
    stored = session.scalars(select(Adaptation)).one()
    assert (stored.items, stored.principles, stored.decided_by) == (["ips-25:O6", "ips-25:V4"], ["zero-exclusion"],
                                                                    "Social welfare board")  # fmt: skip
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "adaptations")).all() == ["create"]

    page = " ".join(client.get(f"/units/{unit.code}/adaptations").get_data(as_text=True).split())
    assert "Points lost against the model: 5" in page  # O6 loses 3, V4 loses 2
    assert "2. Zero exclusion" in page and "6. Rapid job search" in page
    assert '<th scope="row">Median days to first meeting</th><td class="num">10</td><td class="num">100</td>' in page
    assert '<td class="num">0%</td><td class="num">50%</td>' in page  # screened out: none before, 1 of 2 after
    # The only review came before it began: nothing measured since, so no change is told (not a change of 0).
    assert "Change since it began: not known, as no item was scored both in a review before it began" in page

    # A self-assessment after it began scores O6 1: 4 from the model, of which 1 lost since it began.
    factories.self_assessment(unit, manager, scores | {"O6": 1}, since + timedelta(days=30))
    page = " ".join(client.get(f"/units/{unit.code}/adaptations").get_data(as_text=True).split())
    assert "Points lost against the model: 6" in page
    o6 = page.split('<span class="key">O6</span>')[1].split("</tr>")[0]
    assert o6.endswith('<td class="num">1</td><td class="num">5</td> <td class="num">4</td> '
                       '<td class="num">2</td> <td class="num">−1</td>')  # fmt: skip
    assert "over the 2 items scored both in the last review before it and now: −1." in page


def test_an_adaptation_touching_both_scales_counts_their_points_apart(client: Any, registry: Any) -> None:
    unit = factories.unit(sed=True)
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    factories.self_assessment(unit, manager, dict.fromkeys(registry.get("ips-25").item_keys, 4), date(2025, 9, 15))
    sed = dict.fromkeys(registry.get("sed").item_keys, 5) | {"A4": 3}
    factories.self_assessment(unit, manager, sed, date(2025, 9, 16), scale_id="sed")
    factories.adaptation(unit, "Shared intake", date(2025, 1, 1), items=["ips-25:O6", "sed:A4"], principles=[])
    login(client, manager.email)
    page = " ".join(client.get(f"/units/{unit.code}/adaptations").get_data(as_text=True).split())
    # O6 loses 1 point on the IPS scale and A4 2 on the SEd scale: told apart, not added up as 3.
    assert "Points lost against the model, scale by scale: 1 (IPS-25), 2 (SEd)" in page
    assert '<span class="scale-name">(SEd)</span>' in page and ">sed<" not in page  # each scale by its name
    assert "Points lost against the model: 3" not in page


def test_changing_and_removing_and_who_may(client: Any, session: Any) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    reviewer = factories.user(Role.EXTERNAL_REVIEWER)
    factories.external_review(unit, [reviewer], date(2026, 1, 1))
    adaptation = factories.adaptation(
        unit, "Age limit 18-30", date(2024, 1, 1), items=[], principles=["zero-exclusion"]
    )
    login(client, manager.email)
    url = f"/units/{unit.code}/adaptations/{adaptation.id}"
    assert 'value="Age limit 18-30"' in client.get(url).get_data(as_text=True)
    changed = client.post(url, data=form(client, url, title="Age limit 18-29", items=[], until="2026-06-30"))
    assert changed.status_code == 302
    stored = session.scalars(select(Adaptation)).one()
    assert (stored.title, stored.until) == ("Age limit 18-29", date(2026, 6, 30))
    # Removing asks first, offering to record the end instead; nothing is removed until the button is pressed.
    register = client.get(f"/units/{unit.code}/adaptations").get_data(as_text=True)
    assert f'href="{url}/delete"' in register and f'action="{url}/delete"' not in register
    asked = " ".join(client.get(f"{url}/delete").get_data(as_text=True).split())
    assert "Remove the adaptation “Age limit 18-29”?" in asked and f'href="{url}#until">Record when it ended' in asked
    assert f'action="{url}/delete"' in asked and session.scalars(select(Adaptation)).one().id == adaptation.id
    token = csrf_token(client, url)
    assert client.post(f"{url}/delete", data={"csrf_token": token}).status_code == 302
    assert session.scalars(select(Adaptation)).all() == []

    client.post("/logout", data={"csrf_token": token})
    login(client, reviewer.email)  # reads the register of a unit they review, but may not keep it
    assert client.get(f"/units/{unit.code}/adaptations").status_code == 200
    assert client.get(f"/units/{unit.code}/adaptations/new").status_code == 403


def test_the_monitoring_figures_say_when_a_purge_deleted_journeys_they_would_count(
    client: Any, runner: FlaskCliRunner, session: Any
) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    today = app_today()
    factories.gave_up_long_ago(unit, today)
    factories.journey(unit, today - timedelta(days=300), code="WAITING")
    # The first compares people referred from 200 days + 12 months ago, before the cut-off 12 months ago; the second
    # those referred from the cut-off on.
    factories.adaptation(unit, "Older", today - timedelta(days=200), items=[], principles=["zero-exclusion"])
    factories.adaptation(unit, "Newer", today, items=[], principles=["zero-exclusion"])
    assert runner.invoke(main, ["purge", "--older-than", "12"]).exit_code == 0
    login(client, manager.email)
    page = " ".join(client.get(f"/units/{unit.code}/adaptations").get_data(as_text=True).split())
    articles = {a.split("</h3>")[0]: a for a in page.split('<article class="adaptation"> <h3>')[1:]}
    note = "were deleted on"
    assert note in articles["Older"] and "the figures before and after the adaptation began count only" in page
    assert note not in articles["Newer"]


def test_an_adaptation_dated_in_the_future_is_refused_rather_than_saved_out_of_sight(client: Any, session: Any) -> None:
    # The register lists adaptations from the day they began: one saved with a later date (a typed 2062 for 2026)
    # would be in no list, and nobody could see, change or remove it.
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    url = f"/units/{unit.code}/adaptations/new"
    tomorrow = (app_today() + timedelta(days=1)).isoformat()
    refused = client.post(url, data=form(client, url, since=tomorrow))
    assert refused.status_code == 400
    assert "the date cannot be in the future" in refused.get_data(as_text=True)
    assert f'value="{tomorrow}"' in refused.get_data(as_text=True)  # what was typed stays on the page
    assert session.scalars(select(Adaptation)).all() == []

    assert client.post(url, data=form(client, url, since=app_today().isoformat())).status_code == 302
    assert "Needs assessment before start" in client.get(f"/units/{unit.code}/adaptations").get_data(as_text=True)


def test_the_outcomes_of_the_quarters_before_an_adaptation_and_while_in_force(
    app: Any, client: Any, session: Any, registry: Any
) -> None:
    """Twelve people served throughout; three in work before the adaptation began on a quarter's first day, and three
    more from that day: 25 % in each of the four quarters before, 50 % in the one full quarter since."""
    from fidelity.account.operations import create_token
    from fidelity.models.types import utcnow
    from fidelity.monitoring.quarters import Quarter
    from fidelity.reports.content import report_data
    from fidelity.reports.render import report_html

    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    today = app_today()
    began = Quarter.of(today).previous()
    start = today - timedelta(days=800)
    for number in range(12):
        jobs = ((start, None),) if number < 3 else ((began.start, None),) if number < 6 else ()
        factories.journey(unit, start, enrolment_date=start, jobs=jobs)
    factories.adaptation(unit, "Job search from the second month", began.start, items=["ips-25:V6"], principles=[])
    before = [began.previous().previous().previous().previous(), began.previous()]
    login(client, manager.email)
    page = " ".join(client.get(f"/units/{unit.code}/adaptations").get_data(as_text=True).split())
    table = page.split("In the outcome figures")[1].split("</table>")[0]
    # split() took the non-breaking spaces; a window of one quarter is named by it alone.
    windows = (f'<th scope="col" class="num">Before it began<br>{before[0]} to {before[1]}</th>'
               f'<th scope="col" class="num">While in force<br>{began}</th>')  # fmt: skip
    assert windows in table
    assert 'People served, quarter by quarter added up</th><td class="num">48</td><td class="num">12</td>' in table
    assert '12 of 48</span> <span class="nowrap">(25%)' in table
    assert 'People served a quarter, on average</th><td class="num">12</td><td class="num">12</td>' in table
    assert '6 of 12</span> <span class="nowrap">(50%)' in table
    assert "few" not in table
    # The API gives the same, window by window.
    token = create_token(manager, "Test", None, utcnow()).secret
    body = client.get(f"/api/v1/units/{unit.code}/adaptations", headers={"Authorization": f"Bearer {token}"}).json
    outcomes = body["items"][0]["outcomes"]
    before_api, after_api = outcomes["before"], outcomes["after"]
    assert (before_api["served"], before_api["in_competitive_work"], before_api["employment_rate"]) == (48, 12, 0.25)
    assert after_api["quarters"] == [f"{began.year}Q{began.number}"] and after_api["employment_rate"] == 0.5
    # The review's report shows it too, counting the quarters that ended before the review's day.
    review = factories.self_assessment(unit, manager, dict.fromkeys(registry.get("ips-25").item_keys, 4), today)
    with app.test_request_context():
        html = " ".join(report_html(report_data(review, registry, today)).split())
    assert "In the outcome figures" in html and "12 of 48" in html and "6 of 12" in html
    # A review made in the quarter it began counts no quarter since: none had ended by the review's day.
    earlier = factories.self_assessment(
        unit, manager, dict.fromkeys(registry.get("ips-25").item_keys, 4), began.start + timedelta(days=5)
    )
    with app.test_request_context():
        html = " ".join(report_html(report_data(earlier, registry, today)).split())
    assert "12 of 48" in html and "no full quarter yet" in html and "6 of 12" not in html


def test_outcomes_of_few_people_and_of_other_definitions_are_said_so(client: Any, session: Any) -> None:
    from sqlalchemy import update

    from fidelity.models import QuarterlyOutcome
    from fidelity.monitoring.quarters import Quarter

    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    today = app_today()
    began = Quarter.of(today).previous()
    start = today - timedelta(days=800)
    for number in range(6):  # six people served throughout, one in work
        factories.journey(unit, start, enrolment_date=start, jobs=((start, None),) if number == 0 else ())
    factories.adaptation(unit, "In force", began.start, items=["ips-25:V6"], principles=[])
    # Ended before its first quarter did: no full quarter while it was in force.
    factories.adaptation(unit, "Tried and dropped", began.start, items=["ips-25:V6"], principles=[],
                         until=began.start + timedelta(days=20))  # fmt: skip
    login(client, manager.email)
    page = " ".join(client.get(f"/units/{unit.code}/adaptations").get_data(as_text=True).split())
    in_force, dropped = page.split("In the outcome figures")[1:3]
    assert '4 of 24</span> <span class="nowrap">(17%)</span> <span class="few" role="img"' in in_force
    assert (
        'aria-label="Only 6 people served a quarter on average: one person moves the share by 17 points."' in in_force
    )
    assert "“few”: fewer than 10 people served a quarter on average" in in_force
    assert "no full quarter while in force" in dropped and "no full quarter yet" not in page
    assert "definitions versions" not in page
    # The first quarter before it, locked by a purge under an earlier definitions version: said so.
    first = began.previous().previous().previous().previous()
    session.execute(
        update(QuarterlyOutcome)
        .where(QuarterlyOutcome.unit_id == unit.id, QuarterlyOutcome.year == first.year,
               QuarterlyOutcome.quarter == first.number)
        .values(definitions_version="4", locked=True)
    )  # fmt: skip
    session.commit()
    page = " ".join(client.get(f"/units/{unit.code}/adaptations").get_data(as_text=True).split())
    said = f"The quarters were counted under definitions versions 4, {DEFINITIONS_VERSION}: a change of definition"
    assert said in page
