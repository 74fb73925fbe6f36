"""While one server's admin imports a 256 KiB show file, every other server is answered.

Through the real ``kdrama-bot run`` process: the file is uploaded as Discord does (an
attachment the bot downloads from the CDN), and checked off the event loop. Another
server's members keep using the bot meanwhile; the test prints how fast their /ping was
answered during the check against the same /ping with nothing else going on (the
figure the README quotes). It asserts that the pings overlapped the check and that each
was answered inside Discord's window (the stand-in fails a late answer).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import pytest

from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.rest import install_commands
from tests.wire.standin.world import fan_server

LIMIT = 256 * 1024  # the largest show file /admin import takes


def hostile_file() -> bytes:
    """As large as /admin import allows, every line a problem to find (unknown keys)."""
    lines = ["format = 1"]
    size = len(lines[0])
    while size + 20 < LIMIT:
        lines.append(f"unknown-{len(lines)} = 1")
        size += len(lines[-1]) + 1
    body = "\n".join(lines).encode()
    assert LIMIT - 64 < len(body) <= LIMIT
    return body


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p50 = statistics.median(ordered) * 1000
    return f"p50 {p50:.1f} ms, max {ordered[-1] * 1000:.1f} ms (n={len(ordered)})"


# A measurement (the README's figure); the default run keeps the same promise through
# SimCord in tests/cogs/test_import_hardening.py.
@pytest.mark.slow
async def test_another_servers_ping_is_answered_while_a_256_kib_file_is_checked(
    command_bodies: list[dict[str, Any]], tmp_path: Path
) -> None:
    world = fan_server(guild_count=2)
    standin = StandIn(world)
    for guild_id in world.guilds:
        install_commands(standin, guild_id, command_bodies)
    await standin.start()
    bot = BotProcess(standin.api_base, standin.gateway_url, standin.token, tmp_path)
    try:
        await bot.start()
        await bot.wait_ready()

        async def ping() -> float:
            asked = await standin.slash("owner", "general-1", "ping")
            assert (await asked.wait())["content"].startswith("Pong!")
            assert asked.first_answer_after is not None
            return asked.first_answer_after

        await ping()  # the other server's first command seeds its catalog
        alone = [await ping() for _ in range(20)]
        importing = await standin.slash(
            "admin", "general", "admin import", file=("many.toml", hostile_file()), dry_run=True
        )
        await standin.wait_until(lambda: standin.downloads, within=10, what="the download")
        downloaded = standin.downloads[0][1]
        during: list[float] = []
        while importing.visible() is None and len(during) < 200:
            answered_in = await ping()
            if importing.visible() is None:  # the check was still running when it came
                during.append(answered_in)
        refused = await importing.wait(within=20)
        checked_for = time.monotonic() - downloaded
        assert "checking stopped at the first 15 problems" in refused["content"]
        assert during, "no ping overlapped the check (it ended before the first answer)"
        print(
            f"/ping from another server while a {len(hostile_file()) // 1024} KiB file was"
            f" checked ({checked_for:.2f} s from download to answer): {_ms(during)};"
            f" the same /ping alone: {_ms(alone)}"
        )
    finally:
        await bot.kill()
        await standin.stop()
    assert not bot.problems(), "the bot logged:\n" + "\n".join(bot.problems())
    standin.assert_clean()
