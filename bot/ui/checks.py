"""Who may do what, decided in our own code.

``default_permissions`` on a command is only a hint Discord shows and admins can
change (and it does nothing on subcommands); these checks are the real gate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.store.guilds import get_settings
from bot.ui.errors import NotAdmin, NotModerator

if TYPE_CHECKING:
    from bot.app import Interaction

T = TypeVar("T")


def guild_of(interaction: discord.Interaction[Any]) -> int:
    """The server a command runs in; outside a server the tree answers "servers only"."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage
    return interaction.guild_id


def _has_role(member: discord.Member, role_id: int | None) -> bool:
    return role_id is not None and any(role.id == role_id for role in member.roles)


async def is_moderator(interaction: Interaction, *, permission: str) -> bool:
    """Whether the user has ``permission`` (or Administrator), the moderator role or the
    admin role."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    if getattr(member.guild_permissions, permission) or member.guild_permissions.administrator:
        return True
    settings = await get_settings(interaction.client.db, interaction.guild_id)
    return _has_role(member, settings.moderator_role_id) or _has_role(
        member, settings.admin_role_id
    )


async def is_admin(interaction: Interaction) -> bool:
    """Whether the user has Manage Server or the guild's configured admin role."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild or member.guild_permissions.administrator:
        return True
    settings = await get_settings(interaction.client.db, interaction.guild_id)
    return _has_role(member, settings.admin_role_id)


def moderator_only(permission: str = "manage_events") -> Callable[[T], T]:
    """An app-command check: moderators only (``permission`` or the moderator role)."""

    async def predicate(interaction: Interaction) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage
        if not await is_moderator(interaction, permission=permission):
            raise NotModerator
        return True

    return app_commands.check(predicate)


def admin_only() -> Callable[[Any], Any]:
    """An app-command check: admins only (Manage Server or the admin role)."""

    async def predicate(interaction: Interaction) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage
        if not await is_admin(interaction):
            raise NotAdmin
        return True

    return app_commands.check(predicate)


class AdminGroup(app_commands.Group):
    """A command group only admins may use: the check runs in our code on every subcommand."""

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Refuse (ephemerally, through the tree's error path) anyone who is not an admin."""
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage
        if not await is_admin(interaction):
            raise NotAdmin
        return True
