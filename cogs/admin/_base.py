"""Shared pieces of /admin: the admin-only group, the edit transaction, autocomplete."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import discord
from discord import app_commands

from bot.checks import is_admin
from bot.domain.catalog_fields import FieldError, describe
from bot.errors import NotAdmin, UserFacingError
from bot.i18n import t
from bot.store import admin_lookup
from bot.store.catalog_edit import Conflict, Editor, NotFound, RevertRefused, edit
from bot.store.catalog_io import default_show
from bot.store.history import Actor
from bot.tree import NO_MENTIONS


class AdminGroup(app_commands.Group):
    """A command group only admins may use: the check runs in our code on every subcommand."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Refuse (ephemerally, through the tree's error path) anyone who is not an admin."""
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage
        if not await is_admin(interaction):
            raise NotAdmin
        return True


def actor(interaction: discord.Interaction) -> Actor:
    """Who is acting, in which guild, at the bot clock's now."""
    assert interaction.guild_id is not None  # the groups are guild-only
    return Actor(interaction.guild_id, interaction.user.id, interaction.client.clock.timestamp())  # type: ignore[attr-defined]


@contextmanager
def bad_value() -> Iterator[None]:
    """Turn a value the domain refuses into a clean message for the admin."""
    try:
        yield
    except FieldError as exc:
        raise UserFacingError.text(str(exc)) from exc


@asynccontextmanager
async def editing(interaction: discord.Interaction) -> AsyncIterator[Editor]:
    """One edit transaction; store errors become clear messages and nothing is written."""
    try:
        async with edit(interaction.client.db, actor(interaction)) as ed:  # type: ignore[attr-defined]
            yield ed
    except NotFound as exc:
        raise UserFacingError("admin.not_found", what=str(exc)) from exc
    except Conflict as exc:
        raise UserFacingError("admin.conflict") from exc
    except FieldError as exc:
        raise UserFacingError.text(str(exc)) from exc
    except RevertRefused as exc:
        raise UserFacingError(f"admin.revert.{exc.reason}", **exc.fields) from exc


async def show_slug(interaction: discord.Interaction, show: str | None) -> str:
    """The show the admin named, or the guild's default show."""
    slug = show or await default_show(interaction.client.db, interaction.guild_id)  # type: ignore[attr-defined]
    if not slug:
        raise UserFacingError("admin.no_show")
    return slug


def short(value: Any, limit: int = 120) -> str:
    """A stored value, shortened for one line of a reply or the history."""
    text = describe(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def done(interaction: discord.Interaction, key: str, **fields: Any) -> None:
    """Answer an edit (ephemeral, no mentions: the text carries what admins typed)."""
    text = t(key, interaction, **fields)[:2000]
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


def premiere_changed(interaction: discord.Interaction, slug: str | None) -> None:
    """Tell whoever plans announcements (the scheduler listens) that a premiere moved."""
    if slug:
        interaction.client.dispatch("premiere_changed", interaction.guild_id, slug)


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
