"""Rate limits and failure kinds in the scheduler: a 429 only says *when*, never *whether*.

Through the real bot and store (SimCord's virtual time, the probe handler), plus the
two pure functions that decide what an error means.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3

import discord
import pytest

from bot.services.scheduler import (
    PermanentError,
    TransientError,
    classify,
    describe,
    rate_limit_wait,
)
from bot.store.guilds import update_settings
from tests.services import probe_fixtures

KIND = "test.kind"


make_bot, probe = probe_fixtures.make_bot, probe_fixtures.probe  # the timer probe


class _Response:
    """What discord.py keeps of an HTTP answer: a status, a reason and the headers."""

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.reason = "Too Many Requests" if status == 429 else "Error"
        self.headers = headers or {}


def _http(status: int, **headers: str) -> discord.HTTPException:
    return discord.HTTPException(_Response(status, headers), "refused")


class _Bare:
    """An answer with no headers at all (a proxy's, say)."""

    status = 429
    reason = "Too Many Requests"


def test_a_rate_limit_says_how_long_to_wait_and_nothing_else_does() -> None:
    assert rate_limit_wait(discord.RateLimited(12.5)) == 12.5
    assert rate_limit_wait(_http(429, **{"Retry-After": "2.5"})) == 2.5
    assert rate_limit_wait(discord.HTTPException(_Bare(), "slow down")) == 1.0
    assert rate_limit_wait(_http(429)) == 1.0  # no header: a second
    assert rate_limit_wait(_http(429, **{"Retry-After": "soon"})) == 1.0
    assert rate_limit_wait(_http(500, **{"Retry-After": "9"})) is None
    assert rate_limit_wait(TimeoutError()) is None


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (TransientError("x"), TransientError),
        (PermanentError("x"), PermanentError),
        (discord.RateLimited(3.0), TransientError),
        (_http(429), TransientError),
        (sqlite3.OperationalError("database is locked"), TransientError),
        (ConnectionResetError(), TransientError),
        (_http(502), TransientError),
        (_http(500), TransientError),
        (_http(404), PermanentError),
        (_http(499), PermanentError),
        (ValueError("a bug"), PermanentError),
    ],
)
def test_each_kind_of_error_is_retried_or_final(error, kind) -> None:
    assert classify(error) is kind


def test_a_failure_reason_names_the_error_when_it_says_nothing_itself() -> None:
    # What the ledger and the mod-log show: Discord's status and text, else the error's kind.
    assert describe(_http(403)) == "403 refused"
    assert describe(discord.HTTPException(_Response(404), "")) == "404 HTTPException"
    assert describe(TimeoutError()) == "TimeoutError"
    assert describe(TransientError("503 upstream")) == "503 upstream"
    assert describe(ValueError("x" * 1000)) == "x" * 300


async def _plan(bot, guild_id: int, key: str, due: int) -> None:
    await bot.scheduler.schedule(guild_id=guild_id, kind=KIND, key=key, due=due, payload={})


async def test_rate_limited_sends_wait_as_asked_and_are_never_failed(world, probe):
    bot = world.env.bot
    # Seven 429s in a row: more than the five attempts a 5xx gets, still not "failed".
    probe.fail = lambda t: _http(429, **{"Retry-After": "30"}) if len(probe.calls) <= 7 else None
    due = bot.clock.timestamp() + 10
    await _plan(bot, world.guild.id, "busy", due)
    await world.env.advance_time(600)
    moments = [at for _, _, at in probe.calls]
    assert len(moments) == 8
    # Each try waits the 30 s Discord asked for (rounded up to a whole second), not a backoff.
    assert all(30 <= later - earlier <= 31 for earlier, later in itertools.pairwise(moments))
    timer = await bot.scheduler.get(guild_id=world.guild.id, key="busy")
    assert timer.status == "sent"
    assert probe.failures == []


