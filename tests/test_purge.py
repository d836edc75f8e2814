"""`fidelity purge --older-than MONTHS`: old journeys go, the figures they counted in stay, locked.

Every test requests `session`: the command commits, which inside it only releases a savepoint.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from fidelity.audit import CLEARED
from fidelity.cli import main
from fidelity.models import (
    AgeBand,
    AuditEntry,
    Decision,
    EducationSpell,
    ExitReason,
    JobSpell,
    Journey,
    NotAcceptedReason,
    QuarterlyOutcome,
    Role,
)
from fidelity.monitoring import purge
from fidelity.monitoring.imports import ImportRefused, import_journeys
from fidelity.monitoring.journey_operations import (
    JOURNEY_FIELDS,
    JourneyInvalid,
    delete_journey,
    delete_spell,
    save_journey,
    save_spell,
)
from fidelity.monitoring.kept import refresh_outcomes
from fidelity.monitoring.outcomes import KEPT_FIELDS
from fidelity.monitoring.purge import (
    PastPurge,
    PurgeRefused,
    deleted_journey_end,
    latest_purge,
    purge_journeys,
    quarter_ranges,
)
from fidelity.monitoring.quarters import Quarter
from tests import factories
from tests.factories import app_today
from tests.journey_data import csv_file
from tests.shown import day
from tests.test_web import login

TODAY = app_today()
CUTOFF = TODAY - relativedelta(months=24)


def ago(months: int, days: int = 0) -> date:
    return TODAY - relativedelta(months=months) - timedelta(days=days)


def kept(session: Any, unit: Any) -> dict[Quarter, tuple[Any, ...]]:
    """The unit's kept figures per quarter, with the locked flag last."""
    session.expire_all()
    rows = session.scalars(select(QuarterlyOutcome).where(QuarterlyOutcome.unit_id == unit.id)).all()
    return {Quarter(r.year, r.quarter): (*(getattr(r, name) for name in KEPT_FIELDS), r.locked) for r in rows}


def figures(rows: dict[Quarter, tuple[Any, ...]]) -> dict[Quarter, tuple[Any, ...]]:
    return {quarter: values[:-1] for quarter, values in rows.items()}


def journey_codes(session: Any) -> set[str]:
    session.expire_all()
    return set(session.scalars(select(Journey.code)))


