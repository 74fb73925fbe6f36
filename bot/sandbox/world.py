"""The demo guild: the real bot, a fan server around it, and virtual time.

``sandbox_world`` is what ``kdrama-bot sandbox`` runs and what the tests drive: the
same KdramaBot as ``run`` (setup_hook opens and migrates the store and loads every
extension in EXTENSIONS), attached to SimCord instead of Discord.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import simcord
import simcord.http.router as sim_router
import simcord.interactions as sim_interactions

from bot.app import EXTENSIONS, KdramaBot
from bot.clock import Clock
from bot.domain.timeexpr import DEFAULT_ZONE, zone
from bot.sandbox.echo import Echo
from bot.sandbox.fanserver import FanServer, build_fan_server
from bot.sandbox.simcord_gaps import client_locales, forum_pin_routes
from bot.sandbox.timecog import SandboxTime
from bot.store import Database
from bot.store.guilds import update_settings
from bot.store.sandbox_clock import store_now, stored_now
from bot.store.timers import next_pending_at

KST = zone(DEFAULT_ZONE)
# Three weeks before Soundtrack #1's premiere: the moment the bot is most worth watching.
DEFAULT_START = datetime(2022, 3, 1, 9, 0, tzinfo=KST)
# SimCord settles bot work within this many real seconds; a long `advance` walks
# through every timer on the way, so it gets far more room than a test does.
SETTLE_SECONDS = 120.0
BOT_NAME = "kdrama-bot"
# SimCord's page renders every <t:…> stamp in one zone for all viewers: a viewer's "own
# time". Not Korea's, so the bot's "Korea time and your own" shows two different clocks.
PAGE_TIMEZONE = "Europe/London"


class SandboxBusy(Exception):
    """The page is running an action; the terminal command should be tried again."""


@dataclass
class Sandbox(FanServer):
    """A running sandbox: SimCord's env, the bot, the demo guild and its three viewers."""

    env: simcord.Env = None  # type: ignore[assignment]
    bot: KdramaBot = None  # type: ignore[assignment]
    echo: Echo = None  # type: ignore[assignment]
    # Two more viewers: a member whose Discord client is Korean, and one abroad.
    korean_member: Any = None
    abroad_member: Any = None
    database_path: Path = None  # type: ignore[assignment]
    preview: Any = None
    # Prompt lines queued from the page's /sandbox-time, run by the terminal's loop.
    requests: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def now(self) -> datetime:
        """The bot's "now" (aware UTC): what every feature of the bot sees."""
        return self.bot.clock.now()

    async def advance(self, seconds: float) -> None:
        """Move virtual time forward; due announcements and discussions fire on the way.

        Raises SandboxBusy while the page is running an action (SimCord runs one
        operation at a time), and TimeoutError if the bot did not settle in time
        (the progress made so far stays).
        """
        async with self._lock:
            target = self.now().timestamp() + seconds
            for _ in range(50):  # a page action takes milliseconds; wait a little for it
                try:
                    await self.env.advance_time(seconds)
                    await self._fire_due(target)
                except simcord.SetupError as exc:
                    if "overlaps" not in str(exc):
                        raise
                    await asyncio.sleep(0.1)
                    continue
                except TimeoutError:
                    await self._refresh_page()  # the progress made so far is real
                    raise
                await self._refresh_page()
                await store_now(self.bot.db, int(self.now().timestamp()))
                return
            raise SandboxBusy("the page is busy; try again in a moment")

    async def _fire_due(self, target: float) -> None:
        """Run every timer due at or before ``target`` before the jump counts as done.

        SimCord stops a jump at its target, but the scheduler's sleep toward a timer due
        exactly then ends a float rounding later (and a timer fired on the way leaves
        the clock a microsecond off whole seconds), so a timer due at the target itself
        would wait for the next advance. Wake the loop at the target and let it settle;
        a timer still not due by the bot's clock gets the last microseconds of the jump.
        """
        scheduler = self.bot.scheduler
        if scheduler is None:
            return
        for _ in range(10):
            due = await next_pending_at(self.bot.db)
            if due is None or due > target:
                return
            if due > self.now().timestamp():
                await self.env.advance_time(max(due - self.now().timestamp(), 1e-6))
            scheduler.wake()
            await self.env.settle()

    async def _refresh_page(self) -> None:
        # Once per advance, never periodically: a refresh makes the page's current view
        # stale and a click racing it is rejected. But an advance always moves the clock
        # the page renders <t:…:R> against, and usually brings new posts.
        if self.preview is not None:
            with contextlib.suppress(simcord.SetupError):  # the page was just closed
                await self.preview.refresh()

    async def open_preview(
        self, *, port: int = 0, channel: Any = None, viewers: Sequence[Any] = ()
    ) -> Any:
        """Serve a page for ``channel`` (#general) on 127.0.0.1; the first viewer opens it.

        SimCord runs one page per world: an open one is closed first.
        """
        if self.preview is not None:
            await self.preview.close()
        preview = self.env.preview(
            channel or self.general,
            viewers=list(viewers)
            or [self.member, self.korean_member, self.abroad_member, self.moderator, self.admin],
            layout="channel",  # the layout with the slash-command composer
            timezone=PAGE_TIMEZONE,
            presentation_time=self.now(),
            port=port,
        )
        await preview.__aenter__()
        # The page renders <t:…:R> against its presentation time. SimCord would set
        # that to its own 2026 clock; keep it on the bot's (2022) clock instead.
        setattr(  # noqa: B010 - replacing a method of SimCord's on purpose
            preview,
            "_advance_presentation_time",
            lambda: setattr(preview, "capture_time", self.now()),
        )
        self.preview = preview
        return preview


