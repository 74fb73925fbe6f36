"""Message catalogs (English, Korean) and the app-command translator.

Catalogs live in ``bot/i18n/<locale>/<feature>.json`` so each feature owns its own file.
Each file holds ``"messages"`` (key → text with ``{name}`` fields) and ``"commands"``
(English command/option name or description → its translation, for Discord's
localizations).
"""

from __future__ import annotations

import json
import logging
from functools import cache
from importlib import resources
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

LOCALES = ("en", "ko")


@cache
def _catalog(locale: str) -> tuple[dict[str, str], dict[str, str]]:
    messages: dict[str, str] = {}
    commands: dict[str, str] = {}
    folder = resources.files("bot.i18n").joinpath(locale)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text("utf-8"))
        for key, value in data.get("messages", {}).items():
            if key in messages:
                raise RuntimeError(f"message key {key!r} defined twice in {locale} catalogs")
            messages[key] = value
        commands.update(data.get("commands", {}))
    return messages, commands


def locale_of(interaction: discord.Interaction | None) -> str:
    """The catalog locale for an interaction: ``ko`` for Korean clients, else ``en``."""
    if interaction is not None and str(interaction.locale).startswith("ko"):
        return "ko"
    return "en"


def guild_locale(guild: discord.Guild | None) -> str:
    """Posts in a channel speak the server's language: Korean servers get Korean."""
    return "ko" if guild is not None and str(guild.preferred_locale).startswith("ko") else "en"


def t(key: str, locale: str | discord.Interaction | None = "en", /, **fields: Any) -> str:
    """The message ``key`` in ``locale`` (falling back to English), with fields filled in."""
    loc = locale if isinstance(locale, str) or locale is None else locale_of(locale)
    text = _catalog(loc or "en")[0].get(key) if loc in LOCALES else None
    if text is None:
        text = _catalog("en")[0].get(key)
    if text is None:
        log.warning("missing message key %r", key)
        return key
    return text.format(**fields) if fields else text


def counted(key: str, count: int) -> str:
    """``key``, or its ``.one`` form when ``count`` is 1 ("1 change", not "1 changes").

    Every catalog has the ``.one`` form wherever the English one exists (a language
    without plurals repeats its text there), so a Korean reader never falls back to English.
    """
    return f"{key}.one" if count == 1 and f"{key}.one" in _catalog("en")[0] else key


def command_translation(text: str, locale: str) -> str | None:
    """The translation of a command name or description, if the catalog has one."""
    if locale not in LOCALES or locale == "en":
        return None
    return _catalog(locale)[1].get(text)


class Translator(app_commands.Translator):
    """Feeds the catalogs' ``commands`` sections to Discord's command localizations."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """Return the Korean form of a command string, or None to leave it unlocalized."""
        if locale is discord.Locale.korean:
            # A word that means two things ("show": a drama, or /privacy's "see") carries
            # its own catalog key in the locale_str's extras.
            key = string.extras.get("key")
            found = command_translation(key, "ko") if key else None
            return found or command_translation(string.message, "ko")
        return None
