"""A PostgreSQL server that stops taking writes for a while, as the bot's users see it.

SQLite's outages are a lock or a full disk (test_scheduler_store_full); a PostgreSQL
server's are a restart, a failover to a server that is read-only until promoted, a
connection cut mid-statement. asyncpg says those with its own error classes, and before
bot.store.errors named them the scheduler's loop died of the first one: no timer fired
again until the bot was restarted. Here the database is made read-only the way a
replica is (``default_transaction_read_only`` for new sessions, and the bot's sessions
cut so its pool reconnects to it), then writable again, without restarting the bot.
"""

from __future__ import annotations

import time

import pytest

from bot.services._outcomes import OutcomeQueue
from bot.store import open_store, timers
from bot.store.errors import trouble
from tests.services import probe_fixtures

# The probe extension in these bots, and a fresh probe per test.
make_bot, probe = probe_fixtures.make_bot, probe_fixtures.probe
KIND = "test.kind"


@pytest.fixture
def store_target(pg_url: str) -> str:
    """These bots run on PostgreSQL only (skipped without its binaries)."""
    return pg_url


@pytest.fixture
def read_only(pg_admin):
    """``read_only(True)`` makes the server refuse every write, as a server in recovery
    does (each session reads the setting again on the reload, between statements);
    ``read_only(False)`` gives writes back."""

    def switch(on: bool) -> None:
        value = "on" if on else "off"
        pg_admin.execute(f"ALTER SYSTEM SET default_transaction_read_only = {value}")
        pg_admin.execute("SELECT pg_reload_conf()")
        time.sleep(0.3)  # real time: each server process takes the reload when idle

    yield switch
    pg_admin.execute("ALTER SYSTEM RESET default_transaction_read_only")
    pg_admin.execute("SELECT pg_reload_conf()")


@pytest.fixture
def cut_sessions(pg_admin, pg_url: str):
    """Cut every connection the bot has to its database, as a server restart does."""
    return lambda: pg_admin.cut_sessions(pg_url)


async def test_a_timer_due_while_writes_are_refused_fires_once_when_they_return(
    world, probe, read_only
) -> None:
    bot = world.env.bot
    now = bot.clock.timestamp()
    await bot.scheduler.schedule(guild_id=world.guild.id, kind=KIND, key="k", due=now + 60,
                                 payload={})  # fmt: skip
    read_only(True)
    await world.env.advance_time(90)
    assert bot.scheduler.running  # the loop did not die of it
    assert "read-only" in (bot.scheduler.store_outage or "")
    assert probe.calls == []  # not claimed, so not run: nothing was sent yet
    read_only(False)
    await world.env.advance_time(30)  # no restart
    timer = await bot.scheduler.get(guild_id=world.guild.id, key="k")
    assert (timer.status, timer.result) == ("sent", "result-k")
    assert [key for key, _late, _at in probe.calls] == ["k"]
    assert bot.scheduler.store_outage is None


async def test_confirm_while_writes_are_refused_says_nothing_was_saved_then_works(
    world, read_only
) -> None:
    bot = world.env.bot
    await world.moderator.slash(world.general, "ping")  # seeded before the outage
    preview = await world.moderator.slash(
        world.general, "announce add", show="soundtrack-1", when="in 2h", text="Watch party"
    )
    read_only(True)
    refused = await world.moderator.click(preview.response, custom_id="announce:confirm")
    said = refused.followups[0] if refused.followups else refused.response
    assert "nothing was saved" in said.content
    assert "went wrong" not in said.content  # the store's refusal, not a bug report
    # The one error is the server's refusal, answered (reading it acknowledges it).
    assert [trouble(getattr(e, "original", e)) for e in world.env.errors] == ["io"]
    assert await bot.scheduler.list(guild_id=world.guild.id) == []
    read_only(False)
    saved = await world.moderator.click(preview.response, custom_id="announce:confirm")
    [timer] = await bot.scheduler.list(guild_id=world.guild.id)
    said = saved.followups[0] if saved.followups else saved.response
    assert f"#{timer.id}" in said.content


async def test_after_a_server_restart_at_most_one_command_fails_and_the_rest_work(
    world, cut_sessions
) -> None:
    bot = world.env.bot
    await world.moderator.slash(world.general, "ping")
    preview = await world.moderator.slash(
        world.general, "announce add", show="soundtrack-1", when="in 2h", text="Watch party"
    )
    cut_sessions()  # every pooled connection is dead, and asyncpg does not know yet
    answers = []
    for _ in range(3):
        pressed = await world.moderator.click(preview.response, custom_id="announce:confirm")
        answers.append((pressed.followups[0] if pressed.followups else pressed.response).content)
        if await bot.scheduler.list(guild_id=world.guild.id):
            break
    # The first use of a cut connection may fail (told as the store, not a bug); it
    # replaces the whole pool, so the next press works: not one failure per connection.
    *refused, saved = answers
    assert len(refused) <= 1
    assert all("nothing was saved" in said and "reached" in said for said in refused)
    assert [trouble(getattr(e, "original", e)) for e in world.env.errors] == ["down"] * len(refused)
    [timer] = await bot.scheduler.list(guild_id=world.guild.id)
    assert f"#{timer.id}" in saved


async def test_an_outcome_the_server_refuses_is_kept_and_written_when_it_takes_writes(
    pg_url, read_only
) -> None:
    db = open_store(pg_url)
    await db.open()
    try:
        await timers.upsert(db, guild_id=1, kind="k", key="a", due=10, payload={}, now=0)
        [claimed] = await timers.claim_due(db, 10, 10)
        refusals: list[BaseException] = []

        async def wait_out(error: BaseException) -> None:
            refusals.append(error)
            if len(refusals) == 2:
                read_only(False)  # the failover is over

        queue = OutcomeQueue(db, on_error=wait_out, on_ok=lambda: None)
        read_only(True)
        queue.submit(timers.Outcome(claimed.id, "sent", 11, result="message 1"))
        await queue.drain()
        assert [trouble(e) for e in refusals] == ["io", "io"]  # refused, not dropped
        timer = await timers.get(db, 1, "a")
        assert (timer.status, timer.result) == ("sent", "message 1")
    finally:
        await db.close()
