"""The name index: find shows, people, characters and episodes by any spelling.

Answered from SQLite on every keystroke: a prefix range over word-start keys (for short
queries and best-first ranking) and an FTS5 trigram index over normalized and
romanization-folded names (for substrings and variants). Python only ever sees the 25
rows it returns. The index is derived from the catalog and rebuilt per guild when the
catalog triggers in migration 0002 mark the guild dirty.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.domain.names import loose, normalize, word_keys
from bot.store._catalog_read import rows
from bot.store._reads import fetch_all, fetch_value
from bot.store.db import Database

log = logging.getLogger(__name__)

KINDS = ("show", "person", "character", "episode")
# Each branch of a search is capped so a one-letter query on a huge catalog stays cheap.
_BRANCH_LIMIT = 200
# Hits scoring this or worse matched only through the romanization skeleton.
VARIANT_SCORE = 4


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching entity: ``name`` is the spelling that matched, ``label`` its preferred."""

    kind: str
    entity_id: int
    show_id: int | None
    name: str
    label: str
    score: float

    @property
    def via_alias(self) -> bool:
        """Whether the match came through another spelling than the preferred one."""
        return self.name != self.label


async def _entries(conn: aiosqlite.Connection, guild_id: int) -> list[tuple[Any, ...]]:
    """(kind, entity_id, show_id, name, label, preferred) for every spelling in the guild."""
    out: list[tuple[Any, ...]] = []
    g = (guild_id,)
    for r in await rows(conn, "SELECT id, title, native_title FROM shows WHERE guild_id = ?", g):
        out.append(("show", r[0], r[0], r[1], r[1], 1))
        if r[2]:
            out.append(("show", r[0], r[0], r[2], r[1], 0))
    sql = """SELECT s.id, t.title, s.title FROM show_titles t JOIN shows s ON s.id = t.show_id
             WHERE s.guild_id = ?"""
    out += [("show", r[0], r[0], r[1], r[2], 0) for r in await rows(conn, sql, g)]
    for r in await rows(conn, "SELECT id, name, native_name FROM people WHERE guild_id = ?", g):
        out.append(("person", r[0], None, r[1], r[1], 1))
        if r[2]:
            out.append(("person", r[0], None, r[2], r[1], 0))
    sql = """SELECT c.id, c.show_id, c.name FROM characters c JOIN shows s ON s.id = c.show_id
             WHERE s.guild_id = ?"""
    out += [("character", r[0], r[1], r[2], r[2], 1) for r in await rows(conn, sql, g)]
    sql = """SELECT e.id, e.show_id, e.title, s.title, e.number FROM episodes e
             JOIN shows s ON s.id = e.show_id WHERE s.guild_id = ? AND e.title IS NOT NULL"""
    for r in await rows(conn, sql, g):
        out.append(("episode", r[0], r[1], r[2], f"{r[3]} · {r[4]}: {r[2]}", 1))
    sql = """SELECT a.entity_kind, a.entity_id, a.name,
                    COALESCE(s.title, p.name, c.name), c.show_id FROM aliases a
             LEFT JOIN shows s ON a.entity_kind = 'show' AND s.id = a.entity_id
             LEFT JOIN people p ON a.entity_kind = 'person' AND p.id = a.entity_id
             LEFT JOIN characters c ON a.entity_kind = 'character' AND c.id = a.entity_id
             WHERE a.guild_id = ?"""
    for kind, entity_id, name, label, char_show in await rows(conn, sql, g):
        if label is not None:
            show_id = entity_id if kind == "show" else char_show
            out.append((kind, entity_id, show_id, name, label, 0))
    return out


