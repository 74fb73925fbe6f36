"""Over the wire, a plain member can never reach the effect of a moderator or admin command.

Every command (and subcommand) that Discord is told needs a permission
(``default_member_permissions``) is run by ``member``, who has none. Discord would hide
them, but admins can change that hint, so the bot must refuse in its own code: the answer
is ephemeral, the bot changes nothing in Discord, and nothing in its store.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.support.wire import leaves, option_value
from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess

MUTATING = ("POST", "PUT", "PATCH", "DELETE")


def _row_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _guarded(command_bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in command_bodies if c.get("default_member_permissions") not in (None, "")]


async def test_a_member_cannot_reach_any_moderator_or_admin_command(
    standin: StandIn, bot: BotProcess, command_bodies: list[dict[str, Any]]
) -> None:
    guarded = _guarded(command_bodies)
    if not guarded:
        pytest.skip("no command on this branch declares default_member_permissions yet")
    await bot.start()
    await bot.wait_ready()
    await (await standin.slash("member", "general", "ping")).wait()  # seeds the guild
    before = _row_counts(bot.database)
    for command in guarded:
        for name, options in leaves(command):
            values = {o["name"]: option_value(o, standin) for o in options if o.get("required")}
            sent = len(standin.requests)
            result = await standin.slash("member", "general", name, **values)
            answer = await result.wait()
            assert answer["flags"] & 64, f"/{name} answered a member publicly"
            changed = [
                f"{r.method} {r.path}"
                for r in standin.requests[sent:]
                if r.method in MUTATING and not r.path.startswith(("/interactions/", "/webhooks/"))
            ]
            assert changed == [], f"/{name} run by a member changed Discord: {changed}"
    assert _row_counts(bot.database) == before
