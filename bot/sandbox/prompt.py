"""The sandbox's terminal prompt: one line in, what it says out.

The prompt, the page's queued ``/sandbox-time`` requests and the tests all run lines
through ``execute``; the parsing itself is ``bot.sandbox.timeparse``.
"""

from __future__ import annotations

from bot.sandbox.timeparse import (
    HELP,
    MAX_ADVANCE,
    Advance,
    Command,
    PromptError,
    Quit,
    Show,
    describe,
    parse_command,
)
from bot.sandbox.world import Sandbox, SandboxBusy

__all__ = [
    "HELP",
    "MAX_ADVANCE",
    "Advance",
    "Command",
    "PromptError",
    "Quit",
    "Show",
    "describe",
    "execute",
    "parse_command",
]


async def execute(sandbox: Sandbox, line: str) -> Command | None:
    """Run one prompt line; print what it says. Returns the command (None on bad input)."""
    write = sandbox.echo.write
    try:
        command = parse_command(line, sandbox.now())
    except PromptError as exc:
        write(f"! {exc}")
        return None
    if isinstance(command, Show):
        if command.text:
            write(command.text)
    elif isinstance(command, Advance):
        try:
            await sandbox.advance(command.seconds)
        except SandboxBusy as exc:
            write(f"! {exc}")
            return None
        except TimeoutError:
            write(f"! the bot was still busy; time stopped at {describe(sandbox.now())}")
            return None
        write(f"now: {describe(sandbox.now())}")
    return command
