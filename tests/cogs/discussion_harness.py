"""Shared set-up for the discussion tests: a discussion channel of either kind, a clock."""

from __future__ import annotations

from datetime import datetime

import pytest
import simcord.http.router as sim_router

from bot.sandbox.simcord_gaps import forum_pin_routes
from bot.services import discussions as service
from bot.store import discussions as discussion_store
from tests.support.paths import KST

SHOW = "soundtrack-1"
DAY = 86_400
RELEASES = {1: "2022-03-23", 2: "2022-03-30", 3: "2022-04-06", 4: "2022-04-13"}
# Discord refusing a thread action with 403 50013, with its text and without: what the
# moderator then reads (Discord's text, or the status and code when it sends none).
DISCORD_REFUSES = pytest.mark.parametrize(
    ("message", "reason"),
    [("Missing Permissions", "Missing Permissions"),
     ("", "403 Forbidden (error code: 50013)")],
)  # fmt: skip
# A module's pytestmark: each test once in a forum and once in a text channel, with
# forum posts pinnable (SimCord lacks the route).
IN_EACH_KIND = [
    pytest.mark.parametrize("kind", ["forum", "text"]),
    pytest.mark.usefixtures("forum_pins"),
]


def kst_midnight(day: str) -> int:
    """UTC epoch seconds of local midnight in Korea on ``day``."""
    return int(datetime.fromisoformat(day).replace(tzinfo=KST).timestamp())


def pin_forum_posts(monkeypatch) -> dict[int, bool]:
    """Let SimCord accept a forum post's ``pinned`` flag (see bot.sandbox.simcord_gaps)."""
    pinned: dict[int, bool] = {}
    monkeypatch.setitem(sim_router._ROUTES, "PATCH", forum_pin_routes(pinned))
    return pinned


async def use_channel(world, kind: str, **settings) -> object:
    """Seed the guild, make ``kind`` its discussion channel, plan the show; the channel."""
    from bot.store.guilds import update_settings

    bot = world.env.bot
    channel = world.discussion if kind == "forum" else world.guild.create_text_channel("episodes")
    await bot.ensure_guild(world.guild.id)
    await update_settings(
        bot.db, world.guild.id, discussion_channel_id=channel.id,
        log_channel_id=world.log.id, **settings,
    )  # fmt: skip
    await service.plan_discussions(bot, world.guild.id, SHOW)
    await world.env.settle()
    return channel


async def advance_to(world, instant: int) -> None:
    """Move virtual time until the bot's clock reads ``instant``, a day at a time.

    Each advance_time gets SimCord's settle timeout (5 real seconds) for all it fires:
    weeks of openings in one call ran past it on a loaded machine ("bot did not settle
    while advancing time"). A day per call fires the same timers in the same order.
    """
    while (left := instant - world.env.bot.clock.timestamp()) > 0:
        await world.env.advance_time(min(left, DAY))


def discussion_threads(channel) -> list:
    """The channel's episode discussions (not the index post), oldest first."""
    return sorted(
        (t for t in channel.threads if t.name.startswith("[Spoilers]")), key=lambda t: t.id
    )


def store_fails_once_after_discord_answers(monkeypatch) -> list[list[int]]:
    """The first record of an opening fails (the store went away right after Discord
    made the thread): a crash between the post and its record. Returns the episodes of
    each refused record, so a test can say it happened once."""
    real = discussion_store.record_discussion
    crashes: list[list[int]] = []

    async def crash_once(*args, **kwargs):
        if not crashes:
            crashes.append(kwargs["episodes"])
            raise OSError("the store went away right after Discord answered")
        return await real(*args, **kwargs)

    monkeypatch.setattr(discussion_store, "record_discussion", crash_once)
    return crashes


def discussion_polls(kind: str, channel, thread) -> list:
    """The bot's polls of one discussion: in the forum post, or on the text starter."""
    if kind == "forum":
        messages = thread.history()
    else:
        messages = [m for m in channel.history() if m.id == thread.id]
    return [m.poll for m in messages if m.author.bot and m.poll is not None]
