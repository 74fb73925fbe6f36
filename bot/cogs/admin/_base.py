"""Shared pieces of /admin: the edit transaction, replies and bad-value handling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from bot.domain.catalog_fields import describe, parse_release
from bot.store.catalog_edit import Conflict, Editor, NotFound, RevertRefused, edit
from bot.store.guilds import get_settings
from bot.store.history import Actor
from bot.ui.autocomplete import (  # noqa: F401 - re-exported for the admin modules
    complete_alias,
    complete_in_show,
    complete_person,
    complete_source,
)
from bot.ui.checks import AdminGroup, guild_of  # noqa: F401 - AdminGroup re-exported
from bot.ui.errors import UserFacingError
from bot.ui.tree import answer, defer_before_write, say

if TYPE_CHECKING:
    from bot.app import Interaction


def actor(interaction: Interaction) -> Actor:
    """Who is acting, in which guild, at the bot clock's now."""
    return Actor(guild_of(interaction), interaction.user.id, interaction.client.clock.timestamp())


@asynccontextmanager
async def editing(interaction: Interaction) -> AsyncIterator[Editor]:
    """One edit transaction; store errors become clear messages and nothing is written.

    Every /admin write comes through here, so here the interaction is deferred first.
    """
    await defer_before_write(interaction)
    try:
        async with edit(interaction.client.db, actor(interaction)) as ed:
            yield ed
    except NotFound as exc:
        raise UserFacingError("admin.not_found", what=str(exc)) from exc
    except Conflict as exc:
        raise UserFacingError("admin.conflict") from exc
    except RevertRefused as exc:
        raise UserFacingError(f"admin.revert.{exc.reason}", **exc.fields) from exc


async def server_zone(interaction: Interaction) -> str:
    """The zone a release typed without one is read in: the server's (``/config set``)."""
    return (await get_settings(interaction.client.db, guild_of(interaction))).timezone


def read_release(text: str, precision: str | None, tz: str) -> dict[str, Any]:
    """A typed release (``2022``, ``2022-03``, ``2022-03-23``, ``2022-03-23 18:00 KST``) as
    the stored value; a bad one is answered like any bad value."""
    return parse_release(text, precision, tz)


def short(value: Any, limit: int = 120) -> str:
    """A stored value, shortened for one line of a reply or the history."""
    text = describe(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def done(interaction: Interaction, key: str, **fields: Any) -> None:
    """Answer an edit (ephemeral, no mentions: the text carries what admins typed).

    Every field is echoed safely (see :func:`bot.ui.tree.say`): bounded, no markup.
    """
    await answer(interaction, say(key, interaction, **fields))


def premiere_changed(interaction: Interaction, slug: str | None) -> None:
    """Tell the planners (countdown announcements, discussion openings) that the show's
    release schedule changed: its premiere or an episode's release moved, or episodes
    (or the show itself) came or went."""
    if slug:
        interaction.client.dispatch("premiere_changed", guild_of(interaction), slug)
