"""Planning: when each episode's discussion opens, and whether the bot will be able to."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import discord

from bot.domain.release import Precision
from bot.i18n import guild_locale, t
from bot.services.modlog import tell_moderators
from bot.store import discussions as store
from bot.store.guilds import get_settings
from bot.ui.permissions import permission_names

from ._channel import (
    DiscussionError,
    missing_permissions,
    resolve_channel,
    tags_missing,
)
from ._opener import _tag_names, load_show

if TYPE_CHECKING:
    from bot.app import KdramaBot

log = logging.getLogger(__name__)

TIMER_KIND = "discussion.open"

# One planning at a time per guild. Plans start on events (seeded, settings changed,
# premiere moved) that can overlap; a plan that read the settings before a change
# committed (no channel yet) must not cancel, after the fact, the openings a plan
# started after the commit has scheduled. Serialised, the last plan to run has read
# the latest settings, and its result stands. Per bot, weakly (a lock is its loop's).
_plan_locks: WeakKeyDictionary[discord.Client, dict[int, asyncio.Lock]] = WeakKeyDictionary()


def timer_key(show_slug: str, episode: int) -> str:
    """The scheduler key of one episode's opening: unique per guild, show and episode."""
    return f"discussion:{show_slug}:{episode}"


async def plan_discussions(bot: KdramaBot, guild_id: int, show_slug: str) -> list[int]:
    """Schedule the opening of each of the show's episodes not opened yet.

    An episode opens at its release + the guild's watchable delay (day precision: local
    midnight). Coarser releases are not scheduled — there is no instant to open at.
    Episodes whose opening is further in the past than the catch-up window are left
    to ``/discussion open``. A pending opening that no longer has a place (the episode
    or show was removed, its release became vaguer, the channel was unset) is cancelled.
    Also checks the bot's permissions now, well before the release, and tells moderators
    once about anything missing. Returns the episode numbers scheduled.
    """
    async with _plan_locks.setdefault(bot, {}).setdefault(guild_id, asyncio.Lock()):
        return await _plan_locked(bot, guild_id, show_slug)


async def _plan_locked(bot: KdramaBot, guild_id: int, show_slug: str) -> list[int]:
    db = bot.db
    settings = await get_settings(db, guild_id)
    show = await store.show_episodes(db, guild_id, show_slug)
    if settings.discussion_channel_id is None or show is None:
        await _cancel_unplanned(bot, guild_id, show_slug, set())
        return []
    opened = await store.discussion_links(db, guild_id, show_slug)
    now = bot.clock.timestamp()
    planned: list[int] = []
    for episode in show.episodes:
        release = episode.release
        if episode.number in opened or release is None or not release.at_least(Precision.DAY):
            continue
        due = release.at + settings.watchable_delay_seconds
        if due < now - settings.catchup_seconds:
            continue
        planned.append(episode.number)
        await bot.scheduler.schedule(
            guild_id=guild_id, kind=TIMER_KIND, key=timer_key(show_slug, episode.number),
            due=due, payload={"show": show_slug, "episode": episode.number},
        )  # fmt: skip
    await _cancel_unplanned(bot, guild_id, show_slug, set(planned))
    if planned:
        await check_ahead(bot, guild_id, show_slug, planned)
    return planned


async def _cancel_unplanned(
    bot: KdramaBot, guild_id: int, show_slug: str, planned: set[int]
) -> None:
    """Cancel the show's pending openings for episodes outside ``planned``."""
    scheduler = bot.scheduler
    pending = await scheduler.list(
        guild_id=guild_id, kinds=[TIMER_KIND], statuses=["pending"],
        key_prefix=timer_key(show_slug, 0).removesuffix("0"),
    )  # fmt: skip
    for timer in pending:
        if int(timer.payload["episode"]) not in planned:
            await scheduler.cancel(
                guild_id=guild_id, key=timer.key, reason="no longer planned (catalog or settings)"
            )


