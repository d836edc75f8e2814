"""`fidelity export --out FILE` and `fidelity restore FILE`: the backup's operations from the shell.

A refusal (an existing file without --force, a file that is not a backup or is damaged, a database at another schema
revision or not empty) prints one line naming the file and what is wrong, and exits with code 2.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from fidelity.audit import acting_as
from fidelity.backup.export import export_backup
from fidelity.backup.restore import restore_backup
from fidelity.backup.schema import BackupRefused
from fidelity.console import CLI_ACTOR, InputError


@click.command("export")
@click.option("--out", required=True, type=click.Path(path_type=Path), metavar="FILE", help="The backup file to write.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@with_appcontext
def export_command(out: Path, force: bool) -> None:
    """Write the whole database to one backup file, from one consistent snapshot."""
    try:
        manifest = export_backup(out, force=force)
    except BackupRefused as refusal:
        raise InputError(str(refusal)) from None
    click.echo(
        f"Exported {manifest.rows} rows of {len(manifest.tables)} tables to {out} "
        f"(schema revision {manifest.schema_revision})."
    )


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Load a backup made by `fidelity export` into an empty database at the same schema revision."""
    try:
        with acting_as(CLI_ACTOR):
            summary = restore_backup(file)
    except BackupRefused as refusal:
        raise InputError(str(refusal)) from None
    manifest = summary.manifest
    if summary.created_schema:
        click.echo(f"The database had no tables: made its schema at revision {manifest.schema_revision}.")
    click.echo(
        f"Restored {manifest.rows} rows of {len(manifest.tables)} tables from {file} "
        f"(exported {manifest.exported_at:%Y-%m-%d %H:%M:%S} UTC from {manifest.dialect}, "
        f"schema revision {manifest.schema_revision})."
    )


COMMANDS: list[click.Command] = [export_command, restore_command]
