"""The one error path for application commands and components."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.domain.echo import Markup, echo, fit_content
from bot.domain.errors import InputError, Term
from bot.domain.shards import shard_of
from bot.i18n import t
from bot.mentions import NO_MENTIONS
from bot.store.errors import trouble
from bot.ui.errors import NotAdmin, NotModerator, UserFacingError
from bot.ui.permissions import permission_names

if TYPE_CHECKING:
    from bot.app import Interaction, KdramaBot  # noqa: F401 - KdramaBot: the string base below

log = logging.getLogger(__name__)

# "Interaction has already been acknowledged": a callback discord.py sent again after a
# 5xx had in fact arrived. The member has the answer; nothing is wrong.
ALREADY_ACKNOWLEDGED = 40060


def say(key: str, interaction: discord.Interaction[Any] | str | None, /, **fields: object) -> str:
    """The message ``key`` with every field echoed safely, cut to Discord's content limit.

    Fields are what a reply repeats: a user's typed value, a stored title. Each is bounded
    and neutralized by :func:`~bot.domain.echo.echo` unless it is
    :class:`~bot.domain.echo.Markup` (a mention, link or sentence the bot composed).
    """
    return fit_content(t(key, interaction, **{k: echo(v) for k, v in fields.items()}))


async def defer(interaction: discord.Interaction[Any], **kwargs: Any) -> None:
    """``interaction.response.defer(**kwargs)``, where a 40060 means it already arrived.

    discord.py sends a callback again after a 5xx; when the first had in fact reached
    Discord, the repeat gets 40060. The interaction is acknowledged either way: go on.
    """
    try:
        await interaction.response.defer(**kwargs)
    except discord.HTTPException as exc:
        if exc.code != ALREADY_ACKNOWLEDGED:
            raise
        log.info("interaction %s: the defer had arrived (40060)", interaction.id)


async def defer_before_write(interaction: discord.Interaction[Any]) -> None:
    """Acknowledge now (ephemeral, "thinking…") unless already answered: a write may wait
    up to the store's busy timeout for another process's lock, and a write queued behind
    another that waits does so twice; deferred, the answer (or "busy, nothing saved")
    has 15 minutes instead of Discord's 3 seconds. Then answer with :func:`answer`."""
    if not interaction.response.is_done():
        await defer(interaction, ephemeral=True, thinking=True)


async def answer(interaction: discord.Interaction[Any], content: str, **kwargs: Any) -> None:
    """Answer once, ephemeral: the response itself, or after a defer the deferred message
    edited in place.

    An edit is a PATCH discord.py may safely repeat after a 5xx; a followup is a POST
    that, repeated, posts the answer twice.
    """
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    response = interaction.response
    if not response.is_done():
        await response.send_message(content, ephemeral=True, **kwargs)
    elif response.type == discord.InteractionResponseType.deferred_channel_message:
        await interaction.edit_original_response(content=content, **kwargs)
    else:
        await interaction.followup.send(content, ephemeral=True, **kwargs)


def terms(fields: dict[str, Any], interaction: Interaction | str) -> dict[str, Any]:
    """``fields`` with each :class:`~bot.domain.errors.Term` said in the user's language."""
    return {k: Markup(t(v, interaction)) if isinstance(v, Term) else v for k, v in fields.items()}


def user_message(interaction: Interaction, error: BaseException) -> str | None:
    """The message for a known error, or None for a bug that should be logged."""
    if isinstance(error, UserFacingError | InputError):
        return say(error.key, interaction, **terms(error.fields, interaction))
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
    kind = trouble(error)
    if kind is not None:
        # Nothing was saved (the transaction rolled back): say so, and that it is not them.
        return t(f"error.store_{kind}", interaction)
    return None


def unwrap(error: BaseException) -> BaseException:
    """The error a command, check or transformer actually raised."""
    original = getattr(error, "original", None) or error
    if isinstance(original, app_commands.TransformerError) and original.__cause__ is not None:
        original = original.__cause__  # a transformer's own refusal (an InputError)
    return original


