"""Option types shared by cogs that discord.py's annotations cannot express exactly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.ui.errors import UserFacingError

if TYPE_CHECKING:
    pass


class DiscussionChannel(app_commands.Transformer):
    """A forum, text or announcement channel — and nothing else.

    Annotating ``discord.ForumChannel | discord.TextChannel`` also offers media channels
    (type 16), which discussions do not support and which Discord's own API description
    does not list for channel options.
    """

    @property
    def type(self) -> discord.AppCommandOptionType:
        """A channel option."""
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        """Exactly the kinds of channel a discussion can live in."""
        return [discord.ChannelType.forum, discord.ChannelType.text, discord.ChannelType.news]

    async def transform(
        self, interaction: discord.Interaction[Any], value: app_commands.AppCommandChannel
    ) -> discord.ForumChannel | discord.TextChannel:
        """The full channel from the cache, so its permissions can be checked."""
        channel = interaction.guild.get_channel(value.id) if interaction.guild else None
        if not isinstance(channel, discord.ForumChannel | discord.TextChannel):
            raise UserFacingError.text(
                "I cannot see that channel; check my View Channel permission."
            )
        return channel
