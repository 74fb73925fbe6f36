"""Memberships (migration 0015): a group is not a work; catalogs seeded before move it."""

from __future__ import annotations

from pathlib import Path

from bot.domain.showfile import parse_show_file
from bot.store.catalog_io import export_show, import_show
from bot.store.db import Database, bundled_migrations

GUILD = 7


async def test_the_membership_round_trips_with_its_source(db: Database, bundled_text: str):
    await import_show(db, GUILD, parse_show_file(bundled_text))
    exported = await export_show(db, GUILD, "soundtrack-1")
    person = exported["people"]["park-hyung-sik"]
    assert person["member_of"] == [{"group": "ZE:A", "sources": ["nme"]}]
    assert "ZE:A" not in [k["work"] for k in person["known_for"]]


async def test_a_catalog_seeded_before_0015_has_ze_a_moved_with_its_source(
    tmp_path: Path, bundled_text: str
):
    before = [m for m in bundled_migrations() if m.version < 15]
    # The bundled file as it was: ZE:A among his works.
    old_text = bundled_text.replace(
        '  { work = "Strong Girl Bong-soon", year = 2017, sources = ["trailer-article"] },\n]\n',
        '  { work = "Strong Girl Bong-soon", year = 2017, sources = ["trailer-article"] },\n'
        '  { work = "ZE:A", sources = ["nme"] },\n]\n',
    ).replace('member_of = [{ group = "ZE:A", sources = ["nme"] }]\n', "")
    assert old_text != bundled_text
    async with Database(tmp_path / "old.sqlite3") as db:
        await db.migrate(before)
        await db.execute(
            "INSERT INTO sources (guild_id, key, publisher) VALUES (?, 'nme', 'NME Asia')",
            (GUILD,),
        )
        await db.execute(
            "INSERT INTO people (guild_id, slug, name) VALUES (?, 'park-hyung-sik', 'Park')",
            (GUILD,),
        )
        person = await db.fetchval("SELECT id FROM people WHERE slug = 'park-hyung-sik'")
        await db.execute(
            "INSERT INTO known_for (person_id, work) VALUES (?, 'ZE:A'), (?, 'Happiness')",
            (person, person),
        )
        source = await db.fetchval("SELECT id FROM sources WHERE key = 'nme'")
        work = await db.fetchval("SELECT id FROM known_for WHERE work = 'ZE:A'")
        await db.execute(
            "INSERT INTO fact_sources (guild_id, entity_kind, entity_id, source_id)"
            " VALUES (?, 'known_for', ?, ?)",
            (GUILD, work, source),
        )
        assert 15 in await db.migrate()
        assert [r[0] for r in await db.fetchall("SELECT work FROM known_for")] == ["Happiness"]
        membership = await db.fetchone("SELECT id, group_name FROM memberships")
        assert membership["group_name"] == "ZE:A"
        cited = await db.fetchall(
            "SELECT entity_kind, source_id FROM fact_sources WHERE entity_id = ?",
            (membership["id"],),
        )
        assert [tuple(r) for r in cited] == [("membership", source)]
        assert await db.fetchall("PRAGMA foreign_key_check") == []