def count(session: Any, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def units(session: Any) -> dict[str, Any]:
    """North: two people who left 30 and 25 months ago (one worked, one studied), one who left a year ago, one still
    served. South: one who left 26 months ago. West: nobody who left."""
    north, south, west = factories.unit(), factories.unit(), factories.unit()
    factories.journey(north, ago(40), code="N-OLD-1", enrolment_date=ago(39), exit_date=ago(30),
                      exit_reason=ExitReason.GOAL_REACHED, jobs=((ago(35), None),))  # fmt: skip
    factories.journey(north, ago(36), code="N-OLD-2", enrolment_date=ago(35), exit_date=ago(25),
                      studies=((ago(33), ago(26)),))  # fmt: skip
    factories.journey(north, ago(30), code="N-RECENT", enrolment_date=ago(29), exit_date=ago(12),
                      jobs=((ago(20), ago(13)),))  # fmt: skip
    factories.journey(north, ago(20), code="N-SERVED", enrolment_date=ago(19), jobs=((ago(10), None),))
    factories.journey(south, ago(30), code="S-OLD", exit_date=ago(26), exit_reason=ExitReason.WITHDREW)
    factories.journey(west, ago(6), code="W-WAITING")
    return {"north": north, "south": south, "west": west}


def test_purge_removes_old_journeys_and_keeps_the_figures_they_counted_in(
    runner: FlaskCliRunner, session: Any, units: dict[str, Any]
) -> None:
    north, south = units["north"], units["south"]
    refresh_outcomes(north, TODAY)
    before = figures(kept(session, north))
    session.commit()
    jobs, studies = count(session, JobSpell), count(session, EducationSpell)

    result = runner.invoke(main, ["purge", "--older-than", "24"])
    assert result.exit_code == 0, result.output
    assert journey_codes(session) == {"N-RECENT", "N-SERVED", "W-WAITING"}
    # N-OLD-1's job and N-OLD-2's course went with them.
    assert (count(session, JobSpell), count(session, EducationSpell)) == (jobs - 1, studies - 1)

    # Every quarter starting before the cut-off is locked, and no figure has changed.
    after = kept(session, north)
    assert {q for q, values in after.items() if values[-1]} == {q for q in after if q.start < CUTOFF}
    assert figures(after) == before
    first, last = min(after), Quarter.of(CUTOFF - timedelta(days=1))
    lines = result.output.splitlines()
    assert lines[0] == (
        f"Journeys that ended (an exit, or a referral not accepted) before {CUTOFF.isoformat()} (24 months ago):"
    )
    by_unit = {line.split(":")[0].strip(): line for line in lines[1:]}  # a line per unit, by code
    assert by_unit[north.code] == (
        f"  {north.code}: 2 removed; quarters locked: {first} to {last}; audit entries cleared of their values: 4"
    )
    assert by_unit[south.code].startswith(f"  {south.code}: 1 removed; quarters locked: ")
    assert len(lines) == 3  # West had nobody to purge

    # A later refresh recounts the open quarters only; the locked ones keep what they had.
    refresh_outcomes(north, TODAY)
    assert kept(session, north) == after

    # One audit entry per unit, as the command line.
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "purge").order_by(AuditEntry.unit_id))
    assert [(e.unit_id, e.entity, e.actor_label, e.changes) for e in entries] == [
        # North's two journeys, a job and a course were each created (audited with their values); South's journey.
        (
            north.id,
            "journeys",
            "cli",
            {"removed": [None, 2], "cleared": [None, 4], "cutoff": [None, CUTOFF.isoformat()]},
        ),
        (
            south.id,
            "journeys",
            "cli",
            {"removed": [None, 1], "cleared": [None, 1], "cutoff": [None, CUTOFF.isoformat()]},
        ),
    ]
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "delete")) == 0

    again = runner.invoke(main, ["purge", "--older-than", "24"])
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[1] == "  none; nothing to remove."
    assert journey_codes(session) == {"N-RECENT", "N-SERVED", "W-WAITING"}


