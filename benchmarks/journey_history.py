"""How long one journey's history takes to read in a unit whose audit trail holds many entries about other journeys.

    .venv/bin/python benchmarks/journey_history.py [--entries 200000] [--database-url URL] [--repeat 5]

In a unit of a fresh database (a temporary SQLite file by default, or a throwaway database beside the PostgreSQL
database a postgresql:// URL names), one journey is made with a job, and both changed by hand; then `--entries`
entries about other journeys of the unit, their jobs among them, are written as the audit listener writes them. It
times what the journey's changes page reads (`journey_trail`) and what an import's check reads (`history`), each the
best of `--repeat`. Both read the journey's entries by their journey (`audit_log.journey_id`), so neither should grow
with the unit's trail: before that column, each read the unit's whole trail about journeys.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from common import database_name
from import_journeys import unit_in_fresh_database
from sqlalchemy import func, insert, select, text

WRITTEN_AT_ONCE = 20_000


def other_entries(unit_id: int, count: int) -> list[dict[str, Any]]:
    """`count` entries about other journeys of the unit, ten to a journey: a third about a journey, the rest about
    one of its jobs."""
    now = datetime.now(UTC)
    entries = []
    for number in range(count):
        journey = 1_000_000 + number // 10
        if number % 3 == 0:
            about = {"entity": "journeys", "entity_id": str(journey), "changes": {"exit_date": [None, "2026-01-01"]}}
        else:
            changes = {"journey_id": [journey, journey], "end_date": [None, "2026-01-01"]}
            about = {"entity": "job_spells", "entity_id": str(2_000_000 + number), "changes": changes}
        entries.append(about | {"at": now, "actor_label": "bench", "action": "update", "unit_id": unit_id,
                                "journey_id": journey})  # fmt: skip
    return entries


def best(call: Callable[[], list[Any]], repeat: int) -> tuple[float, int]:
    """The shortest of `repeat` runs, in seconds, and how many entries it found."""
    from fidelity.extensions import db

    times, found = [], 0
    for _ in range(repeat):
        db.session.expire_all()
        start = time.perf_counter()
        found = len(call())
        times.append(time.perf_counter() - start)
    return min(times), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000, help="entries about other journeys (default 200,000)")
    parser.add_argument("--database-url", help="a postgresql:// URL to run on PostgreSQL (default: SQLite)")
    parser.add_argument("--repeat", type=int, default=5, help="times each is run; the best time counts")
    args = parser.parse_args()

    from fidelity.extensions import db
    from fidelity.models import AgeBand, AuditEntry, Goal, JobSpell, Journey
    from fidelity.monitoring.held_imports import history
    from fidelity.monitoring.journey_queries import journey_trail

    with tempfile.TemporaryDirectory(prefix="fidelity-bench-") as tmp:
        folder = Path(tmp)
        os.environ["FIDELITY_INSTANCE_PATH"] = str(folder / "instance")
        with unit_in_fresh_database(args.database_url, folder) as unit:
            journey = Journey(unit=unit, code="NRV-0000001", referral_date=date(2026, 1, 5), goal=Goal.WORK,
                              age_band=AgeBand.AGE_30_39)  # fmt: skip
            journey.jobs.append(JobSpell(start_date=date(2026, 2, 1)))
            db.session.add(journey)
            db.session.commit()
            journey.exit_date, journey.jobs[0].end_date = date(2026, 3, 1), date(2026, 2, 20)
            db.session.commit()
            unit_id, journey_id = unit.id, journey.id
            entries = other_entries(unit_id, args.entries)
            for start in range(0, len(entries), WRITTEN_AT_ONCE):
                db.session.execute(insert(AuditEntry), entries[start : start + WRITTEN_AT_ONCE])
            db.session.commit()
            through = db.session.scalar(select(func.max(AuditEntry.id))) or 0
            total = db.session.scalar(select(func.count()).select_from(AuditEntry))
            if db.engine.dialect.name == "postgresql":  # as autovacuum would, in time
                db.session.execute(text("ANALYZE audit_log"))
                db.session.commit()
            journey = db.session.get(Journey, journey_id)
            print(f"{total:,} audit entries in the unit's trail; {database_name(args.database_url)}; "
                  f"best of {args.repeat}")  # fmt: skip
            for name, call in (
                ("journey_trail (the journey's changes page)", lambda: journey_trail(unit_id, journey)),
                ("history (an import's check)", lambda: history(unit_id, [journey_id], through)),
            ):
                seconds, found = best(call, args.repeat)
                print(f"  {name}: {seconds * 1000:.1f} ms, {found} entries")


if __name__ == "__main__":
    main()
