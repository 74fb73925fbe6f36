"""Fixtures for the members' command tests: edit the guild's catalog through the store."""

from __future__ import annotations

import pytest

from bot.domain.showfile import parse_show_file
from bot.store.catalog_io import import_show


@pytest.fixture
def edit_show(world, bundled_text):
    """Re-import Soundtrack #1 into the world's guild with ``(old, new)`` text edits.

    Seeds the guild first, so the bot's own first-use seeding cannot undo the edit.
    """

    async def edit(*replacements: tuple[str, str]) -> None:
        text = bundled_text
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new, 1)
        bot = world.env.bot
        await bot.ensure_guild(world.guild.id)
        await import_show(bot.db, world.guild.id, parse_show_file(text))

    return edit
