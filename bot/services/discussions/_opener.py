"""Opening, closing and reopening an episode's discussion — exactly one thread each."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import discord

from bot.domain.echo import Markup
from bot.i18n import guild_locale, t
from bot.mentions import NO_MENTIONS
from bot.services.once import create_once, thread_from_message
from bot.store import discussions as store
from bot.store.discussions import Discussion, EpisodeInfo, ShowEpisodes
from bot.store.guilds import get_settings
from bot.ui.permissions import permission_names

from ._channel import (
    DiscussionChannel,
    DiscussionError,
    archive_duration,
    delete_own_thread,
    ensure_tags,
    find_threads,
    missing_permissions,
    resolve_channel,
    tag_names,
    tags_missing,
)
from ._index import refresh_index
from ._render import discussion_poll, message_nonce, starter_text, thread_name

if TYPE_CHECKING:
    from bot.app import KdramaBot

log = logging.getLogger(__name__)

# One opener at a time per guild: a timer and a moderator's /discussion open racing
# for the same episode must not both get past "is there a thread yet?". Kept per bot
# (weakly), since a lock belongs to the event loop of the bot that made it.
_locks: WeakKeyDictionary[discord.Client, dict[int, asyncio.Lock]] = WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class Opened:
    """One thread the opener produced (or found already open) for some episodes."""

    episodes: tuple[int, ...]
    thread_id: int
    url: str
    created: bool


async def load_show(bot: KdramaBot, guild_id: int, slug: str) -> ShowEpisodes:
    """The guild's show, or a clear error naming the slug."""
    show = await store.show_episodes(bot.db, guild_id, slug)
    if show is None:
        raise DiscussionError("discussion.error.no_show", show=slug)
    return show


def require_episode(show: ShowEpisodes, number: int) -> EpisodeInfo:
    """The episode, or a clear error saying which episodes exist."""
    episode = show.episode(number)
    if episode is None:
        known = ", ".join(str(e.number) for e in show.episodes) or "-"
        raise DiscussionError(
            "discussion.error.no_episode", show=show.title, number=number, known=known
        )
    return episode


def _groups(show: ShowEpisodes, numbers: Sequence[int], combine: bool) -> list[list[int]]:
    """Which episodes share a thread: a combined double drop, else one thread each."""
    if not combine:
        return [[n] for n in numbers]
    groups: list[list[int]] = []
    for number in numbers:
        if any(number in g for g in groups):
            continue
        release = show.episode(number).release  # type: ignore[union-attr]
        same = [
            e.number
            for e in show.episodes
            if release is not None and e.release is not None and e.release.at == release.at
        ]
        groups.append(same or [number])
    return groups


async def open_episodes(
    bot: KdramaBot, guild_id: int, slug: str, numbers: Sequence[int]
) -> list[Opened]:
    """Open the discussion of each episode in ``numbers`` (already-open ones are returned as is).

    Raises :class:`DiscussionError` for what a human must fix; lets a transient
    :class:`discord.HTTPException` through for the caller to retry.
    """
    show = await load_show(bot, guild_id, slug)
    for number in numbers:
        require_episode(show, number)
    async with _locks.setdefault(bot, {}).setdefault(guild_id, asyncio.Lock()):
        return await _open_locked(bot, guild_id, show, numbers)


