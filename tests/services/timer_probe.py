"""A test-only extension: registers a recording handler for kind ``test.kind`` in cog_load,
the way real features do, so it is in place before the scheduler starts (and again after
a restart)."""

from __future__ import annotations

import asyncio

from discord.ext import commands

from tests.services.probe_state import PROBE


class TimerProbe(commands.Cog):
    """Records every ``test.kind`` timer it runs."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Register the handler like a feature would."""
        self.bot.scheduler.register("test.kind", self.handle, on_failed=self.failed)

    async def handle(self, timer, late: bool) -> str | None:
        """Record the call; fail if the test asked for it."""
        PROBE.calls.append((timer.key, late, self.bot.clock.timestamp()))
        if timer.key in PROBE.hold:
            await asyncio.sleep(365 * 86400)
        if timer.key in PROBE.slow:
            await asyncio.sleep(PROBE.slow[timer.key])
        if PROBE.fail is not None:
            error = PROBE.fail(timer)
            if error is not None:
                raise error
        return PROBE.results.get(timer.key, f"result-{timer.key}")

    async def failed(self, timer, reason: str) -> None:
        """Record the final failure."""
        PROBE.failures.append((timer.key, reason))


async def setup(bot: commands.Bot) -> None:
    """Entry point for ``load_extension``."""
    await bot.add_cog(TimerProbe(bot))
