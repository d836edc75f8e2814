"""`fidelity import journeys FILE --unit CODE`: the journey import of the web page, from the shell.

It runs the same operation, audited as 'cli', and commits once. With --check it only says what importing the file
would do, as the web page's check does, and writes nothing but the read of the values it prints (`reads`). With
--leave-undone it imports the file but for the journeys that check finds it would put back as they were before a
later change, as the web page's "Import all but the journeys marked" does. A refused
file prints every problem as `FILE:LINE: problem` (or `FILE: problem` for the file as a whole), followed by
` (journey CODE)` where the line's code may be shown, on stderr and exits with code 2, writing nothing.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from fidelity import clock
from fidelity.admin.operations import find_unit
from fidelity.audit import acting_as
from fidelity.audit_display import actor_text
from fidelity.console import CLI_ACTOR, InputError
from fidelity.extensions import db
from fidelity.monitoring.held_imports import (
    Check,
    JourneysChanged,
    NothingLeft,
    check_import,
    import_leaving_undone,
)
from fidelity.monitoring.imports import ImportRefused, import_journeys
from fidelity.monitoring.kept import refresh_outcomes
from fidelity.monitoring.reads import IMPORT_CHECK, log_read


@click.group("import")
def import_group() -> None:
    """Import a unit's records from files."""


@import_group.command("journeys")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--unit", "unit_code", required=True, metavar="CODE", help="The unit whose journeys the file holds.")
@click.option("--check", is_flag=True, help="Check the file and say what importing it would change; write nothing.")
@click.option(
    "--leave-undone",
    is_flag=True,
    help="Leave the journeys the file would put back as they were before a later change as the unit has them, and "
    "import the rest.",
)
@with_appcontext
def import_journeys_command(file: Path, unit_code: str, check: bool, leave_undone: bool) -> None:
    """Import a CSV or xlsx file of journeys, one row per journey, replacing journeys by code."""
    if check and leave_undone:
        raise click.UsageError("--check writes nothing: give it without --leave-undone.")
    unit = find_unit(unit_code)
    if unit is None:
        raise InputError(f"There is no unit with the code {unit_code}.")
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{file}: is a folder, not a file") from None
    except OSError as error:
        raise InputError(f"{file}: cannot read the file ({error.strerror})") from None
    try:
        with acting_as(CLI_ACTOR):
            today = clock.today()
            if check:
                checked = check_import(unit, data, file.name, today)
                if checked.summary.changes:
                    log_read(unit, IMPORT_CHECK)  # it prints the values of the journeys it changes
                    db.session.commit()
                _say_checked(file, unit.code, checked)
                return
            if leave_undone:
                summary, _check = import_leaving_undone(unit, data, file.name, today)
            else:
                summary = import_journeys(unit, data, file.name, today)
            refresh_outcomes(unit, today)  # the kept quarterly figures follow the journeys
            db.session.commit()
    except NothingLeft as nothing:
        db.session.rollback()
        but = "but for the journeys it would put back as they were before a later change, " if nothing.undone else ""
        click.echo(f"Nothing was imported: {but}{file} changes nothing in {unit.code}.")
        return
    except JourneysChanged:
        db.session.rollback()
        raise InputError(
            f"{file}: the unit's journeys were changed while the file was checked; nothing was imported. Run the "
            "command again."
        ) from None
    except ImportRefused as refusal:
        db.session.rollback()
        for problem in refusal.problems:
            where = str(file) if problem.line is None else f"{file}:{problem.line}"
            journey = f" (journey {problem.code})" if problem.code else ""
            click.echo(f"{where}: {problem.message}{journey}", err=True)
        raise click.exceptions.Exit(2) from None
    click.echo(
        f"Imported {file} into {unit.code}. Journeys added: {summary.added}; replaced: {summary.replaced}, of which "
        f"changed: {summary.changed}; jobs: {summary.jobs}; courses of study: {summary.education}."
    )
    if summary.left_out:
        one = summary.left_out == 1
        journeys, them, were = ("journey", "it", "it was") if one else ("journeys", "them", "they were")
        click.echo(
            f"Left {summary.left_out} {journeys} as the unit has {them}: the file would have put {them} back as {were} "
            "before a later change."
        )
    locked = summary.locked_through
    if locked is not None:
        click.echo(
            f"Some journeys in the file were referred in quarters locked by a purge (up to {locked}): the figures of "
            "those quarters stay as they were. The journeys count from the first quarter that is not locked."
        )


def _say_checked(file: Path, unit_code: str, check: Check) -> None:
    """What importing the file would do, and each journey it would change, field by field."""
    summary = check.summary
    click.echo(
        f"Checked {file} for {unit_code}: no problems. Nothing was written. Importing it would add {summary.added} "
        f"journeys and replace {summary.replaced}, of which {summary.changed} would change; jobs: {summary.jobs}; "
        f"courses of study: {summary.education}."
    )
    if summary.added_codes:
        click.echo(f"New codes: {', '.join(summary.added_codes)}")
    for copy in check.copies:
        click.echo(f"  {copy.new} has every date and choice of {copy.before}, already in the unit: a mistyped code?")
    if check.undone:
        click.echo(
            f"{len(check.undone)} of the journeys it would change it puts back as they were before a later change, by "
            "hand or by another import: if the file was made before that change, importing it undoes it."
        )
    for change in summary.changes:
        undone = check.undone.get(change.journey_id)
        flag = f" (undoes a change by {actor_text(undone.by)}, {undone.at:%Y-%m-%d %H:%M} UTC)" if undone else ""
        # A choice as the file writes it (goal_reached): the command's reader edits files, in English.
        lines = check.field_changes(change)
        said = [(line.column, line.old_code or line.old, line.new_code or line.new) for line in lines]
        fields = "; ".join(f"{column}: {old} -> {new}" for column, old, new in said)
        click.echo(f"  {change.code}{flag}: {fields}")
