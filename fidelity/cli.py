"""The `fidelity` command: Flask's CLI (run, shell, routes, db ...) bound to create_app, plus our commands."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from fidelity import create_app, scale_registry
from fidelity.admin.commands import COMMANDS as ADMIN_COMMANDS
from fidelity.backup.commands import COMMANDS as BACKUP_COMMANDS
from fidelity.backup.schema import code_revision, database_revision, schema_state
from fidelity.config import DEFAULTS, ConfigError
from fidelity.console import InputError
from fidelity.demo import demo_command
from fidelity.extensions import READ_ONLY, db
from fidelity.monitoring.commands import COMMANDS as MONITORING_COMMANDS
from fidelity.reports.commands import report_command
from fidelity.scales import Scale, ScaleRegistry, validate_files
from fidelity.score_files import ScoreFileError, read_scores_csv
from fidelity.scoring import ScoreSummary, summarise


def _registry() -> ScaleRegistry:
    return scale_registry()


def _scale(scale_id: str) -> Scale:
    try:
        return _registry().get(scale_id)
    except KeyError as exc:
        raise InputError(str(exc.args[0])) from None


class _Commands(FlaskGroup):
    """Flask's command group, saying in one line what is wrong instead of a traceback: a command that fails on a
    database whose schema this version of fidelity has moved past (a column or table it does not have yet), a
    database that cannot be reached, a database URL that is not one, a setting production needs."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ConfigError as error:
            raise click.ClickException(str(error)) from None
        except ArgumentError as error:  # the URL could not be read, or names a database no driver is installed for
            raise click.ClickException(
                f"FIDELITY_DATABASE_URL is not a database URL fidelity can use: {error}"
            ) from None
        except SQLAlchemyError as error:
            behind = _schema_behind(ctx)
            if behind is not None:
                raise click.ClickException(behind) from None
            if isinstance(error, OperationalError) and error.statement is None:  # refused the connection itself
                first = (str(error.orig).strip().splitlines() or [type(error.orig).__name__])[0]
                raise click.ClickException(f"The database cannot be reached: {first}") from None
            raise


def _needs_current_schema(command: click.Command) -> None:
    """Make `command` (each command of a group) stop before it starts when the database's schema is behind this
    version of fidelity, saying to upgrade: some would otherwise run on, and do part of their work or none."""
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            _needs_current_schema(subcommand)
        return
    callback = command.callback
    if callback is None:
        return

    @functools.wraps(callback)
    def checked(*args: object, **kwargs: object) -> object:
        behind = _schema_behind(click.get_current_context(), only_older=True)
        if behind is not None:
            raise click.ClickException(behind)
        return callback(*args, **kwargs)

    command.callback = checked


def _schema_behind(ctx: click.Context, only_older: bool = False) -> str | None:
    """What to do when the database's schema revision is not the one this code expects (`only_older`: when it is
    older); None when it is, or when the database cannot tell. Checked in the app context the command runs in,
    pushed now for the whole command if it has none yet (as `with_appcontext` would), so that the command's session
    is the one it would have had."""
    try:
        if not current_app:
            ctx.with_resource(ctx.ensure_object(ScriptInfo).load_app().app_context())
        with db.engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            found, needed, state = database_revision(connection), code_revision(), schema_state(connection)
    except Exception:
        return None
    if state == "current" or (only_older and state != "behind"):
        return None
    return (f"The database's schema is at revision {found or 'none'}; this version of fidelity needs {needed}. "
            "Back the database up, then run `fidelity db upgrade`.")  # fmt: skip


main = _Commands(
    create_app=create_app,
    load_dotenv=False,
    help="Assess and monitor the fidelity of IPS and Supported Education units.",
)


@main.group()
def scales() -> None:
    """List, show and validate the fidelity scales in scales/."""


@scales.command("list")
@with_appcontext
def scales_list() -> None:
    """Every scale and version, with its items and range."""
    for scale in sorted(_registry().scales.values(), key=lambda s: (s.id, s.version)):
        click.echo(
            f"{scale.id:<12} {scale.version:<8} {len(scale.items):>3} items  "
            f"{scale.min_total}-{scale.max_total}  {scale.title}"
        )


