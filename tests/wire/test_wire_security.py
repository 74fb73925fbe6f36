"""Security over the wire: what leaves the bot process, seen from "Discord"'s side."""

from __future__ import annotations

from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.rest import message_bodies


async def test_token_never_appears_in_the_logs_of_a_full_run(
    standin: StandIn, bot: BotProcess
) -> None:
    # DEBUG is the most a deployment would ever log; a resume re-sends the token.
    bot.env["LOG_LEVEL"] = "DEBUG"
    await bot.start()
    await bot.wait_ready()
    await (await standin.slash("member", "general", "ping")).wait()
    await standin.gw.drop(4000)
    await standin.wait_until(lambda: standin.gw.resumes == 1, what="a RESUME")
    assert await bot.stop() == 0  # SIGINT (Ctrl-C): a clean, logged shutdown, exit 0
    logs = bot.output()
    assert "ready as" in logs  # the logs really were captured
    assert "logging in using static token" in logs
    secret = standin.token.split(".")[2]
    assert standin.token not in logs
    assert secret not in logs
    assert bot.log_file.exists()


async def test_every_message_the_bot_sends_says_who_it_may_ping(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    for user in ("member", "moderator", "admin"):
        await (await standin.slash(user, "general", "ping")).wait()
    bodies = message_bodies(standin)
    assert len(bodies) == 3
    assert all(body["allowed_mentions"] == {"parse": []} for body in bodies)
