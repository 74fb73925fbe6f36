"""Per-show follower roles: which role each of a guild's shows pings."""

from __future__ import annotations

from bot.store.db import Database


async def get_show_role(db: Database, guild_id: int, slug: str) -> int | None:
    """The role that follows the guild's show ``slug``, if one was made or picked."""
    return await db.fetchval(
        "SELECT role_id FROM show_roles WHERE guild_id = ? AND show_slug = ?", (guild_id, slug)
    )


async def show_roles(db: Database, guild_id: int) -> dict[str, int]:
    """Show slug → its follower role, for every show of the guild that has one."""
    rows = await db.fetchall(
        "SELECT show_slug, role_id FROM show_roles WHERE guild_id = ? ORDER BY 1", (guild_id,)
    )
    return {r[0]: r[1] for r in rows}


async def set_show_role(
    db: Database, guild_id: int, slug: str, role_id: int, *, picked_by: int | None
) -> None:
    """Make ``role_id`` the show's follower role (made by the bot when ``picked_by`` is None)."""
    await db.execute(
        """INSERT INTO show_roles (guild_id, show_slug, role_id, picked_by) VALUES (?, ?, ?, ?)
           ON CONFLICT (guild_id, show_slug) DO UPDATE SET
               role_id = excluded.role_id, picked_by = excluded.picked_by""",
        (guild_id, slug, role_id, picked_by),
    )


async def forget_show_role(db: Database, guild_id: int, slug: str) -> None:
    """The show has no follower role any more (it was deleted on Discord)."""
    await db.execute(
        "DELETE FROM show_roles WHERE guild_id = ? AND show_slug = ?", (guild_id, slug)
    )
