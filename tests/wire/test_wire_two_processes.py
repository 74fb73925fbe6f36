"""Two `kdrama-bot run` processes split one 4-shard bot on one PostgreSQL database.

Each answers in its own shards' guilds; announcements due in guilds on every shard land
once; a SIGKILL of one leaves the timers it had claimed to the other.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.services import announcer
from bot.store import open_store
from bot.store import timers as timer_store
from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.crash import count_per_timer
from tests.wire.standin.gateway import shard_of
from tests.wire.standin.rest import install_commands
from tests.wire.standin.world import fan_server

SHARDS = 4
GUILDS = 2000
SPLIT = {"a": "0,1", "b": "2,3"}


def _channels_by_shard(standin: StandIn) -> dict[int, list[tuple[int, int]]]:
    """(guild id, text channel id) of the bare guilds, by shard."""
    found: dict[int, list[tuple[int, int]]] = {s: [] for s in range(SHARDS)}
    home = standin.world.id("guild")
    for channel in standin.world.channels.values():
        guild_id = channel.get("guild_id")
        if guild_id and guild_id != home and channel["type"] == 0:
            found[shard_of(guild_id, SHARDS)].append((int(guild_id), int(channel["id"])))
    return found


async def _plant(url: str, targets: list[tuple[int, int]], tag: str, due: int) -> list[str]:
    """Announcements due at ``due`` in each (guild, channel); returns their nonces."""
    nonces = []
    async with open_store(url) as db:
        for n, (guild_id, channel_id) in enumerate(targets):
            key = f"custom:soundtrack-1:{tag}:{n}"
            payload = {"show": "soundtrack-1", "text": f"{tag} {n}", "channel_id": channel_id,
                       "ping": False, "minor": False}  # fmt: skip
            await timer_store.upsert(db, guild_id=guild_id, kind=announcer.CUSTOM, key=key,
                                     due=due, payload=payload, now=int(time.time()))  # fmt: skip
            timer = await timer_store.get(db, guild_id, key)
            assert timer is not None
            nonces.append(timer.nonce)
    return nonces


@pytest.fixture
async def split_bot(
    command_bodies: list[dict[str, Any]], tmp_path: Path, pg_url: str
) -> AsyncIterator[tuple[StandIn, dict[str, BotProcess]]]:
    world = fan_server(guild_count=GUILDS)
    # max_concurrency 2: a's shards 0,1 and b's shards 2,3 share the two identify buckets,
    # so the processes must take turns through the database (the stand-in records an
    # IDENTIFY Discord would rate-limit, and assert_clean fails on it).
    async with StandIn(world, validate=False, max_concurrency=2) as standin:
        install_commands(standin, standin.world.id("guild"), command_bodies)
        async with open_store(pg_url) as db:
            await db.migrate()  # once, before both start (each would, under a lock)
        processes = {}
        for name in SPLIT:
            folder = tmp_path / name
            folder.mkdir()
            processes[name] = BotProcess(
                standin.api_base, standin.gateway_url, standin.token, folder,
                extra_env={"DATABASE_URL": pg_url},
            )  # fmt: skip
        try:
            yield standin, processes
        finally:
            for process in processes.values():
                await process.kill()
        for process in processes.values():
            assert not process.problems(), "\n".join(process.problems())
        standin.assert_clean()


async def _start(process: BotProcess, shards: str) -> None:
    argv = [sys.executable, "-m", "bot", "run", "--shard-count", str(SHARDS), "--shard-ids"]
    await process.start_script([*argv, shards])


async def _landed_once(standin: StandIn, nonces: list[str], within: float) -> None:
    await standin.wait_until(
        lambda: all(count_per_timer(standin)[n] >= 1 for n in nonces),
        within=within,
        what="every announcement",
    )
    counts = count_per_timer(standin)
    assert {n: counts[n] for n in nonces} == dict.fromkeys(nonces, 1)


async def test_two_processes_split_the_shards_and_fire_every_timer_once(
    split_bot: tuple[StandIn, dict[str, BotProcess]], pg_url: str
) -> None:
    standin, bots = split_bot
    by_shard = _channels_by_shard(standin)
    for name, shards in SPLIT.items():
        await _start(bots[name], shards)
    for process in bots.values():
        await process.wait_ready(within=60)
    assert sorted(standin.gw.by_shard) == list(range(SHARDS))

    # Each process answers the guilds of its own shards.
    for shard in (0, 3):
        guild_id, _ = by_shard[shard][0]
        install_commands(standin, str(guild_id), standin.world.commands[standin.world.id("guild")])
        channel = next(
            c["name"] for c in standin.world.channels.values()
            if c.get("guild_id") == str(guild_id) and c["type"] == 0
        )  # fmt: skip
        answer = await (await standin.slash("owner", channel, "ping")).wait()
        assert f"(shard {shard} of {SHARDS})" in answer["content"]

    # Announcements due in guilds on every shard: each lands exactly once.
    targets = [pair for shard in range(SHARDS) for pair in by_shard[shard][:3]]
    first = await _plant(pg_url, targets, "split", int(time.time()) + 2)
    await _landed_once(standin, first, within=20)

    # Process b stops; a alone claims the next batch, and its sends hang in a slow
    # Discord. b comes back; a is SIGKILLed mid-send: its claims lapse and b fires them.
    assert await bots["b"].stop() == 0  # SIGINT (Ctrl-C): a clean shutdown, exit 0
    slow = standin.slow(30.0, "POST", "/channels/*/messages")
    second = await _plant(pg_url, targets[:4], "takeover", int(time.time()) + 1)
    async with open_store(pg_url) as db:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            rows = await db.fetchall("SELECT status FROM timers WHERE key LIKE '%takeover%'")
            if rows and all(r[0] == "running" for r in rows):
                break
            await asyncio.sleep(0.1)
        assert rows, "the batch was not planted"
        assert all(r[0] == "running" for r in rows), "a never claimed the batch"
    await _start(bots["b"], SPLIT["b"])
    await bots["b"].wait_ready(within=60)
    await bots["a"].kill()
    standin.faults.remove(slow)
    await _landed_once(standin, second, within=timer_store.LEASE_SECONDS + 15)
    async with open_store(pg_url) as db:
        # b records "sent" in its next outcome commit, just after the message landed.
        deadline = time.monotonic() + 10
        while True:
            rows = await db.fetchall(
                "SELECT status, attempts FROM timers WHERE key LIKE '%takeover%'"
            )
            if {r[0] for r in rows} == {"sent"} or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
    assert {r[0] for r in rows} == {"sent"}
    assert all(r[1] == 2 for r in rows)  # claimed by a, then taken over by b
