"""Members and moderators while the store or Discord misbehaves: always a clear answer.

Through the real ``kdrama-bot run`` process. Nobody sees "This interaction failed"
(the stand-in fails a test on any late or missing answer), a refused write says so
and saves nothing, a repeated press or command never does a thing twice, and a
harmless 40060 is not logged as an error.
"""

from __future__ import annotations

import asyncio
import copy
import sqlite3
from pathlib import Path

from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.flows import soon
from tests.wire.test_wire_permissions import changed_tables, stored_state
from tests.wire.test_wire_scheduler_faults import write_lock


def _custom_timers(database: Path) -> list[tuple]:
    with sqlite3.connect(database, timeout=5) as conn:
        return conn.execute("SELECT id, status FROM timers WHERE key LIKE 'custom:%'").fetchall()


async def test_notify_under_a_slow_role_call_answers_and_a_retry_keeps_the_role(
    standin: StandIn, bot: BotProcess
) -> None:
    guild = standin.world.guilds[standin.world.id("guild")]
    role = {"id": standin.world.snowflake(), "name": "Notify", "color": 0, "hoist": False,
            "position": 1, "permissions": "0", "managed": False, "mentionable": False,
            "flags": 0}  # fmt: skip
    guild["roles"].append(role)  # there before the bot connects, like any server's role
    await bot.start()
    await bot.wait_ready()
    answer = await (
        await standin.slash("admin", "general", "config set", notify_role=role["id"])
    ).wait()
    assert "Saved" in answer["content"], answer["content"]
    standin.slow(3.5, "PUT", "/guilds/*/members/*/roles/*")  # longer than Discord's 3 s

    async def notify(**options: object) -> dict:
        asked = await standin.slash("member", "general", "notify", all_shows=True, **options)
        return await asked.wait(within=15)

    first = await notify()
    member = standin.world.members[standin.world.id("guild")][standin.world.id("member")]
    assert role["id"] in member["roles"]
    assert "will be pinged" in first["content"]
    again = await notify()
    assert role["id"] in member["roles"]  # the retry did not take it away
    assert "will be pinged" in again["content"]
    stopped = await notify(stop=True)
    assert role["id"] not in member["roles"]
    assert "no longer" in stopped["content"]


async def test_a_callback_discord_took_before_a_500_is_not_an_error_or_answered_twice(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    lost = standin.fail_after("POST", "/interactions/*/callback", 500)
    result = await standin.slash("member", "general", "ping")
    answer = await result.wait()
    await asyncio.sleep(1.5)  # discord.py's retry comes a second later, and gets 40060
    assert lost.performed == 1
    assert answer["content"].startswith("Pong!")
    assert result.followups == []  # no "something went wrong" after the answer
    # (the bot fixture fails the test on any ERROR line: the 40060 is not one)


async def test_writes_during_a_held_lock_are_each_told_busy_in_time_and_reads_go_on(
    standin: StandIn, bot: BotProcess
) -> None:
    # Each write waits its turn for the bot's one writer, then up to the busy timeout for
    # the other process's lock: the third is refused about 6 s after it was typed, far
    # past Discord's 3 s, so each must have said "thinking…" before it wrote.
    await bot.start()
    await bot.wait_ready()
    await (await standin.slash("member", "general", "ping")).wait()  # the guild is seeded
    before = stored_state(bot.database)
    with write_lock(bot.database):
        writes = [
            await standin.slash(
                "admin", "general", "config set", log_channel=standin.world.id("mod-log")
            ),
            await standin.slash("member", "general", "watched", show="soundtrack-1", episode=2),
            await standin.slash(
                "admin", "general", "admin source add", key="herald-0324", publisher="Herald"
            ),
        ]
        await standin.wait_until(lambda: all(w.answered for w in writes), within=3)
        card = await (await standin.slash("member", "general", "show", show="soundtrack-1")).wait()
        assert all(w.visible() is None for w in writes)  # the read did not queue behind them
        answers = [await write.wait(within=20) for write in writes]
    assert card["embeds"][0]["title"] == "Soundtrack #1"
    for write, busy in zip(writes, answers, strict=True):
        assert write.callbacks[0]["type"] == 5  # deferred at once (the stand-in checks 3 s)
        assert "busy" in busy["content"], busy
        assert "nothing was saved" in busy["content"]
        assert busy["flags"] & 64  # only the one who typed it sees it
    assert changed_tables(before, stored_state(bot.database)) == []  # nothing was saved


async def test_confirm_refused_by_a_lock_then_pressed_twice_at_once_and_again_schedules_once(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    asked = await standin.slash(
        "moderator",
        "general",
        "announce add",
        show="soundtrack-1",
        when=soon(3600),
        text="Finale watch party",
        channel=standin.world.id("announcements"),
    )
    # A copy: what the moderator's client still shows (a double click lands on it even
    # after the bot has replaced the buttons with the answer).
    preview = copy.deepcopy(await asked.wait())
    with write_lock(bot.database):
        refused = await (await standin.click("moderator", preview, "announce:confirm")).wait()
    assert "busy" in refused["content"]
    assert _custom_timers(bot.database) == []  # nothing saved
    # Pressed again, twice at once: the first press's save waits for a short lock
    # (shorter than the busy timeout), and the second press comes while it waits.
    with write_lock(bot.database):
        first = await standin.click("moderator", preview, "announce:confirm")
        await standin.wait_until(lambda: first.answered, within=3, what="the first defer")
        second = await standin.click("moderator", preview, "announce:confirm")
        await standin.wait_until(lambda: second.answered, within=3, what="the second defer")
        assert _custom_timers(bot.database) == []  # both are still waiting
        await asyncio.sleep(0.2)
    answers = [await first.wait(), await second.wait()]
    again = await (await standin.click("moderator", preview, "announce:confirm")).wait()
    [(timer_id, status)] = _custom_timers(bot.database)
    assert status == "pending"
    for answer in (*answers, again):
        assert f"#{timer_id}" in answer["content"], answer  # the same answer, one timer
