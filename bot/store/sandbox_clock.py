"""The sandbox's stored clock: where ``kdrama-bot sandbox --database PATH`` stopped."""

from __future__ import annotations

from bot.store.db import Database


async def stored_now(db: Database) -> int | None:
    """The sandbox's last "now" (UTC epoch seconds), or None for a fresh database."""
    return await db.fetchval("SELECT now FROM sandbox_clock WHERE id = 1")


async def store_now(db: Database, now: int) -> None:
    """Remember the sandbox's "now"; never moves the stored clock backwards.

    CASE, not max(): SQLite's two-argument max() is an aggregate on PostgreSQL.
    """
    await db.execute(
        """INSERT INTO sandbox_clock (id, now) VALUES (1, ?)
           ON CONFLICT (id) DO UPDATE SET now = CASE WHEN excluded.now > sandbox_clock.now
               THEN excluded.now ELSE sandbox_clock.now END""",
        (now,),
    )
