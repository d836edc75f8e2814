"""`fidelity purge --older-than MONTHS`: delete the journeys that ended more than MONTHS months ago, keeping every
unit's outcome figures as they were.

A journey ends, for retention, on its exit date, or, for a referral not accepted that has no exit date, on the day of
the decision (`retention_end`, the one definition the count, the figures and the deletion all use). Without either it
goes on, and is kept.

Before anything is deleted, each affected unit's kept figures are brought up to date and locked for every quarter the
purged journeys counted in: each quarter that starts before the cut-off, and any later one in which such a journey's
30-day or 90-day window closed. A locked quarter is never recounted, so the purge changes no figure. The deletion is
audited once per unit (how many journeys, which cut-off), not once per row, and the command commits once.

The audit trail kept copies of what the deleted journeys held: every change to a journey, a job or a course is an
entry with its old and new values. The purge clears those values (the entries still say who changed what, and when),
and those of the entries about journeys deleted by hand, once the deletion or the journey's end is before the
cut-off, so that nothing of a person the unit no longer keeps stays in the trail. It clears the file's name of each
import made before the cut-off too: the import keeps a name only when nothing in it points at a person, but people
name a referral's file after the person in ways no check foresees, and the import's counts say what it did. And it
deletes what the log of who read the records (`reads`) holds from before the cut-off. First of all, it deletes the
journey files held for an import (`held_imports`) past their time: the import page deletes them as it is opened, but
a file checked and left waits for that.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import click
from dateutil.relativedelta import relativedelta
from flask.cli import with_appcontext
from sqlalchemy import ColumnElement, case, func, select, update

from fidelity import clock
from fidelity.audit import CLEARED, ERASE_REASON, ERASE_REQUEST, ERASED, acting_as, summary_entry
from fidelity.console import CLI_ACTOR, InputError
from fidelity.extensions import db
from fidelity.models import AuditEntry, Decision, Journey, Unit
from fidelity.models.types import as_utc
from fidelity.monitoring.bulk import (
    EDUCATION_SPELLS,
    JOB_SPELLS,
    JOURNEYS,
    about_journeys,
    delete_ids,
    one_of,
)
from fidelity.monitoring.frames import load_frames
from fidelity.monitoring.gone import forget_gone_before, gone_before
from fidelity.monitoring.kept import lock_quarters, refresh_outcomes
from fidelity.monitoring.outcomes import last_counted_day
from fidelity.monitoring.quarters import Quarter
from fidelity.monitoring.reads import delete_reads_before, reads_before
from fidelity.monitoring.unit_lock import take_units

MONTHS_MAX = 1200


@dataclass(frozen=True)
class UnitPurge:
    unit: Unit
    removed: int
    locked: list[Quarter]  # newly locked
    cleared: int = 0  # audit entries about deleted journeys whose values were cleared
    file_names: int = 0  # imports made before the cut-off whose file's name was cleared
    reads: int = 0  # reads of the unit's records logged before the cut-off, deleted
    gone_codes: int = 0  # digests of codes that went from the unit before the cut-off, deleted


def cutoff_date(today: date, months: int) -> date:
    """Journeys that ended before this day are purged."""
    return today - relativedelta(months=months)


def retention_end() -> ColumnElement[date]:
    """The day a journey ended, for retention: its exit date; for a referral not accepted without an exit date, the
    decision's date (the referral's when the decision has none, as the outcome figures count it); NULL while the
    journey goes on."""
    refused_on = func.coalesce(Journey.decision_date, Journey.referral_date)
    return func.coalesce(Journey.exit_date, case((Journey.decision == Decision.NOT_ACCEPTED, refused_on)))


def deleted_journey_end(changes: Mapping[str, Sequence[Any]]) -> date | None:
    """The day a journey deleted by hand had ended, for retention, read from its deletion's audit entry (each field
    as [old value, None]): `retention_end`'s rule, in Python."""
    values = {field: before for field, (before, _after) in changes.items()}
    if values.get("exit_date"):
        return date.fromisoformat(values["exit_date"])
    if values.get("decision") == Decision.NOT_ACCEPTED.value:
        refused_on = values.get("decision_date") or values.get("referral_date")
        return date.fromisoformat(refused_on) if refused_on else None
    return None


def ended_before(cutoff: date) -> ColumnElement[bool]:
    """The journeys to purge: those that ended before `cutoff` (see `retention_end`)."""
    return retention_end() < cutoff


