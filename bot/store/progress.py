"""Members' progress through a show: how far each has watched, for spoiler care."""

from __future__ import annotations

from bot.store.db import Database


async def get_progress(db: Database, guild_id: int, user_id: int, show_id: int) -> int:
    """The last episode the member marked as watched (0 when they never said)."""
    sql = "SELECT episode FROM member_progress WHERE guild_id = ? AND user_id = ? AND show_id = ?"
    found = await db.fetchval(sql, (guild_id, user_id, show_id))
    return int(found or 0)


async def set_progress(
    db: Database, guild_id: int, user_id: int, show_id: int, episode: int, now: int
) -> None:
    """Record that the member has watched up to ``episode`` (0 clears it)."""
    await db.execute(
        """INSERT INTO member_progress (guild_id, user_id, show_id, episode, updated_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (guild_id, user_id, show_id)
           DO UPDATE SET episode = excluded.episode, updated_at = excluded.updated_at""",
        (guild_id, user_id, show_id, episode, now),
    )
