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
from standin import StandIn
from standin.botproc import BotProcess

MUTATING = ("POST", "PUT", "PATCH", "DELETE")


def _leaves(command: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """("name sub", options) for every runnable leaf of a command."""
    subs = [o for o in command.get("options", []) if o["type"] in (1, 2)]
    if not subs:
        return [(command["name"], command.get("options", []))]
    leaves = []
    for sub in subs:
        for name, options in _leaves(sub):
            leaves.append((f"{command['name']} {name}", options))
    return leaves


def _value(option: dict[str, Any], standin: StandIn) -> Any:
    """A plausible value for a required option, by its type."""
    if option.get("choices"):
        return option["choices"][0]["value"]
    world = standin.world
    by_type = {
        3: "Soundtrack #1",
        4: option.get("min_value", 1),
        5: False,
        6: world.id("member"),
        7: world.id("general"),
        8: world.id("Moderator"),
        9: world.id("member"),
        10: float(option.get("min_value", 1)),
        # An attachment is named by its snowflake; the member is refused before it is read.
        11: world.snowflake(),
    }
    return by_type.get(option["type"], "x")


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
        for name, options in _leaves(command):
            values = {o["name"]: _value(o, standin) for o in options if o.get("required")}
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
