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

from tests.support.wire import leaves, option_value
from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess

MUTATING = ("POST", "PUT", "PATCH", "DELETE")
# The commands Discord is told need a permission (each of their subcommands is run).
GUARDED = {"admin", "announce", "config"}
# What a member is told, in English (the stand-in's locale), by the moderator or admin check.
REFUSALS = ("Only moderators can do that", "Only admins can do that")


def stored_state(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (SQLite's own statistics aside), in a stable order: an
    UPDATE shows here as surely as an INSERT or a DELETE."""
    with sqlite3.connect(database) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_stat%'"
            )
        ]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }


def changed_tables(before: dict[str, list], after: dict[str, list]) -> list[str]:
    """The tables whose rows differ, with the first differing row of each."""
    changed = []
    for table in sorted(before.keys() | after.keys()):
        old, new = before.get(table, []), after.get(table, [])
        if old != new:
            gone = [row for row in old if row not in new][:1]
            came = [row for row in new if row not in old][:1]
            changed.append(f"{table}: {gone} -> {came}")
    return changed


def _guarded(command_bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in command_bodies if c.get("default_member_permissions") not in (None, "")]


async def test_a_member_cannot_reach_any_moderator_or_admin_command(
    standin: StandIn, bot: BotProcess, command_bodies: list[dict[str, Any]]
) -> None:
    guarded = _guarded(command_bodies)
    assert {c["name"] for c in guarded} == GUARDED
    await bot.start()
    await bot.wait_ready()
    await (await standin.slash("member", "general", "ping")).wait()  # seeds the guild
    before = stored_state(bot.database)
    for command in guarded:
        for name, options in leaves(command):
            values = {o["name"]: option_value(o, standin) for o in options if o.get("required")}
            sent = len(standin.requests)
            result = await standin.slash("member", "general", name, **values)
            answer = await result.wait()
            assert answer["flags"] & 64, f"/{name} answered a member publicly"
            # Refused by the permission check itself, not by a later "no such show" or a
            # preview that waits for a Confirm the member never presses.
            assert (answer.get("content") or "").startswith(REFUSALS), (
                f"/{name} was not refused to a member: {answer.get('content')!r}"
            )
            changed = [
                f"{r.method} {r.path}"
                for r in standin.requests[sent:]
                if r.method in MUTATING and not r.path.startswith(("/interactions/", "/webhooks/"))
            ]
            assert changed == [], f"/{name} run by a member changed Discord: {changed}"
            stored = changed_tables(before, stored_state(bot.database))
            assert stored == [], f"/{name} run by a member changed the store: {stored}"


def test_the_store_comparison_sees_an_update_that_keeps_every_count(tmp_path: Path) -> None:
    database = tmp_path / "state.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE guild_settings (guild_id INTEGER, timezone TEXT)")
        conn.execute("INSERT INTO guild_settings VALUES (1, 'Asia/Seoul')")
    before = stored_state(database)
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE guild_settings SET timezone = 'UTC'")
    assert changed_tables(before, stored_state(database)) == [
        "guild_settings: [(1, 'Asia/Seoul')] -> [(1, 'UTC')]"
    ]
