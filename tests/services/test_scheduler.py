"""The durable scheduler on a real bot, real SQLite and SimCord's virtual time."""

from __future__ import annotations

import itertools

import discord
import pytest

from bot.services.scheduler import PermanentError, TransientError
from bot.store import timers as store
from bot.store.guilds import update_settings
from tests.services import probe_fixtures

KIND = "test.kind"


make_bot, probe = probe_fixtures.make_bot, probe_fixtures.probe  # the timer probe


async def plan(bot, guild_id: int, key: str, due: int, payload=None) -> int:
    return await bot.scheduler.schedule(
        guild_id=guild_id, kind=KIND, key=key, due=due, payload=payload or {}
    )


async def test_timer_fires_once_at_its_due_instant(world, probe):
    bot = world.env.bot
    now = bot.clock.timestamp()
    await plan(bot, world.guild.id, "a", now + 3600, {"x": 1})
    await world.env.advance_time(3599)
    assert probe.calls == []
    await world.env.advance_time(2)
    assert [(k, late) for k, late, _ in probe.calls] == [("a", False)]
    assert probe.calls[0][2] - (now + 3600) <= 1
    await world.env.advance_time(86400)
    assert len(probe.calls) == 1
    timer = await bot.scheduler.get(guild_id=world.guild.id, key="a")
    assert (timer.status, timer.result, timer.payload) == ("sent", "result-a", {"x": 1})
    assert timer.finished_at == probe.calls[0][2]


async def test_scheduling_the_same_key_twice_replans_instead_of_duplicating(world, probe):
    bot = world.env.bot
    now = bot.clock.timestamp()
    first = await plan(bot, world.guild.id, "k", now + 600)
    second = await plan(bot, world.guild.id, "k", now + 60)
    assert first == second
    await world.env.advance_time(61)
    assert len(probe.calls) == 1
    await world.env.advance_time(3600)
    assert len(probe.calls) == 1


async def test_an_earlier_timer_wakes_a_loop_sleeping_for_a_later_one(world, probe):
    bot = world.env.bot
    now = bot.clock.timestamp()
    await plan(bot, world.guild.id, "later", now + 86400)
    await world.env.advance_time(1)
    await plan(bot, world.guild.id, "soon", now + 10)
    await world.env.advance_time(10)
    assert [k for k, _, _ in probe.calls] == ["soon"]


async def test_cancelled_timer_never_fires(world, probe):
    bot = world.env.bot
    now = bot.clock.timestamp()
    await plan(bot, world.guild.id, "c", now + 60)
    assert await bot.scheduler.cancel(guild_id=world.guild.id, key="c")
    assert not await bot.scheduler.cancel(guild_id=world.guild.id, key="c")
    await world.env.advance_time(120)
    assert probe.calls == []
    timer = await bot.scheduler.get(guild_id=world.guild.id, key="c")
    assert timer.status == "cancelled"


async def test_transient_failures_retry_with_backoff_then_fail(world, probe):
    bot = world.env.bot
    probe.fail = lambda t: TransientError("503 upstream")
    now = bot.clock.timestamp()
    await plan(bot, world.guild.id, "t", now + 10)
    await world.env.advance_time(11)
    assert len(probe.calls) == 1
    timer = await bot.scheduler.get(guild_id=world.guild.id, key="t")
    assert (timer.status, timer.last_error) == ("pending", "503 upstream")
    await world.env.advance_time(3600)
    limit = 5  # the README: "five attempts", then failed
    assert len(probe.calls) == limit
    moments = [at for _, _, at in probe.calls]
    gaps = [b - a for a, b in itertools.pairwise(moments)]
    # Half a minute, doubling: 30, 60, 120, 240 s (a second more where a look rounds up).
    assert all(0 <= gap - want <= 1 for gap, want in zip(gaps, [30, 60, 120, 240], strict=True))
    timer = await bot.scheduler.get(guild_id=world.guild.id, key="t")
    assert timer.status == "failed"
    assert timer.finished_at == moments[-1]
    assert f"gave up after {limit} attempts" in timer.last_error
    assert probe.failures == [("t", timer.last_error)]


