"""Fixtures for wire tests: a Discord stand-in on 127.0.0.1 and the bot as a subprocess."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.rest import install_commands


async def _sync_once(workdir: Path) -> list[dict[str, Any]]:
    async with StandIn() as server:
        process = BotProcess(server.api_base, server.gateway_url, server.token, workdir)
        code, out = await process.command("sync", "--guild", server.world.id("guild"))
        assert code == 0, out
        server.assert_clean()
        return next(r.body for r in server.requests if r.method == "PUT")


@pytest.fixture(scope="session")
def command_bodies(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """What ``kdrama-bot sync`` registers, captured once per session (a sync costs ~1 s)."""
    workdir = tmp_path_factory.mktemp("sync")
    with ThreadPoolExecutor(1) as pool:  # its own event loop, away from the tests' loops
        return pool.submit(asyncio.run, _sync_once(workdir)).result()


@pytest.fixture
async def standin(command_bodies: list[dict[str, Any]]) -> AsyncIterator[StandIn]:
    """A running stand-in holding the fan-server world with the bot's commands registered;
    the test fails on anything wrong it saw."""
    server = StandIn()  # without ../shared, unvalidated: said once per run (tests/conftest.py)
    install_commands(server, server.world.id("guild"), command_bodies)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    server.assert_clean()


@pytest.fixture
async def bot(standin: StandIn, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The bot installed in a temp dir, pointed at the stand-in (not started)."""
    process = BotProcess(standin.api_base, standin.gateway_url, standin.token, tmp_path)
    try:
        yield process
    finally:
        await process.kill()
    assert not process.problems(), "the bot logged:\n" + "\n".join(process.problems())


@pytest.fixture
async def piped_bot(standin: StandIn, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """As ``bot``, but logging only to a pipe this process writes down: a limit on the
    sizes of the bot's files (a full disk) leaves its log whole."""
    process = BotProcess(
        standin.api_base, standin.gateway_url, standin.token, tmp_path,
        extra_env={"LOG_FILE": ""}, piped=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        await process.kill()
    assert not process.problems(), "the bot logged:\n" + "\n".join(process.problems())
