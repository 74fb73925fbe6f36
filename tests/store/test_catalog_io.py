"""Importing and exporting show files: atomic, idempotent, id-stable, per guild."""

from __future__ import annotations

import pytest

from bot.domain.showfile import ShowFile, parse_show_file
from bot.domain.toml_writer import dumps
from bot.store import _catalog_write
from bot.store.catalog_io import (
    ShowNotFound,
    export_show,
    import_show,
    list_show_slugs,
)
from bot.store.db import Database

TABLES = [
    "sources", "shows", "show_titles", "release_reports", "people", "known_for",
    "characters", "credits", "aliases", "episodes", "media", "quotes", "fact_sources",
]  # fmt: skip


async def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of every catalog table, ids included."""
    return {t: [tuple(r) for r in await db.fetchall(f"SELECT * FROM {t} ORDER BY 1, 2, 3")]
            for t in TABLES}  # fmt: skip


def edited(text: str, *pairs: tuple[str, str]) -> ShowFile:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return parse_show_file(text)


EPISODE_5 = '\n[[episodes]]\nnumber = 5\ntitle = "Epilogue"\nsources = ["koreaherald"]\n'


async def test_first_import_adds_everything(db: Database, bundled_text: str) -> None:
    report = await import_show(db, 1, parse_show_file(bundled_text))
    assert "+ show soundtrack-1" in report.changes
    assert "+ episode 4" in report.changes
    assert "+ alias Han Seon-woo (character han-sun-woo)" in report.changes
    assert await db.fetchval("SELECT count(*) FROM episodes") == 4
    assert await db.fetchval("SELECT count(*) FROM aliases") == 4
    assert await list_show_slugs(db, 1) == ["soundtrack-1"]


async def test_second_import_changes_nothing(db: Database, bundled_text: str) -> None:
    show = parse_show_file(bundled_text)
    await import_show(db, 1, show)
    before = await snapshot(db)
    report = await import_show(db, 1, show)
    assert report.changes == ()
    assert report.lines() == ["no changes"]
    assert await snapshot(db) == before


async def test_edit_is_reported_and_keeps_row_ids(db: Database, bundled_text: str) -> None:
    await import_show(db, 1, parse_show_file(bundled_text))
    ids = await db.fetchall("SELECT number, id FROM episodes ORDER BY number")
    seon_woo = '\naliases = [{ name = "Han Seon-woo", sources = ["kbizoom"] }]'
    show = edited(bundled_text + EPISODE_5, ("episode_count = 4", "episode_count = 5"),
                  (seon_woo, ""), ('name = "Kim Hee-won"', 'name = "Kim Hee Won"'))  # fmt: skip
    report = await import_show(db, 1, show)
    assert set(report.changes) == {
        "show soundtrack-1: episode_count 4 → 5",
        "+ episode 5",
        "- alias Han Seon-woo (character han-sun-woo)",
        "person kim-hee-won: name 'Kim Hee-won' → 'Kim Hee Won'",
    }
    after = await db.fetchall("SELECT number, id FROM episodes ORDER BY number")
    assert [tuple(r) for r in after[:4]] == [tuple(r) for r in ids]
    assert (await import_show(db, 1, show)).changes == ()


async def test_dry_run_reports_the_same_and_writes_nothing(db: Database, bundled_text: str) -> None:
    await import_show(db, 1, parse_show_file(bundled_text))
    before = await snapshot(db)
    show = edited(bundled_text + EPISODE_5, ("episode_count = 4", "episode_count = 5"))
    dry = await import_show(db, 1, show, dry_run=True)
    assert dry.dry_run
    assert "+ episode 5" in dry.changes
    assert await snapshot(db) == before
    assert (await import_show(db, 1, show)).changes == dry.changes


async def test_failure_mid_import_leaves_the_database_unchanged(
    db: Database, bundled_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await import_show(db, 1, parse_show_file(bundled_text))
    before = await snapshot(db)

    async def explode(*args: object) -> None:
        raise RuntimeError("disk on fire")

    # Episodes, characters and people are written before media; the failure comes after.
    monkeypatch.setattr(_catalog_write, "_media_and_quotes", explode)
    show = edited(bundled_text + EPISODE_5, ("episode_count = 4", "episode_count = 5"))
    with pytest.raises(RuntimeError, match="disk on fire"):
        await import_show(db, 1, show)
    assert await snapshot(db) == before
    with pytest.raises(RuntimeError):
        await import_show(db, 2, show)
    assert await list_show_slugs(db, 2) == []


async def test_export_import_round_trip_is_exact(db: Database, bundled_text: str) -> None:
    await import_show(db, 1, parse_show_file(bundled_text))
    exported = await export_show(db, 1, "soundtrack-1")
    again = parse_show_file(dumps(exported))
    assert (await import_show(db, 1, again)).changes == ()
    await import_show(db, 2, again)
    assert await export_show(db, 2, "soundtrack-1") == exported


async def test_guild_catalogs_are_isolated(db: Database, bundled_text: str) -> None:
    await import_show(db, 1, parse_show_file(bundled_text))
    guild_one = await export_show(db, 1, "soundtrack-1")
    other = edited(bundled_text, ('title = "Soundtrack #1"', 'title = "OST #1"'),
                   ('name = "Han So-hee"', 'name = "Han Sohee"'))  # fmt: skip
    report = await import_show(db, 2, other)
    assert "+ show soundtrack-1" in report.changes  # guild 1's copy is invisible here
    assert await export_show(db, 1, "soundtrack-1") == guild_one
    assert (await export_show(db, 2, "soundtrack-1"))["show"]["title"] == "OST #1"
    with pytest.raises(ShowNotFound):
        await export_show(db, 3, "soundtrack-1")


async def test_people_and_sources_are_shared_by_a_guilds_shows(
    db: Database, bundled_text: str
) -> None:
    await import_show(db, 1, parse_show_file(bundled_text))
    sequel = edited(bundled_text, ('slug = "soundtrack-1"', 'slug = "soundtrack-2"'))
    report = await import_show(db, 1, sequel)
    assert "+ show soundtrack-2" in report.changes
    assert not [c for c in report.changes if "person" in c or "source " in c]
    assert await db.fetchval("SELECT count(*) FROM people") == 4
    assert await list_show_slugs(db, 1) == ["soundtrack-1", "soundtrack-2"]


async def test_removed_rows_take_their_fact_links_with_them(
    db: Database, bundled_text: str
) -> None:
    await import_show(db, 1, parse_show_file(bundled_text))
    before = await db.fetchval("SELECT count(*) FROM fact_sources")
    seon_woo = '\naliases = [{ name = "Han Seon-woo", sources = ["kbizoom"] }]'
    await import_show(db, 1, edited(bundled_text, (seon_woo, "")))
    assert await db.fetchval("SELECT count(*) FROM fact_sources") == before - 1


ENTITY_TABLES = {
    "show": "shows", "show_title": "show_titles", "release_report": "release_reports",
    "person": "people", "known_for": "known_for", "character": "characters",
    "credit": "credits", "alias": "aliases", "episode": "episodes", "media": "media",
    "quote": "quotes",
}  # fmt: skip


async def test_removing_a_character_leaves_no_orphan_aliases_or_facts(
    db: Database, bundled_text: str
) -> None:
    await import_show(db, 1, parse_show_file(bundled_text))
    start = bundled_text.index("[characters.han-sun-woo]")
    end = bundled_text.index("[[credits]]")
    text = bundled_text[:start] + bundled_text[end:]
    text = text.replace('character = "han-sun-woo"\n', "")
    report = await import_show(db, 1, parse_show_file(text))
    assert "- character han-sun-woo" in report.changes
    assert "- alias Han Seon-woo (character han-sun-woo)" in report.changes
    for kind, table in ENTITY_TABLES.items():
        orphans = await db.fetchval(
            f"""SELECT count(*) FROM fact_sources WHERE entity_kind = ?
                AND entity_id NOT IN (SELECT id FROM {table})""",
            (kind,),
        )
        assert orphans == 0, kind
    assert await db.fetchval("SELECT count(*) FROM aliases WHERE name = 'Han Seon-woo'") == 0
    assert (await import_show(db, 1, parse_show_file(text))).changes == ()


async def test_the_default_show_is_the_set_one_else_the_only_one(
    db: Database, bundled_text: str
) -> None:
    # What /character and /cast mean without a show option, on both backends (the
    # statement once lacked the subquery alias PostgreSQL 15 requires).
    from bot.store.catalog import default_show, show_id_by_slug
    from bot.store.guilds import update_settings

    assert await default_show(db, 1) is None  # no show at all
    await import_show(db, 1, parse_show_file(bundled_text))
    only = await show_id_by_slug(db, 1, "soundtrack-1")
    assert await default_show(db, 1) == (only, "soundtrack-1")
    other = edited(bundled_text, ('slug = "soundtrack-1"', 'slug = "soundtrack-2"'))
    await import_show(db, 1, other)
    assert await default_show(db, 1) is None  # two shows, none chosen
    await update_settings(db, 1, default_show="soundtrack-2")
    second = await show_id_by_slug(db, 1, "soundtrack-2")
    assert await default_show(db, 1) == (second, "soundtrack-2")
    assert await default_show(db, 2) is None  # another guild sees none of it