async def _open_locked(
    bot: KdramaBot, guild_id: int, show: ShowEpisodes, numbers: Sequence[int]
) -> list[Opened]:
    db = bot.db
    settings = await get_settings(db, guild_id)
    recorded = {d.episode: d for d in await store.list_discussions(db, guild_id, show.slug)}
    results: list[Opened] = []
    wanted = [n for n in numbers if n not in recorded]
    for number in numbers:
        if number in recorded:
            d = recorded[number]
            results.append(Opened((number,), d.thread_id, d.jump_url, created=False))
    if not wanted:
        return results
    channel = await resolve_channel(bot, settings.discussion_channel_id)
    locale = guild_locale(channel.guild)
    groups = [
        [n for n in group if n not in recorded]
        for group in _groups(show, wanted, settings.combine_double_drops)
    ]
    tags = _tag_names(show, wanted, locale)
    missing = missing_permissions(channel, tags_missing=tags_missing(channel, tags))
    if missing:
        raise DiscussionError(
            "discussion.error.missing_permissions",
            channel=Markup(channel.mention),
            permissions=Markup(permission_names(missing)),  # the bot's words: never cut
        )
    try:
        for group in groups:
            thread, created = await _open_one(
                bot, channel, show, group, settings.archive_minutes, settings.discussion_polls
            )
            await store.record_discussion(
                db, guild_id=guild_id, show_slug=show.slug, episodes=group,
                thread_id=thread.id, channel_id=channel.id, now=bot.clock.timestamp(),
            )  # fmt: skip
            # Release announcements already sent link the discussion on this event.
            bot.dispatch("discussion_opened", guild_id, show.slug, tuple(group))
            results.append(Opened(tuple(group), thread.id, thread.jump_url, created))
    except (discord.Forbidden, discord.NotFound) as exc:
        raise DiscussionError("discussion.error.discord", reason=exc.text or str(exc)) from exc
    finally:
        if len(results) > len(numbers) - len(wanted):
            await refresh_index(bot, channel, show)
    return results


def _tag_names(show: ShowEpisodes, numbers: Sequence[int], locale: str) -> list[str]:
    return tag_names(
        numbers,
        show.last_number in numbers,
        t("discussion.tag.episode", locale),
        t("discussion.tag.finale", locale),
    )


async def _open_one(
    bot: KdramaBot,
    channel: DiscussionChannel,
    show: ShowEpisodes,
    numbers: list[int],
    archive_minutes: int,
    polls: bool,
) -> tuple[discord.Thread, bool]:
    """Adopt the thread an earlier attempt left behind, or create it, exactly once; with
    its poll when the guild has polls on."""
    locale = guild_locale(channel.guild)
    name = thread_name(show, numbers, locale)
    poll = discussion_poll(numbers, locale) if polls else None
    links = await store.discussion_links(bot.db, channel.guild.id, show.slug)
    earlier = {n: url for n, url in links.items() if n < min(numbers)}
    episodes = [show.episode(n) for n in numbers]
    content = starter_text(show, [e for e in episodes if e is not None], earlier, locale)
    duration = archive_duration(archive_minutes)

    async def create() -> discord.Thread:
        if isinstance(channel, discord.ForumChannel):
            tags = await ensure_tags(channel, _tag_names(show, numbers, locale))
            created = await channel.create_thread(
                name=name, content=content, applied_tags=tags,
                auto_archive_duration=duration, allowed_mentions=NO_MENTIONS,
            )  # fmt: skip
            return created.thread
        starter = await _starter_message(channel, show, numbers, content, poll)
        made = channel.guild.get_thread(starter.id)  # its thread shares the message's id
        if made is not None:
            return made
        return await thread_from_message(bot, starter, name=name, auto_archive_duration=duration)

    thread, made = await create_once(
        bot,
        guild_id=channel.guild.id,
        key=f"thread:{show.slug}:{'+'.join(map(str, numbers))}",
        look=lambda: find_threads(channel, name),
        create=create,
        object_id=lambda found: found.id,
        remove=delete_own_thread,
        # A thread made before intents were recorded, or by a moderator, is adopted too.
        look_first=True,
    )
    if not made:
        log.info("guild %s: adopting existing thread %s (%s)", channel.guild.id, thread.id, name)
        if thread.archived and not thread.locked:
            thread = await thread.edit(archived=False)
    if poll is not None and isinstance(channel, discord.ForumChannel):
        # create_thread takes no poll: it is the first message in the post. An adopted
        # post may have lost it to a crash between the post and the poll, so look then.
        await _post_poll(bot, thread, show, numbers, poll, look_first=not made)
    return thread, made


