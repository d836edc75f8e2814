"""The monitoring commands of `fidelity` (imports, purge): each module adds its command to COMMANDS."""

from __future__ import annotations

import click

from fidelity.monitoring.import_commands import import_group
from fidelity.monitoring.purge import purge_command

COMMANDS: list[click.Command] = [import_group, purge_command]
