"""A PostgreSQL server restart, as the store sees it: cut connections are store trouble
(waited out, told as "can't be reached"), and the first one found replaces the pool."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest

from bot.store import open_store
from bot.store.errors import STORE_ERRORS, trouble

BURST = 8


async def test_after_a_restart_one_failure_replaces_every_pooled_connection(
    pg_url, pg_admin
) -> None:
    db = open_store(pg_url)
    await db.open()
    try:
        # A busy moment opened BURST connections; they sit idle in the pool.
        await asyncio.gather(*(db.fetchval("SELECT pg_sleep(0.05)") for _ in range(BURST)))
        pg_admin.cut_sessions(pg_url)
        with pytest.raises(STORE_ERRORS) as first:
            await db.fetchval("SELECT 1")
        assert trouble(first.value) == "down"  # the store's trouble, not a bug
        # The next busy moment: every connection is a new one, none fails.
        results = await asyncio.gather(
            *(db.fetchval("SELECT 1 FROM pg_sleep(0.05)") for _ in range(BURST)),
            return_exceptions=True,
        )
        assert results == [1] * BURST
    finally:
        await db.close()


async def test_after_a_restart_a_process_hears_the_others_writes_again(pg_url, pg_admin) -> None:
    here, there = open_store(pg_url), open_store(pg_url)
    await here.open()
    await there.open()
    heard: list[str] = []
    here.on_notify(heard.append)
    try:
        pg_admin.cut_sessions(pg_url)  # this process's listening connection too
        deadline = time.monotonic() + 10
        while "probe" not in heard:
            # What the other process says at COMMIT (its first try may meet a cut
            # connection; one said before this process listens again is lost).
            assert time.monotonic() < deadline, "the other process was never heard again"
            with contextlib.suppress(*STORE_ERRORS):
                await there.notify("probe")
            await asyncio.sleep(0.2)
    finally:
        await here.close()
        await there.close()
