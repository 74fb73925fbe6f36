"""/plot, /episodes, /trailer and /watched: what happens, when, and spoiler care."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.i18n import locale_of
from bot.services import members
from bot.services.cards import send_card
from bot.ui.options import ShowOption, chosen_show
from bot.ui.tree import answer, defer_before_write, say

if TYPE_CHECKING:
    from bot.app import Interaction, KdramaBot
    from bot.store.db import Database

SHOW_OPTION = _("The show (default: the server's show)")
Episode = app_commands.Range[int, 1, 1000]


class Episodes(commands.Cog):
    """Plot, episode list, trailers and each member's own progress."""

    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot

    @property
    def db(self) -> Database:
        return self.bot.db

    @app_commands.command(name=_("plot"), description=_("Read a show's premise and synopses"))
    @app_commands.describe(show=SHOW_OPTION, episode=_("Only this episode's synopsis"))
    @app_commands.guild_only()
    async def plot(
        self,
        interaction: Interaction,
        show: ShowOption | None = None,
        episode: Episode | None = None,
    ) -> None:
        """The premise and the synopses the member has watched (later ones behind spoilers)."""
        guild_id, locale = interaction.guild_id or 0, locale_of(interaction)
        show_id = (await chosen_show(interaction, show)).id
        card = await members.plot_reply(
            self.db, guild_id, interaction.user.id, show_id, episode, locale
        )
        await send_card(interaction, card)

    @app_commands.command(name=_("episodes"), description=_("List a show's episodes and dates"))
    @app_commands.describe(show=SHOW_OPTION)
    @app_commands.guild_only()
    async def episodes(self, interaction: Interaction, show: ShowOption | None = None) -> None:
        """Every episode with its release by precision."""
        guild_id, locale = interaction.guild_id or 0, locale_of(interaction)
        show_id = (await chosen_show(interaction, show)).id
        card = await members.episodes_reply(self.db, guild_id, interaction.user.id, show_id, locale)
        await send_card(interaction, card)

    @app_commands.command(name=_("trailer"), description=_("See a show's trailers and poster"))
    @app_commands.describe(show=SHOW_OPTION)
    @app_commands.guild_only()
    async def trailer(self, interaction: Interaction, show: ShowOption | None = None) -> None:
        """Each trailer and teaser, with quotes and links, and the poster."""
        guild_id, locale = interaction.guild_id or 0, locale_of(interaction)
        show_id = (await chosen_show(interaction, show)).id
        card = await members.trailer_reply(self.db, guild_id, show_id, locale)
        await send_card(interaction, card)

    @app_commands.command(
        name=_("watched"), description=_("Tell me how far you've watched, to hide spoilers")
    )
    @app_commands.describe(
        show=_("The show you are watching"), episode=_("The last episode you watched (0: none)")
    )
    @app_commands.guild_only()
    async def watched(
        self, interaction: Interaction, show: ShowOption, episode: app_commands.Range[int, 0, 1000]
    ) -> None:
        """Record the member's own progress (only they see the answer)."""
        guild_id, locale = interaction.guild_id or 0, locale_of(interaction)
        show_id = (await chosen_show(interaction, show)).id
        now = self.bot.clock.timestamp()
        await defer_before_write(interaction)
        title = await members.record_progress(
            self.db, guild_id, interaction.user.id, show_id, episode, now
        )
        key = "members.watched.cleared" if episode == 0 else "members.watched.saved"
        await answer(interaction, say(key, locale, show=title, episode=episode))

    @app_commands.command(name=_("rate"), description=_("Rate an episode you've watched"))
    @app_commands.describe(
        show=_("The show"), episode=_("The episode number"), stars=_("1 to 5 stars")
    )
    @app_commands.guild_only()
    async def rate(
        self,
        interaction: Interaction,
        show: ShowOption,
        episode: Episode,
        stars: app_commands.Range[int, 1, 5],
    ) -> None:
        """Keep the member's rating (one per episode, changeable; only once it is out)."""
        guild_id, locale = interaction.guild_id or 0, locale_of(interaction)
        show_id = (await chosen_show(interaction, show)).id
        await defer_before_write(interaction)
        info, before = await members.record_rating(
            self.db, guild_id, interaction.user.id, show_id, episode, stars,
            now=self.bot.clock.timestamp(), locale=locale,
        )  # fmt: skip
        fields = {"show": info.title, "number": episode, "stars": "★" * stars, "before": before}
        key = "members.rate.saved" if before is None else "members.rate.changed"
        if before == stars:
            key = "members.rate.same"
        await answer(interaction, say(key, locale, **fields))
        # The discussion index shows averages: it is refreshed on this event.
        self.bot.dispatch("episode_rated", guild_id, info.slug, episode)


async def setup(bot: KdramaBot) -> None:
    """Entry point for ``load_extension``."""
    await bot.add_cog(Episodes(bot))
