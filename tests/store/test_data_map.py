"""The one map of whose data is where (bot.store.privacy), checked against the real schema.

A table added by a migration that holds a user id or a server id and is missing from
the map fails here, so /privacy, the admins' export and the purge cannot forget it.
"""

from __future__ import annotations

import re

from bot.domain.showfile import parse_show_file
from bot.store import privacy
from bot.store.catalog_io import import_show
from bot.store.db import Database

A, B = 111111111111111111, 222222222222222222
# Column names that hold a Discord user's id (a member, an admin, a moderator).
USER_ID = re.compile(r"^(user_id|member_id|actor_id|author_id|owner_id|.*_user_id|.*_by)$")


async def schema(db: Database) -> dict[str, list[str]]:
    """Every table the migrations made (views left out) with its columns."""
    if db.dialect == "postgresql":
        rows = await db.fetchall(
            """SELECT c.table_name, c.column_name FROM information_schema.columns c
               JOIN information_schema.tables t
                 ON t.table_name = c.table_name AND t.table_schema = c.table_schema
               WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                 AND c.table_name <> 'schema_migrations'
               ORDER BY c.table_name, c.ordinal_position"""
        )
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(row[1])
        return found
    tables = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return {
        row[0]: [c[1] for c in await db.fetchall(f"PRAGMA table_info('{row[0]}')")]
        for row in tables
    }


async def references(db: Database, table: str) -> set[tuple[str, str]]:
    """(column, parent table) of each of ``table``'s foreign keys."""
    if db.dialect == "postgresql":
        rows = await db.fetchall(
            """SELECT kcu.column_name, ccu.table_name
               FROM information_schema.table_constraints tc
               JOIN information_schema.key_column_usage kcu
                 ON kcu.constraint_name = tc.constraint_name
               JOIN information_schema.constraint_column_usage ccu
                 ON ccu.constraint_name = tc.constraint_name
               WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = ?""",
            (table,),
        )
        return {(r[0], r[1]) for r in rows}
    rows = await db.fetchall(f"PRAGMA foreign_key_list('{table}')")
    return {(r["from"], r["table"]) for r in rows}


def fts_part(table: str) -> bool:
    return table == privacy.FTS_TABLE or table.startswith(f"{privacy.FTS_TABLE}_")


async def test_every_table_with_a_user_id_column_is_in_the_map(db: Database) -> None:
    mapped = {(t, c) for t, c in privacy.MEMBER_TABLES.items()}
    mapped |= {(t, c) for t, c in privacy.STAFF_COLUMNS.items()}
    found = {
        (table, column)
        for table, columns in (await schema(db)).items()
        for column in columns
        if USER_ID.match(column)
    }
    assert found - mapped == set(), "user-id columns missing from bot/store/privacy.py"
    assert mapped - found == set(), "bot/store/privacy.py names columns that do not exist"
    tables = await schema(db)
    for table in privacy.MEMBER_TABLES:  # /privacy show names each row's show
        assert "show_id" in tables[table], table


async def test_every_table_belongs_to_a_server_or_is_said_to_belong_to_none(db: Database) -> None:
    tables = await schema(db)
    for table in privacy.GUILD_TABLES:
        assert "guild_id" in tables[table], table
    with_guild = {t for t, cols in tables.items() if "guild_id" in cols}
    assert with_guild == set(privacy.GUILD_TABLES)
    for table, (column, parent) in privacy.CHILD_TABLES.items():
        assert (column, parent) in await references(db, table), table
    classified = with_guild | set(privacy.CHILD_TABLES) | privacy.UNOWNED_TABLES
    unclassified = {t for t in tables if t not in classified and not fts_part(t)}
    assert unclassified == set(), "tables missing from bot/store/privacy.py"


