"""The discussion channel: finding it, what the bot may do there, its threads and tags."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import discord

from bot.ui.errors import UserFacingError

if TYPE_CHECKING:
    # Typing only: importing discord.types.threads first trips a cycle inside discord.py.
    from discord.types.threads import ThreadArchiveDuration

    from bot.app import KdramaBot

DiscussionChannel = discord.ForumChannel | discord.TextChannel

# Discord's allowed auto-archive durations, in minutes.
ARCHIVE_CHOICES: tuple[ThreadArchiveDuration, ...] = (60, 1440, 4320, 10080)


class DiscussionError(UserFacingError):
    """Why a discussion could not be opened, closed or reopened.

    Each one (no channel, channel gone, permissions missing) needs a human; retrying
    would not help, and the scheduler treats it as permanent (it is no
    :class:`~bot.services.scheduler.TransientError`): a timer that meets one fails at
    once with the reason.
    """


def archive_duration(minutes: int) -> ThreadArchiveDuration:
    """The allowed duration closest to the guild's setting (Discord refuses any other)."""
    return min(ARCHIVE_CHOICES, key=lambda choice: (abs(choice - minutes), choice))


async def resolve_channel(bot: KdramaBot, channel_id: int | None) -> DiscussionChannel:
    """The guild's discussion channel, or a :class:`DiscussionError` saying what is wrong."""
    if channel_id is None:
        raise DiscussionError("discussion.error.no_channel")
    channel = bot.get_channel(channel_id)
    if channel is None:
        try:
            channel = await bot.fetch_channel(channel_id)
        except (discord.NotFound, discord.Forbidden) as exc:
            raise DiscussionError("discussion.error.channel_gone", channel=channel_id) from exc
    if not isinstance(channel, discord.ForumChannel | discord.TextChannel):
        raise DiscussionError("discussion.error.wrong_channel_type", channel=channel_id)
    return channel


def needed_permissions(channel: DiscussionChannel, *, tags_missing: bool) -> tuple[str, ...]:
    """What the bot needs in ``channel`` to open, index, archive and find discussions."""
    common = ("view_channel", "read_message_history", "send_messages_in_threads", "manage_threads")
    if isinstance(channel, discord.ForumChannel):
        # A forum post is a message in the forum; pinning a post is Manage Threads;
        # creating the Episode/Finale tags edits the channel.
        extra = ("send_messages",) + (("manage_channels",) if tags_missing else ())
    else:
        extra = ("send_messages", "create_public_threads", "pin_messages")
    return common + extra


def missing_permissions(channel: DiscussionChannel, *, tags_missing: bool) -> list[str]:
    """The permissions the bot lacks in ``channel`` (empty when it has them all).

    ``tags_missing``: whether opening would create forum tags (see :func:`tags_missing`);
    no default, so no caller forgets to count them.
    """
    have = channel.permissions_for(channel.guild.me)
    if isinstance(channel, discord.TextChannel) and have.manage_messages:
        # Pinning needed Manage Messages before Discord split out Pin Messages; either works.
        have.pin_messages = True
    return [name for name in needed_permissions(channel, tags_missing=tags_missing)
            if not getattr(have, name)]  # fmt: skip


async def find_threads(channel: DiscussionChannel, name: str) -> list[discord.Thread]:
    """Every thread called ``name`` in ``channel``, active or archived, oldest first.

    This is how a create whose answer was lost (a crash, a 500 after Discord made it) is
    recovered: the next attempt adopts the oldest instead of opening another.
    """
    found: dict[int, discord.Thread] = {}
    for thread in await channel.guild.active_threads():
        if thread.parent_id == channel.id and thread.name == name:
            found[thread.id] = thread
    async for thread in channel.archived_threads(limit=None):
        if thread.name == name:
            found.setdefault(thread.id, thread)
    return [found[key] for key in sorted(found)]


async def delete_own_thread(thread: discord.Thread) -> None:
    """Delete a surplus copy, but only one the bot made itself (never a member's thread)."""
    if thread.owner_id == thread.guild.me.id:
        await thread.delete()


def tag_names(numbers: Iterable[int], finale: bool, episode_tag: str, finale_tag: str) -> list[str]:
    """The forum tags a discussion wears: Episode N for each episode, and Finale."""
    names = [episode_tag.format(number=n) for n in sorted(numbers)]
    return names + ([finale_tag] if finale else [])


def tags_missing(channel: DiscussionChannel, names: Iterable[str]) -> bool:
    """Whether a forum lacks any of these tags (so opening will have to create them)."""
    if not isinstance(channel, discord.ForumChannel):
        return False
    have = {tag.name for tag in channel.available_tags}
    return any(name not in have for name in names)


async def ensure_tags(channel: discord.ForumChannel, names: list[str]) -> list[discord.ForumTag]:
    """The forum's tags with these names, creating the missing ones in one edit.

    One edit carrying every tag, rather than ``create_tag`` per name: each
    ``create_tag`` sends the cached list plus one, so a second call before the
    gateway's update arrives would drop the first new tag.
    """
    have = {tag.name: tag for tag in channel.available_tags}
    new = [name for name in names if name not in have]
    room = 20 - len(have)  # Discord allows 20 tags per forum
    if new and room > 0:
        tags = [*have.values(), *(discord.ForumTag(name=name) for name in new[:room])]
        edited = await channel.edit(available_tags=tags)
        if isinstance(edited, discord.ForumChannel):
            have = {tag.name: tag for tag in edited.available_tags}
    return [have[name] for name in names if name in have][:5]  # a post carries at most 5
