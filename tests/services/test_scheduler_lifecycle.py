"""The scheduler's loop over time: catch-up edges, how long it sleeps, leases, stop.

Through the real bot and store, in SimCord's virtual time, with the probe handler. A timer
planned in the past is claimed at once, in the same virtual second: exactly as overdue
as the test says, as a restart after downtime would find it.
"""

from __future__ import annotations

import logging

import pytest

from bot.store import open_store
from bot.store import timers as store
from bot.store.guilds import update_settings
from tests.services import probe_fixtures

KIND = "test.kind"


make_bot, probe = probe_fixtures.make_bot, probe_fixtures.probe


async def _plan(bot, guild_id: int, key: str, due: int) -> None:
    await bot.scheduler.schedule(guild_id=guild_id, kind=KIND, key=key, due=due, payload={})


async def _overdue(world, catchup: int, overdue: dict[str, int]) -> int:
    """Plan each key ``overdue[key]`` seconds in the past, under a catch-up window of
    ``catchup`` seconds, as a restart finds them after downtime; the instant they were
    found (no virtual time passes while the bot settles)."""
    bot = world.env.bot
    await update_settings(bot.db, world.guild.id, catchup_seconds=catchup)
    now = bot.clock.timestamp()
    for key, seconds in overdue.items():
        await _plan(bot, world.guild.id, key, now - seconds)
    await world.env.settle()
    return now


async def test_the_catch_up_window_and_lateness_at_their_exact_edges(world, probe):
    bot, guild = world.env.bot, world.guild.id

    async def timer(key: str):
        return await bot.scheduler.get(guild_id=guild, key=key)

    # A minute's window: 60 s overdue still runs, 61 s is missed, on time is on time.
    found = await _overdue(world, 60, {"edge": 60, "past": 61, "now": 0})
    assert sorted((k, late) for k, late, _ in probe.calls) == [("edge", False), ("now", False)]
    past = await timer("past")
    assert (past.status, past.last_error, past.finished_at) == ("missed", "missed by 61s", found)
    assert (await timer("edge")).status == "sent"

    # An hour's window: "late" means more than a minute past due.
    probe.calls.clear()
    await _overdue(world, 3600, {"late": 61, "not-late": 60})
    assert sorted((k, late) for k, late, _ in probe.calls) == [
        ("late", True),
        ("not-late", False),
    ]

    # No window ("never post late"): a second overdue is missed; due this second runs.
    probe.calls.clear()
    found = await _overdue(world, 0, {"strict": 1, "exact": 0})
    assert [(k, late) for k, late, _ in probe.calls] == [("exact", False)]
    strict = await timer("strict")
    assert (strict.status, strict.last_error, strict.finished_at) == (
        "missed",
        "missed by 1s",
        found,
    )
    await world.env.advance_time(3600)
    assert len(probe.calls) == 1


# For a test that runs on SQLite alone (each says why): no PostgreSQL twin to skip.
sqlite_only = pytest.mark.parametrize("store_target", ["sqlite"], indirect=True)


@sqlite_only  # every commit on PostgreSQL NOTIFYs every loop: no write goes unheard
async def test_a_far_timer_is_approached_in_halves_and_an_idle_loop_looks_daily(world, probe):
    # The loop trusts its last look for half the time left (but at least max_sleep):
    # a timer written behind its back is found at the next look, not before.
    bot, guild = world.env.bot, world.guild.id
    bot.scheduler.max_sleep = 60.0
    start = bot.clock.timestamp()

    async def behind_its_back(key: str, due: int) -> None:
        await store.upsert(bot.db, guild_id=guild, kind=KIND, key=key, due=due, payload={},
                           now=bot.clock.timestamp())  # fmt: skip

    await _plan(bot, guild, "far", start + 1000)
    await world.env.settle()  # it looked, and sleeps 500 s (half of 1000)
    await behind_its_back("quiet", start + 5)
    await world.env.advance_time(498)
    assert probe.calls == []
    await world.env.advance_time(4)
    assert [k for k, _, _ in probe.calls] == ["quiet"]
    assert probe.calls[0][2] - start in (500, 501)
    await world.env.advance_time(500)
    assert [k for k, _, _ in probe.calls] == ["quiet", "far"]

    # Nothing pending: the loop looks again once a day (idle_sleep), however quiet. Its
    # last look was when far's claim would have lapsed, the second after its lease ran out.
    fired = probe.calls[-1][2]
    probe.calls.clear()
    await world.env.advance_time(fired + 15 - bot.clock.timestamp())
    await behind_its_back("daily", fired + 86400)
    await world.env.advance_time(86400 - 15 + store.LEASE_SECONDS - 2)
    assert probe.calls == []  # due 8 s ago, but nobody woke the loop
    await world.env.advance_time(4)
    last_look = store.LEASE_SECONDS + 1
    assert [(k, at - fired) for k, _, at in probe.calls] == [("daily", last_look + 86400)]


