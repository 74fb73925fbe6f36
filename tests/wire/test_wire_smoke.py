"""kdrama-bot over real sockets: log in, sync, connect, answer a command."""

from __future__ import annotations

from standin import StandIn
from standin.botproc import BotProcess


async def test_bot_reaches_ready_and_answers_ping(standin: StandIn, bot: BotProcess) -> None:
    await bot.start()
    await bot.wait_ready()
    result = await standin.slash("member", "general", "ping")
    answer = await result.wait()
    assert answer["content"].startswith("Pong!")
    assert answer["flags"] & 64  # ephemeral: only the member sees it