class PurgeRefused(Exception):
    """A purge that would lock the figures of the quarter still running (`running`): the journeys it would delete
    count in it (its cut-off falls in it, or a job's 90 days or an enrolment's 30 run into it), and a quarter locked
    part-way would never count what happens in the rest of it. Nothing is changed, in any unit: one cut-off is for
    all of them."""

    def __init__(self, running: Quarter) -> None:
        super().__init__(f"the purge would lock the figures of {running}, the quarter still running")
        self.running = running


def purge_journeys(today: date, months: int) -> list[UnitPurge]:
    """Lock the figures of every unit with journeys that ended before the cut-off, then delete those journeys and
    their job and education spells, and clear the values of the audit entries about them and about journeys deleted
    by hand before the cut-off. Returns what was done per unit, in the order of unit codes. PurgeRefused, before any
    change, if a lock would reach the quarter still running."""
    cutoff = cutoff_date(today, months)
    # The units with journeys to purge are held first (see `unit_lock`), and their journeys read after: a change to
    # one of them made meanwhile has ended, and what is deleted below is what was read, nothing else.
    holding = set(db.session.scalars(select(Journey.unit_id).where(ended_before(cutoff)).distinct()))
    take_units(*holding)
    purged: defaultdict[int, set[int]] = defaultdict(set)
    for unit_id, journey_id in db.session.execute(
        select(Journey.unit_id, Journey.id).where(ended_before(cutoff), Journey.unit_id.in_(holding))
    ):
        purged[unit_id].add(journey_id)
    cleared = entries_to_clear(purged, cutoff)
    imports = imports_named_before(cutoff)
    reads = reads_before(cutoff)
    gone = gone_before(cutoff)
    if not purged and not cleared and not imports and not reads and not gone:
        return []
    affected = [*purged, *cleared, *imports, *reads, *gone]
    units = db.session.scalars(select(Unit).where(Unit.id.in_(affected)).order_by(Unit.code)).all()
    frames = load_frames(list(purged))
    # The last quarter each unit's figures are locked through: every quarter a purged journey counts in.
    through = {}
    for unit_id, purged_ids in purged.items():
        unit_frames = frames.for_unit(unit_id)
        ids = unit_frames.journeys.loc[unit_frames.journeys["id"].isin(purged_ids), "id"]
        last_days = last_counted_day(unit_frames)[ids]
        through[unit_id] = Quarter.of(max([cutoff - timedelta(days=1), *last_days.dropna()]))
    running = Quarter.of(today)
    if any(quarter >= running for quarter in through.values()):
        raise PurgeRefused(running)
    done = []
    for unit in units:
        removed, locked = len(purged[unit.id]), []
        if removed:
            refresh_outcomes(unit, today, frames.for_unit(unit.id))
            locked = lock_quarters(unit, through[unit.id])
        entries, file_names = len(cleared.get(unit.id, ())), len(imports.get(unit.id, ()))
        done.append(UnitPurge(unit, removed, locked, entries, file_names, reads.get(unit.id, 0), gone.get(unit.id, 0)))
        # A unit that only had entries cleared gets an entry about its audit trail, not about its journeys: its
        # journeys were not purged, and the pages that tell of a purge of them read the latter.
        facts = {"removed": removed} if removed else {}
        facts |= {"cleared": entries} if entries else {}
        facts |= {"file_names_cleared": file_names} if file_names else {}
        facts |= {"reads_deleted": reads[unit.id]} if reads.get(unit.id) else {}
        facts |= {"gone_codes_deleted": gone[unit.id]} if gone.get(unit.id) else {}
        entity = "journeys" if removed else "audit_log"
        db.session.add(AuditEntry(**summary_entry("purge", entity, "", facts | {"cutoff": cutoff}, unit.id)))
    _clear_values([entry_id for ids in cleared.values() for entry_id in ids], CLEARED, cutoff)
    delete_reads_before(cutoff, list(reads))
    forget_gone_before(cutoff, list(gone))
    for entry in (entry for entries in imports.values() for entry in entries):
        entry.changes = {**entry.changes, "file": [None, None], "file_cleared": [None, cutoff.isoformat()]}
    # No cascade in the database: the spells go first, explicitly.
    journey_ids = sorted(journey for ids in purged.values() for journey in ids)
    for table, column in ((JOB_SPELLS, "journey_id"), (EDUCATION_SPELLS, "journey_id"), (JOURNEYS, "id")):
        delete_ids(db.session.connection(), table, column, journey_ids)
    db.session.flush()
    return done