def test_a_dry_run_reports_and_changes_nothing(runner: FlaskCliRunner, session: Any, units: dict[str, Any]) -> None:
    audited = count(session, AuditEntry)
    result = runner.invoke(main, ["purge", "--older-than", "24", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"  {units['north'].code}: 2 would be removed; quarters would be locked: " in result.output
    assert result.output.endswith("Dry run: nothing was changed.\n")
    assert "audit entries would be cleared of their values: 4" in result.output
    assert len(journey_codes(session)) == 6
    assert count(session, QuarterlyOutcome) == 0 and count(session, AuditEntry) == audited
    assert all(CLEARED not in entry.changes for entry in session.scalars(select(AuditEntry)))


def test_a_job_s_90th_day_after_the_cut_off_locks_its_quarter_too(session: Any) -> None:
    unit = factories.unit()
    # Cut-off May 15, 2025. The job started May 1 and reaches day 90 on Jul 30, in 2025 Q3, after its holder left on
    # May 10: 2025 Q3 counts this journey, so it is locked with every quarter before the cut-off.
    today = date(2027, 5, 15)
    factories.journey(unit, date(2025, 1, 2), enrolment_date=date(2025, 1, 10), exit_date=date(2025, 5, 10),
                      jobs=((date(2025, 5, 1), None),))  # fmt: skip
    factories.journey(unit, date(2025, 1, 2), enrolment_date=date(2025, 1, 10))
    [done] = purge_journeys(today, 24)
    assert done.removed == 1
    assert quarter_ranges(done.locked) == "2025 Q1 to 2025 Q3"
    rows = kept(session, unit)
    assert rows[Quarter(2025, 3)][KEPT_FIELDS.index("retention_window_closed")] == 1
    assert not rows[Quarter(2025, 4)][-1]


def test_a_purge_that_would_lock_the_running_quarter_is_refused_and_changes_nothing(session: Any) -> None:
    """Cut-off 15 April 2027, in 2027 Q2, the quarter of the day of the purge: a journey that ended before it counts in
    that quarter, which locked now would never count the rest of itself. The same for a job whose 90th day falls in
    it, with a cut-off in the quarter before."""
    unit = factories.unit()
    left = factories.journey(unit, date(2027, 1, 4), code="LEFT", enrolment_date=date(2027, 1, 11),
                             exit_date=date(2027, 4, 1), exit_reason=ExitReason.WITHDREW)  # fmt: skip
    session.commit()
    with pytest.raises(PurgeRefused) as refused:
        purge_journeys(date(2027, 5, 15), 1)
    assert refused.value.running == Quarter(2027, 2)
    session.rollback()
    # A job started 1 March, the holder left 20 March: day 90 is 29 May, in 2027 Q2; cut-off 31 March.
    left.jobs.append(JobSpell(start_date=date(2027, 3, 1), competitive=True))
    left.exit_date = date(2027, 3, 20)
    session.commit()
    with pytest.raises(PurgeRefused):
        purge_journeys(date(2027, 5, 31), 2)
    session.rollback()
    assert journey_codes(session) == {"LEFT"} and count(session, QuarterlyOutcome) == 0
    # Once the quarter has ended, the same purge goes through and locks through 2027 Q2.
    [done] = purge_journeys(date(2027, 7, 31), 4)
    assert (done.removed, quarter_ranges(done.locked)) == (1, "2027 Q1 to 2027 Q2")


def test_the_command_says_why_a_purge_reaching_the_running_quarter_is_refused(
    runner: FlaskCliRunner, session: Any
) -> None:
    unit = factories.unit()
    factories.journey(unit, TODAY - timedelta(days=400), code="GONE", exit_date=TODAY - timedelta(days=1),
                      exit_reason=ExitReason.WITHDREW)  # fmt: skip
    session.commit()
    cutoff = TODAY - relativedelta(months=1)
    # Left the day before the cut-off, ten days into a job whose 90th day is still to come, in this quarter or later.
    factories.journey(unit, cutoff - timedelta(days=300), code="OLD", exit_date=cutoff - timedelta(days=1),
                      exit_reason=ExitReason.WITHDREW, jobs=((cutoff - timedelta(days=11), None),))  # fmt: skip
    session.commit()
    result = runner.invoke(main, ["purge", "--older-than", "1"])
    running = Quarter.of(TODAY)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: --older-than 1: the journeys that ended before {cutoff.isoformat()} count in the figures of "
        f"{running}, the quarter still running (the cut-off falls in it, or a job's 90 days or an enrolment's 30 run "
        "into it), and locking that quarter now would leave out the rest of it. Purge with more months, or after the "
        "quarter has ended. Nothing was changed."
    )
    assert journey_codes(session) == {"GONE", "OLD"}


def test_referrals_not_accepted_end_on_their_decision_and_old_ones_are_purged(
    runner: FlaskCliRunner, session: Any
) -> None:
    """A referral not accepted has no exit date: it ended on the day of the decision (or, without one, on the day of
    the referral, as the figures count it)."""
    unit = factories.unit()
    refused = {"decision": Decision.NOT_ACCEPTED, "not_accepted_reason": NotAcceptedReason.NOT_READY}
    factories.journey(unit, ago(40), code="REFUSED-OLD", decision_date=ago(33), **refused)
    factories.journey(unit, ago(30), code="REFUSED-UNDATED", **refused)
    # Decided 23 months ago: after the cut-off, kept, although referred before it.
    factories.journey(unit, ago(25), code="REFUSED-RECENT", decision_date=ago(23), **refused)
    # Refused, then an exit recorded after the cut-off: the exit is its end.
    factories.journey(unit, ago(40), code="REFUSED-EXITED", decision_date=ago(39), exit_date=ago(20),
                      exit_reason=ExitReason.WITHDREW, **refused)  # fmt: skip
    # Accepted long ago and never exited, and waiting since long ago: both go on.
    factories.journey(unit, ago(40), code="SERVED", decision=Decision.ACCEPTED, decision_date=ago(39),
                      enrolment_date=ago(38))  # fmt: skip
    factories.journey(unit, ago(40), code="WAITING")
    refresh_outcomes(unit, TODAY)
    before = figures(kept(session, unit))
    # REFUSED-OLD waited at the end of a quarter before the cut-off, with WAITING: the figures counted it.
    assert any(values[KEPT_FIELDS.index("waiting_at_end")] == 2 for values in before.values())
    session.commit()

    result = runner.invoke(main, ["purge", "--older-than", "24"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith(f"  {unit.code}: 2 removed; quarters locked: ")
    assert journey_codes(session) == {"REFUSED-RECENT", "REFUSED-EXITED", "SERVED", "WAITING"}
    after = kept(session, unit)
    assert figures(after) == before
    assert {q for q, values in after.items() if values[-1]} == {q for q in after if q.start < CUTOFF}
    refresh_outcomes(unit, TODAY)
    assert kept(session, unit) == after
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).all()
    assert entry.changes == {"removed": [None, 2], "cleared": [None, 2], "cutoff": [None, CUTOFF.isoformat()]}


def test_the_latest_purge_of_a_unit_is_read_from_its_audit_trail(
    runner: FlaskCliRunner, session: Any, units: dict[str, Any]
) -> None:
    assert latest_purge(units["north"].id) is None
    assert runner.invoke(main, ["purge", "--older-than", "24"]).exit_code == 0
    assert runner.invoke(main, ["purge", "--older-than", "36"]).exit_code == 0  # removes nothing more: not audited
    assert runner.invoke(main, ["purge", "--older-than", "6"]).exit_code == 0  # N-RECENT, who left a year ago
    later = TODAY - relativedelta(months=6)
    found = latest_purge(units["north"].id)
    assert found is not None and found.cutoff == later
    assert latest_purge(units["south"].id) == PastPurge(CUTOFF, found.on)  # South lost nobody to the second purge
    assert latest_purge(units["west"].id) is None
    # Figures counted from the cut-off on lost nothing; from the day before, they may have.
    assert not found.affects(later) and found.affects(later - timedelta(days=1))


def test_quarter_ranges() -> None:
    quarters = [Quarter(2021, 4), Quarter(2022, 1), Quarter(2022, 2), Quarter(2023, 1), Quarter(2024, 4)]
    assert quarter_ranges(quarters) == "2021 Q4 to 2022 Q2, 2023 Q1, 2024 Q4"
    assert quarter_ranges([]) == ""


@pytest.mark.parametrize("months", ["0", "-3", "1.5", "two", "", " ", "1201", "²"])
def test_months_must_be_a_positive_whole_number(
    app: Flask, runner: FlaskCliRunner, session: Any, units: dict[str, Any], months: str
) -> None:
    result = runner.invoke(main, ["purge", "--older-than", months])
    assert result.exit_code == 2
    assert [line for line in result.output.splitlines() if line.startswith("Error:")] == [
        f"Error: --older-than takes a whole number of months from 1 to 1200, not '{months}'."
    ]
    assert len(journey_codes(session)) == 6


def test_the_unit_s_audit_trail_tells_of_the_purge(
    runner: FlaskCliRunner, client: Any, session: Any, units: dict[str, Any]
) -> None:
    assert runner.invoke(main, ["purge", "--older-than", "24"]).exit_code == 0
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=units["north"].id).email)
    page = client.get(f"/units/{units['north'].code}/audit").get_data(as_text=True)
    assert "purged journeys </td>" in page
    assert '<span title="removed">Journeys deleted</span>: 2</li>' in page
    assert f'<span title="cutoff">Ended before</span>: {day(CUTOFF)}</li>' in page


