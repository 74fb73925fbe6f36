"""The name index: find shows, people, characters and episodes by any spelling.

Answered from SQLite on every keystroke: a prefix range over word-start keys (for short
queries and best-first ranking) and an FTS5 trigram index over normalized and
romanization-folded names (for substrings and variants). Python only ever sees the 25
rows it returns. The index is derived from the catalog by triggers (migration 0006) in
the same transaction as every catalog write, so a search only ever reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.domain.names import loose, normalize
from bot.store.db import Database

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
    slug: str | None = None  # a show's slug, for autocomplete values

    @property
    def via_alias(self) -> bool:
        """Whether the match came through another spelling than the preferred one."""
        return self.name != self.label


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
    exact_is_enough: bool = False,
) -> list[Hit]:
    """The best ``limit`` entities of ``kinds`` whose any spelling matches ``query``.

    Ranked: exact name, name prefix, word prefix, substring, romanization variant; a
    preferred spelling before an alias; shorter names first. An empty query lists
    entities alphabetically. ``show_id`` narrows characters and episodes to one show.
    ``exact_is_enough`` (for resolving a typed name, not for autocomplete) skips the
    substring and variant searches when some spelling matches the query exactly.
    """
    if db.dialect == "postgresql":
        pg_sql, pg_params = _postgres_search(
            guild_id, query, kinds, show_id, limit, exact_is_enough
        )
        return [Hit(*r) for r in await db.fetchall(pg_sql, pg_params)]
    q = normalize(query)
    marks = ", ".join("?" for _ in kinds)
    params: list[Any] = []
    # Narrowing to one show happens inside each branch, before its cap.
    narrow = "" if show_id is None else f"AND (e.show_id = {int(show_id)} OR e.kind = 'person')"
    if not q:
        prefix = f"""SELECT e.id, 5 FROM search_entries e WHERE e.guild_id = ?
                     AND e.kind IN ({marks}) AND e.preferred = 1 {narrow}"""
        params += [guild_id, *kinds]
    else:
        prefix = f"""SELECT k.entry_id, CASE WHEN k.pos = 0 AND k.key = ? THEN 0
                     WHEN k.pos = 0 THEN 1 ELSE 2 END
                     FROM search_keys k CROSS JOIN search_entries e ON e.id = k.entry_id
                     WHERE k.guild_id = ? AND k.kind IN ({marks}) AND k.key >= ? AND k.key < ?
                     {narrow} LIMIT {_BRANCH_LIMIT}"""
        params += [q, guild_id, *kinds, q, q + "\U0010ffff"]
    branches = ["SELECT * FROM prefix"]
    # Word prefixes rank above any substring: when they alone fill the page (typing a
    # name from its start, the usual case), the trigram branches are skipped. One
    # statement either way: each query is a trip to aiosqlite's thread.
    # The guard sits in LIMIT, which SQLite evaluates once before the loop (LIMIT 0
    # never opens the MATCH); in WHERE it would be checked per row after the MATCH ran.
    # A typed name that some spelling matches whole needs nothing else: each trigram
    # phrase costs ~2 ms on a 50,000-name catalog, the prefix range ~0.05 ms.
    exact = "AND NOT EXISTS (SELECT 1 FROM prefix WHERE score = 0)" if exact_is_enough else ""
    cap = f"""CASE WHEN (SELECT COUNT(*) FROM (SELECT DISTINCT e.kind, e.entity_id
              FROM prefix p JOIN search_entries e ON e.id = p.entry_id)) < {int(limit)}
              {exact} THEN {_BRANCH_LIMIT} ELSE 0 END"""
    folded = loose(q)
    # A three-letter skeleton ("han") matches half the catalog: variants need four.
    for column, text, score, shortest in (("norm", q, 3, 3), ("loose", folded, VARIANT_SCORE, 4)):
        if q and len(text) >= shortest:
            # The FTS index spans guilds and kinds: filter through the entry row first,
            # so the cap counts only rows this search can use. CROSS JOIN keeps the
            # MATCH as the outer loop (the planner may otherwise walk every entry of
            # the guild and probe the index once per row).
            branches.append(
                f"""SELECT * FROM (SELECT f.rowid, {score} FROM search_fts f
                    CROSS JOIN search_entries e ON e.id = f.rowid
                    WHERE search_fts MATCH ? AND e.guild_id = ?
                    AND e.kind IN ({marks}) {narrow} LIMIT {cap})"""
            )
            params += [_fts_phrase(column, text), guild_id, *kinds]
    union = " UNION ALL ".join(branches)
    # SQLite fills bare columns from the row that gave MIN(): the best-matching spelling.
    sql = f"""WITH prefix(entry_id, score) AS MATERIALIZED ({prefix}),
              hits(entry_id, score) AS ({union})
              SELECT e.kind, e.entity_id, e.show_id, e.name, e.label,
                     MIN(h.score + (1 - e.preferred) * 0.5) AS best,
                     CASE WHEN e.kind = 'show'
                          THEN (SELECT slug FROM shows WHERE id = e.entity_id) END
              FROM hits h JOIN search_entries e ON e.id = h.entry_id
              GROUP BY e.kind, e.entity_id
              ORDER BY best, length(e.label), e.label LIMIT ?"""
    params.append(limit)
    return [Hit(*r) for r in await db.fetchall(sql, params)]


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


def _postgres_search(
    guild_id: int,
    query: str,
    kinds: Sequence[str],
    show_id: int | None,
    limit: int,
    exact_is_enough: bool,
) -> tuple[str, list[Any]]:
    """PostgreSQL's statement for :func:`search`: the same branches, scores and order.

    Where it differs from SQLite's: substrings through ``LIKE '%…%'`` over pg_trgm GIN
    indexes (SQLite: an FTS5 trigram MATCH; both find the same substrings, since
    normalized names hold letters and digits only); the best spelling per entity with
    ``DISTINCT ON`` (SQLite fills bare columns from the MIN() row); byte order
    (``COLLATE "C"``) for key ranges and names, as SQLite's BINARY collation compares.
    """
    q = normalize(query)
    marks = ", ".join("?" for _ in kinds)
    params: list[Any] = []
    narrow = "" if show_id is None else f"AND (e.show_id = {int(show_id)} OR e.kind = 'person')"
    if not q:
        prefix = f"""SELECT e.id, 5 FROM search_entries e WHERE e.guild_id = ?
                     AND e.kind IN ({marks}) AND e.preferred = 1 {narrow}"""
        params += [guild_id, *kinds]
    else:
        prefix = f"""SELECT k.entry_id, CASE WHEN k.pos = 0 AND k.key = ? THEN 0
                     WHEN k.pos = 0 THEN 1 ELSE 2 END
                     FROM search_keys k JOIN search_entries e ON e.id = k.entry_id
                     WHERE k.guild_id = ? AND k.kind IN ({marks})
                     AND k.key COLLATE "C" >= ? AND k.key COLLATE "C" < ?
                     {narrow} LIMIT {_BRANCH_LIMIT}"""
        params += [q, guild_id, *kinds, q, q + "\U0010ffff"]
    branches = ["SELECT * FROM prefix"]
    exact = "AND NOT EXISTS (SELECT 1 FROM prefix WHERE score = 0)" if exact_is_enough else ""
    # Uncorrelated, so PostgreSQL checks it once (a one-time filter) before any scan.
    guard = f"""AND (SELECT COUNT(*) FROM (SELECT DISTINCT e2.kind, e2.entity_id
                FROM prefix p JOIN search_entries e2 ON e2.id = p.entry_id) AS d) < {int(limit)}
                {exact}"""
    folded = loose(q)
    for column, text, score, shortest in (("norm", q, 3, 3), ("loose", folded, VARIANT_SCORE, 4)):
        if q and len(text) >= shortest:
            branches.append(
                f"""SELECT * FROM (SELECT e.id, {score} FROM search_entries e
                    WHERE e.{column} LIKE ? AND e.guild_id = ? AND e.kind IN ({marks})
                    {narrow} {guard} LIMIT {_BRANCH_LIMIT}) AS b{score}"""
            )
            params += [f"%{text}%", guild_id, *kinds]
    union = " UNION ALL ".join(branches)
    sql = f"""WITH prefix(entry_id, score) AS MATERIALIZED ({prefix}),
              hits(entry_id, score) AS ({union}),
              best AS (SELECT DISTINCT ON (e.kind, e.entity_id) e.kind, e.entity_id,
                              e.show_id, e.name, e.label,
                              h.score + (1 - e.preferred) * 0.5 AS best
                       FROM hits h JOIN search_entries e ON e.id = h.entry_id
                       ORDER BY e.kind, e.entity_id, best, e.id)
              SELECT b.kind, b.entity_id, b.show_id, b.name, b.label, b.best::float8,
                     CASE WHEN b.kind = 'show'
                          THEN (SELECT slug FROM shows WHERE id = b.entity_id) END
              FROM best b
              ORDER BY b.best, length(b.label), b.label COLLATE "C" LIMIT ?"""
    params.append(limit)
    return sql, params