@contextlib.asynccontextmanager
async def sandbox_world(
    *,
    database: str | Path | None = None,
    start: datetime = DEFAULT_START,
    write: Callable[[str], None] = print,
) -> AsyncIterator[Sandbox]:
    """Start the real bot inside SimCord with the demo guild; stop it cleanly after.

    ``database`` keeps the SQLite file (a fresh temporary one by default, deleted after);
    a kept file that already lived later than ``start`` resumes at its stored time, so
    time only ever moves forward. ``write`` receives the terminal echo lines.
    """
    with contextlib.ExitStack() as stack:
        # SimCord cannot pin forum posts yet; the discussion index pins one.
        routes = sim_router._ROUTES
        original_patch = routes["PATCH"]
        routes["PATCH"] = forum_pin_routes({})
        stack.callback(routes.__setitem__, "PATCH", original_patch)
        # The Korean viewer's interactions carry a Korean client's locale.
        locales: dict[int, str] = {}
        original_payload = sim_interactions.base_payload
        sim_interactions.base_payload = client_locales(locales)
        stack.callback(setattr, sim_interactions, "base_payload", original_payload)
        if database is None:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="kdrama-sandbox-"))
            database = Path(folder) / "sandbox.sqlite3"
        start = max(start, await _stored_start(Path(database)) or start)
        bot = KdramaBot(database=Database(database), extensions=EXTENSIONS)
        # check_errors=False: bot errors are logged with their traceback as they happen
        # (the tree's one error path); nothing is re-raised at exit.
        env = simcord.Env(bot, check_errors=False, settle_timeout=SETTLE_SECONDS)
        # The bot's clock is SimCord's virtual clock shifted to ``start``: it moves exactly
        # as SimCord's does (asyncio.sleep in the bot is virtual too). Read straight from
        # SimCord, so the terminal and the tests see the same time as the bot; set before
        # start-up, so setup_hook already lives in the sandbox's time.
        bot.clock = Clock(offset=start.astimezone(UTC) - env.now(), source=env.now)
        sandbox: Sandbox | None = None
        try:
            await env.start()  # login → setup_hook: store, migrations, translator, cogs
            sandbox = await _build_guild(env, bot, Path(database), write)
            locales[sandbox.korean_member.id] = "ko"
            yield sandbox
        finally:
            await _shutdown(env, bot, sandbox)


async def _stored_start(database: Path) -> datetime | None:
    """Where a kept sandbox database stopped, or None for a new one."""
    if not await asyncio.to_thread(database.exists):
        return None
    async with Database(database) as db:
        await db.migrate()
        stored = await stored_now(db)
    return None if stored is None else datetime.fromtimestamp(stored, UTC)


async def _build_guild(
    env: simcord.Env, bot: KdramaBot, database_path: Path, write: Callable[[str], None]
) -> Sandbox:
    server = build_fan_server(env)
    general, announcements, discussion, log = (
        server.general, server.announcements, server.discussion, server.log
    )  # fmt: skip
    names = {c.id: c.name for c in (general, announcements, discussion, log)}
    echo = Echo(
        names=lambda channel_id: names.get(channel_id) or _cached_name(bot, channel_id),
        clock=bot.clock.now,
        write=write,
        shown_channel_id=general.id,
    )
    env.backend.subscribers.append(echo)
    korean = server.guild.add_member(env.create_user("jiwoo"))
    abroad = server.guild.add_member(env.create_user("sam_london"))
    # SimCord names every bot "TestBot"; the page should say whose bot this is.
    assert bot.user is not None  # logged in by now
    await bot.user.edit(username=BOT_NAME)
    requests: asyncio.Queue[str] = asyncio.Queue()
    await bot.add_cog(SandboxTime(bot.clock.now, requests))  # the sandbox's own, not in EXTENSIONS
    await bot.tree.sync()
    # Seed the catalog now (the tree would on the first command) so timers that
    # features plan from the catalog exist before anyone types anything.
    await bot.ensure_guild(server.guild.id)
    await update_settings(
        bot.db,
        server.guild.id,
        announce_channel_id=announcements.id,
        discussion_channel_id=discussion.id,
        log_channel_id=log.id,
        notify_role_id=server.notify_role.id,
        moderator_role_id=server.moderator_role.id,
        admin_role_id=server.admin_role.id,
        timezone=DEFAULT_ZONE,
    )
    # As /config set does: plans made from the settings (discussion openings) are made
    # again now that these are committed; one that ran on the seeding alone saw none.
    bot.dispatch("guild_settings_changed", server.guild.id)
    return Sandbox(
        **vars(server),
        env=env,
        bot=bot,
        echo=echo,
        korean_member=korean,
        abroad_member=abroad,
        database_path=database_path,
        requests=requests,
    )


def _cached_name(bot: KdramaBot, channel_id: int) -> str | None:
    channel = bot.get_channel(channel_id)
    return getattr(channel, "name", None)


async def _shutdown(env: simcord.Env, bot: KdramaBot, sandbox: Sandbox | None) -> None:
    """Close the page, detach the bot from SimCord, then close the bot and its store."""
    if sandbox is not None and sandbox.preview is not None:
        await sandbox.preview.close()
    if sandbox is not None:
        with contextlib.suppress(RuntimeError):  # the store never opened
            await store_now(bot.db, int(sandbox.now().timestamp()))
    with contextlib.suppress(simcord.SetupError):
        await env.shutdown()
    # SimCord's detach marks the client closed without running its close(); ours
    # still has cogs to unload (stopping their loops) and the store to close.
    await bot.close()