def test_a_journey_that_ended_before_the_latest_purge_s_cut_off_is_not_taken_in_again(
    runner: FlaskCliRunner, session: Any, units: dict[str, Any]
) -> None:
    """An export made before a purge, imported after it, would bring back what the purge deleted: such rows are
    refused, each on its line, and so is such a journey entered by hand."""
    north = units["north"]
    assert runner.invoke(main, ["purge", "--older-than", "24"]).exit_code == 0
    before = journey_codes(session)
    rows = [
        {"code": "BACK-OLD", "referral_date": ago(40).isoformat(), "exit_date": ago(30).isoformat(),
         "exit_reason": "withdrew"},
        {"code": "BACK-REFUSED", "referral_date": ago(30).isoformat(), "decision": "not_accepted",
         "not_accepted_reason": "not_ready"},  # no decision date: it ended on its referral, as the purge counts it
        {"code": "BACK-NEW", "referral_date": ago(30).isoformat(), "exit_date": ago(12).isoformat(),
         "exit_reason": "withdrew"},
        {"code": "BACK-REFUSED-LATE", "referral_date": ago(30).isoformat(), "decision": "not_accepted",
         "decision_date": ago(23).isoformat(), "not_accepted_reason": "not_ready"},
    ]  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        import_journeys(north, csv_file(rows), "before-the-purge.csv", TODAY)
    cut = CUTOFF.isoformat()
    assert [(p.line, p.message) for p in refused.value.problems] == [
        (2, f"the journey ended on {ago(30).isoformat()}, before {cut}: the unit's journeys that ended before then "
            "were deleted by a purge, and are not taken again"),
        (3, f"the journey ended on {ago(30).isoformat()}, before {cut}: the unit's journeys that ended before then "
            "were deleted by a purge, and are not taken again"),
    ]  # fmt: skip
    assert journey_codes(session) == before
    # The journeys that ended after the cut-off come in; another unit, never purged, takes any.
    assert import_journeys(north, csv_file([rows[2], rows[3]]), "after.csv", TODAY).added == 2
    assert import_journeys(units["west"], csv_file(rows[:2]), "west.csv", TODAY).added == 2
    # By hand, the same.
    record = {"code": "BY-HAND", "referral_date": ago(40), "exit_date": ago(30), "exit_reason": "withdrew"}
    with pytest.raises(JourneyInvalid) as invalid:
        save_journey(north, record)
    assert invalid.value.messages == [
        f"the journey ended on {ago(30).isoformat()}, before {cut}: the unit's journeys that ended before then were "
        "deleted by a purge, and are not taken again"
    ]


