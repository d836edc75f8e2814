"""`fidelity users ...`, `fidelity units ...` and the other set-up commands."""

import click

COMMANDS: list[click.Command] = []
