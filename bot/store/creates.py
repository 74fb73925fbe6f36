"""The ``discord_creates`` table: intents of creates that must happen exactly once.

Used only by :mod:`bot.services.once`. A row says "this guild is making ``key``";
``attempts`` counts the creates sent to Discord. Zero means nothing can exist yet, so
the first try needs no look; anything more means an earlier try may have succeeded
unseen, and the next one looks first.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Database, rows


@dataclass(frozen=True, slots=True)
class Intent:
    """One create in progress (or done)."""

    guild_id: int
    key: str
    state: str
    object_id: int | None
    attempts: int


async def intend(db: Database, guild_id: int, key: str, *, now: int) -> Intent:
    """Record that ``key`` is about to be created (kept as is if already recorded)."""
    async with db.transaction() as conn:
        await conn.execute_fetchall(
            """INSERT INTO discord_creates (guild_id, key, updated_at) VALUES (?, ?, ?)
               ON CONFLICT (guild_id, key) DO NOTHING""",
            (guild_id, key, now),
        )
        found = await rows(
            conn,
            """SELECT guild_id, key, state, object_id, attempts FROM discord_creates
               WHERE guild_id = ? AND key = ?""",
            (guild_id, key),
        )
    return Intent(*tuple(found[0]))


async def attempt(db: Database, guild_id: int, key: str, *, now: int) -> None:
    """Count a create about to be sent: from now on a retry or a restart looks first."""
    await db.execute(
        """UPDATE discord_creates SET attempts = attempts + 1, state = 'intended',
               updated_at = ? WHERE guild_id = ? AND key = ?""",
        (now, guild_id, key),
    )


async def created(db: Database, guild_id: int, key: str, object_id: int, *, now: int) -> None:
    """Record what Discord made for ``key``."""
    await db.execute(
        """UPDATE discord_creates SET state = 'created', object_id = ?, updated_at = ?
           WHERE guild_id = ? AND key = ?""",
        (object_id, now, guild_id, key),
    )


async def forget(db: Database, guild_id: int, key: str) -> None:
    """Drop the intent (what it made is gone: a new create starts from nothing)."""
    await db.execute("DELETE FROM discord_creates WHERE guild_id = ? AND key = ?", (guild_id, key))