@scales.command("show")
@click.argument("scale_id")
@click.option("--json", "as_json", is_flag=True, help="Print the scale as one JSON object.")
@with_appcontext
def scales_show(scale_id: str, as_json: bool) -> None:
    """One scale: sections, items with their anchors and principles, and bands."""
    scale = _scale(scale_id)
    if as_json:
        click.echo(json.dumps(scale_as_dict(scale), indent=2, ensure_ascii=False))
        return
    click.echo(f"{scale.title} ({scale.id} {scale.version}, {scale.language})")
    click.echo(scale.notice)
    for section in scale.sections:
        click.echo(f"\n{section.key} {section.title}")
        for item in scale.items_in(section.key):
            click.echo(f"  {item.key:<4} {item.title}  [{', '.join(item.principles) or 'structural'}]")
    click.echo("\nBands:")
    for band in scale.bands:
        click.echo(f"  {band.min:>3}-{band.max:<3} {band.label}")


def scale_as_dict(scale: Scale) -> dict[str, object]:
    return {
        "id": scale.id,
        "version": scale.version,
        "title": scale.title,
        "language": scale.language,
        "wording": scale.wording,
        "sections": [{"key": s.key, "title": s.title} for s in scale.sections],
        "items": [
            {
                "key": item.key,
                "section": item.section,
                "title": item.title,
                "principles": list(item.principles),
                "anchors": {str(score): text for score, text in item.anchors.items()},
                "anchor_status": item.anchor_status,
                "sources": list(item.sources),
            }
            for item in scale.items
        ],
        "bands": [{"key": b.key, "label": b.label, "min": b.min, "max": b.max} for b in scale.bands],
    }


@scales.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def scales_validate(paths: tuple[Path, ...]) -> None:
    """Check scale files (default: every file in the scales folder) without starting the app."""
    folder = Path(os.environ.get("FIDELITY_SCALES_DIR") or DEFAULTS["SCALES_DIR"])
    targets = list(paths) or sorted(folder.glob("*.yaml"))
    if not targets:
        raise InputError(f"{folder}: no scale files (*.yaml) found")
    failed = False
    for path, message in validate_files(targets, folder):
        ok = message.startswith("ok:")
        failed = failed or not ok
        click.echo(f"{path}: {message}" if ok else message, err=not ok)
    if failed:
        raise click.exceptions.Exit(2)


@main.command("score")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--scale", "scale_id", required=True, help="Scale id, e.g. ips-25.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--strict", is_flag=True, help="Exit 2 when any item is missing.")
@with_appcontext
def score(file: Path, scale_id: str, as_json: bool, strict: bool) -> None:
    """Score a CSV file with the columns item,score against a scale."""
    scale = _scale(scale_id)
    try:
        scores = read_scores_csv(file, scale)
    except ScoreFileError as exc:
        raise InputError(str(exc)) from None
    summary = summarise(scale, _registry().principles, scores)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        _print_summary(scale, summary)
    if strict and summary.missing:
        raise InputError(f"{file}: {len(summary.missing)} item(s) missing: {', '.join(summary.missing)}")


def _print_summary(scale: Scale, summary: ScoreSummary) -> None:
    band = f"{summary.band.label} ({summary.band.min}-{summary.band.max})" if summary.band else "none (incomplete)"
    click.echo(f"{scale.title} ({scale.id} {scale.version})")
    click.echo(f"Total: {summary.total} / {summary.max}")
    click.echo(f"Band:  {band}")
    click.echo("Sections:")
    for s in summary.sections:
        click.echo(f"  {s.key:<3} {s.title:<40} {s.total:>3} / {s.max}")
    click.echo("Principles (mean item score):")
    for p in summary.principles:
        mean = "  -  " if p.mean is None else f"{p.mean:5.2f}"
        click.echo(f"  {p.number} {p.title:<52} {mean}  ({', '.join(p.items) or 'no items'})")
    click.echo(f"Missing: {', '.join(summary.missing) or 'none'}")
    click.echo(f"Below 4: {', '.join(summary.below_target) or 'none'}")


main.add_command(demo_command)
main.add_command(report_command)
for _command in (*ADMIN_COMMANDS, *MONITORING_COMMANDS, *BACKUP_COMMANDS):
    main.add_command(_command)
# The commands that read and write the app's tables; the backup's check the revision themselves, and the demo
# upgrades the database first.
for _command in (*ADMIN_COMMANDS, *MONITORING_COMMANDS, report_command):
    _needs_current_schema(_command)
