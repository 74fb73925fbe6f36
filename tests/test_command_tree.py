"""One structural check over every command any feature adds: names, descriptions, Korean.

Builds the bot with every extension in EXTENSIONS and inspects the payloads Discord
would receive (with the Translator's localizations), so commands that other features
add later are checked too, subcommands and context menus included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.app import EXTENSIONS, KdramaBot
from bot.i18n import Translator
from bot.store import Database

# Discord's rule for chat-input command and option names, in any language.
NAME = re.compile(r"^[-_\w]{1,32}$")
SUBCOMMANDS = (1, 2)  # SUB_COMMAND, SUB_COMMAND_GROUP


@pytest.fixture
async def payloads(tmp_path) -> list[dict[str, Any]]:
    """Every top-level command as Discord would receive it."""
    bot = KdramaBot(database=Database(tmp_path / "tree.db"), extensions=EXTENSIONS)
    # The context manager initialises the client (its ready event) without logging in.
    async with bot:
        await bot.setup_hook()
        translator = Translator()
        commands = bot.tree.get_commands()
        assert commands
        return [await c.get_translated_payload(bot.tree, translator) for c in commands]


def _walk(item: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (path, item) for a command and everything nested in it."""
    yield path, item
    for option in item.get("options", []):
        yield from _walk(option, f"{path} {option['name']}")


def test_every_command_and_option_has_a_description_and_korean(payloads):
    problems = []
    for payload in payloads:
        chat_input = payload.get("type", 1) == 1
        for path, item in _walk(payload, "/" + payload["name"]):
            ko_name = (item.get("name_localizations") or {}).get("ko")
            ko_description = (item.get("description_localizations") or {}).get("ko")
            if ko_name is None:
                problems.append(f"{path}: no Korean name")
            elif chat_input and (not NAME.match(ko_name) or ko_name != ko_name.lower()):
                problems.append(f"{path}: Korean name {ko_name!r} is not a valid command name")
            if not chat_input:
                continue  # context menus have no descriptions
            if not item.get("description") or item["description"] == "…":
                problems.append(f"{path}: no description")
            if not ko_description or len(ko_description) > 100:
                problems.append(f"{path}: Korean description missing or over 100 characters")
    assert problems == []


def test_no_two_commands_or_options_share_a_name_in_any_language(payloads):
    problems = []
    for locale in ("en", "ko"):

        def name(item: dict[str, Any], loc: str = locale) -> str:
            return item["name"] if loc == "en" else item.get("name_localizations", {}).get("ko", "")

        by_type: dict[int, list[str]] = {}
        for payload in payloads:
            by_type.setdefault(payload.get("type", 1), []).append(name(payload))
        for names in by_type.values():
            if len(names) != len(set(names)):
                problems.append(f"{locale}: duplicate top-level names {sorted(names)}")
        for payload in payloads:
            for path, item in _walk(payload, "/" + payload["name"]):
                names = [name(o) for o in item.get("options", [])]
                if len(names) != len(set(names)):
                    problems.append(f"{locale}: {path} repeats an option name: {names}")
    assert problems == []
