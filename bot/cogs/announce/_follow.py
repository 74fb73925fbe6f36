"""/notify show:… and the show's "Notify me" button: follow a show through its role."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.domain.echo import Markup
from bot.i18n import t
from bot.mentions import NO_MENTIONS
from bot.services import follows
from bot.store.guilds import get_settings
from bot.ui.errors import UserFacingError
from bot.ui.tree import reply_error, say

if TYPE_CHECKING:
    from bot.app import Interaction


async def _member(interaction: Interaction) -> discord.Member | None:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        await interaction.response.send_message(t("error.guild_only", interaction), ephemeral=True)
        return None
    return interaction.user


async def follow_show(interaction: Interaction, slug: str, *, on: bool) -> None:
    """Follow (``on``) or stop following one show, answering ephemerally.

    The member's intent, never a toggle: a press Discord delivers twice leaves the role
    as they asked. Deferred first: making the role and giving it can be slow.
    """
    member = await _member(interaction)
    if member is None:
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        title, role = await follows.follow(interaction.client, member, slug, on=on)
    except UserFacingError as error:
        # The button's errors do not reach the tree's error path: answer them here.
        await reply_error(interaction, error)
        return
    key = "follow.on" if on else "follow.off"
    await interaction.edit_original_response(
        content=say(key, interaction, show=title, role=role), allowed_mentions=NO_MENTIONS
    )


async def list_follows(interaction: Interaction) -> None:
    """What the member follows: each show's role, and the server-wide notify role."""
    member = await _member(interaction)
    if member is None:
        return
    followed = await follows.followed(interaction.client, member)
    lines = [t("follow.list.title", interaction)]
    lines += [
        say("follow.list.show", interaction, show=f.title, role=Markup(f"<@&{f.role_id}>"))
        for f in followed
    ]
    if not followed:
        lines.append(t("follow.list.none", interaction))
    settings = await get_settings(interaction.client.db, member.guild.id)
    if settings.notify_role_id is not None:
        has = any(r.id == settings.notify_role_id for r in member.roles)
        key = "follow.list.everything_on" if has else "follow.list.everything_off"
        lines.append(t(key, interaction, role=f"<@&{settings.notify_role_id}>"))  # no user text
    await interaction.response.send_message(
        "\n".join(lines), ephemeral=True, allowed_mentions=NO_MENTIONS
    )