def trail(session: Any, unit: Any) -> list[tuple[str, str, str, dict[str, Any]]]:
    """The unit's audit entries about journeys, jobs and courses but the purge's own, oldest first: (action, entity,
    id, changes)."""
    session.expire_all()
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.unit_id == unit.id, AuditEntry.entity.in_(["journeys", "job_spells", "education_spells"]))
        .where(AuditEntry.action != "purge")
        .order_by(AuditEntry.id)
    )
    return [(e.action, e.entity, e.entity_id, e.changes) for e in entries]


def test_the_purge_clears_what_the_audit_trail_kept_of_the_journeys_it_deletes(
    runner: FlaskCliRunner, session: Any, client: Any
) -> None:
    """Every change to a journey, job or course left its values in the audit trail: by hand, by an import, by a
    deletion. Once the journey is purged, its entries keep who did what and when, and nothing it held."""
    unit = factories.unit()
    gone = factories.journey(unit, ago(40), code="GONE-1", decision=Decision.ACCEPTED, decision_date=ago(40),
                             enrolment_date=ago(39), exit_date=ago(30), exit_reason=ExitReason.GOAL_REACHED,
                             jobs=((ago(35), ago(31)), (ago(34), None)))  # fmt: skip
    factories.journey(unit, ago(30), code="KEPT-1", enrolment_date=ago(29), jobs=((ago(20), None),))
    save_journey(unit, {**_record(gone), "age_band": AgeBand.AGE_30_39}, gone)  # a change by hand
    first, second = gone.jobs
    jobs, gone_id = (str(first.id), str(second.id)), gone.id
    save_spell(gone, "jobs", {"start_date": ago(35), "end_date": ago(32), "competitive": True, "hours_per_week": 20},
               first.id)  # a change to a job names only what changed, not its journey  # fmt: skip
    delete_spell(gone, "jobs", second.id)
    session.commit()
    # An import that changes the journey again keeps its old and new values.
    import_journeys(unit, csv_file([{"code": "GONE-1", "referral_date": ago(40).isoformat(), "decision": "accepted",
                                     "decision_date": ago(40).isoformat(),
                                     "enrolment_date": ago(38).isoformat(), "exit_date": ago(30).isoformat(),
                                     "exit_reason": "goal_reached"}]), "again.csv", TODAY)  # fmt: skip
    session.commit()
    before = trail(session, unit)
    about_gone = [e for e in before if e[1:3] == ("journeys", str(gone_id)) or (e[1] == "job_spells" and e[2] in jobs)]
    assert len(about_gone) == 7  # created (journey, two jobs), changed by hand, job changed, job deleted, import
    assert any("GONE-1" in str(e[3]) for e in about_gone)

    result = runner.invoke(main, ["purge", "--older-than", "24"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].endswith("; audit entries cleared of their values: 7")
    after = trail(session, unit)
    cleared = {CLEARED: [None, CUTOFF.isoformat()]}
    assert after == [(a, entity, row, cleared if e in about_gone else changes)
                     for e in before for a, entity, row, changes in [e]]  # fmt: skip
    assert "GONE-1" not in str(after) and "KEPT-1" in str(after)
    purge = session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).one()
    assert purge.changes["cleared"] == [None, 7]

    # The trail shows that the journey was changed, by whom and when, and says why its values are gone.
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    page = client.get(f"/units/{unit.code}/audit").get_data(as_text=True)
    assert "GONE-1" not in page and "KEPT-1" in page
    assert (
        page.count(f"Values cleared under the retention rule: the journey is deleted (purge cut-off {day(CUTOFF)}).")
        == 7
    )
    assert f'<span class="code">#{gone_id}</span>' in page
    assert journey_codes(session) == {"KEPT-1"}