def entries_to_clear(
    purging: Mapping[int, set[int]], cutoff: date, *, hand_deleted: bool = True
) -> dict[int, list[int]]:
    """The audit entries (ids, by unit) whose values the purge clears: those about the journeys it deletes
    (`purging`: unit id -> journey ids), their jobs and courses, and about the journeys deleted by hand before
    `cutoff`, or that had ended before it, and theirs (unless `hand_deleted` is False: then only the journeys of
    `purging`); not those cleared or erased already, and only entries that hold a row's values.

    Every such entry names its journey in a column of its own (`AuditEntry.journey_id`): only the deletions of
    journeys are read whole, for the day each deleted journey had ended."""
    gone = {journey for ids in purging.values() for journey in ids}
    units = set(purging)
    if hand_deleted:
        before = clock.start_of(cutoff)
        deletions = db.session.execute(
            select(AuditEntry.unit_id, AuditEntry.journey_id, AuditEntry.at, AuditEntry.changes).where(
                AuditEntry.entity == "journeys",
                AuditEntry.action == "delete",
                AuditEntry.unit_id.is_not(None),
                AuditEntry.journey_id.is_not(None),
                # A deletion cleared or erased already was cleared with every entry about its journey, which no
                # entry can be about since: nothing left to clear, and not read again at each purge.
                AuditEntry.changes[CLEARED].as_string().is_(None),
                AuditEntry.changes[ERASED].as_string().is_(None),
            )
        )
        for unit_id, journey_id, at, changes in deletions:
            ended = deleted_journey_end(changes or {})
            if as_utc(at) < before or (ended is not None and ended < cutoff):
                units.add(unit_id)
                gone.add(journey_id)
    if not gone:
        return {}
    about = about_journeys(db.session.get_bind().dialect.name, sorted(gone), units)
    entries = db.session.execute(
        select(AuditEntry.id, AuditEntry.unit_id, AuditEntry.changes).where(about).order_by(AuditEntry.id)
    )
    clear: defaultdict[int, list[int]] = defaultdict(list)
    for entry_id, unit_id, changes in entries:
        if CLEARED not in (changes or {}) and ERASED not in (changes or {}):
            clear[unit_id].append(entry_id)
    return dict(clear)


def _clear_values(entry_ids: list[int], marker: str, day: date, reason: str | None = None) -> None:
    """Replace all the values of the audit entries `entry_ids` by one: `marker`, with `day` (and the erasure's
    `reason`, where there is one)."""
    values = {marker: [None, day.isoformat()]} | ({ERASE_REASON: [None, reason]} if reason else {})
    if entry_ids:
        db.session.execute(
            update(AuditEntry)
            .where(one_of(db.session.get_bind().dialect.name, AuditEntry.id, entry_ids))
            .values(changes=values),
            execution_options={"synchronize_session": False},
        )


def erase_trail(unit: Unit, journey_id: int, day: date, reason: str = ERASE_REQUEST) -> int:
    """Clear the values of every audit entry about the journey `journey_id` of `unit`, just deleted, and about its
    jobs and courses, its deletion's entry included: what a person who asked to be forgotten (`reason`), or a journey
    recorded with a detail that points at the person by mistake, leaves in the trail is who changed the journey, and
    when. The erasure is an entry of its own, with the number of entries it cleared and why. Returns that number."""
    db.session.flush()  # the deletion's own entries first
    ids = entries_to_clear({unit.id: {journey_id}}, date.min, hand_deleted=False).get(unit.id, [])
    _clear_values(ids, ERASED, day, reason)
    facts = {"cleared": len(ids), ERASE_REASON: reason}
    db.session.add(AuditEntry(**summary_entry("erase", "journeys", str(journey_id), facts, unit.id, journey_id)))
    db.session.flush()
    return len(ids)


def imports_named_before(cutoff: date) -> dict[int, list[AuditEntry]]:
    """The audit entries (by unit) of the imports made before `cutoff` that still keep their file's name."""
    before = clock.start_of(cutoff)
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "journeys", AuditEntry.action == "import", AuditEntry.at < before)
        .order_by(AuditEntry.id)
    )
    named: defaultdict[int, list[AuditEntry]] = defaultdict(list)
    for entry in entries:
        if entry.unit_id is not None and (entry.changes or {}).get("file", [None, None])[1] is not None:
            named[entry.unit_id].append(entry)
    return dict(named)