async def _fill(db: Database, guild_id: int, show_text: str) -> None:
    """A server with a catalog, members' progress and ratings, a timer and a change."""
    await import_show(db, guild_id, parse_show_file(show_text))
    show_id = await db.fetchval("SELECT id FROM shows WHERE guild_id = ?", (guild_id,))
    for user in (5, 6):
        await db.execute(
            "INSERT INTO member_progress VALUES (?, ?, ?, 2, 0)", (guild_id, user, show_id)
        )
        await db.execute(
            "INSERT INTO episode_ratings VALUES (?, ?, 1, ?, 4, 0)", (guild_id, show_id, user)
        )
    await db.execute(
        "INSERT INTO timers (guild_id, kind, key, due, next_at, created_at)"
        " VALUES (?, 'announce', 'k', 1, 1, 0)",
        (guild_id,),
    )
    await db.execute(
        "INSERT INTO history (guild_id, actor_id, at, action, entity_kind, entity_id)"
        " VALUES (?, 7, 0, 'set', 'show', ?)",
        (guild_id, show_id),
    )
    await db.execute("INSERT INTO guild_settings (guild_id) VALUES (?)", (guild_id,))


async def _counts(db: Database, guild_id: int) -> dict[str, int]:
    counts = {}
    for table in (*privacy.GUILD_TABLES, *privacy.CHILD_TABLES):
        where = privacy.owned_where(table)
        counts[table] = await db.fetchval(
            f"SELECT count(*) FROM {table} WHERE {where}", (guild_id,)
        )
    return counts


async def test_purge_leaves_nothing_of_the_server_and_all_of_the_other(
    db: Database, bundled_text: str
) -> None:
    await _fill(db, A, bundled_text)
    await _fill(db, B, bundled_text)
    before_a, before_b = await _counts(db, A), await _counts(db, B)
    sqlite = db.dialect == "sqlite"
    fts_before = await db.fetchval("SELECT count(*) FROM search_fts") if sqlite else 0
    assert before_a["shows"] == 1
    assert before_a["member_progress"] == 2
    deleted = await privacy.purge_guild(db, A)
    assert deleted == {t: n for t, n in before_a.items() if n}
    assert set((await _counts(db, A)).values()) == {0}
    assert await _counts(db, B) == before_b
    if sqlite:  # the full-text index lost exactly the purged server's spellings
        entries_b = await db.fetchval(
            "SELECT count(*) FROM search_entries WHERE guild_id = ?", (B,)
        )
        assert await db.fetchval("SELECT count(*) FROM search_fts") == entries_b < fts_before
        assert await db.fetchall("PRAGMA foreign_key_check") == []
        assert await db.fetchval("PRAGMA integrity_check") == "ok"


async def test_forget_deletes_one_members_rows_in_one_server(db: Database, bundled_text: str):
    await _fill(db, A, bundled_text)
    await _fill(db, B, bundled_text)
    data = await privacy.member_data(db, A, 5)
    assert [r["episode"] for r in data.rows["member_progress"]] == [2]
    assert data.rows["member_progress"][0]["show_title"] == "Soundtrack #1"
    assert data.staff == {"history": 0, "announce_plans": 0, "show_roles": 0}
    assert (await privacy.member_data(db, A, 7)).staff["history"] == 1
    assert await privacy.forget_member(db, A, 5) == {"member_progress": 1, "episode_ratings": 1}
    assert (await privacy.member_data(db, A, 5)).empty
    assert not (await privacy.member_data(db, A, 6)).empty  # another member
    assert not (await privacy.member_data(db, B, 5)).empty  # the same member elsewhere


async def test_the_export_holds_every_owned_row_and_no_other_servers(
    db: Database, bundled_text: str
) -> None:
    await _fill(db, A, bundled_text)
    await _fill(db, B, bundled_text)
    exported = await privacy.export_guild(db, A)
    counts = await _counts(db, A)
    for table, rows in exported.items():
        assert len(rows) == counts[table], table
        assert all(row.get("guild_id", A) == A for row in rows), table
    assert set(exported) == (set(privacy.GUILD_TABLES) - privacy.DERIVED_TABLES) | set(
        privacy.CHILD_TABLES
    )
