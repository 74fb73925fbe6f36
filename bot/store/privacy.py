"""Whose data is where: the one map of the tables that hold a server's or a member's data.

``/privacy show`` and ``/privacy forget``, the admins' export of a server's data, the
purge of a server the bot left and ``kdrama-bot db purge`` all read these lists, and
``tests/store/test_data_map.py`` fails when a table holding a user id or a server id is
missing from them: a new table cannot be forgotten by any of them.

Table and column names in the SQL below come only from these constants, never from input.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database, rows

# A member's own data, one row per user id (each of these tables has a show_id): shown by
# /privacy show, deleted by /privacy forget (that server's rows only), exported and purged
# with the server.
MEMBER_TABLES: dict[str, str] = {
    "member_progress": "user_id",  # /watched
    "episode_ratings": "user_id",  # /rate
}

# Who did what, as the server's own record: the admin or moderator behind a change.
# /privacy show tells that person how many there are; /privacy forget keeps them (they
# are the server's history of its catalog and announcements, not the member's own data);
# they go with the server's purge.
STAFF_COLUMNS: dict[str, str] = {
    "history": "actor_id",  # /admin history
    "announce_plans": "created_by",  # /announce plan, confirmed
    "show_roles": "picked_by",  # /config follow_role
}

# Every table with a guild_id column. Deleted in this order (rows that others point to last).
GUILD_TABLES: tuple[str, ...] = (
    "timers",
    "announce_plans",
    "show_events",
    "release_announcements",
    "show_roles",
    "discord_creates",
    "discussions",
    "discussion_indexes",
    "discussion_warnings",
    "member_progress",
    "episode_ratings",
    "history",
    "fact_sources",
    "aliases",
    "search_keys",
    "search_entries",
    "shows",
    "people",
    "sources",
    "guild_settings",
    "guild_departures",
)

# Tables without a guild_id: each row belongs to a server through a parent row.
CHILD_TABLES: dict[str, tuple[str, str]] = {
    "characters": ("show_id", "shows"),
    "credits": ("show_id", "shows"),
    "episodes": ("show_id", "shows"),
    "media": ("show_id", "shows"),
    "quotes": ("show_id", "shows"),
    "release_reports": ("show_id", "shows"),
    "show_titles": ("show_id", "shows"),
    "known_for": ("person_id", "people"),
    "memberships": ("person_id", "people"),
}

# Rebuilt from the catalog whenever needed: purged with the server, never exported.
DERIVED_TABLES: frozenset[str] = frozenset({"search_entries", "search_keys"})
# The full-text index over search_entries (rowid = search_entries.id), and its shadow tables.
FTS_TABLE = "search_fts"
# Nobody's: the sandbox's simulated clock, and PostgreSQL's queue of entities whose
# spellings changed in the open transaction (emptied before every commit).
UNOWNED_TABLES: frozenset[str] = frozenset({"sandbox_clock", "search_pending"})


@dataclass(frozen=True, slots=True)
class MemberData:
    """What the store holds about one member in one server."""

    rows: dict[str, list[dict[str, Any]]]  # MEMBER_TABLES: the member's rows, with show titles
    staff: dict[str, int]  # STAFF_COLUMNS: how many records name them

    @property
    def empty(self) -> bool:
        """Whether nothing at all names the member."""
        return not any(self.rows.values()) and not any(self.staff.values())


def _dicts(rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    return [dict(row) for row in rows]


async def member_data(db: Database, guild_id: int, user_id: int) -> MemberData:
    """Every row of the member's own data in the server, and the staff records naming them."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for table, column in MEMBER_TABLES.items():
        found = await db.fetchall(
            f"""SELECT t.*, s.slug AS show_slug, s.title AS show_title FROM {table} t
                LEFT JOIN shows s ON s.id = t.show_id
                WHERE t.guild_id = ? AND t.{column} = ? ORDER BY 1, 2, 3, 4""",
            (guild_id, user_id),
        )
        rows[table] = _dicts(found)
    staff = {}
    for table, column in STAFF_COLUMNS.items():
        staff[table] = int(
            await db.fetchval(
                f"SELECT count(*) FROM {table} WHERE guild_id = ? AND {column} = ?",
                (guild_id, user_id),
            )
        )
    return MemberData(rows, staff)


