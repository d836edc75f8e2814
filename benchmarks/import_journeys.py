"""How long the journey import takes against pandas.read_csv of the same file (the target: at most 5 times as long).

    .venv/bin/python benchmarks/import_journeys.py [--rows 100000] [--database-url URL] [--repeat 3]

It writes a CSV of realistic journeys (with job and education spells) to a temporary folder, times `pandas.read_csv`
of it, then times the whole import (read, check, write, commit) into a fresh database: a temporary SQLite file by
default, or a throwaway database created beside the PostgreSQL database a postgresql:// URL names (and dropped
afterwards). Each is timed `--repeat` times, taking turns (the import each time into a new database); the best
times are compared.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import random
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from common import database_name, fresh_database

from fidelity.monitoring.layout import header

TARGET = 5.0
AGE_BANDS = ["18_24", "25_29", "30_39", "40_49", "50_64"]
NOT_ACCEPTED = ["not_motivated", "not_ready", "needs_assessment_not_granted", "declined", "not_reached", "other"]
EXITS = ["goal_reached", "goal_reached", "withdrew", "lost_contact", "moved_away", "referred_elsewhere"]


# The file records what had happened by this day: nothing in it comes later (an import refuses dates after its day).
AS_OF = date(2026, 6, 30)


def _day(value: date | None) -> str:
    return value.isoformat() if value and value <= AS_OF else ""


def journey_row(number: int, rng: random.Random) -> dict[str, str]:
    """One person's journey: most accepted, some screened out or still waiting; jobs and courses for many."""
    referral = date(2019, 1, 1) + timedelta(days=rng.randrange(2400))
    goal = rng.choices(["work", "education", "both"], weights=[6, 2, 2])[0]
    row = {
        "code": f"NRV-{number:07d}",  # seven digits: six could read as a date of birth (NRV-010101)
        "referral_date": _day(referral),
        "age_band": rng.choice(AGE_BANDS),
        "goal": goal,
    }
    outcome = rng.random()
    if outcome < 0.05:  # still waiting for a decision
        return row
    decided = referral + timedelta(days=rng.randrange(1, 30))
    if outcome < 0.15:
        row |= {
            "decision": "not_accepted",
            "decision_date": _day(decided),
            "not_accepted_reason": rng.choice(NOT_ACCEPTED),
        }
        return row
    meeting = decided + timedelta(days=rng.randrange(0, 20))
    enrolled = meeting + timedelta(days=rng.randrange(0, 30))
    row |= {
        "decision": "accepted",
        "decision_date": _day(decided),
        "first_meeting_date": _day(meeting),
        "enrolment_date": _day(enrolled),
    }
    contacts = [enrolled]  # no first contact comes after the exit either
    if goal != "education" and rng.random() < 0.8:
        contacts.append(enrolled + timedelta(days=rng.randrange(1, 90)))
        row["first_employer_contact_date"] = _day(contacts[-1])
    if goal != "work" and rng.random() < 0.8:
        contacts.append(enrolled + timedelta(days=rng.randrange(1, 90)))
        row["first_education_contact_date"] = _day(contacts[-1])
    start = enrolled + timedelta(days=rng.randrange(20, 200))
    for job in range(1, rng.choice([0, 0, 1, 1, 1, 2, 3]) + 1):
        end = start + timedelta(days=rng.randrange(30, 400)) if rng.random() < 0.6 else None
        if start > AS_OF:
            break
        row |= {
            f"job{job}_start": _day(start),
            f"job{job}_end": _day(end),
            f"job{job}_competitive": rng.choice(["yes", "yes", "yes", "no"]),
            f"job{job}_hours": rng.choice(["8", "10", "16", "20", "25", "30", "37.5", "40", ""]),
        }
        start = (end or start) + timedelta(days=rng.randrange(10, 120))
    latest = max(start, *contacts)  # no job or course starts after the exit
    if goal != "work" and rng.random() < 0.6:
        course = enrolled + timedelta(days=rng.randrange(10, 200))
        row |= {
            "education1_start": _day(course),
            "education1_end": _day(course + timedelta(days=rng.randrange(60, 600))),
        }
        latest = max(latest, course)
    exit_date = latest + timedelta(days=rng.randrange(0, 300))
    if rng.random() < 0.5 and exit_date <= AS_OF:
        row |= {"exit_date": _day(exit_date), "exit_reason": rng.choice(EXITS)}
    return row


