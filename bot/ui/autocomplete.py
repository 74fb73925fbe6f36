"""Autocomplete shared by cogs: the guild's shows, sources, people, aliases and rows.

Answered straight from SQLite (small LIKE queries, at most 25 choices) on every keystroke.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord
from discord import app_commands

from bot.store import admin_lookup
from bot.store.catalog_io import default_show

Lookup = Callable[..., Awaitable[list[tuple[str, str]]]]


def _choices(pairs: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=label[:100], value=value[:100]) for value, label in pairs]


def _complete(
    lookup: Lookup, what: str
) -> Callable[..., Awaitable[list[app_commands.Choice[str]]]]:
    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        db = interaction.client.db  # type: ignore[attr-defined]
        return _choices(await lookup(db, interaction.guild_id, current))

    complete.__doc__ = f"The guild's {what}, matching what was typed."
    return complete


complete_show = _complete(admin_lookup.shows, "shows")
complete_source = _complete(admin_lookup.sources, "sources")
complete_person = _complete(admin_lookup.people, "people")
complete_alias = _complete(admin_lookup.aliases, "aliases")


def complete_in_show(what: str) -> Callable[..., Awaitable[list[app_commands.Choice[str]]]]:
    """Autocomplete over one kind of row in the show the admin already picked (or the default)."""

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        db = interaction.client.db  # type: ignore[attr-defined]
        show = getattr(interaction.namespace, "show", None) or await default_show(
            db, interaction.guild_id
        )
        if not show:
            return []
        return _choices(await admin_lookup.in_show(db, interaction.guild_id, show, what, current))

    return complete
