"""What every `fidelity` command shares: the exit-2 error for bad input, and the audit actor for shell changes."""

from __future__ import annotations

import click

from fidelity.audit import Actor

# Changes made from the shell are audited as 'cli'; the demo seeds as 'demo'.
CLI_ACTOR = Actor(None, "cli")


class InputError(click.ClickException):
    """Bad input from the user: exit code 2, one line saying what and where."""

    exit_code = 2
