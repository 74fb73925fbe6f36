"""Telling a guild's moderators about something that needs a human (its log channel)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import guild_locale, t
from bot.mentions import NO_MENTIONS
from bot.store.guilds import get_settings

if TYPE_CHECKING:
    from bot.app import KdramaBot

log = logging.getLogger(__name__)


async def tell_moderators(bot: KdramaBot, guild_id: int, key: str, **fields: Any) -> bool:
    """Post the message ``key`` in the guild's log channel, if one is set and reachable.

    It speaks the server's language, as the bot's other posts do. Returns whether it
    was delivered. Never raises: a broken log channel must not break the work that
    wanted to report something.
    """
    text = t(key, guild_locale(bot.get_guild(guild_id)), **fields)
    settings = await get_settings(bot.db, guild_id)
    if settings.log_channel_id is None:
        log.info("guild %s has no log channel; not delivered: %s", guild_id, text)
        return False
    channel = bot.get_channel(settings.log_channel_id)
    if not isinstance(channel, discord.abc.Messageable):
        log.warning("guild %s log channel %s is gone", guild_id, settings.log_channel_id)
        return False
    try:
        await channel.send(text[:2000], allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as exc:
        log.warning("could not post to guild %s log channel: %s", guild_id, exc)
        return False
    return True


async def tell_all_moderators(bot: KdramaBot, key: str, **fields: Any) -> int:
    """Post ``key`` in the log channel of every server the bot is in; how many got it.

    For what concerns every server at once (the store failing and recovering).
    """
    delivered = 0
    for guild in list(bot.guilds):
        try:
            delivered += await tell_moderators(bot, guild.id, key, **fields)
        except Exception as exc:  # the store itself may be what is failing
            log.warning("could not tell guild %s's moderators (%s): %s", guild.id, key, exc)
    return delivered