def test_the_purge_clears_the_trail_of_journeys_deleted_by_hand(
    runner: FlaskCliRunner, session: Any, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A journey deleted by hand (a mistake, a person who asked to be forgotten) left its values in the trail's
    entries. The purge clears them once the deletion is older than the cut-off, or the journey had ended before the
    cut-off (the purge would have deleted it). Its unit's journeys are not said to be purged: its figures lost
    nothing."""
    unit = factories.unit()
    refused = {"decision": Decision.NOT_ACCEPTED, "not_accepted_reason": NotAcceptedReason.NOT_READY}
    journeys = [
        factories.journey(unit, ago(3), code="DELETED-LONG-AGO", jobs=((ago(2), None),)),
        factories.journey(unit, ago(3), code="DELETED-LATELY"),
        factories.journey(unit, ago(40), code="LEFT-LONG-AGO", exit_date=ago(30), exit_reason=ExitReason.WITHDREW),
        factories.journey(unit, ago(40), code="REFUSED-LONG-AGO", decision_date=ago(39), **refused),
        factories.journey(unit, ago(30), code="REFUSED-LATELY", decision_date=ago(23), **refused),
    ]
    with app.app_context():  # a deletion keeps a digest of the code, keyed with the app's secret key
        for journey in journeys:
            delete_journey(journey)
        session.commit()
    # The first deletion was made before the cut-off; the others today.
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.unit_id == unit.id)):
        if "DELETED-LONG-AGO" in str(entry.changes) or entry.entity == "job_spells":
            entry.at = datetime.combine(CUTOFF - timedelta(days=1), time(12), tzinfo=UTC)
    session.commit()
    before = trail(session, unit)
    gone = ("DELETED-LONG-AGO", "LEFT-LONG-AGO", "REFUSED-LONG-AGO")

    result = runner.invoke(main, ["purge", "--older-than", "24"])
    assert result.exit_code == 0, result.output
    # Each was created and deleted; the first had a job, created and deleted with it.
    assert result.output.splitlines()[1] == (
        f"  {unit.code}: 0 removed; quarters locked: none; audit entries cleared of their values: 8"
    )
    after = trail(session, unit)
    assert [e[3] == {CLEARED: [None, CUTOFF.isoformat()]} for e in after] == [
        any(code in str(e[3]) for code in gone) or e[1] == "job_spells" for e in before
    ]
    assert "DELETED-LATELY" in str(after) and "REFUSED-LATELY" in str(after)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).one()
    assert (entry.entity, entry.changes) == ("audit_log", {"cleared": [None, 8], "cutoff": [None, CUTOFF.isoformat()]})
    assert latest_purge(unit.id) is None
    # Cleared once: a later purge finds nothing more to do, and reads only the deletions it has not cleared.
    read: list[Any] = []
    with monkeypatch.context() as patch:
        patch.setattr(purge, "deleted_journey_end", lambda values: read.append(values) or deleted_journey_end(values))
        again = runner.invoke(main, ["purge", "--older-than", "24"])
    assert again.output.splitlines()[1] == "  none; nothing to remove."
    assert len(read) == 2 and "DELETED-LATELY" in str(read) and "REFUSED-LATELY" in str(read)


@pytest.mark.parametrize(
    ("values", "end"),
    [
        ({"referral_date": "2020-01-02", "exit_date": "2021-03-04", "decision": "accepted"}, date(2021, 3, 4)),
        ({"referral_date": "2020-01-02", "decision": "not_accepted", "decision_date": "2020-02-03"}, date(2020, 2, 3)),
        ({"referral_date": "2020-01-02", "decision": "not_accepted"}, date(2020, 1, 2)),
        ({"referral_date": "2020-01-02", "decision": "accepted", "enrolment_date": "2020-02-01"}, None),
        ({"referral_date": "2020-01-02"}, None),
    ],
)
def test_a_journey_deleted_by_hand_ended_as_its_deletion_recorded(values: dict[str, str], end: date | None) -> None:
    assert deleted_journey_end({field: [value, None] for field, value in values.items()}) == end


def _record(journey: Journey) -> dict[str, Any]:
    return {field: getattr(journey, field) for field in JOURNEY_FIELDS}


def test_a_job_an_import_rewrote_is_still_named_and_cleared_by_its_journey(
    runner: FlaskCliRunner, session: Any, client: Any
) -> None:
    """An import replaces a journey's jobs with new rows. A change made by hand to an imported job before that names
    the journey it belonged to: the trail names the job by the journey's code, and the purge clears it with the
    journey, although the job's row is gone."""
    unit = factories.unit()
    row = {"code": "REWRITTEN-1", "referral_date": ago(40).isoformat(), "decision": "accepted",
           "decision_date": ago(40).isoformat(), "enrolment_date": ago(39).isoformat(),
           "job1_start": ago(35).isoformat(), "job1_competitive": "yes"}  # fmt: skip
    import_journeys(unit, csv_file([row]), "first.csv", TODAY)
    session.commit()
    journey = session.scalars(select(Journey).where(Journey.unit_id == unit.id)).one()
    (job,) = journey.jobs
    job_id = job.id
    save_spell(journey, "jobs", {"start_date": ago(35), "end_date": ago(33), "competitive": True,
                                 "hours_per_week": 20}, job_id)  # fmt: skip
    session.commit()
    changed = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "job_spells", AuditEntry.entity_id == str(job_id))
    ).one()
    assert changed.changes["journey_id"] == [journey.id, journey.id]
    assert changed.changes["end_date"] == [None, ago(33).isoformat()]
    # The journey ends, and a new file rewrites its jobs: the job changed by hand is deleted.
    ended = {**row, "job1_end": ago(33).isoformat(), "exit_date": ago(30).isoformat(), "exit_reason": "goal_reached"}
    import_journeys(unit, csv_file([ended]), "again.csv", TODAY)
    session.commit()
    assert session.get(JobSpell, job_id) is None

    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    page = client.get(f"/units/{unit.code}/audit").get_data(as_text=True)
    assert f'changed job <strong>REWRITTEN-1</strong> <span class="code">#{job_id}</span>' in page
    assert 'title="journey_id"' not in page  # what the job belongs to is not shown as a change

    assert runner.invoke(main, ["purge", "--older-than", "24"]).exit_code == 0
    session.expire_all()
    assert session.get(AuditEntry, changed.id).changes == {CLEARED: [None, CUTOFF.isoformat()]}
    assert "REWRITTEN-1" not in str(trail(session, unit))


