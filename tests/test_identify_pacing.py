"""Identify pacing inside one process: Discord lets one IDENTIFY per bucket per window.

discord.py's sharded client asks for identifies one at a time today; the hook must not
rely on that, since two shards identifying at once in one bucket are rate-limited.
"""

from __future__ import annotations

import asyncio
import itertools
import time

import bot.app


async def test_two_shards_of_one_bucket_asking_at_once_identify_a_window_apart(
    make_bot, monkeypatch
):
    monkeypatch.setattr(bot.app, "IDENTIFY_PACE_SECONDS", 0.5)  # Discord's 5 s, shortened
    kdrama = make_bot()
    kdrama._max_concurrency = 1  # what Discord's session start limits would say
    times: list[float] = []  # when each shard's hook let its IDENTIFY go

    async def identify(shard_id: int) -> None:
        await kdrama.before_identify_hook(shard_id)
        times.append(time.monotonic())

    await asyncio.gather(identify(0), identify(1), identify(2))
    assert len(times) == 3
    assert all(later - earlier >= 0.45 for earlier, later in itertools.pairwise(times))