async def reply_error(interaction: Interaction, error: BaseException) -> None:
    """Tell the user what went wrong (ephemeral), logging anything that is a bug."""
    original = unwrap(error)
    if isinstance(original, discord.HTTPException) and original.code == ALREADY_ACKNOWLEDGED:
        log.info("interaction %s was already answered (a retried callback)", interaction.id)
        return
    if trouble(original) is not None:
        log.warning("store refused a write for interaction %s: %s", interaction.id, original)
    message = user_message(interaction, original)
    if message is None:
        command = interaction.command.qualified_name if interaction.command else None
        log.error(
            "unhandled error in command=%s custom_id=%s user=%s guild=%s shard=%s",
            command,
            interaction.data.get("custom_id") if interaction.data else None,
            interaction.user.id,
            interaction.guild_id,
            shard_of(interaction.guild_id, interaction.client.shard_count or 1)
            if interaction.guild_id
            else 0,
            exc_info=original,
        )
        message = t("error.generic", interaction)
    message = fit_content(message)
    try:
        await answer(interaction, message)
    except discord.HTTPException:
        # The interaction expired or was answered elsewhere; nothing more to tell anyone.
        log.warning("could not deliver an error message for interaction %s", interaction.id)


def is_refusal(error: BaseException) -> bool:
    """Whether ``error`` is an expected refusal (bad input, a check) rather than a bug."""
    return isinstance(
        unwrap(error),
        UserFacingError | InputError | app_commands.CheckFailure | app_commands.CommandOnCooldown,
    )


class BotTree(app_commands.CommandTree["KdramaBot"]):
    """Seeds a guild's catalog before its first command; routes every error one way."""

    async def _call(self, interaction: Interaction) -> None:
        """discord.py's dispatch for slash commands, with refusals answered as answers.

        discord.py hands every exception a command raises to :meth:`on_error`, and tools
        that watch a bot (SimCord's preview page, error trackers hooked there) count
        each one as a failed interaction: "Action outcome uncertain", a red badge. A
        refusal such as ``when:yesterday`` is the command doing its job, so it is
        answered here and never reaches ``on_error``; bugs still do. Autocomplete,
        context menus and everything else keep discord.py's own path.
        """
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        if (
            interaction.type is not discord.InteractionType.application_command
            or data.get("type", 1) != 1
        ):
            await super()._call(interaction)
            return
        if not await self.interaction_check(interaction):
            interaction.command_failed = True
            return
        command, options = self._get_app_command_options(data)  # type: ignore[arg-type]
        # As discord.py's own _call does: pre-fill the cached properties (slots that the
        # stubs do not declare), so interaction.command and .namespace need no recompute.
        interaction._cs_command = command  # type: ignore[attr-defined]
        namespace = app_commands.Namespace(interaction, data.get("resolved", {}), options)
        interaction._cs_namespace = namespace  # type: ignore[attr-defined]
        try:
            await command._invoke_with_namespace(interaction, namespace)
        except app_commands.AppCommandError as error:
            interaction.command_failed = True
            if is_refusal(error):
                await reply_error(interaction, error)
                # Listeners (metrics, tests) still hear of it, as a refusal, not an error.
                self.client.dispatch("app_command_refusal", interaction, unwrap(error))
                return
            await command._invoke_error_handlers(interaction, error)
            await self.on_error(interaction, error)
        else:
            if not interaction.command_failed:
                self.client.dispatch("app_command_completion", interaction, command)

    async def interaction_check(self, interaction: Interaction, /) -> bool:
        """Make sure the guild's catalog exists before any command or autocomplete reads it."""
        if interaction.guild_id is not None:
            await interaction.client.ensure_guild(interaction.guild_id)
        return True

    async def on_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        """Answer the user with a short ephemeral message; log the ones that are bugs."""
        await reply_error(interaction, error)
