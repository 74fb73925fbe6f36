"""``/sandbox-time``: move the sandbox's time from the page. Loaded only in the sandbox.

A command runs as bot-owned work, and SimCord refuses to move time from inside the
bot. So the command only checks the request and queues it; the terminal's loop (a
driver task, like the prompt) runs it once the command's own action has finished.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.sandbox.timeparse import Advance, PromptError, describe, parse_command
from bot.ui.errors import UserFacingError


class SandboxTime(commands.Cog):
    """Time controls for the page; never part of the real bot's EXTENSIONS."""

    def __init__(self, now: Callable[[], datetime], requests: asyncio.Queue[str]) -> None:
        self._now = now
        self._requests = requests

    time = app_commands.Group(
        name="sandbox-time", description="Sandbox only: move the simulated time forward"
    )

    async def _queue(self, interaction: discord.Interaction, line: str) -> None:
        try:
            command = parse_command(line, self._now())
        except PromptError as exc:
            raise UserFacingError.text(str(exc)) from None
        assert isinstance(command, Advance)
        target = describe(self._now() + timedelta(seconds=command.seconds))
        self._requests.put_nowait(line)
        await interaction.response.send_message(
            f"Moving time forward to {target}. Announcements and discussions due on the "
            "way fire as they would on a real server; the terminal lists posts in other "
            "channels.",
            ephemeral=True,
        )

    @time.command(name="advance", description="Move time forward, e.g. 7d, 2d 4h, 90m")
    @app_commands.describe(by="How far: 7d, 2d 4h, 90m (w d h m s)")
    async def advance(self, interaction: discord.Interaction, by: str) -> None:
        """Queue ``advance BY`` for the sandbox's loop."""
        await self._queue(interaction, f"advance {by}")

    @time.command(name="to", description="Move time to an instant, e.g. 2022-03-23 17:00 KST")
    @app_commands.describe(when="2022-03-23 17:00 KST, … Asia/Seoul, or +09:00; no zone = Korea")
    async def to(self, interaction: discord.Interaction, when: str) -> None:
        """Queue ``advance-to WHEN`` for the sandbox's loop."""
        await self._queue(interaction, f"advance-to {when}")

    @time.command(name="now", description="The simulated time right now")
    async def now(self, interaction: discord.Interaction) -> None:
        """Say the sandbox's time."""
        await interaction.response.send_message(f"It is {describe(self._now())}.", ephemeral=True)
