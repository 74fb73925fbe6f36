"""Shared pieces for views and modals, so their errors take the one error path."""

from __future__ import annotations

from typing import Any

import discord

from bot.ui.tree import reply_error


class View(discord.ui.View):
    """A view whose callback errors are answered like command errors."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Send the user a short ephemeral message instead of "This interaction failed"."""
        await reply_error(interaction, error)


class Modal(discord.ui.Modal):
    """A modal whose submit errors are answered like command errors."""

    # discord.py's Modal.on_error drops BaseView's ``item`` argument; mypy flags any
    # override of it for that, ours included.
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        """Send the user a short ephemeral message instead of "Something went wrong"."""
        await reply_error(interaction, error)
