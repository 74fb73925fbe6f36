"""Fixtures for wire tests: a Discord stand-in on 127.0.0.1 and the bot as a subprocess."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from standin import StandIn
from standin.botproc import BotProcess


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    """A running stand-in holding the fan-server world; the test fails on anything it saw."""
    server = StandIn()
    if server.validation_skipped:
        warnings.warn(server.validation_skipped, stacklevel=1)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    server.assert_clean()


@pytest.fixture
async def bot(standin: StandIn, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The bot installed in a temp dir and its commands synced to the fan server (not running)."""
    process = BotProcess(standin.api_base, standin.gateway_url, standin.token, tmp_path)
    code, out = await process.command("sync", "--guild", standin.world.id("guild"))
    assert code == 0, out
    try:
        yield process
    finally:
        await process.kill()
    assert not process.problems(), "the bot logged:\n" + "\n".join(process.problems())
