"""The pinned index: one message per show listing every episode's discussion."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.i18n import guild_locale
from bot.mentions import NO_MENTIONS
from bot.services.once import create_once
from bot.store import discussions as store
from bot.store import ratings
from bot.store.discussions import DiscussionIndex, ShowEpisodes
from bot.store.guilds import get_settings

from ._channel import (
    DiscussionChannel,
    DiscussionError,
    delete_own_thread,
    find_threads,
    resolve_channel,
)
from ._render import index_heading, index_text, index_title

if TYPE_CHECKING:
    from bot.app import KdramaBot

log = logging.getLogger(__name__)


async def refresh_index(bot: KdramaBot, channel: DiscussionChannel, show: ShowEpisodes) -> None:
    """Post or edit the show's pinned index in ``channel``.

    Never raises: the discussions themselves are what matter, and the index is
    rebuilt in full on the next open.
    """
    guild_id = channel.guild.id
    try:
        await _refresh(bot, channel, show)
    except discord.HTTPException as exc:
        log.warning("guild %s: could not update the %s index: %s", guild_id, show.slug, exc)


async def refresh_after_forget(bot: KdramaBot, guild_id: int, slug: str) -> bool:
    """Edit the show's posted index after a member's ratings were deleted (/privacy
    forget): an average may have changed, or dropped below what the index shows.
    Whether it was edited."""
    return await _refresh_posted(bot, guild_id, slug)


async def refresh_after_rating(bot: KdramaBot, guild_id: int, slug: str, episode: int) -> bool:
    """Edit the show's posted index after a member rated ``episode``, when the index
    shows that episode's average (enough members rated it). Whether it was edited."""
    summary = (await ratings.summaries(bot.db, guild_id, slug)).get(episode)
    if summary is None or not summary.shown:
        return False
    return await _refresh_posted(bot, guild_id, slug)


async def _refresh_posted(bot: KdramaBot, guild_id: int, slug: str) -> bool:
    """Edit the show's index where it is posted; False when none is, or its channel is gone."""
    known = await store.get_index(bot.db, guild_id, slug)
    show = await store.show_episodes(bot.db, guild_id, slug)
    if known is None or show is None:
        return False
    try:
        channel = await resolve_channel(bot, known.channel_id)
    except DiscussionError:
        return False
    await refresh_index(bot, channel, show)
    return True


async def _refresh(bot: KdramaBot, channel: DiscussionChannel, show: ShowEpisodes) -> None:
    db = bot.db
    guild_id = channel.guild.id
    settings = await get_settings(db, guild_id)
    locale = guild_locale(channel.guild)
    links = await store.discussion_links(db, guild_id, show.slug)
    rated = await ratings.summaries(db, guild_id, show.slug)
    content = index_text(show, links, settings.watchable_delay_seconds, locale, rated)
    known = await store.get_index(db, guild_id, show.slug)
    if known is not None and known.channel_id == channel.id:
        where = known.thread_id or known.channel_id
        partial = discord.PartialMessage(
            channel=bot.get_partial_messageable(where, guild_id=guild_id),
            id=known.message_id,
        )
        try:
            await partial.edit(content=content, allowed_mentions=NO_MENTIONS)
            return
        except discord.NotFound:
            log.info("guild %s: the %s index was deleted; posting it again", guild_id, show.slug)
    index = await _post(bot, channel, show, content, locale)
    await store.set_index(db, guild_id, show.slug, index)


async def _post(
    bot: KdramaBot,
    channel: DiscussionChannel,
    show: ShowEpisodes,
    content: str,
    locale: str,
) -> DiscussionIndex:
    """Find the bot's own index (recorded nowhere after a crash) or post it, exactly once,
    pinned."""
    key = f"index:{show.slug}:{channel.id}"
    if isinstance(channel, discord.ForumChannel):
        title = index_title(show, locale)
        starters: dict[int, discord.Message] = {}

        async def create_post() -> discord.Thread:
            created = await channel.create_thread(
                name=title, content=content, allowed_mentions=NO_MENTIONS
            )
            starters[created.thread.id] = created.message
            return created.thread

        post, made = await create_once(
            bot, guild_id=channel.guild.id, key=key,
            look=lambda: find_threads(channel, title), create=create_post,
            object_id=lambda found: found.id, remove=delete_own_thread, look_first=True,
        )  # fmt: skip
        if made:
            starter = starters[post.id]
        else:
            # The post's first message (on Discord it shares the post's id; read it
            # rather than assume, so an adopted post is edited in place).
            first = [m async for m in post.history(limit=1, oldest_first=True)]
            if first:
                starter = first[0]
                await starter.edit(content=content, allowed_mentions=NO_MENTIONS)
            else:  # its first message was deleted: the index goes in a new one
                starter = await post.send(content, allowed_mentions=NO_MENTIONS)
        if not post.flags.pinned:
            await post.edit(pinned=True, archived=False)
        return DiscussionIndex(channel.id, starter.id, post.id)
    heading = index_heading(show, locale)

    async def look() -> list[discord.Message]:
        # Pinned, or sent but not yet pinned when the last attempt stopped.
        me = channel.guild.me.id
        found: dict[int, discord.Message] = {
            m.id: m async for m in channel.pins() if m.author.id == me
        }
        async for message in channel.history(limit=50):
            if message.author.id == me:
                found.setdefault(message.id, message)
        return [found[i] for i in sorted(found) if found[i].content.startswith(heading)]

    async def create_message() -> discord.Message:
        return await channel.send(content, allowed_mentions=NO_MENTIONS)

    message, made = await create_once(
        bot, guild_id=channel.guild.id, key=key, look=look, create=create_message,
        object_id=lambda found: found.id, remove=lambda copy: copy.delete(), look_first=True,
    )  # fmt: skip
    if not made:
        await message.edit(content=content, allowed_mentions=NO_MENTIONS)
    if not message.pinned:
        await message.pin()
    return DiscussionIndex(channel.id, message.id, None)
