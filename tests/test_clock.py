"""'Today' is the date in the app's time zone: a server running in UTC is a day behind Stockholm for an hour (two
in summer) each night, and the app must not be."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask

from fidelity import clock
from fidelity.models import Role
from tests import factories
from tests.test_reviews import review_of, start
from tests.test_web import csrf_token, login

# Half past midnight on New Year's Day in Stockholm (CET, UTC+1): still New Year's Eve in UTC.
NEW_YEAR_IN_STOCKHOLM = datetime(2029, 12, 31, 23, 30, tzinfo=UTC)


@pytest.fixture
def just_after_midnight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NEW_YEAR_IN_STOCKHOLM)


def test_today_is_the_date_in_the_app_time_zone(app: Flask, just_after_midnight: None, monkeypatch: Any) -> None:
    with app.app_context():
        assert clock.today() == date(2030, 1, 1)
        monkeypatch.setitem(app.config, "TIMEZONE", "UTC")
        assert clock.today() == date(2029, 12, 31)
        monkeypatch.setitem(app.config, "TIMEZONE", "America/New_York")
        assert clock.today() == date(2029, 12, 31)


def test_a_self_assessment_may_be_dated_today_in_the_app_time_zone(
    client: Any, session: Any, just_after_midnight: None
) -> None:
    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    tomorrow = start(client, unit, when="2030-01-02")
    assert tomorrow.status_code == 400 and "cannot be in the future" in tomorrow.get_data(as_text=True)
    assert start(client, unit, when="2030-01-01").status_code == 302
    assert review_of(session, unit).review_date == date(2030, 1, 1)


def test_an_action_due_yesterday_in_the_app_time_zone_is_overdue(
    client: Any, session: Any, just_after_midnight: None
) -> None:
    unit = factories.unit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    factories.action(unit, manager, date(2029, 12, 31), title="Invite the job centre")
    login(client, manager.email)
    page = client.get(f"/units/{unit.code}").get_data(as_text=True)
    row = page[page.index("Invite the job centre") - 300 : page.index("Invite the job centre")]
    assert 'class="overdue-row"' in row


def test_a_quarter_that_began_today_in_the_app_time_zone_is_not_planned(
    client: Any, session: Any, just_after_midnight: None
) -> None:
    unit = factories.unit()
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)

    def saved(quarter: str) -> str:
        token = csrf_token(client, f"/units/{unit.code}/staffing")
        data = {"csrf_token": token, "quarter": quarter, "specialist_fte": "2"}
        assert client.post(f"/units/{unit.code}/staffing", data=data).status_code == 302
        return " ".join(client.get(f"/units/{unit.code}/staffing").get_data(as_text=True).split())

    # 2030 Q1 has begun in Stockholm, though not yet in UTC; 2030 Q2 is to come.
    page = saved("2030Q1")
    assert "Staffing for 2030 Q1 saved." in page and "has not begun yet" not in page and "planned" not in page
    page = saved("2030Q2")
    assert "2030 Q2 has not begun yet: its staffing is planned" in page
    assert '2030 Q2 <span class="tag planned">planned</span>' in page and '<th scope="row">2030 Q1</th>' in page


def test_outside_the_app_today_is_the_date_in_the_default_time_zone(just_after_midnight: None) -> None:
    """An operation called from a script, with no app, still has a day: the default zone's (Europe/Stockholm)."""
    assert clock.today() == date(2030, 1, 1)


def test_a_day_starts_at_midnight_in_the_app_time_zone_even_at_the_calendar_s_start(app: Flask) -> None:
    with app.app_context():
        assert clock.start_of(date(2026, 7, 1)) == datetime(2026, 6, 30, 22, tzinfo=UTC)  # summer time, UTC+2
        assert clock.start_of(date(2026, 1, 1)) == datetime(2025, 12, 31, 23, tzinfo=UTC)
        # An erasure's cut-off takes everything: the first day there is, where Stockholm's offset runs past it.
        assert clock.start_of(date.min) == datetime(1, 1, 1, tzinfo=UTC)
