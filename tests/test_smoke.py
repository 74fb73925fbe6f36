"""The bot starts, loads every cog, syncs its tree and answers through the one error path."""

from __future__ import annotations

from discord import app_commands

from bot.app import EXTENSIONS


async def test_bot_reaches_ready_with_every_cog_loaded(world):
    bot = world.env.bot
    assert bot.is_ready()
    assert set(EXTENSIONS) <= set(bot.extensions)
    assert bot.intents.message_content is False
    assert bot.intents.members is False


async def test_synced_tree_offers_every_command_to_members(world):
    offered = set(world.member.available_commands(world.general))
    # SimCord lists leaf commands by qualified name ("discussion open"); moderator and
    # admin groups carry a default_permissions hint, so Discord hides them from members.
    expected = {
        cmd.qualified_name
        for cmd in world.env.bot.tree.walk_commands()
        if not isinstance(cmd, app_commands.Group)
        and (cmd.root_parent or cmd).default_permissions is None
    }
    assert expected
    assert expected <= offered


async def test_ping_answers_ephemerally(world):
    result = await world.member.slash(world.general, "ping")
    assert result.ephemeral
    assert result.response.content.startswith("Pong!")


async def test_ping_answers_in_korean_for_a_korean_client(world, set_locale):
    set_locale(world.member, "ko")
    result = await world.member.slash(world.general, "ping")
    assert result.response.content.startswith("퐁!")


async def test_first_command_seeds_the_guild_at_the_bots_clock(world):
    from bot.store.guilds import get_settings

    await world.member.slash(world.general, "ping")
    settings = await get_settings(world.env.bot.db, world.guild.id)
    # The bot lives on 2022-03-01 09:00 KST in tests, not in SimCord's 2026.
    assert settings.seeded_at == int(world.env.bot.clock.timestamp())
    assert settings.default_show == "soundtrack-1"


def test_a_missing_shared_folder_is_named_in_one_notice(monkeypatch, tmp_path) -> None:
    from tests import conftest

    monkeypatch.setattr(conftest, "SHARED", tmp_path / "shared")
    notice = conftest.missing_shared()
    assert notice is not None
    assert str(tmp_path / "shared") in notice
    assert "without checking the bot's request bodies" in notice
