"""Confirm/Cancel previews and the "Notify me" toggle."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import t
from bot.mentions import NO_MENTIONS
from bot.store.guilds import get_settings
from bot.ui.tree import defer, say
from bot.ui.views import View

if TYPE_CHECKING:
    from bot.app import Interaction


class ConfirmView(View):
    """Confirm / Cancel under an ephemeral preview; only its author may press them.

    Confirm is idempotent: it defers before the write, saves at most once (a second
    press, even one racing the first, waits and gets the same answer), and a press
    whose save failed (the store was busy: nothing saved) leaves the preview there to
    press again. ``on_confirm`` itself must be safe to repeat after a failure.
    """

    def __init__(
        self, author_id: int, on_confirm: Callable[[discord.Interaction], Awaitable[str]]
    ) -> None:
        super().__init__(timeout=600)
        self.author_id = author_id
        self.on_confirm = on_confirm
        self._saving = asyncio.Lock()
        self._saved: str | None = None

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the moderator who asked may confirm."""
        return interaction.user.id == self.author_id

    @discord.ui.button(
        label="Confirm", style=discord.ButtonStyle.success, custom_id="announce:confirm"
    )
    async def confirm(
        self, interaction: Interaction, button: discord.ui.Button[ConfirmView]
    ) -> None:
        """Save (once) and say what was scheduled."""
        # Answer Discord first: a write waiting on a busy store must not cost the 3 s.
        await defer(interaction)
        async with self._saving:
            if self._saved is None:
                self._saved = await self.on_confirm(interaction)  # raises: nothing saved
        await interaction.edit_original_response(
            content=self._saved, embed=None, view=None, allowed_mentions=NO_MENTIONS
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
