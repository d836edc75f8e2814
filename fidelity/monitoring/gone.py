"""The codes a unit's journeys no longer have, so that an import of an older file does not bring them back.

A journey deleted (by mistake, because its code was a name, or at the person's request) or given another code leaves
its old code behind as a digest, with the day it went. An import that would add a new journey with such a code is
refused at its line: the file was made before the change, and would undo it. The journey form is not: a journey
added again by hand is meant.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, select

from fidelity.extensions import db
from fidelity.models import GoneCode
from fidelity.monitoring.identity import code_key


def code_digest(code: str) -> str:
    """What is kept of a code that went: the SHA-256 of its key (codes that differ only in capitals are one)."""
    return hashlib.sha256(code_key(code).encode("utf-8")).hexdigest()


def remember_gone(unit_id: int, code: str, day: date) -> None:
    """Keep that `code` went from the unit on `day` (a later day replaces an earlier one)."""
    digest = code_digest(code)
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
        day = days.get(code_digest(code))
        if day is not None:
            found[position] = day
    return found
