"""A server the bot left keeps its data for a grace period, then loses it, timers and all.

Removed from a server (kicked, or the server deleted), the bot notes when; back within
the grace period (``DEPARTED_GRACE_DAYS``, 30 by default), everything is as it was.
Once the period is over, one loop purges the server's rows from every table
(:func:`bot.store.privacy.purge_guild`, the same purge as ``kdrama-bot db purge``).

The loop reads the bot's clock (virtual in tests and the sandbox) and sleeps until the
next purge is due, at most :data:`MAX_SLEEP` at a time, so a removal noted meanwhile
(or a clock the sandbox moved) is seen within that long; a removal wakes it at once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.store import privacy

if TYPE_CHECKING:
    from bot.app import KdramaBot

log = logging.getLogger(__name__)

DAY = 86400
MAX_SLEEP = 3600.0
# Nothing to purge: look again this often (a removal wakes the loop at once).
IDLE_SLEEP = 86400.0


class Departures:
    """Notes the servers the bot leaves and purges each one when its grace period ends."""

    def __init__(self, bot: KdramaBot, *, grace_days: int) -> None:
        self.bot = bot
        self.grace = grace_days * DAY
        self._departed: set[int] | None = None
        self._wake_pending = False
        self._sleeper: asyncio.Task[None] | None = None

    async def _known(self) -> set[int]:
        """The servers noted as left, read from the store once (then kept in step)."""
        if self._departed is None:
            self._departed = {g for g, _ in await privacy.departures(self.bot.db)}
        return self._departed

    async def left(self, guild_id: int) -> None:
        """The bot was removed from the server: start its grace period."""
        now = self.bot.clock.timestamp()
        await privacy.record_departure(self.bot.db, guild_id, now)
        (await self._known()).add(guild_id)
        log.info(
            "left guild %s: its data is purged after %d days unless the bot returns",
            guild_id, self.grace // DAY,
        )  # fmt: skip
        self.wake()

    async def returned(self, guild_id: int, *, joined: bool = False) -> None:
        """The bot is in the server (again): keep its data.

        Called for every server that becomes available (each one at start-up too), so a
        server never noted as left costs no trip to the store. ``joined``: the bot was
        just added, perhaps after a purge (``kdrama-bot db purge`` included): seed again.
        """
        known = await self._known()
        if joined or guild_id in known:
            self.bot.forget_guild(guild_id)
        if guild_id not in known:
            return
        known.discard(guild_id)
        if await privacy.forget_departure(self.bot.db, guild_id):
            log.info("back in guild %s within its grace period: its data is kept", guild_id)

    async def purge_due(self) -> list[int]:
        """Purge every server whose grace period is over; the servers purged."""
        now = self.bot.clock.timestamp()
        purged = []
        for guild_id, left_at in await privacy.departures(self.bot.db):
            if left_at + self.grace > now:
                break  # earliest first: the rest are later still
            counts = await privacy.purge_guild(self.bot.db, guild_id)
            (await self._known()).discard(guild_id)
            self.bot.forget_guild(guild_id)
            log.info("purged guild %s, left %d days ago: %s", guild_id,
                     (now - left_at) // DAY, counts)  # fmt: skip
            purged.append(guild_id)
        return purged

    async def _next_due(self) -> int | None:
        found = await privacy.departures(self.bot.db)
        return found[0][1] + self.grace if found else None

    def wake(self) -> None:
        """Look again now: a removal was noted."""
        self._wake_pending = True
        if self._sleeper is not None and not self._sleeper.done():
            self._sleeper.cancel()

    async def run(self) -> None:
        """The loop: after the gateway is ready, keep servers the bot is in, then purge as due."""
        await self.bot.wait_until_ready()
        for guild in self.bot.guilds:  # back while the bot was offline
            await self.returned(guild.id)
        while True:
            self._wake_pending = False
            try:
                await self.purge_due()
                if self._wake_pending:
                    continue
                due = await self._next_due()
            except Exception:
                # A busy or failing store must not end the loop: a purge not done now is
                # done at the next look (the departure stays noted until it is).
                log.warning("could not purge departed servers; trying again", exc_info=True)
                due = int(self.bot.clock.timestamp() + MAX_SLEEP)
            now = self.bot.clock.timestamp()
            if due is None:
                delay = IDLE_SLEEP
            else:
                # Half the way at a time, at least MAX_SLEEP: a purge 30 days out is
                # approached in a handful of wake-ups, and a drifting clock is caught.
                remaining = max(0.0, due - now)
                delay = min(remaining, max(MAX_SLEEP, remaining / 2))
            # A sleep in its own task (as the scheduler's): SimCord runs a parked
            # asyncio.sleep in virtual time, and wake() cancels it.
            self._sleeper = asyncio.create_task(asyncio.sleep(delay), name="departures-sleep")
            try:
                await asyncio.wait({self._sleeper})
            finally:
                self._sleeper.cancel()
                self._sleeper = None
