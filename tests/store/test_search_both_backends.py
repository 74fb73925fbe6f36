"""Search gives the same answers on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.catalog import ensure_seeded
from bot.store import Database, open_store
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
