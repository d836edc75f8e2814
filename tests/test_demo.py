"""`fidelity demo --no-serve` on an empty instance, and again: the second run changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text

from fidelity.config import normalise_database_url
from fidelity.demo import ACTIONS, UNITS, review_dates
from fidelity.extensions import db
from fidelity.models import (
    Action,
    ActionComment,
    Area,
    AuditEntry,
    Journey,
    QuarterlyOutcome,
    Rating,
    Review,
    Unit,
    User,
)
from tests.conftest import make_app
from tests.factories import app_today
from tests.test_demo_synthetic import assert_every_unit_passes_the_import_checks

FIDELITY = Path(sys.executable).with_name("fidelity")


def run_demo(instance: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIDELITY_")}
    env |= {"FIDELITY_INSTANCE_PATH": str(instance), "FIDELITY_DATABASE_URL": database_url}
    return subprocess.run(
        [str(FIDELITY), "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def snapshot(database_url: str) -> dict[str, object]:
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        counts = {
            m.__tablename__: conn.scalar(select(func.count()).select_from(m))
            for m in (Area, Unit, User, Review, Rating, Action, ActionComment, AuditEntry)
        }
        counts["ratings_sum"] = conn.scalar(select(func.sum(Rating.score)))
        counts["by_kind"] = sorted(
            (str(kind), str(status), n)
            for kind, status, n in conn.execute(
                select(Review.kind, Review.status, func.count()).group_by(Review.kind, Review.status)
            )
        )
        counts["revision"] = conn.scalar(text("SELECT version_num FROM alembic_version"))
        units = conn.execute(select(Unit.code, Unit.host_type, Unit.offers_sed).order_by(Unit.code)).all()
        counts["refusals"] = sorted(
            (code, str(reason), n)
            for code, reason, n in conn.execute(
                select(Unit.code, Journey.not_accepted_reason, func.count())
                .select_from(Journey)
                .join(Unit, Unit.id == Journey.unit_id)
                .where(Journey.not_accepted_reason.is_not(None))
                .group_by(Unit.code, Journey.not_accepted_reason)
            )
        )
        counts["waiting"] = dict(
            conn.execute(
                select(Unit.code, func.count())
                .select_from(Journey)
                .join(Unit, Unit.id == Journey.unit_id)
                .where(Journey.enrolment_date.is_(None), Journey.exit_date.is_(None))
                .where(Journey.decision.is_distinct_from("not_accepted"))
                .group_by(Unit.code)
            ).all()
        )
        # Per quarter with jobs reaching their 90th day: how many did, and how many of those were still held.
        counts["retention"] = [
            tuple(row)
            for row in conn.execute(
                select(QuarterlyOutcome.retention_window_closed, QuarterlyOutcome.retained_90).where(
                    QuarterlyOutcome.retention_window_closed > 0
                )
            )
        ]
        actions = conn.execute(
            select(Unit.code, Action.status, Action.due_date, Action.owner_id, User.email)
            .join(Unit, Unit.id == Action.unit_id)
            .join(User, User.id == Action.owner_id)
            .order_by(Action.id)
        ).all()
    engine.dispose()
    return counts | {"unit_rows": [tuple(u) for u in units], "action_rows": [tuple(a) for a in actions]}


def test_demo_on_an_empty_instance_and_twice_in_a_row(tmp_path: Path, database_factory: Callable[[], str]) -> None:
    url = database_factory()
    first = run_demo(tmp_path, url)
    assert first.returncode == 0, first.stderr
    assert "Demo data added." in first.stdout
    assert "password is 'fidelity-demo'" in first.stdout and "admin@demo.example.org" in first.stdout
    after_first = snapshot(url)

    app = make_app(tmp_path / "checks", url)
    with app.app_context():
        assert_every_unit_passes_the_import_checks()
        db.session.remove()
        db.engine.dispose()

    second = run_demo(tmp_path, url)
    assert second.returncode == 0, second.stderr
    assert "already has data; nothing was added" in second.stdout
    assert snapshot(url) == after_first

    # One organisation, two areas, six units: five municipal, one psychiatric for young adults; some offer SEd.
    assert after_first["areas"] == 2 and after_first["units"] == 6
    hosts = [host for _, host, _ in after_first["unit_rows"]]  # type: ignore[union-attr]
    assert sorted(h.value if hasattr(h, "value") else h for h in hosts).count("municipal_social_services") == 5
    with_sed = sum(1 for spec in UNITS if spec.sed)
    assert 0 < with_sed < 6
    # Three years of half-yearly self-assessments, IPS for every unit and SEd where offered; one final external
    # review and one at consensus.
    assert after_first["by_kind"] == [
        ("external", "consensus", 1),
        ("external", "final", 1),
        ("self_assessment", "submitted", 6 * 6 + 6 * with_sed),
    ]
    assert after_first["audit_log"] >= after_first["ratings"]  # every insert was audited
    # Journeys: a queue at the unit that requires a needs assessment, 'not motivated' refusals at another.
    refusals = after_first["refusals"]
    waiting = after_first["waiting"]
    assert isinstance(refusals, list) and isinstance(waiting, dict)
    assert any(code == "SDV-02" and reason == "not_motivated" and n >= 10 for code, reason, n in refusals)
    assert any(code == "NRV-02" and reason == "needs_assessment_not_granted" for code, reason, _ in refusals)
    assert waiting["NRV-02"] > 2 * max(n for code, n in waiting.items() if code != "NRV-02")
    # Jobs are lost too: about one in five ends before its 90th day, so 90-day retention is well below 100 % overall
    # and in most quarters.
    retention: list[tuple[int, int]] = after_first["retention"]  # type: ignore[assignment]
    closed, held = sum(c for c, _ in retention), sum(h for _, h in retention)
    assert 0.65 <= held / closed <= 0.9
    assert sum(1 for c, h in retention if h == c) < 0.6 * len(retention)
    # Action plans owned by each unit's frontline manager: one overdue, one done, one in progress.
    rows: list[Any] = after_first["action_rows"]  # type: ignore[assignment]
    assert len(rows) == len(ACTIONS) and after_first["action_comments"] >= 1
    assert all(email == f"{code.lower()}@demo.example.org" for code, _, _, _, email in rows)
    statuses = [status.value if hasattr(status, "value") else status for _, status, _, _, _ in rows]
    assert {"done", "in_progress"} <= set(statuses)
    today = app_today()
    assert any(
        s in ("open", "in_progress") and due < today for (_, _, due, _, _), s in zip(rows, statuses, strict=True)
    )


def test_review_dates_are_half_yearly_and_in_the_past() -> None:

    dates = review_dates(date(2026, 11, 22))
    assert dates == [
        date(2024, 3, 15),
        date(2024, 9, 15),
        date(2025, 3, 15),
        date(2025, 9, 15),
        date(2026, 3, 15),
        date(2026, 9, 15),
    ]
    assert review_dates(date(2026, 3, 20))[-1] == date(2025, 9, 15)
