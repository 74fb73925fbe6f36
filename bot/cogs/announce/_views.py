"""The "Notify me" toggle (Confirm/Cancel previews live in bot.ui.confirm)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.i18n import t
from bot.mentions import NO_MENTIONS
from bot.store.guilds import get_settings
from bot.ui.tree import defer, say

if TYPE_CHECKING:
    from bot.app import Interaction


async def set_notify(interaction: Interaction, *, on: bool) -> None:
    """Give (``on``) or take the guild's notify role, answering ephemerally.

    The member's intent, not a toggle: a press or command Discord delivers twice, or a
    member's retry after a slow answer, leaves the role as they asked. Deferred first,
    since the role call can be slow.
    """
    guild = interaction.guild
    member = interaction.user
    if guild is None or not isinstance(member, discord.Member):
        await interaction.response.send_message(t("error.guild_only", interaction), ephemeral=True)
        return
    await defer(interaction, ephemeral=True, thinking=True)
    settings = await get_settings(interaction.client.db, guild.id)
    role = guild.get_role(settings.notify_role_id) if settings.notify_role_id else None
    if role is None:
        await interaction.edit_original_response(content=t("announce.notify_unset", interaction))
        return
    has = any(r.id == role.id for r in member.roles)
    try:
        if on and not has:
            await member.add_roles(role, reason="/notify: opted in")
        elif not on and has:
            await member.remove_roles(role, reason="/notify: opted out")
        key = "announce.notify_on" if on else "announce.notify_off"
    except discord.Forbidden:
        key = "announce.notify_forbidden"
    # Editing the deferred answer (not a followup): repeating it never shows two.
    await interaction.edit_original_response(
        content=say(key, interaction, role=role.name), allowed_mentions=NO_MENTIONS
    )