def write_file(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    columns = header(jobs=3, education=1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        for number in range(1, rows + 1):
            writer.writerow(journey_row(number, rng))


@contextlib.contextmanager
def unit_in_fresh_database(url: str | None, folder: Path) -> Iterator[Any]:
    """A unit in a new, migrated database (inside the app's context), for journeys to be imported into."""
    from flask_migrate import upgrade

    from fidelity import create_app
    from fidelity.extensions import db
    from fidelity.models import Area, HostType, Organisation, Unit

    with fresh_database(url, folder) as database_url:
        app = create_app({"DATABASE_URL": database_url})
        with app.app_context():
            with contextlib.redirect_stderr(io.StringIO()):
                upgrade()
            area = Area(code="NORTH", name="North", organisation=Organisation(code="NRV", name="Norrvik"))
            unit = Unit(
                code="NRV-01",
                name="Norrvik",
                area=area,
                host_type=HostType.MUNICIPAL_SOCIAL_SERVICES,
                offers_ips=True,
                offers_sed=True,
                target_group="Adults",
            )
            db.session.add(unit)
            db.session.commit()
            yield unit
            db.session.remove()
            db.engine.dispose()


def timed_import(path: Path, url: str | None, folder: Path) -> float:
    """Seconds to import `path` into a unit of a fresh database: read, check, write and commit."""
    from fidelity.extensions import db
    from fidelity.monitoring.imports import import_journeys

    with unit_in_fresh_database(url, folder) as unit:
        start = time.perf_counter()
        summary = import_journeys(unit, path.read_bytes(), path.name, date.today())
        db.session.commit()
        seconds = time.perf_counter() - start
    print(
        f"  imported {summary.journeys:,} journeys, {summary.jobs:,} jobs, {summary.education:,} courses "
        f"in {seconds:.2f} s"
    )
    return seconds


def checking_only(path: Path) -> float:
    """Seconds to read and check the file without writing: the part of the import that is ours alone."""
    from fidelity.monitoring.journey_files import read_cells
    from fidelity.monitoring.validation import check_journeys

    start = time.perf_counter()
    check_journeys(read_cells(path.read_bytes(), path.name), date.today())
    return time.perf_counter() - start


def reading(path: Path) -> float:
    start = time.perf_counter()
    pd.read_csv(path)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="journeys in the file (default 100,000)")
    parser.add_argument("--database-url", help="a postgresql:// URL to run on PostgreSQL (default: SQLite)")
    parser.add_argument("--repeat", type=int, default=3, help="times each is run; the best time counts")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fidelity-bench-") as tmp:
        folder = Path(tmp)
        os.environ["FIDELITY_INSTANCE_PATH"] = str(folder / "instance")
        path = folder / "journeys.csv"
        write_file(path, args.rows, args.seed)
        database = database_name(args.database_url)
        print(f"{args.rows:,} journeys, {path.stat().st_size / 1e6:.1f} MB of CSV; {database}; best of {args.repeat}")
        # The three take turns, once each per round, so that each meets the machine as the others do.
        rounds = [
            (reading(path), checking_only(path), timed_import(path, args.database_url, folder))
            for _ in range(args.repeat)
        ]
        read_seconds, check_seconds, import_seconds = (min(column) for column in zip(*rounds, strict=True))
    ratio = import_seconds / read_seconds
    print(f"pandas.read_csv:    {read_seconds:6.2f} s")
    print(f"read and check:     {check_seconds:6.2f} s  ({check_seconds / read_seconds:.1f}x read_csv)")
    print(
        f"import (all of it): {import_seconds:6.2f} s  ({ratio:.1f}x read_csv; target at most {TARGET:.0f}x: "
        f"{'met' if ratio <= TARGET else 'not met'})"
    )


if __name__ == "__main__":
    main()
