"""``kdrama-bot db copy --to postgresql://…``: a community moves to PostgreSQL intact."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.copy import copy_to_postgres
from bot.services.catalog import ensure_seeded
from bot.store import Database, open_store
from bot.store import timers as timer_store
from bot.store.search import search


@pytest.fixture
async def community(tmp_path: Path) -> str:
    """An SQLite database two servers used: catalogs, settings, planned announcements."""
    path = str(tmp_path / "community.sqlite3")
    async with Database(path) as db:
        await db.migrate()
        for guild in (1, 2):
            await ensure_seeded(db, guild, now=1_640_000_000)
            await timer_store.upsert(
                db, guild_id=guild, kind="announce", key=f"a:{guild}",
                due=1_700_000_000 + guild, payload={"text": "D-1 ✨"}, now=1_640_000_000,
            )  # fmt: skip
    return path


async def test_copy_moves_everything_and_checks_it(community: str, pg_url: str, capsys) -> None:
    assert await copy_to_postgres(community, pg_url) == 0
    out = capsys.readouterr().out
    assert "row counts, pending timers and 4 /show cards identical" in out
    async with open_store(pg_url) as pg:
        assert len(await timer_store.list_timers(pg, 2)) == 1
        # The name index was derived on the PostgreSQL side, and new rows get new ids.
        assert (await search(pg, 1, "Seon-woo"))[0].label == "Han Sun-woo"
        async with pg.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO sources (guild_id, key, publisher) VALUES (?, ?, ?)", (1, "n", "N")
            )
        assert cur.lastrowid > await pg.fetchval("SELECT min(id) FROM sources")


async def test_copy_refuses_a_database_that_is_not_empty(
    community: str, pg_url: str, capsys
) -> None:
    assert await copy_to_postgres(community, pg_url) == 0
    assert await copy_to_postgres(community, pg_url) == 1
    assert "is not empty" in capsys.readouterr().err
    async with open_store(pg_url) as pg:
        assert await pg.fetchval("SELECT count(*) FROM timers") == 2  # nothing doubled


def test_copy_wants_a_postgresql_url(tmp_path: Path, monkeypatch, capsys) -> None:
    from bot.cli.main import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "x.sqlite3"))
    assert main(["db", "copy", "--to", "backup.sqlite3"]) == 2
    assert "--to must be a postgresql:// URL" in capsys.readouterr().err
