"""The one error path for application commands and components."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.domain.echo import echo, fit_content
from bot.domain.errors import InputError
from bot.i18n import t
from bot.ui.errors import NotAdmin, NotModerator, UserFacingError
from bot.ui.permissions import permission_names

if TYPE_CHECKING:
    from bot.app import Interaction, KdramaBot  # noqa: F401 - KdramaBot: the string base below

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()


def say(key: str, interaction: Interaction | str | None, /, **fields: object) -> str:
    """The message ``key`` with every field echoed safely, cut to Discord's content limit.

    Fields are what a reply repeats: a user's typed value, a stored title. Each is bounded
    and neutralized by :func:`~bot.domain.echo.echo` unless it is
    :class:`~bot.domain.echo.Markup` (a mention, link or sentence the bot composed).
    """
    return fit_content(t(key, interaction, **{k: echo(v) for k, v in fields.items()}))


def user_message(interaction: Interaction, error: BaseException) -> str | None:
    """The message for a known error, or None for a bug that should be logged."""
    if isinstance(error, UserFacingError | InputError):
        return say(error.key, interaction, **error.fields)
    if isinstance(error, NotModerator):
        return t("error.not_moderator", interaction)
    if isinstance(error, NotAdmin):
        return t("error.not_admin", interaction)
    if isinstance(error, app_commands.NoPrivateMessage):
        return t("error.guild_only", interaction)
    if isinstance(error, app_commands.MissingPermissions):
        perms = permission_names(error.missing_permissions)
        return t("error.missing_permissions", interaction, permissions=perms)
    if isinstance(error, app_commands.BotMissingPermissions):
        perms = permission_names(error.missing_permissions)
        return t("error.bot_missing_permissions", interaction, permissions=perms)
    if isinstance(error, app_commands.CommandOnCooldown):
        return t("error.cooldown", interaction, seconds=f"{error.retry_after:.0f}")
    return None


async def reply_error(interaction: Interaction, error: BaseException) -> None:
    """Tell the user what went wrong (ephemeral), logging anything that is a bug."""
    original = getattr(error, "original", None) or error
    if isinstance(original, app_commands.TransformerError) and original.__cause__ is not None:
        original = original.__cause__  # a transformer's own refusal (an InputError)
    message = user_message(interaction, original)
    if message is None:
        command = interaction.command.qualified_name if interaction.command else None
        log.error(
            "unhandled error in command=%s custom_id=%s user=%s guild=%s",
            command,
            interaction.data.get("custom_id") if interaction.data else None,
            interaction.user.id,
            interaction.guild_id,
            exc_info=original,
        )
        message = t("error.generic", interaction)
    message = fit_content(message)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        # The interaction expired or was answered elsewhere; nothing more to tell anyone.
        log.warning("could not deliver an error message for interaction %s", interaction.id)


class BotTree(app_commands.CommandTree["KdramaBot"]):
    """Seeds a guild's catalog before its first command; routes every error one way."""

    async def interaction_check(self, interaction: Interaction, /) -> bool:
        """Make sure the guild's catalog exists before any command or autocomplete reads it."""
        if interaction.guild_id is not None:
            await interaction.client.ensure_guild(interaction.guild_id)
        return True

    async def on_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        """Answer the user with a short ephemeral message; log the ones that are bugs."""
        await reply_error(interaction, error)
