"""The premiere's Guild Scheduled Event: one per show, created once, updated after."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.services.once import create_once
from bot.store import announce as store

if TYPE_CHECKING:
    from bot.app import KdramaBot

log = logging.getLogger(__name__)


async def upsert_premiere_event(
    bot: KdramaBot, guild: discord.Guild, slug: str, *, name: str, start: datetime, **fields: Any
) -> tuple[discord.ScheduledEvent, bool]:
    """Update the show's recorded event, or create it exactly once; ``(event, created)``.

    An event the bot made whose record was lost (a crash after Discord made it, a 500
    after Discord committed) is found by creator, name and start, and adopted.
    """
    event_id = await store.get_event_id(bot.db, guild.id, slug)
    if event_id is not None:
        try:
            existing = await guild.fetch_scheduled_event(event_id)
        except discord.NotFound:
            existing = None
        if existing is not None:
            edited = await existing.edit(
                name=name, start_time=start, entity_type=discord.EntityType.external, **fields
            )
            return edited or existing, False

    async def look() -> list[discord.ScheduledEvent]:
        me = guild.me.id
        events = await guild.fetch_scheduled_events(with_counts=False)
        mine = [
            e for e in events if e.creator_id == me and e.name == name and e.start_time == start
        ]
        return sorted(mine, key=lambda e: e.id)

    async def create() -> discord.ScheduledEvent:
        return await guild.create_scheduled_event(
            name=name,
            start_time=start,
            entity_type=discord.EntityType.external,
            privacy_level=discord.PrivacyLevel.guild_only,
            **fields,
        )

    event, made = await create_once(
        bot,
        guild_id=guild.id,
        key=f"event:{slug}",
        look=look,
        create=create,
        object_id=lambda found: found.id,
        remove=lambda copy: copy.delete(),
    )
    await store.set_event_id(bot.db, guild.id, slug, event.id)
    return event, made
