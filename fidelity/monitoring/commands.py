"""The monitoring commands of `fidelity` (imports, purge): each module adds its command to COMMANDS."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
