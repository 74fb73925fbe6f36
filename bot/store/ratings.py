"""Members' episode ratings (one per member per episode) and their per-episode sums."""

from __future__ import annotations

from bot.domain.ratings import RatingSummary
from bot.store.db import Database


async def get_rating(
    db: Database, guild_id: int, show_id: int, episode: int, user_id: int
) -> int | None:
    """The member's stars for the episode, if they rated it."""
    return await db.fetchval(
        """SELECT stars FROM episode_ratings
           WHERE guild_id = ? AND show_id = ? AND episode = ? AND user_id = ?""",
        (guild_id, show_id, episode, user_id),
    )


async def set_rating(
    db: Database, guild_id: int, show_id: int, episode: int, user_id: int, stars: int, now: int
) -> None:
    """Record (or change) the member's rating of the episode."""
    await db.execute(
        """INSERT INTO episode_ratings (guild_id, show_id, episode, user_id, stars, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (guild_id, show_id, episode, user_id)
           DO UPDATE SET stars = excluded.stars, updated_at = excluded.updated_at""",
        (guild_id, show_id, episode, user_id, stars, now),
    )


async def summaries(db: Database, guild_id: int, slug: str) -> dict[int, RatingSummary]:
    """Episode number → its ratings' sum and count, for the guild's show ``slug``."""
    rows = await db.fetchall(
        """SELECT r.episode, sum(r.stars), count(*) FROM episode_ratings r
           JOIN shows s ON s.id = r.show_id
           WHERE s.guild_id = ? AND s.slug = ? AND r.guild_id = ?
           GROUP BY r.episode""",
        (guild_id, slug, guild_id),
    )
    return {r[0]: RatingSummary(r[1], r[2]) for r in rows}
