"""A full store: refused writes roll back, nothing is lost, and work resumes without a restart.

SQLite's ``PRAGMA max_page_count`` caps the bot's own connection at the pages the file
has now: a write needing one page more fails with "database or disk is full", exactly
as on a full disk, with no special file system. Raising it again is the disk freed.
"""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.services import scheduler as scheduler_module
from bot.store import timers as store
from bot.store.db import Database
from bot.store.guilds import update_settings
from tests.services import probe_fixtures

KIND = "test.kind"
NO_LIMIT = 1073741823


make_bot, probe = probe_fixtures.make_bot, probe_fixtures.probe  # the timer probe


async def _fill(db: Database) -> None:
    """Make the store full: not one page more for the bot's connection."""
    assert db.dialect == "sqlite", "fills the store with SQLite's max_page_count"
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


FAILING = (
    "⚠️ My database is failing (database or disk is full). Scheduled announcements and "
    "discussions wait, and go out as soon as it works again."
)
BACK = "✅ My database works again; whatever came due meanwhile is going out now."


async def _write_attempts(db: Database) -> list[str]:
    """Every write transaction the bot's connection begins from now on (refused ones too),
    as SQLite sees them: how often the scheduler knocks on a full store."""
    seen: list[str] = []
    await db.conn.set_trace_callback(
        lambda sql: seen.append(sql) if sql.startswith("BEGIN IMMEDIATE") else None
    )
    return seen


@pytest.mark.parametrize("store_target", ["sqlite"], indirect=True)
async def test_moderators_hear_once_per_outage_and_the_store_is_retried_with_backoff(
    world, probe
) -> None:
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    await update_settings(bot.db, world.guild.id, log_channel_id=world.log.id)
    now = bot.clock.timestamp()
    first, second = "big-1-" + "x" * 60_000, "big-2-" + "x" * 60_000
    await bot.scheduler.schedule(guild_id=world.guild.id, kind=KIND, key=first, due=now + 10,
                                 payload={})  # fmt: skip
    await _fill(bot.db)
    writes = await _write_attempts(bot.db)
    await world.env.advance_time(100)
    # One notice for the whole outage, however many writes it refused.
    assert [m.content for m in world.log.history()] == [FAILING]
    # Backoff from half a second, doubling up to ten: about fourteen tries in the 90 s
    # since the timer came due, not one every half second (180).
    assert 8 <= len(writes) <= 20
    await _free(bot.db)
    await world.env.advance_time(11)  # at most the 10 s cap until the next try
    assert (await bot.scheduler.get(guild_id=world.guild.id, key=first)).status == "sent"
    assert [m.content for m in world.log.history()] == [FAILING, BACK]
    assert bot.scheduler.store_outage is None

    # A second outage starts again from half a second: freed after 2 s, the outcome is
    # written within the next two tries (at 1.5 s and 3.5 s), not 10 s later.
    await bot.scheduler.schedule(guild_id=world.guild.id, kind=KIND, key=second,
                                 due=now + 200, payload={})  # fmt: skip
    await world.env.advance_time(88)  # just before it is due
    await _fill(bot.db)
    await world.env.advance_time(3)
    assert bot.scheduler.store_outage is not None
    await _free(bot.db)
    await world.env.advance_time(3)
    assert (await bot.scheduler.get(guild_id=world.guild.id, key=second)).status == "sent"
    assert [m.content for m in world.log.history()] == [FAILING, BACK, FAILING, BACK]
    await world.env.advance_time(600)
    assert len(world.log.history()) == 4
    assert len(probe.calls) == 2


@pytest.mark.parametrize("store_target", ["sqlite"], indirect=True)
async def test_a_send_whose_record_the_full_store_refuses_is_never_sent_again(world, probe):
    # Sent, but the store refuses to record it (its result needs pages; the claim did
    # not). The timer stays claimed by this process until the record commits: its lease
    # must not lapse into a second claim, and a second send, every ten seconds.
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    await update_settings(bot.db, world.guild.id, log_channel_id=world.log.id)
    probe.results["stuck"] = "x" * 200_000
    now = bot.clock.timestamp()
    await bot.scheduler.schedule(guild_id=world.guild.id, kind=KIND, key="stuck", due=now + 10,
                                 payload={})  # fmt: skip
    await bot.db.conn.execute_fetchall("VACUUM")  # no free pages left for the result
    await _fill(bot.db)
    await world.env.advance_time(70)
    assert len(probe.calls) == 1
    assert (await bot.scheduler.get(guild_id=world.guild.id, key="stuck")).status == "running"
    assert [m.content for m in world.log.history()] == [FAILING]  # once, no flapping
    await _free(bot.db)
    await world.env.advance_time(11)
    timer = await bot.scheduler.get(guild_id=world.guild.id, key="stuck")
    assert (timer.status, timer.result, timer.attempts) == ("sent", "x" * 200_000, 1)
    assert [m.content for m in world.log.history()] == [FAILING, BACK]
    await world.env.advance_time(600)
    assert len(probe.calls) == 1


@pytest.mark.parametrize("store_target", ["sqlite"], indirect=True)
async def test_stop_gives_a_full_store_a_bounded_time_then_leaves_the_timer_owed(
    world, probe, monkeypatch
):
    # The send succeeded but its outcome cannot be written: stop() waits for the store a
    # while (10 s; 0.2 s of real time here), not for ever, since the shutdown must end.
    # The timer stays running, owed: the next start looks at Discord before re-running it.
    monkeypatch.setattr(scheduler_module, "STOP_DRAIN_SECONDS", 0.2)
    bot = world.env.bot
    probe.results["owed"] = "x" * 200_000
    now = bot.clock.timestamp()
    await bot.scheduler.schedule(guild_id=world.guild.id, kind=KIND, key="owed", due=now + 10,
                                 payload={})  # fmt: skip
    await bot.db.conn.execute_fetchall("VACUUM")
    await _fill(bot.db)
    await world.env.advance_time(20)
    assert len(probe.calls) == 1
    assert "full" in (bot.scheduler.store_outage or "")
    await asyncio.wait_for(bot.scheduler.stop(), 5)  # returns, without an error
    assert not bot.scheduler.running
    assert (await bot.scheduler.get(guild_id=world.guild.id, key="owed")).status == "running"
