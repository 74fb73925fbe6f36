"""The store: migrations, pragmas, STRICT tables and transactions on a real temp file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

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
