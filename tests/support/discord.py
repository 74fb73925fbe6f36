"""Helpers for behavioural tests that drive the bot through SimCord."""

from __future__ import annotations

from bot.domain.errors import InputError
from bot.ui.errors import UserFacingError


async def open_to_everyone(world, *names: str) -> None:
    """Let members and moderators see the named commands, as a server owner could in
    Server Settings → Integrations.

    Discord's default_permissions only hides a command; tests use this to prove that our
    own check still refuses.
    """
    for command in await world.env.bot.tree.fetch_commands(guild=None):
        if command.name in names:
            world.guild.set_command_permissions(
                command, {world.member: True, world.moderator: True}
            )


def answered_refusals(env) -> list[BaseException]:
    """Every refusal the bot answered, each unwrapped: what buttons and modals refused
    (still in SimCord's ``env.errors``), then the slash-command refusals the tree
    answered itself and dispatched as ``app_command_refusal`` (see tests/conftest.py)."""
    dispatched = list(getattr(env, "refusals", []))
    return [getattr(e, "original", e) for e in env.errors] + dispatched


def user_errors(env) -> list[str]:
    """The keys of the refusals the bot answered (UserFacingError or the domain's
    InputError), acknowledging them; fails on anything else."""
    keys = []
    for original in answered_refusals(env):
        assert isinstance(original, UserFacingError | InputError), repr(original)
        keys.append(original.key)
    return keys
