"""Guild settings: defaults, partial updates and refusal of unknown keys."""

from __future__ import annotations

import pytest

from bot.store.guilds import get_settings, update_settings


async def test_a_guild_without_a_row_gets_the_defaults(db):
    settings = await get_settings(db, 111)
    assert settings.timezone == "Asia/Seoul"
    assert settings.catchup_seconds == 3600
    assert settings.combine_double_drops is False


async def test_updates_are_partial_and_per_guild(db):
    await update_settings(db, 111, log_channel_id=5, combine_double_drops=True)
    await update_settings(db, 111, timezone="Europe/Paris")
    first = await get_settings(db, 111)
    assert (first.log_channel_id, first.timezone, first.combine_double_drops) == (
        5,
        "Europe/Paris",
        True,
    )
    assert (await get_settings(db, 222)).log_channel_id is None


async def test_unknown_setting_is_refused_and_nothing_written(db):
    with pytest.raises(ValueError, match="unknown guild settings: bogus"):
        await update_settings(db, 111, bogus=1)
    assert await db.fetchval("SELECT count(*) FROM guild_settings") == 0
