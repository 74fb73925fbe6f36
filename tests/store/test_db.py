"""The store: migrations, pragmas, STRICT tables and transactions, on both backends."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.store import open_store
from bot.store.db import Database, bundled_migrations


async def _schema(db: Database) -> list[tuple[str, str]]:
    rows = await db.fetchall("SELECT name, sql FROM sqlite_master ORDER BY name")
    return [(r[0], r[1]) for r in rows]


async def test_fresh_database_migrates_to_the_latest_version(db: Database) -> None:
    assert await db.user_version() == len(bundled_migrations(db.dialect))
    assert await db.migrate() == []  # nothing left to apply


async def test_connection_enforces_foreign_keys_and_uses_wal(db: Database) -> None:
    if db.dialect == "sqlite":
        assert await db.fetchval("PRAGMA foreign_keys") == 1
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
    # Both refuse a credit for a show that does not exist.
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO credits (show_id, person_id, role) VALUES (?, ?, ?)", (999, 999, "x")
            )


async def test_strict_table_rejects_a_wrong_type(db: Database) -> None:
    wrong_type: type[Exception] = sqlite3.IntegrityError
    if db.dialect == "postgresql":
        import asyncpg

        wrong_type = asyncpg.DataError
    with pytest.raises(wrong_type):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO people (guild_id, slug, name) VALUES (?, ?, ?)", ("one", "a", "A")
            )


async def _insert_then_fail(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO guild_settings (guild_id) VALUES (1)")
        raise RuntimeError("boom")


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        await _insert_then_fail(db)
    assert await db.fetchval("SELECT count(*) FROM guild_settings") == 0


# SQLite's second connection; PostgreSQL's pool reads beside writes anyway.
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_a_read_beside_a_blocked_write_answers_with_the_committed_rows(
    db: Database,
) -> None:
    await db.execute("INSERT INTO guild_settings (guild_id, log_channel_id) VALUES (1, 10)")
    other = sqlite3.connect(db.path, isolation_level=None)  # a backup, a CLI import
    other.execute("BEGIN IMMEDIATE")
    try:
        write = asyncio.create_task(
            db.execute("UPDATE guild_settings SET log_channel_id = 20 WHERE guild_id = 1")
        )
        await asyncio.sleep(0)  # one turn: the write has taken the lock, then waits
        assert db.writing
        # The writer's thread is stuck in the busy wait; the read must not queue behind it.
        seen = await db.fetchval("SELECT log_channel_id FROM guild_settings")
        assert not write.done()  # answered while the write still waits for the lock
        assert seen == 10
    finally:
        other.execute("COMMIT")
        other.close()
    await write
    assert await db.fetchval("SELECT log_channel_id FROM guild_settings") == 20


async def test_other_tasks_see_a_write_once_it_commits_and_never_before(db: Database) -> None:
    inside, release, committed = asyncio.Event(), asyncio.Event(), asyncio.Event()
    seen: list[int] = []

    async def write() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO guild_settings (guild_id) VALUES (7)")
            # Inside its transaction a task reads its own rows (the writer, not the reader).
            seen.append(await db.fetchval("SELECT count(*) FROM guild_settings"))
            inside.set()
            await release.wait()
        committed.set()

    task = asyncio.create_task(write())
    await inside.wait()
    assert await db.fetchval("SELECT count(*) FROM guild_settings") == 0  # not committed
    release.set()
    await committed.wait()
    assert await db.fetchval("SELECT count(*) FROM guild_settings") == 1  # at once after
    await task
    if db.dialect == "sqlite":  # (PostgreSQL's pool reads committed rows only, even here)
        assert seen == [1]


@pytest.mark.parametrize("k", range(len(bundled_migrations()) + 1))
async def test_upgrade_from_each_earlier_version(tmp_path: Path, k: int) -> None:
    migrations = bundled_migrations()
    async with Database(tmp_path / "fresh.db") as fresh:
        await fresh.migrate()
        expected = await _schema(fresh)
    async with Database(tmp_path / "old.db") as old:
        assert await old.migrate(migrations[:k]) == list(range(1, k + 1))
        assert await old.migrate() == list(range(k + 1, len(migrations) + 1))
        assert await old.user_version() == len(migrations)
        assert await _schema(old) == expected


# The PostgreSQL schema as the catalogs describe it: columns, constraints, indexes,
# triggers and functions (pg_trgm's included; they are the same on both sides).
_PG_SCHEMA = (
    """SELECT table_name, column_name, data_type, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2""",
    """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2""",
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    """SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)
       FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2""",
    """SELECT proname, md5(prosrc) FROM pg_proc
       WHERE pronamespace = 'public'::regnamespace ORDER BY 1, 2""",
)


async def _pg_schema(db: Database) -> list[list[tuple]]:
    return [[tuple(r) for r in await db.fetchall(sql)] for sql in _PG_SCHEMA]


async def test_postgresql_upgrades_one_release_at_a_time_to_the_fresh_schema(
    pg_url: str, pg_empty_url: str
) -> None:
    # A PostgreSQL bot upgraded release by release ends with the schema a fresh one has.
    # (One database stepped through every version: on PostgreSQL the DDL text is not
    # rewritten by ALTER as SQLite's is, so one walk covers what SQLite needs k runs for.)
    migrations = bundled_migrations("postgresql")
    async with open_store(pg_url) as fresh:  # the session's template, migrated in one go
        expected = await _pg_schema(fresh)
    async with open_store(pg_empty_url) as old:
        for k in range(1, len(migrations) + 1):
            assert await old.migrate(migrations[:k]) == [k]
        assert await old.user_version() == len(migrations)
        assert await _pg_schema(old) == expected


async def _sqlite_columns(db: Database) -> set[tuple[str, str]]:
    tables = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {
        (t[0], c[0])
        for t in tables
        for c in await db.fetchall("SELECT name FROM pragma_table_info(?)", (t[0],))
    }


async def test_the_postgresql_twins_define_every_sqlite_table_and_column(
    tmp_path: Path, pg_url: str
) -> None:
    # A twin migration that forgot a column would fail only in the query that reads it.
    # Search is dialect-specific by design (FTS5's tables; pg_trgm's), and PostgreSQL
    # records versions in schema_migrations where SQLite uses PRAGMA user_version.
    def shared(columns: set[tuple[str, str]]) -> set[tuple[str, str]]:
        return {c for c in columns if not c[0].startswith(("search_", "schema_migrations"))}

    async with Database(tmp_path / "fresh.db") as lite:
        await lite.migrate()
        sqlite = await _sqlite_columns(lite)
    async with open_store(pg_url) as postgres:
        rows = await postgres.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public'"
        )
        postgresql = {(r[0], r[1]) for r in rows}
    assert len(shared(sqlite)) > 100  # the catalog, members, timers, …: not an empty set
    assert shared(sqlite) == shared(postgresql)
