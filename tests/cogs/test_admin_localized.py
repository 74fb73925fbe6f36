"""Every /admin and /config name and description has a valid Korean localization."""

from __future__ import annotations

import re

from discord import app_commands

from bot.cogs.admin import build_admin_group
from bot.cogs.config import ConfigGroup
from bot.i18n import command_translation, t

# Discord's rule for localized names: lowercase, no spaces, 1-32 characters.
NAME = re.compile(r"^[-_\w]{1,32}$")


def _strings(command) -> list[tuple[str, str]]:
    found = [("name", command.name), ("description", command.description)]
    if isinstance(command, app_commands.Group):
        for child in command.commands:
            found += _strings(child)
    else:
        for param in command.parameters:
            found += [("name", param.name), ("description", param.description)]
    return found


def test_every_admin_and_config_string_has_a_korean_form():
    for kind, text in _strings(build_admin_group()) + _strings(ConfigGroup()):
        korean = command_translation(text, "ko")
        assert korean, f"no Korean for {kind} {text!r}"
        if kind == "name":
            assert NAME.fullmatch(korean), korean
            assert korean == korean.lower()
        else:
            assert len(korean) <= 100


def test_admin_messages_exist_in_both_languages():
    for key in ("admin.changed", "admin.revert.later", "config.missing", "admin.import.invalid"):
        assert t(key, "en") != key
        assert t(key, "ko") != t(key, "en")