@dataclass(frozen=True)
class PastPurge:
    """A purge of a unit's journeys, as its audit trail tells it."""

    cutoff: date  # journeys that ended before this day were deleted
    on: date  # the day of the purge (UTC)

    def affects(self, start: date) -> bool:
        """Whether figures counted over a period from `start` have lost journeys to this purge: a journey referred,
        met or enrolled on or after `start` that ended before the cut-off is gone."""
        return start < self.cutoff


def purge_reaching(purge: PastPurge | None, start: date) -> PastPurge | None:
    """`purge` if it deleted journeys that figures counted from `start` on would hold, else None: what a page says
    beside such figures."""
    return purge if purge is not None and purge.affects(start) else None


def latest_purge(unit_id: int) -> PastPurge | None:
    """The unit's purge with the latest cut-off (the one that removed the most), from its audit trail; None if its
    journeys were never purged."""
    entries = db.session.execute(
        select(AuditEntry.at, AuditEntry.changes).where(
            AuditEntry.unit_id == unit_id, AuditEntry.action == "purge", AuditEntry.entity == "journeys"
        )
    ).all()
    purges = [PastPurge(date.fromisoformat(changes["cutoff"][1]), as_utc(at).date()) for at, changes in entries]
    return max(purges, key=lambda purge: (purge.cutoff, purge.on), default=None)


def quarter_ranges(quarters: Sequence[Quarter]) -> str:
    """Quarters in order, consecutive ones as a range: '2021 Q1 to 2022 Q3, 2023 Q1'."""
    runs: list[list[Quarter]] = []
    for quarter in sorted(quarters):
        if runs and runs[-1][-1].next() == quarter:
            runs[-1].append(quarter)
        else:
            runs.append([quarter])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs)


def _months(text: str) -> int:
    if not re.fullmatch(r"[0-9]+", text.strip()) or not 1 <= int(text) <= MONTHS_MAX:
        raise InputError(f"--older-than takes a whole number of months from 1 to {MONTHS_MAX}, not '{text}'.")
    return int(text)


@click.command("purge")
@click.option(
    "--older-than",
    "older_than",
    required=True,
    metavar="MONTHS",
    help="Delete the journeys that ended more than MONTHS months ago: by an exit, or by a referral not accepted.",
)
@click.option("--dry-run", is_flag=True, help="Report what would be deleted and locked, and change nothing.")
@with_appcontext
def purge_command(older_than: str, dry_run: bool) -> None:
    """Delete the journeys that ended long ago (people who left, referrals not accepted), keeping every unit's outcome
    figures as they were."""
    months = _months(older_than)
    today = clock.today()
    # Here, not at the top: the held files' module checks them with the import, which asks this one for the last purge.
    from fidelity.monitoring.held_imports import HOLD_MINUTES, delete_expired

    with acting_as(CLI_ACTOR):
        held = delete_expired()  # files checked for an import and never imported, past their time; first, as an
        # upload deletes them before it holds a unit
        try:
            done = purge_journeys(today, months)
        except PurgeRefused as refused:
            db.session.rollback()
            raise InputError(
                f"--older-than {months}: the journeys that ended before {cutoff_date(today, months).isoformat()} "
                f"count in the figures of {refused.running}, the quarter still running (the cut-off falls in it, or "
                "a job's 90 days or an enrolment's 30 run into it), and locking that quarter now would leave out the "
                "rest of it. Purge with more months, or after the quarter has ended. Nothing was changed."
            ) from refused
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    would = "would be " if dry_run else ""
    cutoff = cutoff_date(today, months).isoformat()
    click.echo(f"Journeys that ended (an exit, or a referral not accepted) before {cutoff} ({months} months ago):")
    if not done:
        click.echo("  none; nothing to remove.")
    for result in done:
        locked = quarter_ranges(result.locked) or "none"
        line = f"  {result.unit.code}: {result.removed} {would}removed; quarters {would}locked: {locked}"
        if result.cleared:
            line += f"; audit entries {would}cleared of their values: {result.cleared}"
        if result.file_names:
            line += f"; imports' file names {would}cleared: {result.file_names}"
        if result.reads:
            line += f"; reads of its records logged before the cut-off {would}deleted: {result.reads}"
        if result.gone_codes:
            line += f"; digests of codes gone before the cut-off {would}deleted: {result.gone_codes}"
        click.echo(line)
    if held:
        click.echo(f"Journey files checked for an import more than {HOLD_MINUTES} minutes ago and never imported "
                   f"{would}deleted: {held}.")  # fmt: skip
    if dry_run:
        click.echo("Dry run: nothing was changed.")
