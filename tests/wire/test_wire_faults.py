"""Faults on demand: a real discord.py bot must ride out what Discord really does."""

from __future__ import annotations

import asyncio

from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.flows import announce, configure, timer_row


async def _ping_answered(standin: StandIn, user: str = "member") -> float:
    result = await standin.slash(user, "general", "ping")
    answer = await result.wait()
    assert answer["content"].startswith("Pong!")
    return result.first_answer_after or 0.0


async def test_gateway_drops_resume_and_invalid_session_reidentifies(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    gw = standin.gw
    for code in (4000, 1001):
        await gw.drop(code)
        await standin.wait_until(
            lambda c=code: gw.resumes == (1 if c == 4000 else 2),
            what=f"a RESUME after close {code}",
        )
        await _ping_answered(standin)
    assert gw.identifies == 1  # resumed, never started over
    await gw.reconnect()  # op 7: "please reconnect"
    await standin.wait_until(lambda: gw.resumes == 3, what="a RESUME after op 7")
    await gw.invalid_session(resumable=False)
    await standin.wait_until(lambda: gw.identifies == 2, what="a fresh IDENTIFY after op 9")
    await _ping_answered(standin)


async def test_an_event_sent_while_disconnected_is_replayed_on_resume(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    await standin.gw.drop(4000)
    # Discord keeps dispatching into the session; the bot must get it on RESUME.
    result = await standin.slash("member", "general", "ping")
    await standin.wait_until(lambda: standin.gw.resumes == 1, what="a RESUME")
    assert (await result.wait())["content"].startswith("Pong!")


async def test_5xx_and_429_on_the_answer_are_retried_within_discords_window(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    standin.fail("POST", "/interactions/*/callback", 500)  # discord.py waits 1 s, retries
    assert await _ping_answered(standin) < 3.0
    standin.fail("POST", "/interactions/*/callback", 502)
    standin.fail("POST", "/interactions/*/callback", 429, retry_after=0.2)
    assert await _ping_answered(standin) < 3.0
    hits = [r.status for r in standin.requests if r.path.endswith("/callback")]
    assert hits == [500, 200, 502, 429, 200]


async def test_a_slow_discord_still_gets_its_answer_in_time(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    standin.slow(2.0)  # every REST call takes 2 s to reach "Discord"
    assert 2.0 <= await _ping_answered(standin) < 3.0


async def test_an_announcement_discord_refuses_fails_with_the_reason_and_moderators_are_told(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    await configure(standin, log_channel="mod-log")
    log = standin.world.messages[standin.world.id("mod-log")]
    # 403 50013: the bot lost Send Messages there; 404 10003: the channel is gone.
    for status, channel, reason in (
        (403, "announcements", "403 Missing Permissions"),
        (404, "general", "404 Unknown Channel"),
    ):
        standin.fail("POST", f"/channels/{standin.world.id(channel)}/messages", status)
        await announce(standin, f"Episode 2 tonight ({status})", channel=channel, in_seconds=2)
        await standin.wait_until(
            lambda: timer_row(bot.database)[0] == "failed", within=8, what=f"a failed {status}"
        )
        assert timer_row(bot.database) == ("failed", reason)  # not retried: no point
        await standin.wait_until(lambda s=status: any(str(s) in m["content"] for m in log))
        notice = log[-1]["content"]
        assert reason in notice
        assert "Soundtrack" in notice or "soundtrack-1" in notice
    sends = [r for r in standin.requests if r.method == "POST" and r.status in (403, 404)]
    assert len(sends) == 2  # each tried once: a permanent failure is not retried
    assert len(log) == 2  # and moderators told once each
    assert not any(
        "Episode 2 tonight" in m.get("content", "") for m in standin.world.all_messages()
    )


async def test_a_gateway_drop_as_an_announcement_falls_due_sends_it_exactly_once(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    await announce(standin, "Episode 3 is out!", channel="announcements", in_seconds=2)
    for _ in range(3):  # drops before, at and after the due second
        await asyncio.sleep(0.8)
        await standin.gw.drop(4000)
    await standin.wait_until(lambda: standin.gw.resumes >= 3, what="three RESUMEs")
    await standin.wait_until(lambda: timer_row(bot.database)[0] == "sent", within=8)
    sent = [m for m in standin.world.all_messages() if m.get("content") == "Episode 3 is out!"]
    assert len(sent) == 1
    assert standin.gw.identifies == 1  # resumed every time, never started over
