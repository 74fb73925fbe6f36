"""Sharding over real sockets: past 2,500 guilds the bot must shard, as Discord demands."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.gateway import IDENTIFY_WINDOW, shard_of
from tests.wire.standin.rest import install_commands
from tests.wire.standin.world import fan_server


def _other_guild_channel(standin: StandIn, shard: int, count: int) -> str:
    """The name of a text channel in some guild (not the fan server) on ``shard``."""
    for channel in standin.world.channels.values():
        guild_id = channel.get("guild_id")
        if (
            guild_id
            and guild_id != standin.world.id("guild")
            and channel["type"] == 0
            and shard_of(guild_id, count) == shard
        ):
            install_commands(standin, guild_id, standin.world.commands[standin.world.id("guild")])
            return channel["name"]
    raise AssertionError(f"no guild on shard {shard}")


async def _ping(standin: StandIn, user: str, channel: str) -> dict[str, Any]:
    result = await standin.slash(user, channel, "ping")
    return await result.wait()


async def test_run_at_5000_guilds_shards_as_discord_recommends(
    command_bodies: list[dict[str, Any]], tmp_path: Path
) -> None:
    # One session may hold at most 2,500 guilds; a plain `kdrama-bot run` used to end with
    # "Shard ID None WebSocket closed with 4011" here.
    async with StandIn(fan_server(guild_count=5000), validate=False, max_concurrency=16) as standin:
        install_commands(standin, standin.world.id("guild"), command_bodies)
        bot = BotProcess(standin.api_base, standin.gateway_url, standin.token, tmp_path)
        try:
            await bot.start()
            await bot.wait_ready(within=90)
            count = standin.recommended_shards
            assert count == 5
            assert sorted(standin.gw.by_shard) == list(range(count))
            home = shard_of(standin.world.id("guild"), count)
            answer = await _ping(standin, "member", "general")
            assert f"(shard {home} of {count})" in answer["content"]
            # A guild on another shard is answered too, through that shard's session.
            other = (home + 1) % count
            answer = await _ping(standin, "owner", _other_guild_channel(standin, other, count))
            assert f"(shard {other} of {count})" in answer["content"]
            log = bot.output()
            for shard in range(count):
                assert f"shard {shard}/{count} ready" in log
        finally:
            await bot.kill()
        assert not bot.problems(), "\n".join(bot.problems())
        standin.assert_clean()


async def test_a_shard_count_too_small_for_the_guilds_is_refused_by_discord(
    command_bodies: list[dict[str, Any]], tmp_path: Path
) -> None:
    # 2,501 guilds in one session is one too many: Discord closes it with 4011, and the
    # bot stops with one line rather than reconnecting forever.
    async with StandIn(fan_server(guild_count=2501), validate=False) as standin:
        bot = BotProcess(standin.api_base, standin.gateway_url, standin.token, tmp_path)
        await bot.start_script([*_bot_argv(), "run", "--shard-count", "1"])
        assert bot.process is not None
        try:
            code = await asyncio.wait_for(bot.process.wait(), 60)
        finally:
            await bot.kill()
        out = bot.output_path.read_text("utf-8")
        assert code == 1, out
        assert "4011" in out


async def test_shard_ids_run_only_those_shards_paced_by_max_concurrency(
    standin: StandIn, bot: BotProcess
) -> None:
    # max_concurrency 1 (the stand-in's default, as for most bots): shards 1 and 3 share
    # the one bucket, so the second IDENTIFY waits Discord's 5-second window.
    home = shard_of(standin.world.id("guild"), 4)
    ids = sorted({home, (home + 2) % 4})
    await bot.start_script(
        [*_bot_argv(), "run", "--shard-count", "4", "--shard-ids", ",".join(map(str, ids))]
    )
    await bot.wait_ready(within=30)
    assert sorted(standin.gw.by_shard) == ids
    (first, _), (second, _) = standin.gw.identify_log
    assert second - first >= IDENTIFY_WINDOW - 0.1
    answer = await _ping(standin, "member", "general")
    assert f"(shard {home} of 4)" in answer["content"]


async def test_bad_shard_ids_stop_with_one_line(bot: BotProcess) -> None:
    code, out = await bot.command("run", "--shard-count", "4", "--shard-ids", "2-5")
    assert code == 2
    assert "outside 0-3" in out
    code, out = await bot.command("run", "--shard-ids", "0,1")
    assert code == 2
    assert "--shard-ids needs --shard-count" in out


def _bot_argv() -> list[str]:
    return [sys.executable, "-m", "bot"]