async def test_a_rate_limited_send_waits_at_least_a_second_and_says_why(world, probe):
    bot = world.env.bot
    probe.fail = lambda t: _http(429, **{"Retry-After": "0.2"}) if len(probe.calls) == 1 else None
    due = bot.clock.timestamp() + 10
    await _plan(bot, world.guild.id, "soon", due)
    await world.env.advance_time(10)
    pending = await bot.scheduler.get(guild_id=world.guild.id, key="soon")
    assert (pending.status, pending.last_error, pending.next_at) == (
        "pending",
        "429 refused",
        due + 1,
    )
    await world.env.advance_time(2)
    assert [at - due for _, _, at in probe.calls] == [0, 1]
    assert (await bot.scheduler.get(guild_id=world.guild.id, key="soon")).status == "sent"


async def test_a_retry_landing_on_the_catch_up_windows_last_second_is_still_made(world, probe):
    # The claim runs a timer overdue by exactly the window, so the retry is planned.
    bot = world.env.bot
    await update_settings(bot.db, world.guild.id, catchup_seconds=60)
    probe.fail = lambda t: discord.RateLimited(60.0) if len(probe.calls) == 1 else None
    due = bot.clock.timestamp() + 10
    await _plan(bot, world.guild.id, "edge", due)
    await world.env.advance_time(75)
    assert [at - due for _, _, at in probe.calls] == [0, 60]
    assert (await bot.scheduler.get(guild_id=world.guild.id, key="edge")).status == "sent"


async def test_a_rate_limit_past_the_catch_up_window_is_missed_not_failed(world, probe):
    bot = world.env.bot
    await update_settings(bot.db, world.guild.id, catchup_seconds=120)
    probe.fail = lambda t: discord.RateLimited(300.0)  # come back in five minutes
    due = bot.clock.timestamp() + 10
    await _plan(bot, world.guild.id, "late", due)
    await world.env.advance_time(3600)
    assert len(probe.calls) == 1  # five minutes on would be past the two-minute window
    timer = await bot.scheduler.get(guild_id=world.guild.id, key="late")
    assert timer.status == "missed"
    assert timer.last_error == (
        "Too many requests. Retry in 300.00 seconds. (rate limited past the catch-up window)"
    )
    assert timer.finished_at == probe.calls[0][2]
    assert probe.failures == []


async def test_with_no_catch_up_window_a_rate_limited_send_is_missed_at_once(world, probe):
    # "Never post late" (catch-up 0): the retry would be late, so it is not planned.
    bot = world.env.bot
    await update_settings(bot.db, world.guild.id, catchup_seconds=0)
    probe.fail = lambda t: discord.RateLimited(20.0) if len(probe.calls) == 1 else None
    await _plan(bot, world.guild.id, "strict", bot.clock.timestamp() + 10)
    await world.env.advance_time(600)
    assert len(probe.calls) == 1
    timer = await bot.scheduler.get(guild_id=world.guild.id, key="strict")
    assert timer.status == "missed"
    assert "rate limited past the catch-up window" in timer.last_error


async def test_a_bug_in_a_handler_is_logged_with_its_traceback_and_a_refusal_is_not(
    world, probe, caplog
):
    bot = world.env.bot
    caplog.set_level(logging.ERROR, logger="bot.services.scheduler")
    probe.fail = lambda t: ValueError("a bug") if t.key == "bug" else _http(403)
    now = bot.clock.timestamp()
    await _plan(bot, world.guild.id, "bug", now + 5)
    await _plan(bot, world.guild.id, "refused", now + 6)
    await world.env.advance_time(10)
    assert [(await bot.scheduler.get(guild_id=world.guild.id, key=k)).status for k in
            ("bug", "refused")] == ["failed", "failed"]  # fmt: skip
    crashed = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in crashed] == ["timer bug (test.kind) handler crashed"]
    assert crashed[0].exc_info[1].args == ("a bug",)
