"""The catalog editor on a real temp database: history in the same transaction, revert rules."""

from __future__ import annotations

import pytest

from bot.domain.showfile import parse_show_file
from bot.services.catalog import ensure_seeded
from bot.store.catalog_edit import Conflict, NotFound, RevertRefused, edit, import_with_history
from bot.store.catalog_io import export_show
from bot.store.history import Actor, page

A, B = 1, 2


@pytest.fixture
async def seeded(db):
    await ensure_seeded(db, A)
    await ensure_seeded(db, B)
    return db


async def _title(db, guild: int) -> str:
    return await db.fetchval("SELECT title FROM shows WHERE guild_id = ?", (guild,))


async def test_a_failed_edit_writes_neither_the_change_nor_its_history(seeded):
    async def edit_then_fail() -> None:
        async with edit(seeded, Actor(A, 7, 100)) as ed:
            show = await ed.find("show", slug="soundtrack-1")
            await ed.set("show", show, "title", "Gone", source="nme")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await edit_then_fail()
    assert await _title(seeded, A) == "Soundtrack #1"
    assert (await page(seeded, A))[1] == 0


async def test_history_records_who_when_old_new_and_source(seeded):
    async with edit(seeded, Actor(A, 7, 100)) as ed:
        show = await ed.find("show", slug="soundtrack-1")
        await ed.set("show", show, "title", "New", source="koreaherald")
    [change], total = await page(seeded, A)
    assert total == 1
    assert (change.actor_id, change.at, change.label, change.field) == (
        7,
        100,
        "show soundtrack-1",
        "title",
    )
    assert (change.old, change.new, change.source_key) == ("Soundtrack #1", "New", "koreaherald")


async def test_revert_restores_the_old_sources_of_the_fact(seeded):
    cited = """SELECT s.key FROM fact_sources f JOIN sources s ON s.id = f.source_id
               WHERE f.guild_id = ? AND f.entity_kind = 'show' AND f.field = 'synopsis'"""
    before = [r[0] for r in await seeded.fetchall(cited, (A,))]
    async with edit(seeded, Actor(A, 7, 100)) as ed:
        show = await ed.find("show", slug="soundtrack-1")
        change = await ed.set("show", show, "synopsis", "Short.", source="kbizoom")
    assert [r[0] for r in await seeded.fetchall(cited, (A,))] == ["kbizoom"]
    async with edit(seeded, Actor(A, 7, 101)) as ed:
        await ed.revert(change)
    assert [r[0] for r in await seeded.fetchall(cited, (A,))] == before


async def test_revert_refuses_after_an_import_changed_the_value(seeded, bundled_text):
    async with edit(seeded, Actor(A, 7, 100)) as ed:
        show = await ed.find("show", slug="soundtrack-1")
        change = await ed.set("show", show, "title", "Edited", source="nme")
    await import_with_history(
        seeded, Actor(A, 7, 101), parse_show_file(bundled_text), dry_run=False
    )
    with pytest.raises(RevertRefused) as refused:
        async with edit(seeded, Actor(A, 7, 102)) as ed:
            await ed.revert(change)
    assert refused.value.reason in ("later", "changed")
    assert await _title(seeded, A) == "Soundtrack #1"


async def test_import_lines_cannot_be_reverted_one_by_one(seeded, bundled_text):
    text = bundled_text.replace('platform = "Disney+"', 'platform = "Disney Plus"')
    report = await import_with_history(
        seeded, Actor(A, 7, 100), parse_show_file(text), dry_run=False
    )
    assert report.changed
    [line, *_], _ = await page(seeded, A)
    with pytest.raises(RevertRefused) as refused:
        async with edit(seeded, Actor(A, 7, 101)) as ed:
            await ed.revert(line.id)
    assert refused.value.reason == "import"


async def test_removed_show_comes_back_whole_on_revert(seeded):
    before = await export_show(seeded, A, "soundtrack-1")
    async with edit(seeded, Actor(A, 7, 100)) as ed:
        change = await ed.delete("show", await ed.find("show", slug="soundtrack-1"))
    assert await _title(seeded, A) is None
    async with edit(seeded, Actor(A, 7, 101)) as ed:
        await ed.revert(change)
    assert await export_show(seeded, A, "soundtrack-1") == before


async def test_guilds_never_reach_each_others_rows(seeded):
    b_show = await seeded.fetchval("SELECT id FROM shows WHERE guild_id = ?", (B,))
    async with edit(seeded, Actor(A, 7, 100)) as ed:
        with pytest.raises(NotFound):
            await ed.set("show", b_show, "title", "Stolen")
        with pytest.raises(NotFound):
            await ed.delete("show", b_show)
    async with edit(seeded, Actor(B, 8, 100)) as ed:
        change = await ed.set("show", b_show, "title", "B's")
    with pytest.raises(RevertRefused) as refused:
        async with edit(seeded, Actor(A, 7, 101)) as ed:
            await ed.revert(change)
    assert refused.value.reason == "unknown"
    assert (await page(seeded, A))[1] == 0
    assert await _title(seeded, B) == "B's"


async def test_duplicate_slug_is_a_conflict(seeded):
    with pytest.raises(Conflict):
        async with edit(seeded, Actor(A, 7, 100)) as ed:
            await ed.create("show", {"slug": "soundtrack-1", "title": "Again"})
    assert (await page(seeded, A))[1] == 0


async def test_revert_that_clashes_with_a_newer_row_is_refused_with_the_reason(seeded):
    async with edit(seeded, Actor(A, 7, 100)) as ed:
        show = await ed.find("show", slug="soundtrack-1")
        gone = await ed.delete(
            "character", await ed.find("character", show_id=show, slug="han-sun-woo")
        )
        await ed.create("character", {"show_id": show, "slug": "han-sun-woo", "name": "Another"})
    with pytest.raises(RevertRefused) as refused:
        async with edit(seeded, Actor(A, 7, 101)) as ed:
            await ed.revert(gone)
    assert refused.value.reason == "conflict"
    assert refused.value.fields["change_id"] == gone
    assert "unique" in refused.value.fields["reason"].lower()  # either backend's wording