async def test_permanent_failure_is_final_and_reported_once(world, probe):
    bot = world.env.bot
    probe.fail = lambda t: PermanentError("403 Missing Access")
    now = bot.clock.timestamp()
    await plan(bot, world.guild.id, "p", now + 10)
    await world.env.advance_time(3600)
    assert len(probe.calls) == 1
    assert probe.failures == [("p", "403 Missing Access")]
    timer = await bot.scheduler.get(guild_id=world.guild.id, key="p")
    assert (timer.status, timer.last_error) == ("failed", "403 Missing Access")


async def test_restart_within_catchup_runs_late_and_past_it_marks_missed(world, make_bot, probe):
    env, bot = world.env, world.env.bot
    await update_settings(bot.db, world.guild.id, catchup_seconds=3600)
    now = bot.clock.timestamp()
    await plan(bot, world.guild.id, "inside", now + 600)
    await plan(bot, world.guild.id, "outside", now + 60)
    # The bot is down for 4000 s: "inside" is then 3400 s overdue (inside the hour),
    # "outside" 3940 s (past it).
    await bot.scheduler.stop()
    await env.advance_time(4000)
    await env.restart_bot(make_bot())
    await env.advance_time(1)
    assert [(k, late) for k, late, _ in probe.calls] == [("inside", True)]
    missed = await env.bot.scheduler.get(guild_id=world.guild.id, key="outside")
    assert missed.status == "missed"
    await env.advance_time(3600)
    assert len(probe.calls) == 1


# Restarts under SimCord run on SQLite only: SimCord cannot settle a restarted bot while
# asyncpg waits on its socket. On PostgreSQL the same crash window is covered by
# tests/store/test_processes.py (lapsed leases pass to another process). Not collected
# on PostgreSQL at all, rather than skipped there: nothing is missing.
SQLITE_ONLY = pytest.mark.parametrize("store_target", ["sqlite"], indirect=True)


@SQLITE_ONLY
async def test_timer_left_running_by_a_crash_runs_again_with_the_same_nonce(world, make_bot, probe):
    env, bot = world.env, world.env.bot
    now = bot.clock.timestamp()
    await plan(bot, world.guild.id, "r", now + 5)
    before = await bot.scheduler.get(guild_id=world.guild.id, key="r")
    await bot.scheduler.stop()
    # The crash window: claimed (running) and perhaps sent, but the store never told.
    claimed = await store.claim_due(bot.db, now + 10, 10)
    assert [t.key for t in claimed] == ["r"]
    await env.restart_bot(make_bot())
    # SQLite re-queues it at start; on PostgreSQL another live process might hold it,
    # so it waits for the claim's lease to lapse: within LEASE_SECONDS either way.
    await env.advance_time(10 + store.LEASE_SECONDS)
    assert [k for k, _, _ in probe.calls] == ["r"]
    after = await env.bot.scheduler.get(guild_id=world.guild.id, key="r")
    assert after.status == "sent"
    assert after.nonce == before.nonce
    assert len(after.nonce) <= 25


def test_discord_errors_are_classified():
    from bot.services.scheduler import classify

    class Response:
        status = 503
        reason = "Service Unavailable"

    assert classify(discord.DiscordServerError(Response(), "x")) is TransientError
    Response.status = 403
    assert classify(discord.Forbidden(Response(), "Missing Access")) is PermanentError
    assert classify(TimeoutError()) is TransientError


async def test_the_retry_limit_knob_sets_how_many_attempts_before_giving_up(world, probe):
    bot = world.env.bot
    bot.scheduler.retry_limit = 2
    probe.fail = lambda t: TransientError("503 upstream")
    await plan(bot, world.guild.id, "r", bot.clock.timestamp() + 10)
    await world.env.advance_time(3600)
    assert len(probe.calls) == 2
    timer = await bot.scheduler.get(guild_id=world.guild.id, key="r")
    assert timer.status == "failed"
    assert "gave up after 2 attempts" in timer.last_error


