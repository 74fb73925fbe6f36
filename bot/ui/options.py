"""Option types shared by cogs that discord.py's annotations cannot express exactly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.i18n import locale_of
from bot.services.lookup import ChosenShow, choose_show, show_choices
from bot.ui.checks import guild_of
from bot.ui.errors import UserFacingError

if TYPE_CHECKING:
    from bot.app import Interaction


class ShowTransformer(app_commands.Transformer):
    """Every ``show`` option: autocomplete offers titles (the value stays the slug), and
    typed text resolves through :func:`bot.services.lookup.choose_show`."""

    async def transform(self, interaction: discord.Interaction[Any], value: str) -> ChosenShow:
        """The show the value names, or a "not found" answer with suggestions."""
        db = interaction.client.db
        return await choose_show(db, guild_of(interaction), value, locale_of(interaction))

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        """The guild's shows matching what was typed, by title."""
        if interaction.guild_id is None:
            return []
        return await show_choices(interaction.client.db, interaction.guild_id, value)


# ``show: ShowOption | None = None`` on a command; pass the value to chosen_show().
ShowOption = app_commands.Transform[ChosenShow, ShowTransformer]


async def chosen_show(interaction: Interaction, show: ChosenShow | None) -> ChosenShow:
    """The show the option named, or (left empty) the server's default or only show."""
    if show is not None:
        return show
    db = interaction.client.db
    return await choose_show(db, guild_of(interaction), None, locale_of(interaction))


async def chosen_slug(interaction: Interaction, show: ChosenShow | None) -> str:
    """The slug of :func:`chosen_show`: what the store's slug-keyed queries take."""
    return (await chosen_show(interaction, show)).slug


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