@sqlite_only  # a second connection to the same file plays the other process
async def test_a_long_send_keeps_its_claim_so_no_other_process_takes_it(world, probe, db_path):
    # The handler runs for 45 s, four times the lease: the scheduler renews it meanwhile,
    # so another process on the same store (here a second connection) never claims it.
    bot, guild = world.env.bot, world.guild.id
    probe.slow["long"] = 45.0
    due = bot.clock.timestamp() + 10
    await _plan(bot, guild, "long", due)
    await world.env.advance_time(11)
    assert [k for k, _, _ in probe.calls] == ["long"]
    other = open_store(str(db_path))
    await other.open()
    try:
        for _ in range(21):  # every 2 s while it runs
            assert await store.claim_due(other, bot.clock.timestamp(), 10) == []
            await world.env.advance_time(2)
        await world.env.advance_time(5)
        assert (await bot.scheduler.get(guild_id=guild, key="long")).status == "sent"
        # Done: nothing is renewed any more (no idle wake-ups), and a claim finds nothing.
        renewals: list[str] = []
        await bot.db.conn.set_trace_callback(
            lambda sql: (
                renewals.append(sql) if sql.startswith("UPDATE timers SET lease_until") else None
            )
        )
        await world.env.advance_time(60)
        assert renewals == []
        assert await store.claim_due(other, bot.clock.timestamp() + 3600, 10) == []
    finally:
        await other.close()
    assert len(probe.calls) == 1


@sqlite_only  # SimCord cannot restart a bot while asyncpg waits on its socket
async def test_stop_cancels_a_send_in_flight_and_the_next_start_runs_it(world, make_bot, probe):
    bot, guild = world.env.bot, world.guild.id
    probe.slow["cut"] = 3600.0
    now = bot.clock.timestamp()
    await _plan(bot, guild, "cut", now + 5)
    await world.env.advance_time(6)
    assert [k for k, _, _ in probe.calls] == ["cut"]
    await bot.scheduler.stop()
    assert bot.clock.timestamp() < now + 3600  # it did not wait out the hour
    assert not bot.scheduler.running
    # Still owed: running in the store, so the next start runs it again.
    assert (await bot.scheduler.get(guild_id=guild, key="cut")).status == "running"
    del probe.slow["cut"]
    await world.env.restart_bot(make_bot())
    await world.env.advance_time(1 + store.LEASE_SECONDS)  # PostgreSQL: the lease lapses
    assert [k for k, _, _ in probe.calls] == ["cut", "cut"]
    assert (await world.env.bot.scheduler.get(guild_id=guild, key="cut")).status == "sent"


async def test_a_loop_killed_by_a_bug_says_so_and_a_stop_says_nothing(
    world, make_bot, probe, caplog
):
    caplog.set_level(logging.ERROR)
    await world.env.bot.scheduler.stop()
    assert [r.message for r in caplog.records] == []  # a stop is no death
    await world.env.restart_bot(make_bot())
    bot = world.env.bot
    assert bot.scheduler.running
    # A store closed under the loop is a bug, not an outage: the loop dies, and says so.
    await bot.db.close()
    bot.scheduler.wake()
    await world.env.settle()
    assert not bot.scheduler.running
    assert [(r.levelname, r.message) for r in caplog.records] == [
        ("CRITICAL", "the scheduler loop died")
    ]
    assert "not open" in str(caplog.records[0].exc_info[1])


async def test_a_backlog_is_claimed_as_handlers_free_up_not_all_at_once(world, probe):
    # At most max_inflight claimed-but-unfinished timers: the third is claimed when the
    # first handler ends (10 s), not when both have (20 s).
    bot, guild = world.env.bot, world.guild.id
    bot.scheduler.batch, bot.scheduler.max_inflight = 2, 2
    probe.slow.update({"a": 10.0, "b": 20.0})
    due = bot.clock.timestamp() + 5
    for key in ("a", "b", "c", "d"):
        await _plan(bot, guild, key, due)
    await world.env.advance_time(30)
    assert [(k, at - due) for k, _, at in probe.calls] == [("a", 0), ("b", 0), ("c", 10), ("d", 10)]
    timers = await bot.scheduler.list(guild_id=guild)
    assert [(t.key, t.status) for t in timers] == [(k, "sent") for k in "abcd"]
