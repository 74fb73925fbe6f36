"""SIGTERM and Ctrl-C stop the real process cleanly; a restart sends each timer once."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

from bot.services import announcer
from bot.services.catalog import ensure_seeded
from bot.store import timers
from bot.store.db import Database
from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.crash import timer_outcome

SHOW = "soundtrack-1"


async def plant(database: Path, standin: StandIn, count: int, span: float) -> list[str]:
    """Announcements due over the next ``span`` seconds, planted through the store."""
    guild_id = int(standin.world.id("guild"))
    channel_id = int(standin.world.id("announcements"))
    now = int(time.time())
    nonces = []
    async with Database(database) as db:
        await db.migrate()
        await ensure_seeded(db, guild_id)
        for n in range(count):
            key = f"custom:{SHOW}:stop:{n}"
            payload = {"show": SHOW, "text": f"Stop-test announcement {n}",
                       "channel_id": channel_id, "ping": False, "minor": False}  # fmt: skip
            due = now + 2 + round(span * n / max(1, count - 1))
            await timers.upsert(db, guild_id=guild_id, kind=announcer.CUSTOM, key=key,
                                due=due, payload=payload, now=now)  # fmt: skip
            nonces.append((await timers.get(db, guild_id, key)).nonce)  # type: ignore[union-attr]
    return nonces


async def stop_with(bot: BotProcess, sig: signal.Signals) -> tuple[int, float]:
    assert bot.process is not None
    started = time.monotonic()
    bot.process.send_signal(sig)
    code = await asyncio.wait_for(bot.process.wait(), 15)
    return code, time.monotonic() - started


async def test_sigterm_while_announcements_are_due_then_a_restart_sends_each_once(
    standin: StandIn, bot: BotProcess
):
    nonces = await plant(bot.database, standin, count=8, span=4)
    standin.slow(0.3, "POST", "/channels/*/messages")  # so the stop lands mid-send
    await bot.start()
    await bot.wait_ready()
    await asyncio.sleep(3.5)  # some sent, one probably in flight, the rest still due
    code, took = await stop_with(bot, signal.SIGTERM)
    output = bot.output_path.read_text("utf-8", "replace")
    assert code == 0, output[-2000:]
    assert took < 10
    assert "Traceback" not in output
    assert "SIGTERM received: stopping" in output
    await bot.start()
    await bot.wait_ready()
    for _ in range(200):
        duplicated, missing = timer_outcome(standin, nonces)
        if not missing:
            break
        await asyncio.sleep(0.1)
    assert (duplicated, missing) == ({}, [])
    code, _ = await stop_with(bot, signal.SIGINT)  # Ctrl-C, the same way
    assert code == 0


async def test_discord_unreachable_at_start_is_retried_with_a_line_each_time(
    standin: StandIn, tmp_path: Path
):
    # A port nobody listens on: every login attempt fails to connect.
    bot = BotProcess("http://127.0.0.1:9/api/v10", standin.gateway_url, standin.token, tmp_path)
    await bot.start()
    try:
        for _ in range(150):
            if bot.output_path.read_text("utf-8", "replace").count("could not reach Discord") >= 2:
                break
            await asyncio.sleep(0.1)
        code, took = await stop_with(bot, signal.SIGTERM)
    finally:
        await bot.kill()
    output = bot.output_path.read_text("utf-8", "replace")
    assert "could not reach Discord (attempt 1:" in output
    assert "could not reach Discord (attempt 2:" in output
    assert "retrying in 4 s" in output  # backoff: 2 s, then 4 s
    assert code == 0
    assert took < 10
    assert "Traceback" not in output
