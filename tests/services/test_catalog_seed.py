"""Seeding a guild with the bundled shows: once, in one transaction."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.domain.showfile import ShowFileError
from bot.services.catalog import ensure_seeded
from bot.store.catalog_io import list_show_slugs
from bot.store.db import Database
from tests.support.paths import BUNDLED


async def test_first_use_seeds_the_bundled_shows(db: Database) -> None:
    assert await ensure_seeded(db, 7) is True
    assert await list_show_slugs(db, 7) == ["soundtrack-1"]
    row = await db.fetchone("SELECT seeded_at, default_show FROM guild_settings WHERE guild_id = 7")
    assert row["seeded_at"] is not None
    assert row["default_show"] == "soundtrack-1"


async def test_guild_is_seeded_only_once(db: Database) -> None:
    assert await ensure_seeded(db, 7) is True
    assert await ensure_seeded(db, 7) is False
    assert await db.fetchval("SELECT count(*) FROM shows") == 1


async def test_an_emptied_catalog_stays_empty(db: Database) -> None:
    await ensure_seeded(db, 7)
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM shows WHERE guild_id = 7")
    assert await ensure_seeded(db, 7) is False
    assert await list_show_slugs(db, 7) == []


async def test_each_guild_gets_its_own_copy(db: Database) -> None:
    await ensure_seeded(db, 7)
    await ensure_seeded(db, 8)
    assert await db.fetchval("SELECT count(DISTINCT guild_id) FROM shows") == 2


async def test_data_dir_override_seeds_every_file_in_name_order(
    db: Database, tmp_path: Path
) -> None:
    shutil.copy(BUNDLED, tmp_path / "b.toml")
    text = BUNDLED.read_text("utf-8").replace('slug = "soundtrack-1"', 'slug = "another"')
    (tmp_path / "a.toml").write_text(text, "utf-8")
    assert await ensure_seeded(db, 7, data_dir=tmp_path)
    assert await list_show_slugs(db, 7) == ["another", "soundtrack-1"]
    default = await db.fetchval("SELECT default_show FROM guild_settings WHERE guild_id = 7")
    assert default == "another"


async def test_a_broken_bundled_file_seeds_nothing(db: Database, tmp_path: Path) -> None:
    shutil.copy(BUNDLED, tmp_path / "a.toml")
    (tmp_path / "b.toml").write_text("format = 2\n", "utf-8")
    with pytest.raises(ShowFileError):
        await ensure_seeded(db, 7, data_dir=tmp_path)
    assert await db.fetchval("SELECT count(*) FROM guild_settings") == 0
    assert await db.fetchval("SELECT count(*) FROM shows") == 0