async def rebuild(conn: aiosqlite.Connection, guild_id: int) -> int:
    """Rebuild one guild's name index on ``conn`` (inside a transaction); returns entries."""
    old = "SELECT id FROM search_entries WHERE guild_id = ?"
    await conn.execute(f"DELETE FROM search_fts WHERE rowid IN ({old})", (guild_id,))
    await conn.execute("DELETE FROM search_keys WHERE guild_id = ?", (guild_id,))
    await conn.execute("DELETE FROM search_entries WHERE guild_id = ?", (guild_id,))
    # Ids handed out here, so the whole guild goes in with three executemany calls
    # (the writer lock is held: nobody else inserts meanwhile).
    last = await rows(conn, "SELECT COALESCE(MAX(id), 0) FROM search_entries")
    entry_id = int(last[0][0])
    entries: list[tuple[Any, ...]] = []
    keys: list[tuple[Any, ...]] = []
    fts: list[tuple[Any, ...]] = []
    for kind, entity_id, show_id, name, label, preferred in await _entries(conn, guild_id):
        norm = normalize(name)
        if not norm:
            continue
        entry_id += 1
        entries.append((entry_id, guild_id, kind, entity_id, show_id, name, label, preferred, norm))
        keys += [(guild_id, kind, key, entry_id, pos) for pos, key in word_keys(name)]
        fts.append((entry_id, norm, loose(norm)))
    await conn.executemany(
        """INSERT INTO search_entries
           (id, guild_id, kind, entity_id, show_id, name, label, preferred, norm)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        entries,
    )
    await conn.executemany(
        "INSERT OR IGNORE INTO search_keys (guild_id, kind, key, entry_id, pos) "
        "VALUES (?, ?, ?, ?, ?)",
        keys,
    )
    await conn.executemany("INSERT INTO search_fts (rowid, norm, loose) VALUES (?, ?, ?)", fts)
    await conn.execute("DELETE FROM search_dirty WHERE guild_id = ?", (guild_id,))
    return len(fts)


async def ensure_index(db: Database, guild_id: int) -> None:
    """Rebuild the guild's index if the catalog changed since it was built."""
    sql = "SELECT 1 FROM search_dirty WHERE guild_id = ?"
    if await fetch_value(db, sql, (guild_id,)) is None:
        return
    async with db.transaction() as conn:
        # Another coroutine may have rebuilt it while we waited for the lock.
        if await rows(conn, sql, (guild_id,)):
            count = await rebuild(conn, guild_id)
            log.info("rebuilt the name index of guild %s: %d spellings", guild_id, count)


def _fts_phrase(column: str, text: str) -> str:
    # Normalized keys are letters and digits only, so quoting them is enough.
    return f'{column} : "{text}"'


async def search(
    db: Database,
    guild_id: int,
    query: str,
    kinds: Sequence[str] = KINDS,
    *,
    show_id: int | None = None,
    limit: int = 25,
) -> list[Hit]:
    """The best ``limit`` entities of ``kinds`` whose any spelling matches ``query``.

    Ranked: exact name, name prefix, word prefix, substring, romanization variant; a
    preferred spelling before an alias; shorter names first. An empty query lists
    entities alphabetically. ``show_id`` narrows characters and episodes to one show.
    """
    await ensure_index(db, guild_id)
    q = normalize(query)
    # Word prefixes rank above any substring: when they alone fill the page (typing a
    # name from its start, the usual case), the trigram index is not needed at all.
    hits = await _ranked(db, guild_id, q, kinds, show_id, limit, substrings=False)
    if len(hits) < limit and len(q) >= 3:
        hits = await _ranked(db, guild_id, q, kinds, show_id, limit, substrings=True)
    return hits


async def _ranked(
    db: Database,
    guild_id: int,
    q: str,
    kinds: Sequence[str],
    show_id: int | None,
    limit: int,
    *,
    substrings: bool,
) -> list[Hit]:
    marks = ", ".join("?" for _ in kinds)
    branches: list[str] = []
    params: list[Any] = []
    # Narrowing to one show happens inside each branch, before its cap.
    narrow = "" if show_id is None else f"AND (e.show_id = {int(show_id)} OR e.kind = 'person')"
    if not q:
        branches.append(
            f"""SELECT e.id, 5 FROM search_entries e WHERE e.guild_id = ?
                AND e.kind IN ({marks}) AND e.preferred = 1 {narrow}"""
        )
        params += [guild_id, *kinds]
    else:
        branches.append(
            f"""SELECT k.entry_id, CASE WHEN k.pos = 0 AND k.key = ? THEN 0
                WHEN k.pos = 0 THEN 1 ELSE 2 END
                FROM search_keys k CROSS JOIN search_entries e ON e.id = k.entry_id
                WHERE k.guild_id = ? AND k.kind IN ({marks}) AND k.key >= ? AND k.key < ?
                {narrow} LIMIT {_BRANCH_LIMIT}"""
        )
        params += [q, guild_id, *kinds, q, q + "\U0010ffff"]
    folded = loose(q)
    # A three-letter skeleton ("han") matches half the catalog: variants need four.
    for column, text, score, shortest in (("norm", q, 3, 3), ("loose", folded, VARIANT_SCORE, 4)):
        if substrings and len(text) >= shortest:
            # The FTS index spans guilds and kinds: filter through the entry row first,
            # so the cap counts only rows this search can use. CROSS JOIN keeps the
            # MATCH as the outer loop (the planner may otherwise walk every entry of
            # the guild and probe the index once per row).
            branches.append(
                f"""SELECT f.rowid, {score} FROM search_fts f
                    CROSS JOIN search_entries e ON e.id = f.rowid
                    WHERE search_fts MATCH ? AND e.guild_id = ? AND e.kind IN ({marks})
                    {narrow} LIMIT {_BRANCH_LIMIT}"""
            )
            params += [_fts_phrase(column, text), guild_id, *kinds]
    union = " UNION ALL ".join(f"SELECT * FROM ({b})" for b in branches)
    # SQLite fills bare columns from the row that gave MIN(): the best-matching spelling.
    sql = f"""WITH hits(entry_id, score) AS ({union})
              SELECT e.kind, e.entity_id, e.show_id, e.name, e.label,
                     MIN(h.score + (1 - e.preferred) * 0.5) AS best
              FROM hits h JOIN search_entries e ON e.id = h.entry_id
              GROUP BY e.kind, e.entity_id
              ORDER BY best, length(e.label), e.label LIMIT ?"""
    params.append(limit)
    return [Hit(*r) for r in await fetch_all(db, sql, params)]


async def suggestions(
    db: Database, guild_id: int, query: str, kinds: Iterable[str], *, show_id: int | None = None
) -> list[str]:
    """Up to three preferred names close to ``query``, for a "did you mean" line."""
    kinds = tuple(kinds)
    hits = await search(db, guild_id, query, kinds, show_id=show_id, limit=3)
    # A typo past the start ("soundtrak", "Sunny") matches nothing whole: retry with
    # ever shorter beginnings, down to three characters, a handful of cheap queries.
    q = normalize(query)
    for end in range(len(q) - 1, 2, -1):
        if hits or len(q) - end > 8:
            break
        hits = await search(db, guild_id, q[:end], kinds, show_id=show_id, limit=3)
    return [h.label for h in hits]
