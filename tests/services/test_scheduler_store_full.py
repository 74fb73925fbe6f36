"""A full store: refused writes roll back, nothing is lost, and work resumes without a restart.

SQLite's ``PRAGMA max_page_count`` caps the bot's own connection at the pages the file
has now: a write needing one page more fails with "database or disk is full", exactly
as on a full disk, with no special file system. Raising it again is the disk freed.
"""

from __future__ import annotations

import sqlite3

import pytest

from bot.app import EXTENSIONS
from bot.store import timers as store
from bot.store.db import Database
from tests.services.probe_state import PROBE, Probe

KIND = "test.kind"
NO_LIMIT = 1073741823


@pytest.fixture
def make_bot(make_bot):
    """Bots that also load the probe extension (as in test_scheduler)."""
    return lambda: make_bot(extensions=(*EXTENSIONS, "tests.services.timer_probe"))


@pytest.fixture(autouse=True)
def probe():
    """A fresh probe per test."""
    fresh = Probe()
    PROBE.__dict__.update(fresh.__dict__)
    return PROBE


async def _fill(db: Database) -> None:
    """Make the store full: not one page more for the bot's connection."""
    if db.dialect != "sqlite":
        pytest.skip("fills the store with SQLite's max_page_count (no PostgreSQL twin)")
    pages = await db.fetchval("PRAGMA page_count")
    await db.conn.execute_fetchall(f"PRAGMA max_page_count = {int(pages)}")


async def _free(db: Database) -> None:
    await db.conn.execute_fetchall(f"PRAGMA max_page_count = {NO_LIMIT}")


# SQLite only (the full store is its max_page_count): the PostgreSQL halves built a
# store, or a whole bot, only to skip.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_a_write_the_full_store_refuses_rolls_back_and_the_next_one_works(
    db: Database,
) -> None:
    await _fill(db)
    big = {"text": "x" * 200_000}
    with pytest.raises(sqlite3.OperationalError, match="full"):
        await store.upsert(db, guild_id=1, kind=KIND, key="big", due=10, payload=big, now=0)
    assert not db.conn.in_transaction  # not left open: the store is not stuck
    assert await store.get(db, 1, "big") is None  # nothing half-written
    await _free(db)
    await store.upsert(db, guild_id=1, kind=KIND, key="big", due=10, payload=big, now=0)
    assert (await store.get(db, 1, "big")).payload == big


@pytest.mark.parametrize("store_target", ["sqlite"], indirect=True)
async def test_a_timer_due_while_the_store_is_full_is_sent_once_when_there_is_room(
    world, probe
) -> None:
    bot = world.env.bot
    now = bot.clock.timestamp()
    # Its result (the handler echoes the key) needs pages the full store will not give.
    key = "big-" + "x" * 60_000
    await bot.scheduler.schedule(guild_id=world.guild.id, kind=KIND, key=key, due=now + 60,
                                 payload={})  # fmt: skip
    await _fill(bot.db)
    await world.env.advance_time(90)
    assert bot.scheduler.running  # the loop did not die of it
    assert "full" in (bot.scheduler.store_outage or "")
    timer = await bot.scheduler.get(guild_id=world.guild.id, key=key)
    assert timer.status != "sent"  # not recorded yet: still owed
    assert len(probe.calls) <= 1
    await _free(bot.db)
    await world.env.advance_time(30)  # no restart
    timer = await bot.scheduler.get(guild_id=world.guild.id, key=key)
    assert (timer.status, timer.result) == ("sent", f"result-{key}")
    assert len(probe.calls) == 1  # run once: the outcome was kept, not the work redone
    assert bot.scheduler.store_outage is None
