"""The codes a unit's journeys no longer have, so that an import of an older file does not bring them back.

A journey deleted (by mistake, or at the person's request) or given another code leaves its old code behind as a
digest, with the day it went. An import that would add a new journey with such a code is refused at its line: the
file was made before the change, and would undo it. The journey form is not: a journey added again by hand is meant.

The digest is an HMAC of the unit and the code, keyed with the app's secret key: codes are short and often in
series, so a plain hash of one would give it back to anyone who tried the series. A code the rules refuse (a name, a
date of birth) leaves nothing: no import can bring it back, and it must not stay. The purge deletes the digests of
codes that went before its cut-off, with the journeys that ended then. A new secret key makes the digests kept
before it match nothing: imports then no longer refuse those codes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import date

from flask import current_app
from sqlalchemy import Connection, delete, func, select

from fidelity.extensions import db
from fidelity.models import GoneCode
from fidelity.monitoring.identity import code_key, code_problem


def code_digest(unit_id: int, code: str) -> str:
    """What is kept of a unit's code that went (codes that differ only in capitals are one)."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, f"{unit_id}:{code_key(code)}".encode(), hashlib.sha256).hexdigest()


def remember_gone(unit_id: int, code: str, day: date) -> None:
    """Keep that `code` went from the unit on `day` (a later day replaces an earlier one), unless the rules refuse
    the code, which an import can never bring back."""
    if code_problem(code, day.year) is not None:
        return
    digest = code_digest(unit_id, code)
    gone = db.session.scalar(select(GoneCode).where(GoneCode.unit_id == unit_id, GoneCode.digest == digest))
    if gone is None:
        db.session.add(GoneCode(unit_id=unit_id, digest=digest, gone_on=day))
    else:
        gone.gone_on = day


def gone_on(connection: Connection, unit_id: int, codes: Sequence[str]) -> dict[int, date]:
    """The positions of `codes` that went from the unit, each with the day it went. One query when none went."""
    statement = select(GoneCode.digest, GoneCode.gone_on).where(GoneCode.unit_id == unit_id)
    days = {digest: day for digest, day in connection.execute(statement)}
    if not days:
        return {}
    found = {}
    for position, code in enumerate(codes):
        day = days.get(code_digest(unit_id, code))
        if day is not None:
            found[position] = day
    return found


def gone_before(cutoff: date) -> dict[int, int]:
    """How many codes that went before `cutoff` each unit keeps (unit id -> count)."""
    rows = db.session.execute(
        select(GoneCode.unit_id, func.count()).where(GoneCode.gone_on < cutoff).group_by(GoneCode.unit_id)
    )
    return dict(rows.all())


def forget_gone_before(cutoff: date, unit_ids: Sequence[int]) -> None:
    """Delete the digests of the codes that went from the units `unit_ids` before `cutoff`."""
    if unit_ids:
        db.session.execute(delete(GoneCode).where(GoneCode.gone_on < cutoff, GoneCode.unit_id.in_(list(unit_ids))))
