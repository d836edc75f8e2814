"""Concurrent use on the production server: no errors and no lost writes.

    .venv/bin/python benchmarks/load.py [--database-url postgresql://postgres@127.0.0.1:5432/test]
                                        [--users 20] [--seconds 60] [--workers 4]

It creates a throwaway PostgreSQL database beside the one named, migrates it, adds the demo organisation and one
unit with its own frontline manager per simulated user, and starts gunicorn with the project's `gunicorn.conf.py`
(`--workers` processes). Then `--users` simulated users work at once for `--seconds`: each logs in, opens the unit
list, its unit page and the outcomes page, starts a self-assessment, saves a draft of half the items, submits it
with all 25 scored, and imports a small journey file; every tenth round it logs out and in again. A write counts as
acknowledged when the server answered it with success. Afterwards every acknowledged write is looked up in the
database: each submitted self-assessment with its total and 25 ratings, each imported journey by its code.

It prints the requests made, the errors (any 5xx, a dropped connection, or an unexpected answer; target 0), the
lost writes (target 0), and the 50th and 95th percentile latency.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from common import fresh_database
from import_journeys import journey_row

from fidelity.monitoring.layout import header

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password"  # noqa: S105 - throwaway accounts in a throwaway database
# A form's token as WTForms writes it, or as the page header's log-out and language forms do.
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
REVISION = re.compile(r'name="revision" type="hidden" value="(\d+)"')
REVIEW_ID = re.compile(r"/reviews/(\d+)/edit")


@dataclass
class Tally:
    """What the simulated users saw, shared between their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    submitted: dict[int, int] = field(default_factory=dict)  # review id -> total the server acknowledged
    imported: dict[str, set[str]] = field(default_factory=dict)  # unit code -> journey codes acknowledged