async def forget_member(db: Database, guild_id: int, user_id: int) -> dict[str, int]:
    """Delete the member's own data in the server, in one transaction: rows per table."""
    deleted: dict[str, int] = {}
    async with db.transaction() as conn:
        for table, column in MEMBER_TABLES.items():
            sql = f"DELETE FROM {table} WHERE guild_id = ? AND {column} = ?"
            async with conn.execute(sql, (guild_id, user_id)) as cursor:
                deleted[table] = cursor.rowcount
    return deleted


def owned_where(table: str) -> str:
    """``table``'s WHERE clause selecting one server's rows (one ``?``: the guild id)."""
    if table in CHILD_TABLES:
        column, parent = CHILD_TABLES[table]
        return f"{column} IN (SELECT id FROM {parent} WHERE guild_id = ?)"
    return "guild_id = ?"


async def export_guild(db: Database, guild_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row the store holds for the server, per table (the search index left out:
    it is rebuilt from the catalog)."""
    tables = [t for t in GUILD_TABLES if t not in DERIVED_TABLES] + list(CHILD_TABLES)
    exported: dict[str, list[dict[str, Any]]] = {}
    for table in sorted(tables):
        where = owned_where(table)
        sql = f"SELECT * FROM {table} WHERE {where} ORDER BY 1, 2"
        found = await db.fetchall(sql, (guild_id,))
        exported[table] = _dicts(found)
    return exported


async def holds_guild(db: Database, guild_id: int) -> bool:
    """Whether any table holds a row of the server."""
    for table in GUILD_TABLES:
        if await db.fetchone(f"SELECT 1 FROM {table} WHERE guild_id = ? LIMIT 1", (guild_id,)):
            return True
    return False


async def purge_guild(db: Database, guild_id: int) -> dict[str, int]:
    """Delete everything the store holds for the server, timers included, in one
    transaction; how many rows each table held (tables with none left out).

    Counted before deleting: deleting a row also deletes others through foreign keys and
    the catalog's triggers, so a statement's own count would say less than went.
    """
    held: dict[str, int] = {}
    async with db.transaction() as conn:
        for table in (*CHILD_TABLES, *GUILD_TABLES):
            where = owned_where(table)
            found = await rows(conn, f"SELECT count(*) FROM {table} WHERE {where}", (guild_id,))
            held[table] = int(found[0][0]) if found else 0
        if db.dialect == "sqlite":  # PostgreSQL's trigram index lives on search_entries
            await conn.execute_fetchall(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN "
                "(SELECT id FROM search_entries WHERE guild_id = ?)",
                (guild_id,),
            )
        # Children first, while their parents still say which server they belong to.
        for table in (*CHILD_TABLES, *GUILD_TABLES):
            where = owned_where(table)
            await conn.execute_fetchall(f"DELETE FROM {table} WHERE {where}", (guild_id,))
    return {table: count for table, count in held.items() if count > 0}


# -- servers the bot left ------------------------------------------------------------


async def record_departure(db: Database, guild_id: int, at: int) -> None:
    """Note that the bot left the server at ``at`` (a repeat keeps the first instant)."""
    await db.execute(
        "INSERT INTO guild_departures (guild_id, left_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (guild_id, at),
    )


async def forget_departure(db: Database, guild_id: int) -> bool:
    """The bot is back in the server: keep its data. Whether it had been noted as left."""
    async with db.transaction() as conn:
        sql = "DELETE FROM guild_departures WHERE guild_id = ?"
        async with conn.execute(sql, (guild_id,)) as cursor:
            return cursor.rowcount > 0


async def departures(db: Database) -> list[tuple[int, int]]:
    """Every server the bot left, as (guild_id, left_at), earliest first."""
    rows = await db.fetchall("SELECT guild_id, left_at FROM guild_departures ORDER BY left_at")
    return [(int(row[0]), int(row[1])) for row in rows]


async def departed(db: Database, guild_id: int) -> int | None:
    """When the bot left the server, or None if it is not noted as left."""
    value = await db.fetchval(
        "SELECT left_at FROM guild_departures WHERE guild_id = ?", (guild_id,)
    )
    return None if value is None else int(value)
