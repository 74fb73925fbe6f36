"""Confirm / Cancel under an ephemeral preview: nothing happens before Confirm."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import t
from bot.mentions import NO_MENTIONS
from bot.ui.tree import defer
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
        self,
        author_id: int,
        on_confirm: Callable[[discord.Interaction], Awaitable[str]],
        *,
        locale: str | None = None,
    ) -> None:
        super().__init__(timeout=600)
        if locale is not None:  # the buttons in the member's language
            self.confirm.label = t("ui.confirm", locale)
            self.cancel.label = t("ui.cancel", locale)
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