class User:
    """One simulated person: a cookie jar, a unit and what they have done."""

    def __init__(self, base: str, number: int, tally: Tally) -> None:
        self.base, self.number, self.tally = base, number, tally
        self.email, self.unit = f"load{number:02d}@load.example.org", f"LOAD-{number:02d}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )
        self.rng = random.Random(number)
        self.round = 0

    def request(
        self, path: str, data: dict[str, str] | None = None, files: bytes | None = None
    ) -> tuple[int, str, str]:
        """Status, body and Location of one request; a 5xx or a failed connection is counted as an error."""
        body, headers = None, {}
        if files is not None:
            body, content_type = multipart(data or {}, files)
            headers["Content-Type"] = content_type
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 - http://127.0.0.1
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, text, location = response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as exc:
            status, text, location = exc.code, exc.read().decode(errors="replace"), exc.headers.get("Location", "")
        except OSError as exc:
            self.error(f"{path}: {exc}")
            return 0, "", ""
        with self.tally.lock:
            self.tally.latencies.append(time.perf_counter() - start)
        if status >= 500:
            self.error(f"{path}: {status}")
        return status, text, location

    def error(self, message: str) -> None:
        with self.tally.lock:
            self.tally.errors.append(f"{self.email} {message}")

    def expect(self, what: str, status: int, *wanted: int) -> bool:
        if status in wanted:
            return True
        if status and status < 500:  # 5xx are counted already
            self.error(f"{what}: {status}")
        return False

    def token(self, path: str) -> tuple[str, str]:
        status, page, _ = self.request(path)
        match = TOKEN.search(page)
        return (match.group(1) or match.group(2), page) if status == 200 and match else ("", page)

    def log_in(self) -> bool:
        token, _ = self.token("/login")
        status, _, _ = self.request("/login", {"email": self.email, "password": PASSWORD, "csrf_token": token})
        return self.expect("log in", status, 302)

    def log_out(self) -> None:
        token, _ = self.token("/")
        self.expect("log out", self.request("/logout", {"csrf_token": token})[0], 302)

    def browse(self) -> None:
        for path in ("/", f"/units/{self.unit}", f"/units/{self.unit}/outcomes"):
            self.expect(path, self.request(path)[0], 200)

    def self_assess(self, keys: list[str]) -> None:
        token, _ = self.token(f"/units/{self.unit}/reviews/new")
        status, _, location = self.request(f"/units/{self.unit}/reviews/new",
                                           {"scale": "ips-25", "review_date": time.strftime("%Y-%m-%d"),
                                            "csrf_token": token})  # fmt: skip
        found = REVIEW_ID.search(location)
        if not self.expect("start a self-assessment", status, 302) or not found:
            return
        edit = f"/units/{self.unit}/reviews/{found.group(1)}/edit"
        scores = {key: self.rng.randint(1, 5) for key in keys}
        for part, button in ((keys[: len(keys) // 2], "save"), (keys, "submit_review")):
            token, page = self.token(edit)
            revision = REVISION.search(page)
            if not token or not revision:
                self.error(f"{edit}: no form")
                return
            form = {f"score_{key}": str(scores[key]) for key in part} | {f"evidence_{key}": "Seen." for key in part}
            form |= {"csrf_token": token, "revision": revision.group(1), button: "1"}
            status, _, _ = self.request(edit, form)
            if not self.expect(f"{button} {edit}", status, 302):
                return
        with self.tally.lock:
            self.tally.submitted[int(found.group(1))] = sum(scores.values())

    def import_journeys(self) -> None:
        columns = header()
        codes = [f"L{self.number:02d}-{self.round:04d}-{n}" for n in range(5)]
        lines = [",".join(columns)]
        for code in codes:
            row = journey_row(self.rng.randrange(10**6), self.rng) | {"code": code}
            lines.append(",".join(row.get(column, "") for column in columns))
        path = f"/units/{self.unit}/journeys/import"
        token, _ = self.token(path)
        status, _, _ = self.request(path, {"csrf_token": token}, files="\n".join(lines).encode())
        if self.expect(f"import {path}", status, 302):
            with self.tally.lock:
                self.tally.imported.setdefault(self.unit, set()).update(codes)

    def work(self, until: float, keys: list[str]) -> None:
        if not self.log_in():
            return
        while time.monotonic() < until:
            self.round += 1
            self.browse()
            self.self_assess(keys)
            self.import_journeys()
            if self.round % 10 == 0:
                self.log_out()
                if not self.log_in():
                    return


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to check, not to follow."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def multipart(fields: dict[str, str], content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="journeys.csv"\r\n'
               f"Content-Type: text/csv\r\n\r\n".encode() + content + f"\r\n--{boundary}--\r\n".encode())  # fmt: skip
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def prepare(database_url: str, users: int) -> list[str]:
    """Schema, demo data, and a unit with its own frontline manager for each simulated user; the scale's items."""
    from flask_migrate import upgrade

    from fidelity import create_app, scale_registry
    from fidelity.demo import seed
    from fidelity.extensions import db
    from fidelity.models import Area, HostType, Role, RoleAssignment, Unit
    from fidelity.models import User as Account

    app = create_app({"DATABASE_URL": database_url})
    with app.app_context():
        upgrade()
        seed(scale_registry(), date.today())
        area = db.session.query(Area).first()
        for number in range(users):
            unit = Unit(code=f"LOAD-{number:02d}", name=f"Load unit {number + 1}", area=area, offers_ips=True,
                        offers_sed=False, host_type=HostType.MUNICIPAL_SOCIAL_SERVICES,
                        target_group="Adults")  # fmt: skip
            db.session.add(unit)
            db.session.flush()
            account = Account(email=f"load{number:02d}@load.example.org", display_name=f"Load user {number + 1}")
            account.set_password(PASSWORD, app.config["PASSWORD_HASH_METHOD"])
            account.roles.append(RoleAssignment(role=Role.FRONTLINE_MANAGER, unit_id=unit.id))
            db.session.add(account)
        db.session.commit()
        keys = list(scale_registry().get("ips-25").item_keys)
        db.engine.dispose()
    return keys


def lost_writes(database_url: str, tally: Tally) -> list[str]:
    """Every acknowledged write that the database does not hold."""
    from sqlalchemy import func, select

    from fidelity import create_app
    from fidelity.extensions import db
    from fidelity.models import Journey, Rating, Review, ReviewStatus, Unit

    lost = []
    app = create_app({"DATABASE_URL": database_url})
    with app.app_context():
        rows = db.session.execute(
            select(Review.id, Review.status, Review.total, func.count(Rating.id))
            .join(Rating, Rating.review_id == Review.id, isouter=True)
            .where(Review.id.in_(tally.submitted))
            .group_by(Review.id, Review.status, Review.total)
        ).all()
        held = {row[0]: row for row in rows}
        for review_id, total in tally.submitted.items():
            row = held.get(review_id)
            if row is None or row[1] != ReviewStatus.SUBMITTED or row[2] != total or row[3] != 25:
                lost.append(f"review {review_id}: acknowledged with total {total}, held {row}")
        for code, journeys in tally.imported.items():
            stored = set(db.session.scalars(select(Journey.code).join(Unit).where(Unit.code == code)))
            lost.extend(f"journey {journey} of {code}" for journey in sorted(journeys - stored))
        db.engine.dispose()
    return lost


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if server.poll() is not None:
            sys.exit("gunicorn stopped before it answered")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not answer /healthz within a minute")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="fidelity-load-") as tmp,
        fresh_database(args.database_url, Path(tmp)) as url,
    ):
        env = os.environ | {"FIDELITY_INSTANCE_PATH": str(Path(tmp) / "instance"), "FIDELITY_DATABASE_URL": url}
        os.environ.update(env)
        keys = prepare(url, args.users)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env |= {"FIDELITY_BIND": f"127.0.0.1:{port}", "FIDELITY_WORKERS": str(args.workers)}
        command = [str(Path(sys.executable).parent / "gunicorn"), "-c", str(PROJECT / "gunicorn.conf.py"),
                   "--access-logfile", os.devnull, "fidelity.wsgi:app"]  # fmt: skip
        server = subprocess.Popen(command, env=env, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_until_up(base, server)
            kind = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
            print(f"gunicorn with {args.workers} workers on {kind}; {args.users} users for {args.seconds:.0f} s")
            tally = Tally()
            until = time.monotonic() + args.seconds
            people = [User(base, number, tally) for number in range(args.users)]
            threads = [threading.Thread(target=person.work, args=(until, keys)) for person in people]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.send_signal(signal.SIGTERM)
            _, stderr = server.communicate(timeout=60)
        lost = lost_writes(url, tally)
    latencies = sorted(tally.latencies)
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else 0.0
    print(f"requests:    {len(latencies)}")
    print(f"errors:      {len(tally.errors)} (target 0)")
    for message in tally.errors[:10]:
        print(f"  {message}")
    print(f"writes:      {len(tally.submitted)} self-assessments submitted, "
          f"{sum(len(codes) for codes in tally.imported.values())} journeys imported")  # fmt: skip
    print(f"lost writes: {len(lost)} (target 0)")
    for message in lost[:10]:
        print(f"  {message}")
    print(f"latency:     p50 {statistics.median(latencies) * 1000 if latencies else 0:.0f} ms, p95 {p95 * 1000:.0f} ms")
    if b"Traceback" in stderr:
        print("the server logged tracebacks:\n" + stderr.decode(errors="replace")[-3000:])
    sys.exit(0 if not tally.errors and not lost else 1)


if __name__ == "__main__":
    main()
