"""The same answers from SQLite and PostgreSQL: search (FTS5 trigram vs pg_trgm), cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.catalog import ensure_seeded
from bot.store import Database, open_store
from bot.store.catalog import show_info
from bot.store.people import character_info, person_info
from bot.store.search import search

GUILD = 1

SPELLINGS = [
    ("Seon-woo", "Han Sun-woo"),
    ("Eun-so", "Lee Eun-soo"),
    ("Kim Hee Won", "Kim Hee-won"),
    ("한소", "Han So-hee"),
]


async def _with_hangul(db: Database) -> None:
    await ensure_seeded(db, GUILD)
    # Hangul comes from an admin's edit; the name index follows it on both backends.
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE people SET native_name = ? WHERE guild_id = ? AND name = ?",
            ("한소희", GUILD, "Han So-hee"),
        )


@pytest.mark.parametrize(("typed", "found"), SPELLINGS)
async def test_each_reported_spelling_finds_the_preferred_name(
    db: Database, typed: str, found: str
) -> None:
    await _with_hangul(db)
    hits = await search(db, GUILD, typed)
    assert hits, f"{typed!r} found nothing on {db.dialect}"
    assert hits[0].label == found


async def test_both_backends_rank_every_query_identically(tmp_path: Path, pg_url: str) -> None:
    queries = [t for t, _ in SPELLINGS] + ["", "so", "sound", "soundtrak", "park", "ep", "lee"]
    answers: dict[str, list[list[tuple]]] = {}
    for name, target in (("sqlite", tmp_path / "a.db"), ("postgresql", pg_url)):
        async with open_store(str(target)) as db:
            await db.migrate()
            await _with_hangul(db)
            answers[name] = [
                [(h.kind, h.name, h.label, h.score, h.slug) for h in await search(db, GUILD, q)]
                for q in queries
            ]
    for query, on_sqlite, on_pg in zip(
        queries, answers["sqlite"], answers["postgresql"], strict=True
    ):
        assert on_sqlite == on_pg, f"{query!r} differs"


async def _cards(db: Database) -> list[object]:
    await _with_hangul(db)
    ids = await db.fetchall("SELECT id FROM shows WHERE guild_id = ? ORDER BY id", (GUILD,))
    people = await db.fetchall("SELECT id FROM people WHERE guild_id = ? ORDER BY id", (GUILD,))
    characters = await db.fetchall(
        """SELECT c.id FROM characters c JOIN shows s ON s.id = c.show_id
           WHERE s.guild_id = ? ORDER BY c.id""",
        (GUILD,),
    )
    cards: list[object] = [await show_info(db, GUILD, r[0]) for r in ids]
    cards += [await person_info(db, GUILD, r[0]) for r in people]
    cards += [await character_info(db, GUILD, r[0]) for r in characters]
    return cards


async def test_every_card_reads_the_same_on_both_backends(tmp_path: Path, pg_url: str) -> None:
    # Card statements bring their lists as JSON aggregates, which the dialects spell
    # differently (json_group_array on both, via an aggregate PostgreSQL's schema defines).
    found = {}
    for name, target in (("sqlite", tmp_path / "a.db"), ("postgresql", pg_url)):
        async with open_store(str(target)) as db:
            await db.migrate()
            found[name] = await _cards(db)
    assert len(found["sqlite"]) >= 7  # the show, its people and characters
    assert all(card is not None for card in found["sqlite"])
    assert found["sqlite"] == found["postgresql"]
