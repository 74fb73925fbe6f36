"""Errors that carry a message meant for the user who caused them."""

from __future__ import annotations

from typing import Any

from discord import app_commands

from bot.domain.echo import Markup


class UserFacingError(app_commands.AppCommandError):
    """Bad input or a refused action: shown to the user (ephemeral), never logged as a bug.

    ``key`` names a message in the i18n catalogs; ``fields`` fill it in, each passed
    through :func:`bot.domain.echo.echo` (bounded, markdown and mentions neutralized)
    unless it is :class:`~bot.domain.echo.Markup` the bot composed. Use
    ``UserFacingError.text(...)`` for a message that is already final: a parser's own
    words, whose quoted values went through :func:`bot.domain.echo.quote`.
    An AppCommandError, so discord.py passes it through unwrapped, also from a
    transformer.
    """

    def __init__(self, key: str, /, **fields: Any) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields

    @classmethod
    def text(cls, message: str) -> UserFacingError:
        """An error whose message is already written (e.g. a parser's own words)."""
        return cls("error.invalid_input", message=Markup(message))


class NotModerator(app_commands.CheckFailure):
    """The member lacks Manage Events (or Manage Threads) and the moderator role."""


class NotAdmin(app_commands.CheckFailure):
    """The member lacks Manage Server and the admin role."""
