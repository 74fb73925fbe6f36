"""/search: shows, people, characters and episodes by any spelling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.i18n import locale_of
from bot.services.cards import send_card
from bot.services.cards_episodes import search_card
from bot.store.search import VARIANT_SCORE
from bot.store.search import search as search_names
from bot.ui.errors import UserFacingError

if TYPE_CHECKING:
    from bot.app import Interaction, KdramaBot


class Search(commands.Cog):
    """Search across the server's catalog."""

    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot

    @app_commands.command(
        name=_("search"), description=_("Find shows, people, characters and episodes")
    )
    @app_commands.describe(query=_("A name, in any spelling"))
    @app_commands.guild_only()
    async def search(
        self, interaction: Interaction, query: app_commands.Range[str, 1, 100]
    ) -> None:
        """Everything whose name matches, grouped by kind."""
        guild_id, locale = interaction.guild_id or 0, locale_of(interaction)
        hits = await search_names(self.bot.db, guild_id, query)
        # Romanization-variant matches only when nothing matched more directly.
        hits = [h for h in hits if h.score < VARIANT_SCORE] or hits
        if not hits:
            raise UserFacingError("members.search.nothing", query=query)
        card = search_card(query, hits, locale)
        await send_card(interaction, card)


async def setup(bot: KdramaBot) -> None:
    """Entry point for ``load_extension``."""
    await bot.add_cog(Search(bot))