@SQLITE_ONLY
async def test_the_max_sleep_knob_caps_how_long_the_loop_trusts_its_last_look(world, probe):
    # A timer written behind the scheduler's back (no wake-up) is found when the loop
    # next looks: after max_sleep (60 s here) when the next timer is 100 s away.
    # SQLite only: every commit on PostgreSQL NOTIFYs every loop, so no write goes behind
    # its back (that wake-up: tests/store/test_processes.py's cache and hook test).
    bot = world.env.bot
    bot.scheduler.max_sleep = 60.0
    now = bot.clock.timestamp()
    await plan(bot, world.guild.id, "near", now + 100)
    await world.env.settle()  # the loop has looked, and sleeps toward "near"
    await store.upsert(bot.db, guild_id=world.guild.id, kind=KIND, key="quiet", due=now + 5,
                       payload={}, now=now)  # fmt: skip
    await world.env.advance_time(58)
    assert probe.calls == []  # asleep for the full 60 s: nobody woke it
    await world.env.advance_time(4)
    assert [k for k, _, _ in probe.calls] == ["quiet"]
    assert probe.calls[0][2] - now in (60, 61)


async def burst(bot, guild_id: int, count: int, due: int) -> list[str]:
    keys = [f"burst-{i:03d}" for i in range(count)]
    for key in keys:
        await plan(bot, guild_id, key, due)
    return keys


async def test_a_burst_due_at_one_instant_fires_each_timer_once_and_records_it_sent(world, probe):
    bot = world.env.bot
    # Smaller claims and in-flight cap than the burst, so it takes several rounds.
    bot.scheduler.batch, bot.scheduler.max_inflight = 7, 10
    due = bot.clock.timestamp() + 60
    keys = await burst(bot, world.guild.id, 60, due)
    await world.env.advance_time(59)
    assert probe.calls == []
    await world.env.advance_time(2)
    assert sorted(k for k, _, _ in probe.calls) == keys
    assert {at for _, _, at in probe.calls} <= {due, due + 1}
    timers = await bot.scheduler.list(guild_id=world.guild.id, key_prefix="burst-")
    assert [(t.key, t.status, t.result, t.attempts) for t in timers] == [
        (k, "sent", f"result-{k}", 1) for k in keys
    ]
    await world.env.advance_time(3600)
    assert len(probe.calls) == len(keys)


@SQLITE_ONLY
async def test_a_restart_mid_burst_reruns_only_the_unfinished_with_their_nonces(
    world, make_bot, probe
):
    env, bot = world.env, world.env.bot
    due = bot.clock.timestamp() + 30
    keys = await burst(bot, world.guild.id, 40, due)
    # Five handlers are mid-send when the bot goes down: claimed, never recorded.
    stuck = set(keys[::8])
    probe.hold = set(stuck)
    await env.advance_time(31)
    assert sorted(k for k, _, _ in probe.calls) == keys
    nonces = {
        t.key: t.nonce for t in await bot.scheduler.list(guild_id=world.guild.id, key_prefix="b")
    }
    statuses = {
        t.key: t.status for t in await bot.scheduler.list(guild_id=world.guild.id, key_prefix="b")
    }
    assert {k for k, s in statuses.items() if s == "running"} == stuck
    assert {k for k, s in statuses.items() if s == "sent"} == set(keys) - stuck

    probe.hold = set()
    # Down mid-send: the held handlers are cut off and their timers stay running, as a
    # crash leaves them. Stopped first, because SimCord's restart waits for the old bot
    # to settle, and its lease renewer (every 3.3 s for the held handlers) kept it busy
    # until SimCord's deadline, in real time: 6 s of every run, and a failure whenever
    # a renewal landed on the deadline itself (docs/mutation.md).
    await bot.scheduler.stop()
    await env.restart_bot(make_bot())
    await env.advance_time(5 + store.LEASE_SECONDS)  # PostgreSQL: until the leases lapse
    calls = [k for k, _, _ in probe.calls]
    # Finished ones never ran again; the interrupted ones ran exactly once more.
    assert sorted(k for k in set(calls) if calls.count(k) == 2) == sorted(stuck)
    assert all(calls.count(k) == 1 for k in set(keys) - stuck)
    timers = await env.bot.scheduler.list(guild_id=world.guild.id, key_prefix="burst-")
    assert {t.status for t in timers} == {"sent"}
    assert {t.key: t.nonce for t in timers} == nonces
    await env.advance_time(3600)
    assert len(probe.calls) == len(keys) + len(stuck)