async def _post_poll(
    bot: KdramaBot,
    thread: discord.Thread,
    show: ShowEpisodes,
    numbers: list[int],
    poll: discord.Poll,
    *,
    look_first: bool,
) -> discord.Message:
    """The discussion's poll in a forum post, exactly once (and with a stable nonce)."""
    me = thread.guild.me.id

    async def look() -> list[discord.Message]:
        return [
            message
            async for message in thread.history(limit=20, oldest_first=True)
            if message.author.id == me and message.poll is not None
        ]

    async def create() -> discord.Message:
        nonce = message_nonce(thread.guild.id, show.slug, numbers, "poll")
        return await thread.send(poll=poll, nonce=nonce, allowed_mentions=NO_MENTIONS)

    async def remove(message: discord.Message) -> None:
        await message.delete()

    message, _ = await create_once(
        bot,
        guild_id=thread.guild.id,
        key=f"poll:{show.slug}:{'+'.join(map(str, numbers))}",
        look=look,
        create=create,
        object_id=lambda found: found.id,
        remove=remove,
        look_first=look_first,
    )
    return message


async def _starter_message(
    channel: discord.TextChannel,
    show: ShowEpisodes,
    numbers: list[int],
    content: str,
    poll: discord.Poll | None,
) -> discord.Message:
    """The starter message (carrying the discussion's poll) an earlier attempt posted
    (with or without its thread), or a new one."""
    first_line = content.split("\n", 1)[0]
    me = channel.guild.me.id
    async for message in channel.history(limit=50):
        if message.author.id == me and message.content.startswith(first_line):
            return message
    nonce = message_nonce(channel.guild.id, show.slug, numbers, "start")
    if poll is None:
        return await channel.send(content, nonce=nonce, allowed_mentions=NO_MENTIONS)
    return await channel.send(content, poll=poll, nonce=nonce, allowed_mentions=NO_MENTIONS)


async def _thread(bot: KdramaBot, discussion: Discussion) -> discord.Thread:
    try:
        thread = await bot.fetch_channel(discussion.thread_id)
    except (discord.NotFound, discord.Forbidden) as exc:
        raise DiscussionError(
            "discussion.error.thread_gone", link=Markup(discussion.jump_url)
        ) from exc
    if not isinstance(thread, discord.Thread):
        raise DiscussionError("discussion.error.thread_gone", link=Markup(discussion.jump_url))
    return thread


async def recorded(bot: KdramaBot, guild_id: int, slug: str, number: int) -> Discussion:
    """The episode's recorded discussion, or a clear error when it was never opened."""
    show = await load_show(bot, guild_id, slug)
    require_episode(show, number)
    found = await store.get_discussion(bot.db, guild_id, slug, number)
    if found is None:
        raise DiscussionError("discussion.error.not_opened", show=show.title, number=number)
    return found


async def close_episode(bot: KdramaBot, guild_id: int, slug: str, number: int) -> Discussion:
    """Post a closing note, then archive and lock the episode's thread."""
    return await _set_open(bot, guild_id, slug, number, is_open=False)


async def reopen_episode(bot: KdramaBot, guild_id: int, slug: str, number: int) -> Discussion:
    """Unlock and unarchive the episode's thread, with a note saying it is open again."""
    return await _set_open(bot, guild_id, slug, number, is_open=True)


async def _set_open(
    bot: KdramaBot, guild_id: int, slug: str, number: int, *, is_open: bool
) -> Discussion:
    discussion = await recorded(bot, guild_id, slug, number)
    thread = await _thread(bot, discussion)
    locale = guild_locale(thread.guild)
    note = t("discussion.reopen_note" if is_open else "discussion.closing_note", locale)
    try:
        # Unarchive first either way: the note cannot be posted in an archived thread.
        if thread.archived or thread.locked:
            thread = await thread.edit(archived=False, locked=False)
        await thread.send(note, allowed_mentions=NO_MENTIONS)
        if not is_open:
            await thread.edit(archived=True, locked=True)
    except discord.Forbidden as exc:
        raise DiscussionError("discussion.error.discord", reason=exc.text or str(exc)) from exc
    status = "open" if is_open else "closed"
    await store.set_thread_status(bot.db, guild_id, thread.id, status, now=bot.clock.timestamp())
    return discussion
