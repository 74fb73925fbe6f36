"""Confirm/Cancel previews and the "Notify me" toggle."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import t
from bot.store.guilds import get_settings
from bot.ui.tree import NO_MENTIONS
from bot.ui.views import View

if TYPE_CHECKING:
    from bot.app import Interaction


class ConfirmView(View):
    """Confirm / Cancel under an ephemeral preview; only its author may press them."""

    def __init__(
        self, author_id: int, on_confirm: Callable[[discord.Interaction], Awaitable[str]]
    ) -> None:
        super().__init__(timeout=600)
        self.author_id = author_id
        self.on_confirm = on_confirm

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the moderator who asked may confirm."""
        return interaction.user.id == self.author_id

    @discord.ui.button(
        label="Confirm", style=discord.ButtonStyle.success, custom_id="announce:confirm"
    )
    async def confirm(
        self, interaction: Interaction, button: discord.ui.Button[ConfirmView]
    ) -> None:
        """Save and say what was scheduled."""
        self.stop()
        text = await self.on_confirm(interaction)
        await interaction.response.edit_message(
            content=text, embed=None, view=None, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(
        label="Cancel", style=discord.ButtonStyle.secondary, custom_id="announce:cancel"
    )
    async def cancel(
        self, interaction: Interaction, button: discord.ui.Button[ConfirmView]
    ) -> None:
        """Drop the preview; nothing is saved."""
        self.stop()
        await interaction.response.edit_message(
            content=t("announce.dropped", interaction), embed=None, view=None
        )


async def toggle_notify(interaction: Interaction) -> None:
    """Give or take the guild's notify role, answering ephemerally."""
    guild = interaction.guild
    member = interaction.user
    if guild is None or not isinstance(member, discord.Member):
        await interaction.response.send_message(t("error.guild_only", interaction), ephemeral=True)
        return
    settings = await get_settings(interaction.client.db, guild.id)
    role = guild.get_role(settings.notify_role_id) if settings.notify_role_id else None
    if role is None:
        await interaction.response.send_message(
            t("announce.notify_unset", interaction), ephemeral=True
        )
        return
    try:
        if any(r.id == role.id for r in member.roles):
            await member.remove_roles(role, reason="/notify: opted out")
            key = "announce.notify_off"
        else:
            await member.add_roles(role, reason="/notify: opted in")
            key = "announce.notify_on"
    except discord.Forbidden:
        key = "announce.notify_forbidden"
    await interaction.response.send_message(
        t(key, interaction, role=role.name), ephemeral=True, allowed_mentions=NO_MENTIONS
    )
