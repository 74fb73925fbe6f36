"""With Discord slow (2 s per REST call), every command still answers inside 3 seconds.

Run by the server owner (every permission) so each command goes on to its real work; a
command that calls Discord before answering must defer first. Slow to run (about 2 s per
command leaf), so it is marked slow; test_wire_faults checks /ping in CI.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.wire import leaves, option_value
from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess


@pytest.mark.slow
async def test_every_command_answers_in_time_when_discord_is_slow(
    standin: StandIn, bot: BotProcess, command_bodies: list[dict[str, Any]]
) -> None:
    await bot.start()
    await bot.wait_ready()
    await (await standin.slash("owner", "general", "ping")).wait()  # seed before slowing
    standin.slow(2.0)
    late = []
    for command in command_bodies:
        for name, options in leaves(command):
            values = {o["name"]: option_value(o, standin) for o in options if o.get("required")}
            result = await standin.slash("owner", "general", name, **values)
            await standin.wait_until(
                lambda r=result: r.first_answer_after is not None, within=8, what=f"/{name}"
            )
            if result.first_answer_after >= 3.0:
                late.append(f"/{name}: {result.first_answer_after:.2f}s")
    assert late == []  # the stand-in also fails the test for each late answer
