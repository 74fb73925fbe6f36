"""The Bot subclass: it owns start-up and shutdown and hands out its dependencies."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import discord
from discord.ext import commands

from bot.clock import Clock
from bot.domain.shards import IDENTIFY_PACE_SECONDS, IDENTIFY_TURN_SECONDS, identify_key
from bot.i18n import Translator
from bot.mentions import NO_MENTIONS
from bot.services.scheduler import Scheduler
from bot.settings import DEFAULT_DEPARTED_GRACE_DAYS
from bot.store import Database
from bot.ui.tree import BotTree
from bot.ui.views import answer_unclaimed

log = logging.getLogger(__name__)

# Loaded in this order; a feature joins the bot by being listed here.
EXTENSIONS: tuple[str, ...] = (
    "bot.cogs.meta",
    "bot.cogs.info",
    "bot.cogs.episodes",
    "bot.cogs.search",
    "bot.cogs.announce",
    "bot.cogs.discussions",
    "bot.cogs.admin",
    "bot.cogs.config",
    "bot.cogs.privacy",
)


# How long close() lets running event handlers finish before cancelling them.
SHUTDOWN_GRACE = 3.0


def intents() -> discord.Intents:
    """Only what the features need: guild events. No message content, no members."""
    return discord.Intents(guilds=True)


class KdramaBot(commands.AutoShardedBot):
    """kdrama-bot. Dependencies come in through the constructor, never from globals.

    Always an ``AutoShardedBot``: one shard is just the smallest count. ``shard_count``
    None asks Discord for its recommended count (``GET /gateway/bot``) at start-up;
    ``shard_ids`` runs only those shards, so several processes can split one bot.
    """

    def __init__(
        self,
        *,
        database: Database,
        clock: Clock | None = None,
        extensions: Sequence[str] = EXTENSIONS,
        dev_guild_id: int | None = None,
        data_dir: Path | None = None,
        shard_count: int | None = 1,
        shard_ids: Sequence[int] | None = None,
        departed_grace_days: int = DEFAULT_DEPARTED_GRACE_DAYS,
    ) -> None:
        # The bot never joins voice: discord.py's "PyNaCl / davey is not installed, voice
        # will NOT be supported" warnings would only alarm whoever reads the log.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        # discord.py reads shard_ids=None as "every shard"; its stubs only admit a list.
        shards: dict[str, Any] = {"shard_count": shard_count}
        if shard_ids is not None:
            shards["shard_ids"] = list(shard_ids)
        super().__init__(
            **shards,
            command_prefix=commands.when_mentioned,  # no prefix commands; slash only
            intents=intents(),
            tree_cls=BotTree,
            help_command=None,
            allowed_mentions=NO_MENTIONS,
        )
        self.db = database
        self._clock = clock or Clock()
        self.extensions_to_load = tuple(extensions)
        self.dev_guild_id = dev_guild_id
        self.data_dir = data_dir
        # A server the bot was removed from keeps its data this long (bot.services.departures).
        self.departed_grace_days = departed_grace_days
        self._seeded: set[int] = set()
        self._seed_lock = asyncio.Lock()
        self._background: set[asyncio.Task[Any]] = set()
        # Built with the bot, so it is never None; cogs register handlers in cog_load and
        # setup_hook starts it after they have loaded.
        self.scheduler = Scheduler(self.db, self._clock, ready=self.wait_until_ready)
        self.scheduler.on_store_trouble = self._store_trouble
        # Event handlers discord.py runs as tasks (on_guild_seeded, …): tracked so that
        # close() lets them finish, or cancels them, before the store closes.
        self._events: set[asyncio.Task[Any]] = set()
        self._closing = False
        # Identify pacing (see before_identify_hook): Discord's max_concurrency, fetched
        # once, and when each rate-limit key last identified.
        self._max_concurrency: int | None = None
        self._identified_at: dict[int, float] = {}
        # One shard at a time per bucket: two reading the same "last identified" would
        # otherwise both skip the wait and IDENTIFY together.
        self._identify_locks: dict[int, asyncio.Lock] = {}

    @property
    def clock(self) -> Clock:
        """The bot's "now" (a sandbox or test shifts it); the scheduler reads the same one."""
        return self._clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        # The sandbox sets its virtual clock after building the bot (it needs SimCord's
        # env, which needs the bot): the scheduler, built with the bot, must follow.
        self._clock = clock
        self.scheduler.clock = clock

    async def setup_hook(self) -> None:
        """Open the store, migrate, install the translator and load every cog."""
        await self.db.open()
        await self.db.migrate()
        await self.tree.set_translator(Translator())
        # A press on an expired view (or a second press on a stopped one) gets an answer.
        self.add_listener(answer_unclaimed, "on_interaction")
        # --- scheduler: built in __init__ (cogs register handlers in cog_load), started
        # after they load, so no timer fires before its handler is registered.
        for name in self.extensions_to_load:
            await self.load_extension(name)
        log.info("loaded %d extensions", len(self.extensions_to_load))
        # --- scheduler
        await self.scheduler.start()
        # --- end scheduler

    async def close(self) -> None:
        """Stop taking work, let in-flight work finish (briefly), then close the store.

        The order matters: the scheduler and every background task and event handler
        stop while the store is still open, so none of them dies on a closed database;
        a timer interrupted here stays ``running`` and runs again at the next start.
        """
        if self._closing:
            await super().close()
            return
        self._closing = True
        # --- scheduler: stop firing before the cogs that handle timers go away.
        await self.scheduler.stop()
        # --- end scheduler
        await self._finish(self._events, grace=SHUTDOWN_GRACE)
        await self._finish(self._background, grace=0.0)
        for name in list(self.extensions):
            try:
                await self.unload_extension(name)
            except Exception:
                log.exception("error while unloading %s", name)
        await self._finish(self._background, grace=0.0)  # anything a cog_unload started
        await super().close()
        await self.db.close()

    async def _store_trouble(self, reason: str | None) -> None:
        """Tell every server's log channel the store is failing (why), or works again."""
        from bot.services.modlog import tell_all_moderators

        if reason is None:
            await tell_all_moderators(self, "modlog.store_back")
        else:
            await tell_all_moderators(self, "modlog.store_trouble", reason=reason)

    @staticmethod
    async def _finish(tasks: set[asyncio.Task[Any]], *, grace: float) -> None:
        """Give ``tasks`` up to ``grace`` seconds to end by themselves, then cancel them."""
        pending = {task for task in tasks if not task.done() and task is not asyncio.current_task()}
        if not pending:
            return
        if grace > 0:
            _, pending = await asyncio.wait(pending, timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _schedule_event(self, coro: Any, event_name: str, *args: Any, **kwargs: Any) -> Any:
        # discord.py runs each listener as a bare task; keep a reference so close() can
        # wait for it (see close()).
        task = super()._schedule_event(coro, event_name, *args, **kwargs)
        self._events.add(task)
        task.add_done_callback(self._events.discard)
        return task

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run background work with a strong reference and its exceptions logged."""
        task = asyncio.create_task(coro, name=name)
        self._background.add(task)

        def done(finished: asyncio.Task[Any]) -> None:
            self._background.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                log.error("background task %s failed", name, exc_info=finished.exception())

        task.add_done_callback(done)
        return task

    async def ensure_guild(self, guild_id: int) -> None:
        """Seed a guild's catalog from the bundled shows the first time it is used."""
        if guild_id in self._seeded:
            return
        from bot.services.catalog import ensure_seeded

        async with self._seed_lock:
            if guild_id not in self._seeded:
                seeded = await ensure_seeded(
                    self.db, guild_id, data_dir=self.data_dir, now=self.clock.timestamp()
                )
                self._seeded.add(guild_id)
                if seeded:
                    # Features that plan work per show (discussions) listen for this.
                    self.dispatch("guild_seeded", guild_id)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait for this shard's identify bucket, as Discord paces them.

        Discord lets ``max_concurrency`` shards IDENTIFY per 5-second window, one per key
        ``shard_id % max_concurrency``. discord.py's default sleeps 5 s before every
        identify but the first, which is right for ``max_concurrency`` 1 and needlessly
        slow for large bots (16 keys: 20,000 guilds would take 100 s instead of 10).
        Several processes of one bot take turns per key through the store.
        """
        if self._max_concurrency is None:
            try:
                limits = await self.fetch_session_start_limits()
                self._max_concurrency = max(1, int(limits.max_concurrency))
            except discord.HTTPException:
                self._max_concurrency = 1  # the safe pace when Discord will not say
        key = identify_key(shard_id or 0, self._max_concurrency)
        async with self._identify_locks.setdefault(key, asyncio.Lock()):
            last = self._identified_at.get(key)
            if last is not None:
                wait = last + IDENTIFY_PACE_SECONDS - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
            # Other processes of the same bot share Discord's buckets: take turns with them.
            await self.db.hold_identify_turn(key, IDENTIFY_TURN_SECONDS)
            self._identified_at[key] = time.monotonic()

    def forget_guild(self, guild_id: int) -> None:
        """The server's data was purged: seed it afresh if it is ever used again."""
        self._seeded.discard(guild_id)

    async def on_ready(self) -> None:
        """Log readiness only: loops start in setup_hook/cog_load, never here."""
        shards = sorted(self.shards)
        log.info(
            "ready as %s in %d guilds on shards %s of %s",
            self.user,
            len(self.guilds),
            ",".join(map(str, shards)) or "0",
            self.shard_count,
        )

    async def on_shard_ready(self, shard_id: int) -> None:
        """Name the shard in the log: which shard is up matters once there are several."""
        count = sum(1 for g in self.guilds if g.shard_id == shard_id)
        log.info("shard %d/%s ready with %d guilds", shard_id, self.shard_count, count)

    async def on_shard_disconnect(self, shard_id: int) -> None:
        """Log a shard's lost connection (discord.py reconnects it)."""
        log.info("shard %d disconnected", shard_id)

    async def on_shard_resumed(self, shard_id: int) -> None:
        """Log a shard's resumed session."""
        log.info("shard %d resumed", shard_id)


# What every command, autocomplete and view callback receives: the client is this bot,
# so its store, clock and scheduler are typed.
Interaction: TypeAlias = discord.Interaction[KdramaBot]
