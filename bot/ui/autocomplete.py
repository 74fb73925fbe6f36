"""Autocomplete shared by cogs: the guild's shows, sources, people, aliases and rows.

Answered straight from SQLite (small LIKE queries, at most 25 choices) on every keystroke.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from discord import app_commands

from bot.i18n import locale_of
from bot.services.lookup import choose_show
from bot.store import admin_lookup
from bot.ui.checks import guild_of
from bot.ui.errors import UserFacingError

if TYPE_CHECKING:
    from bot.app import Interaction

Lookup = Callable[..., Awaitable[list[tuple[str, str]]]]
# What app_commands.autocomplete accepts: (interaction, typed text) -> coroutine of choices.
Complete = Callable[["Interaction", str], Coroutine[Any, Any, list[app_commands.Choice[str]]]]


def _choices(pairs: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=label[:100], value=value[:100]) for value, label in pairs]


def _complete(lookup: Lookup, what: str) -> Complete:
    async def complete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        db = interaction.client.db
        return _choices(await lookup(db, guild_of(interaction), current))

    complete.__doc__ = f"The guild's {what}, matching what was typed."
    return complete


complete_source = _complete(admin_lookup.sources, "sources")
complete_person = _complete(admin_lookup.people, "people")
complete_alias = _complete(admin_lookup.aliases, "aliases")


def complete_in_show(what: str) -> Complete:
    """Autocomplete over one kind of row in the show the admin already picked (or the default)."""

    async def complete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        db, guild_id = interaction.client.db, guild_of(interaction)
        typed = getattr(interaction.namespace, "show", None)
        try:
            show = await choose_show(db, guild_id, typed, locale_of(interaction))
        except UserFacingError:
            return []  # no show chosen yet, or none that fits: nothing to narrow to
        return _choices(await admin_lookup.in_show(db, guild_id, show.slug, what, current))

    return complete
