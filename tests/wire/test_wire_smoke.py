"""kdrama-bot over real sockets: sync, log in, connect, answer a command."""

from __future__ import annotations

import base64

from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess


async def test_sync_registers_the_commands_discord_routes(bot: BotProcess) -> None:
    # A fresh stand-in world with nothing registered: only `kdrama-bot sync` fills it.
    async with StandIn() as server:
        bot.env.update(DISCORD_API_BASE_URL=server.api_base)
        code, out = await bot.command("sync", "--guild", server.world.id("guild"))
        assert code == 0, out
        names = {c["name"] for c in server.world.commands[server.world.id("guild")]}
        server.assert_clean()
    assert "ping" in names
    assert "synced" in out


async def test_bot_reaches_ready_and_answers_ping(standin: StandIn, bot: BotProcess) -> None:
    await bot.start()
    await bot.wait_ready()
    assert standin.gw.identifies == 1
    result = await standin.slash("member", "general", "ping")
    answer = await result.wait()
    assert answer["content"].startswith("Pong!")
    assert answer["flags"] & 64  # ephemeral: only the member sees it
    assert result.first_answer_after < 3.0
    assert standin.world.bot_messages() == []  # nothing posted where others can see it


async def test_invite_reads_the_application_id_from_the_token_without_calling_discord(
    standin: StandIn, bot: BotProcess
) -> None:
    # A bot token's first part is the bot's id in base64: invite needs no connection.
    first = standin.token.split(".")[0]
    bot_id = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")
    before = len(standin.requests)
    code, out = await bot.command("invite")
    assert code == 0, out
    assert f"client_id={bot_id}" in out
    assert len(standin.requests) == before


async def test_a_rejected_token_ends_the_run_with_one_clear_line(
    standin: StandIn, bot: BotProcess
) -> None:
    # Same shape, different secret: Discord answers 401 to the login.
    bot.env["DISCORD_TOKEN"] = standin.token[:-6] + "zzzzzz"
    await bot.start()
    assert await bot.process.wait() == 2
    out = bot.output_path.read_text("utf-8")
    assert "Discord rejected DISCORD_TOKEN" in out
    assert "Traceback" not in out
    assert standin.gw.connections == 0  # never got as far as the gateway
