"""The comparison page's server time at national scale, beside a trivial page's in the same run.

    .venv/bin/python benchmarks/comparison.py [--units 400] [--years 10] [--journeys 1000000]
                                              [--database-url URL ...] [--repeat 21]

For each database (a temporary SQLite file by default; each `--database-url postgresql://...` adds a throwaway
PostgreSQL database beside the one it names, dropped afterwards) it builds the synthetic organisation with
`fidelity demo --synthetic --no-serve` in a separate process (400 units, ten years of half-yearly reviews, a million
journeys with their jobs, courses and kept quarterly figures), then, in this process, logs in as the administrator
(who compares the whole organisation) and requests through the WSGI app, after a warm-up, the routes taking turns
(one request each per round, so that the page and the trivial route meet the same conditions):

- `/comparison`: the page, every unit in its tables of overdue reviews and outcomes, the first 50 in detail;
- `/comparison/chart.svg`: the scatter of fidelity against employment, a separate resource of the page;
- `/login` for a visitor: the trivial route, a small template rendered by the same app.

It prints the median and 90th percentile of each, and the comparison page against the targets: under 0.5 s, and
within 20 times the trivial route.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import database_name, fresh_database

SECONDS_TARGET = 0.5
RATIO_TARGET = 20.0


def build(database_url: str, folder: Path, units: int, years: int, journeys: int) -> float:
    """Build the synthetic organisation in a separate process, as an operator would; seconds taken."""
    env = os.environ | {"FIDELITY_DATABASE_URL": database_url, "FIDELITY_INSTANCE_PATH": str(folder / "instance")}
    command = [str(Path(sys.executable).parent / "fidelity"), "demo", "--synthetic", "--no-serve",
               "--units", str(units), "--years", str(years), "--journeys", str(journeys)]  # fmt: skip
    start = time.perf_counter()
    made = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if made.returncode != 0:
        sys.exit(f"building the synthetic organisation failed:\n{made.stdout}\n{made.stderr}")
    seconds = time.perf_counter() - start
    print("  " + made.stdout.strip().splitlines()[0] + f" ({seconds:.0f} s)")
    return seconds


def timings(client: Any, path: str, repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - start)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}")
    return seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(database_url: str, folder: Path, repeat: int) -> dict[str, list[float]]:
    from fidelity import create_app
    from fidelity.demo import DEMO_PASSWORD
    from fidelity.demo_synthetic import SYNTHETIC_ADMIN

    app = create_app({"DATABASE_URL": database_url})
    admin, visitor = app.test_client(), app.test_client()
    page = admin.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    answer = admin.post("/login", data={"email": SYNTHETIC_ADMIN, "password": DEMO_PASSWORD, "csrf_token": token})
    if answer.status_code != 302:
        sys.exit("could not log in as the synthetic administrator")
    routes = {
        "/comparison": (admin, "/comparison"),
        "/comparison/chart.svg": (admin, "/comparison/chart.svg"),
        "/login (trivial)": (visitor, "/login"),
    }
    for client, path in routes.values():
        timings(client, path, 3)
    # A server process holds only the app: what start-up made is left out of the garbage collector's rounds.
    gc.collect()
    gc.freeze()
    # The routes take turns, one request each per round, so that both sides of the ratio meet the same machine.
    results: dict[str, list[float]] = {name: [] for name in routes}
    for _ in range(repeat):
        for name, (client, path) in routes.items():
            results[name] += timings(client, path, 1)
    with app.app_context():
        from fidelity.extensions import db

        db.session.remove()
        db.engine.dispose()
    return results


def verdict(met: bool) -> str:
    return "met" if met else "not met"


def report(name: str, results: dict[str, list[float]]) -> bool:
    print(f"  {'route':24} {'median':>9} {'p90':>9}")
    for route, seconds in results.items():
        print(f"  {route:24} {statistics.median(seconds) * 1000:7.1f}ms {percentile(seconds, 0.9) * 1000:7.1f}ms")
    page = statistics.median(results["/comparison"])
    ratio = page / statistics.median(results["/login (trivial)"])
    fast, close = page < SECONDS_TARGET, ratio <= RATIO_TARGET
    print(f"  {name}: /comparison {page:.3f} s (target under {SECONDS_TARGET} s: {verdict(fast)}); "
          f"{ratio:.1f}x the trivial route (target at most {RATIO_TARGET:.0f}x: {verdict(close)})")  # fmt: skip
    return fast and close


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--database-url", action="append", default=[],
                        help="a postgresql:// URL; repeat for several; 'sqlite' for a temporary SQLite file "
                             "(the default when none is given)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=21, help="requests timed per route (default 21)")
    args = parser.parse_args()
    met = True
    with tempfile.TemporaryDirectory(prefix="fidelity-bench-") as tmp:
        folder = Path(tmp)
        os.environ["FIDELITY_INSTANCE_PATH"] = str(folder / "instance")
        for url in args.database_url or ["sqlite"]:
            name = database_name(url)
            print(f"{name}: {args.units} units, {args.years} years of half-yearly reviews, {args.journeys:,} journeys")
            with fresh_database(None if url == "sqlite" else url, folder) as database_url:
                build(database_url, folder, args.units, args.years, args.journeys)
                with contextlib.redirect_stderr(io.StringIO()):
                    results = measure(database_url, folder, args.repeat)
                met = report(name, results) and met
                gc.unfreeze()
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