async def check_ahead(
    bot: KdramaBot, guild_id: int, show_slug: str, numbers: list[int]
) -> str | None:
    """Tell moderators now what would stop these discussions from opening; once per problem.

    Returns the problem (None when all is well).
    """
    db = bot.db
    settings = await get_settings(db, guild_id)
    show = await load_show(bot, guild_id, show_slug)
    problem: str | None = None
    locale = "en"
    try:
        channel = await resolve_channel(bot, settings.discussion_channel_id)
        locale = guild_locale(channel.guild)
        missing = missing_permissions(
            channel, tags_missing=tags_missing(channel, _tag_names(show, numbers, locale))
        )
        if missing:
            problem = t(
                "discussion.error.missing_permissions", locale,
                channel=channel.mention, permissions=permission_names(missing),
            )  # fmt: skip
    except DiscussionError as exc:
        problem = t(exc.key, locale, **exc.fields)
    now = bot.clock.timestamp()
    channel_id = settings.discussion_channel_id or 0
    if await store.swap_warning(db, guild_id, channel_id, problem or "", now) and problem:
        first = min(numbers)
        release = show.episode(first).release  # type: ignore[union-attr]
        when = f"<t:{release.at + settings.watchable_delay_seconds}:R>" if release else "?"
        await tell_moderators(
            bot, guild_id, "discussion.modlog.ahead",
            show=show.title, number=first, when=when, problem=problem,
        )  # fmt: skip
    return problem


async def channel_problems(
    bot: KdramaBot, guild_id: int, channel: discord.ForumChannel | discord.TextChannel
) -> list[str]:
    """The permissions the bot would lack in ``channel`` as the guild's discussion channel,
    counting the forum tags its shows' discussions would have to create."""
    from bot.store.catalog_io import list_show_slugs

    locale = guild_locale(channel.guild)
    names: list[str] = []
    for slug in await list_show_slugs(bot.db, guild_id):
        show = await store.show_episodes(bot.db, guild_id, slug)
        if show is not None:
            names += _tag_names(show, [e.number for e in show.episodes], locale)
    return missing_permissions(channel, tags_missing=tags_missing(channel, names))


async def plan_all(bot: KdramaBot) -> None:
    """Plan every show of every guild that has a discussion channel (at start-up)."""
    from bot.store.catalog_io import list_show_slugs

    db = bot.db
    for guild_id in await store.guilds_with_discussion_channel(db):
        for slug in await list_show_slugs(db, guild_id):
            try:
                await plan_discussions(bot, guild_id, slug)
            except Exception:
                log.exception("could not plan discussions for guild %s show %s", guild_id, slug)


async def reopen_after_downtime(bot: KdramaBot) -> list[int]:
    """Unarchive open discussions archived while the bot was down, inside their window.

    The window is the guild's keep-open time from the opening; a thread a moderator
    closed is marked closed in the store and never reopened here. Returns thread ids.
    """
    db = bot.db
    now = bot.clock.timestamp()
    reopened: list[int] = []
    seen: set[int] = set()
    for discussion in await store.open_discussions(db):
        if discussion.thread_id in seen:
            continue
        seen.add(discussion.thread_id)
        settings = await get_settings(db, discussion.guild_id)
        if now >= discussion.opened_at + settings.archive_minutes * 60:
            continue
        try:
            thread = await bot.fetch_channel(discussion.thread_id)
            if isinstance(thread, discord.Thread) and thread.archived and not thread.locked:
                await thread.edit(archived=False)
                reopened.append(thread.id)
        except discord.HTTPException as exc:
            log.warning("could not check discussion thread %s: %s", discussion.thread_id, exc)
    return reopened


def describe(results: list[Any]) -> str | None:
    """What an opening produced, for the timer's recorded result."""
    return ", ".join(f"{'+'.join(map(str, r.episodes))}:{r.thread_id}" for r in results) or None
