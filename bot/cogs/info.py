"""/show, /cast, /character, /crew: what a member sees about a show and its people.

The show card carries Cast / Trailer / Episodes buttons. They are DynamicItems whose
custom_id carries the show's slug, registered in cog_load, so a card posted last week
still answers after any number of restarts.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.i18n import locale_of, t
from bot.services import members
from bot.services.cards import send_card
from bot.services.lookup import (
    character_autocomplete,
    person_autocomplete,
    resolve_entity,
)
from bot.ui.checks import guild_of
from bot.ui.options import ShowOption, chosen_show
from bot.ui.tree import reply_error
from bot.ui.views import View

if TYPE_CHECKING:
    from bot.app import Interaction, KdramaBot
    from bot.store.db import Database

SHOW_OPTION = _("The show (default: the server's show)")


class ShowButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"show:(?P<action>cast|trailer|episodes):(?P<slug>[a-z0-9][a-z0-9-]{0,80})",
):
    """One of the show card's buttons; the custom_id says which show and what to open."""

    def __init__(self, action: str, slug: str, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, custom_id=f"show:{action}:{slug}"
            )
        )
        self.action = action
        self.slug = slug

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ShowButton:
        """Rebuild the button from a click on any card, however old."""
        label = getattr(item, "label", None) or match["action"]
        return cls(match["action"], match["slug"], label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Answer the clicking member privately with the cast, trailers or episodes."""
        try:
            await self._answer(interaction)
        except Exception as exc:
            # DynamicItems run outside our View subclass: take the one error path by hand.
            await reply_error(interaction, exc)

    async def _answer(self, interaction: Interaction) -> None:
        db, guild_id = interaction.client.db, guild_of(interaction)
        locale = locale_of(interaction)
        show_id = await members.show_id_for_slug(db, guild_id or 0, self.slug)
        if self.action == "cast":
            card = await members.cast_reply(db, guild_id, show_id, locale)
        elif self.action == "trailer":
            card = await members.trailer_reply(db, guild_id, show_id, locale)
        else:
            user = interaction.user.id
            card = await members.episodes_reply(db, guild_id, user, show_id, locale)
        await send_card(interaction, card, ephemeral=True)


def show_buttons(slug: str, locale: str) -> View:
    """The Cast / Trailer / Episodes row under a show card."""
    view = View(timeout=None)
    for action in ("cast", "trailer", "episodes"):
        view.add_item(ShowButton(action, slug, t(f"members.button.{action}", locale)))
    return view


class Info(commands.Cog):
    """Show cards, cast, characters and crew."""

    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Make old show cards' buttons answer again (custom_ids carry the show)."""
        self.bot.add_dynamic_items(ShowButton)

    async def cog_unload(self) -> None:
        """Stop answering show-card buttons when the feature is unloaded."""
        self.bot.remove_dynamic_items(ShowButton)

    @property
    def db(self) -> Database:
        return self.bot.db

    @app_commands.command(name=_("show"), description=_("See a show's card: dates, cast, crew"))
    @app_commands.describe(show=SHOW_OPTION)
    @app_commands.guild_only()
    async def show(self, interaction: Interaction, show: ShowOption | None = None) -> None:
        """The show card, with Cast / Trailer / Episodes buttons."""
        guild_id, locale = interaction.guild_id or 0, locale_of(interaction)
        show_id = (await chosen_show(interaction, show)).id
        card, slug = await members.show_reply(self.db, guild_id, show_id, locale)
        await send_card(interaction, card, view=show_buttons(slug, locale))

    @app_commands.command(
        name=_("cast"), description=_("See who is in a show, or one person's card")
    )
    @app_commands.describe(show=SHOW_OPTION, person=_("A person to look up"))
    @app_commands.autocomplete(person=person_autocomplete)
    @app_commands.guild_only()
    async def cast(
        self, interaction: Interaction, show: ShowOption | None = None, person: str | None = None
    ) -> None:
        """The cast with their characters, or a person card."""
        guild_id, locale = interaction.guild_id or 0, locale_of(interaction)
        show_id = (await chosen_show(interaction, show)).id
        if person:
            person_id = await resolve_entity(self.db, guild_id, "person", person, locale)
            card = await members.person_reply(self.db, guild_id, person_id, show_id, locale)
        else:
            card = await members.cast_reply(self.db, guild_id, show_id, locale)
        await send_card(interaction, card)

    @app_commands.command(
        name=_("character"), description=_("See a character: names, who plays them")
    )
    @app_commands.describe(name=_("The character's name"), show=SHOW_OPTION)
    @app_commands.autocomplete(name=character_autocomplete)
    @app_commands.guild_only()
    async def character(
        self, interaction: Interaction, name: str, show: ShowOption | None = None
    ) -> None:
        """The character card with every reported spelling and its source."""
        guild_id, locale = interaction.guild_id or 0, locale_of(interaction)
        show_id = (await chosen_show(interaction, show)).id
        found = await resolve_entity(self.db, guild_id, "character", name, locale, show_id=show_id)
        await send_card(
            interaction, await members.character_reply(self.db, guild_id, found, locale)
        )

    @app_commands.command(name=_("crew"), description=_("See who made a show: director, writer"))
    @app_commands.describe(show=SHOW_OPTION)
    @app_commands.guild_only()
    async def crew(self, interaction: Interaction, show: ShowOption | None = None) -> None:
        """Director, writer and the other credits."""
        guild_id, locale = interaction.guild_id or 0, locale_of(interaction)
        show_id = (await chosen_show(interaction, show)).id
        await send_card(interaction, await members.crew_reply(self.db, guild_id, show_id, locale))


async def setup(bot: KdramaBot) -> None:
    """Entry point for ``load_extension``."""
    await bot.add_cog(Info(bot))
