"""The scheduler's loop over time: catch-up edges, how long it sleeps, leases, stop, and
the races where its steps meet other work (a plan landing while it looks, a retry's write
refused, a handler still unwinding at stop).

Through the real bot and store, in SimCord's virtual time, with the probe handler. A timer
planned in the past is claimed at once, in the same virtual second: exactly as overdue
as the test says, as a restart after downtime would find it.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading

import pytest

from bot.clock import Clock
from bot.services.scheduler import Scheduler, Timer, TransientError
from bot.store import open_store
from bot.store import timers as store
from bot.store.db import Database
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


# -- races: the loop's steps meeting other work ----------------------------------------
# Each forced with a real SQLite mechanism (a progress handler that holds the reader
# mid-query, a second connection holding the write lock), hence SQLite only.


async def _until(condition, seconds: float = 10.0) -> None:
    """Wait (real time) until ``condition()`` holds: for a thread, not for virtual time."""
    for _ in range(int(seconds / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("timed out waiting")


@sqlite_only
async def test_a_timer_planned_while_the_loop_looks_is_not_left_to_the_next_look(world, probe):
    # The loop asks the store for the earliest timer while a command's write is under
    # way, so the question goes to the reader, which answers from before that write.
    # The command then plans a timer (due in 5 s) and wakes the loop, which is not
    # asleep yet: it must look again rather than trust the stale answer ("nothing
    # pending") and sleep its idle day.
    bot, guild = world.env.bot, world.guild.id
    reader = bot.db._reader  # the connection reads go to while a write is under way
    assert reader is not None
    # The reader's view is fixed from here on (an open read transaction: WAL's snapshot),
    # so its answer is from before the plan below, whenever SQLite runs the loop's query.
    await reader.execute_fetchall("BEGIN")
    await reader.execute_fetchall("SELECT count(*) FROM timers")
    # And the loop's question stays unanswered until the plan is done: the reader's
    # thread waits inside its next statement (SQLite's progress handler).
    entered, release = threading.Event(), threading.Event()

    def hold_the_next_statement() -> int:
        if not entered.is_set():
            entered.set()
            release.wait(10)
        return 0  # go on

    await reader.set_progress_handler(hold_the_next_statement, 1)
    now = bot.clock.timestamp()
    async with bot.db.transaction():  # a write under way elsewhere in the bot
        bot.scheduler.wake()  # the loop looks now, on the reader
        await _until(entered.is_set)
    await bot.scheduler.schedule(guild_id=guild, kind=KIND, key="landed", due=now + 5,
                                 payload={})  # fmt: skip
    release.set()
    await reader.execute_fetchall("COMMIT")  # after the loop's query: the reader is fresh again
    await reader.set_progress_handler(None, 1)
    await world.env.advance_time(6)
    assert probe.calls == [("landed", False, now + 5)]
    assert (await bot.scheduler.get(guild_id=guild, key="landed")).status == "sent"


FAILING_LOCKED = (
    "⚠️ My database is failing (database is locked). Scheduled announcements and "
    "discussions wait, and go out as soon as it works again."
)
BACK = "✅ My database works again; whatever came due meanwhile is going out now."


@sqlite_only
async def test_a_retry_whose_write_is_refused_is_written_later_and_keeps_its_backoff(
    world, probe, db_path
):
    # A send fails (a 5xx: retry in 30 s) while another process (a backup, a CLI import)
    # holds the write lock, so the retry's own write is refused. The moderators hear why,
    # the write is tried again until it commits, and the timer runs again at its backoff
    # instant, not when its claim lapses (11 s) nor never.
    bot, guild = world.env.bot, world.guild.id
    await bot.ensure_guild(guild)
    await update_settings(bot.db, guild, log_channel_id=world.log.id)
    # Waited out in 50 ms instead of 2 s (real time): the same refusal, sooner.
    await bot.db.conn.execute_fetchall("PRAGMA busy_timeout = 50")
    probe.slow["flaky"] = 5.0
    failures = iter([TransientError("503 Service Unavailable")])
    probe.fail = lambda timer: next(failures, None)
    now = bot.clock.timestamp()
    due = now + 10
    await bot.scheduler.schedule(guild_id=guild, kind=KIND, key="flaky", due=due, payload={})
    await world.env.advance_time(12)  # claimed at `due`; the send takes 5 s
    other = sqlite3.connect(db_path, timeout=1, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # the other process's write lock
        # The send fails at due + 5; its retry is refused then and after 0.5 s of backoff.
        await world.env.advance_time(4)
        assert [m.content for m in world.log.history()] == [FAILING_LOCKED]
        assert (await bot.scheduler.get(guild_id=guild, key="flaky")).status == "running"
    finally:
        other.rollback()
        other.close()
    # The next try (1 s of backoff later, at due + 6.5) commits the retry: 30 s from then.
    await world.env.advance_time(40)
    assert [at - due for _, _, at in probe.calls] == [0, 36]
    timer = await bot.scheduler.get(guild_id=guild, key="flaky")
    assert (timer.status, timer.attempts) == ("sent", 2)
    assert [m.content for m in world.log.history()] == [FAILING_LOCKED, BACK]


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_stop_waits_for_a_cancelled_handler_to_unwind_before_the_store_closes(
    db: Database,
) -> None:
    # A handler cut short by a shutdown may still write on its way out (here: it plans
    # its own follow-up). stop() waits for that, so the write lands before the bot
    # closes the store, instead of meeting a closed one.
    scheduler = Scheduler(db, Clock())
    started = asyncio.Event()

    async def handle(timer: Timer, late: bool) -> str:
        started.set()
        try:
            await asyncio.sleep(3600)
        finally:
            await store.upsert(db, guild_id=1, kind="follow-up", key="after-" + timer.key,
                               due=0, payload={"cut": True}, now=0)  # fmt: skip
        return "done"

    scheduler.register(KIND, handle)
    await scheduler.schedule(guild_id=1, kind=KIND, key="cut", due=Clock().timestamp(),
                             payload={})  # fmt: skip
    await scheduler.start()
    await asyncio.wait_for(started.wait(), 10)
    await scheduler.stop()
    await db.close()  # what the bot does right after stop()
    again = Database(db.path)
    async with again:
        follow_up = await store.get(again, 1, "after-cut")
        cut = await store.get(again, 1, "cut")
    assert follow_up is not None
    assert follow_up.payload == {"cut": True}
    assert cut.status == "running"  # cut short: owed, the next start runs it again
