"""The scheduler's API as the features use it: list, cancel, unregister, no handler yet.

Through the real bot and store, in SimCord's virtual time, with the probe handler.
"""

from __future__ import annotations

import asyncio

from bot.clock import Clock
from bot.services.scheduler import Scheduler, Timer
from tests.services import probe_fixtures

KIND = "test.kind"


make_bot, probe = probe_fixtures.make_bot, probe_fixtures.probe  # the timer probe


async def _plan(bot, guild_id: int, key: str, due: int, kind: str = KIND) -> None:
    await bot.scheduler.schedule(guild_id=guild_id, kind=kind, key=key, due=due, payload={})


async def test_list_passes_every_filter_on(world, probe):
    bot, guild = world.env.bot, world.guild.id
    now = bot.clock.timestamp()
    await _plan(bot, guild, "a.1", now + 30)
    await _plan(bot, guild, "a.2", now + 20, kind="other.kind")
    await _plan(bot, guild, "b.1", now + 10)
    await _plan(bot, guild, "a.3", now + 5)
    await world.env.advance_time(6)  # a.3 runs
    assert [k for k, _, _ in probe.calls] == ["a.3"]

    async def keys(**filters) -> list[str]:
        return [t.key for t in await bot.scheduler.list(guild_id=guild, **filters)]

    assert await keys(kinds=["other.kind"]) == ["a.2"]
    assert await keys(statuses=["sent"]) == ["a.3"]
    assert await keys(key_prefix="a.", statuses=["pending"]) == ["a.2", "a.1"]
    assert await keys(newest_first=True, limit=2) == ["a.1", "a.2"]


async def test_cancel_records_when_and_why(world, probe):
    bot, guild = world.env.bot, world.guild.id
    now = bot.clock.timestamp()
    await _plan(bot, guild, "c", now + 600)
    assert await bot.scheduler.cancel(guild_id=guild, key="c", reason="show removed") is True
    timer = await bot.scheduler.get(guild_id=guild, key="c")
    assert (timer.status, timer.last_error, timer.finished_at) == ("cancelled", "show removed", now)
    assert await bot.scheduler.cancel(guild_id=guild, key="c") is False
    await world.env.advance_time(900)
    assert probe.calls == []


async def test_a_kind_nobody_handles_waits_pending_until_a_handler_comes(world, probe):
    bot, guild = world.env.bot, world.guild.id
    bot.scheduler.max_sleep = 60.0
    bot.scheduler.unregister(KIND)  # as a cog does when it unloads
    bot.scheduler.unregister("never.registered")  # nothing to stop routing: no error
    now = bot.clock.timestamp()
    await _plan(bot, guild, "orphan", now + 5)
    await world.env.advance_time(10)
    timer = await bot.scheduler.get(guild_id=guild, key="orphan")
    assert (timer.status, timer.last_error) == ("pending", f"no handler for {KIND}")
    # Put back for max_sleep (60 s) after the try at now + 5, not run meanwhile.
    assert timer.next_at in (now + 65, now + 66)
    cog = bot.get_cog("TimerProbe")
    bot.scheduler.register(KIND, cog.handle, on_failed=cog.failed)
    await world.env.advance_time(120)
    assert [k for k, _, _ in probe.calls] == ["orphan"]
    assert (await bot.scheduler.get(guild_id=guild, key="orphan")).status == "sent"


async def test_a_handler_that_returns_nothing_stores_no_result(world, probe):
    bot, guild = world.env.bot, world.guild.id
    probe.results["quiet"] = None
    await _plan(bot, guild, "quiet", bot.clock.timestamp() + 5)
    await world.env.advance_time(6)
    timer = await bot.scheduler.get(guild_id=guild, key="quiet")
    assert (timer.status, timer.result) == ("sent", None)


async def test_a_timer_planned_before_the_scheduler_starts_fires_once_it_does(db):
    # As a cog's cog_load may plan one, before setup_hook starts the loop (real time).
    scheduler = Scheduler(db, Clock())
    ran: list[str] = []

    async def handle(timer: Timer, late: bool) -> str:
        ran.append(timer.key)
        return "done"

    scheduler.register(KIND, handle)
    now = Clock().timestamp()
    await scheduler.schedule(guild_id=1, kind=KIND, key="early", due=now - 1, payload={})
    await scheduler.start()
    try:
        for _ in range(100):
            timer = await scheduler.get(guild_id=1, key="early")
            if timer is not None and timer.status == "sent":
                break
            await asyncio.sleep(0.02)
    finally:
        await scheduler.stop()
    assert ran == ["early"]
    assert (await scheduler.get(guild_id=1, key="early")).status == "sent"
