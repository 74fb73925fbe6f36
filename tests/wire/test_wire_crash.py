"""Crash consistency: SIGKILL the bot at random moments, restart it, and look at everything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from standin import StandIn
from standin.botproc import BotProcess
from standin.crash import crash_cycles, store_problems, timer_outcome
from standin.rest import install_commands
from standin.world import fan_server

from bot.services.catalog import BUNDLED_SHOWS, ensure_seeded

GUILDS = 12


async def _run(command_bodies: list[dict[str, Any]], tmp_path: Path, cycles: int) -> None:
    # Many guilds, so first-use catalog seeding (one big transaction each) keeps
    # happening across the kills instead of only in the first cycle.
    async with StandIn(fan_server(guild_count=GUILDS)) as standin:
        install_commands(standin, "global", command_bodies)
        bot = BotProcess(standin.api_base, standin.gateway_url, standin.token, tmp_path)
        try:
            report = await crash_cycles(
                standin,
                bot,
                cycles=cycles,
                max_uptime=3.5,
                bundled_shows=len(list(BUNDLED_SHOWS.glob("*.toml"))),
            )
        finally:
            await bot.kill()
        print(report.summary())
        assert report.store_problems == []
        assert report.duplicated == {}
        assert report.lost == []
        assert report.killed_while_connected > 0  # kills really landed while it was working
        assert report.guilds_seeded > 0
        standin.assert_clean()
    # Killed runs may log nothing wrong either: no tracebacks from a half-written store.
    assert bot.problems() == []


async def test_five_random_kills_leave_a_consistent_store_and_a_bot_that_restarts(
    command_bodies: list[dict[str, Any]], tmp_path: Path
) -> None:
    await _run(command_bodies, tmp_path, cycles=5)


@pytest.mark.slow
async def test_a_hundred_random_kills_lose_and_duplicate_nothing(
    command_bodies: list[dict[str, Any]], tmp_path: Path
) -> None:
    await _run(command_bodies, tmp_path, cycles=100)


async def test_the_store_check_catches_a_half_seeded_guild(db) -> None:
    await ensure_seeded(db, 1001)
    await ensure_seeded(db, 1002)
    shows = len(list(BUNDLED_SHOWS.glob("*.toml")))
    assert store_problems(Path(db.path), shows) == []
    await db.execute("UPDATE guild_settings SET seeded_at = NULL WHERE guild_id = 1001")
    await db.execute("DELETE FROM shows WHERE guild_id = 1002")
    problems = store_problems(Path(db.path), shows)
    assert any("never marked seeded" in p for p in problems)
    assert any("guild 1002 seeded with 0" in p for p in problems)


def test_per_timer_counts_catch_a_lost_and_a_duplicated_announcement() -> None:
    standin = StandIn(validate=False)
    channel = standin.world.id("announcements")
    for nonce in ("episode-1", "episode-2", "episode-2"):
        standin.world.messages[channel].append(
            {"id": standin.world.snowflake(), "nonce": nonce, "author": {"id": "1"}}
        )
    duplicated, lost = timer_outcome(standin, ["episode-1", "episode-2", "episode-3"])
    assert duplicated == {"episode-2": 2}
    assert lost == ["episode-3"]