def test_the_purge_clears_the_file_names_of_imports_made_before_the_cut_off(
    runner: FlaskCliRunner, session: Any, client: Any
) -> None:
    """An import keeps its file's name when nothing in it points at a person, but a check cannot foresee every way
    people name a referral's file. An import made before the cut-off keeps its counts and loses its file's name; a
    later one keeps both. The unit's journeys, still served, are not said to be purged."""
    unit = factories.unit()
    row = {"code": "STILL-SERVED", "referral_date": ago(3).isoformat()}
    import_journeys(unit, csv_file([row]), "eklöf remiss.csv", TODAY)
    import_journeys(unit, csv_file([row]), "lately.csv", TODAY)
    session.commit()
    old, recent = session.scalars(select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.id))
    old.at = datetime.combine(CUTOFF - timedelta(days=1), time(12), tzinfo=UTC)
    session.commit()
    counts = {field: value for field, value in old.changes.items() if field != "file"}

    result = runner.invoke(main, ["purge", "--older-than", "24"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == (
        f"  {unit.code}: 0 removed; quarters locked: none; imports' file names cleared: 1"
    )
    session.expire_all()
    assert old.changes == {**counts, "file": [None, None], "file_cleared": [None, CUTOFF.isoformat()]}
    assert recent.changes["file"] == [None, "lately.csv"]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).one()
    assert (entry.entity, entry.changes) == (
        "audit_log",
        {"file_names_cleared": [None, 1], "cutoff": [None, CUTOFF.isoformat()]},
    )
    assert latest_purge(unit.id) is None
    assert journey_codes(session) == {"STILL-SERVED"}
    login(client, factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id).email)
    page = client.get(f"/units/{unit.code}/audit").get_data(as_text=True)
    assert "eklöf" not in page and "lately.csv" in page
    assert "<td>the command line</td>" in page and "<td>cli</td>" not in page  # who purged, in words
    swedish = client.get(f"/units/{unit.code}/audit", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "<td>kommandoraden</td>" in swedish
    assert "File&#39;s name cleared by the purge of journeys that ended before" in page
    # Cleared once: a later purge finds nothing more to do.
    assert runner.invoke(main, ["purge", "--older-than", "24"]).output.splitlines()[1] == "  none; nothing to remove."


def test_a_unit_whose_code_is_digits_keeps_its_imports_and_exports_apart_from_a_journey_with_that_id(
    runner: FlaskCliRunner, session: Any, client: Any
) -> None:
    """An import's or an export's entry names its unit by the unit's code, which may be digits alone: it is never
    taken for the entry of the journey whose id those digits are, on the trail's page, in a purge or an erasure."""
    other = factories.unit()
    old = factories.journey(other, ago(40), code="OTHER-OLD", exit_date=ago(30), exit_reason=ExitReason.WITHDREW)
    unit = factories.unit()
    unit.code = str(old.id)
    factories.journey(unit, ago(40), code="MINE-OLD", exit_date=ago(30), exit_reason=ExitReason.WITHDREW)
    row = {"code": "STILL-SERVED", "referral_date": ago(3).isoformat()}
    import_journeys(unit, csv_file([row]), "spring.csv", TODAY)
    session.commit()
    manager = factories.user(Role.FRONTLINE_MANAGER, unit_id=unit.id)
    login(client, manager.email)
    assert client.get(f"/units/{unit.code}/journeys/export.csv").status_code == 200
    page = client.get(f"/units/{unit.code}/audit").get_data(as_text=True)
    assert "OTHER-OLD" not in page
    assert runner.invoke(main, ["purge", "--older-than", "24"]).exit_code == 0  # deletes OTHER-OLD, id = the code
    session.expire_all()
    kept = session.scalars(select(AuditEntry).where(AuditEntry.action.in_(["import", "export"]))).all()
    assert sorted(entry.action for entry in kept) == ["export", "import"]
    assert [CLEARED in entry.changes for entry in kept] == [False, False]
    assert sorted(entry.changes.get("file", ["", "the export"])[1] for entry in kept) == ["spring.csv", "the export"]
