"""Write a ShowFile into one guild's catalog, updating rows in place.

Rows are matched by their natural keys (the same UNIQUE keys the schema has), so a row
that is still in the file keeps its id: discussion threads and history point at ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import aiosqlite

from bot.domain.showfile import Alias, ShowFile
from bot.store.db import rows

Fact = tuple[str, int, str, int]  # entity_kind, entity_id, field, source_id


async def sync(
    conn: aiosqlite.Connection,
    table: str,
    where: Mapping[str, Any],
    key: tuple[str, ...],
    wanted: Iterable[Mapping[str, Any]],
    *,
    delete: bool = True,
) -> dict[tuple[Any, ...], int]:
    """Make ``table``'s rows under ``where`` match ``wanted``; returns natural key → id.

    Table and column names come from this module only; every value is bound.
    """
    cond = " AND ".join(f"{c} = ?" for c in where)
    sql = f"SELECT id, {', '.join(key)} FROM {table} WHERE {cond}"
    existing = {tuple(r[1:]): r[0] for r in await rows(conn, sql, tuple(where.values()))}
    ids: dict[tuple[Any, ...], int] = {}
    for row in wanted:
        natural = tuple(row[k] for k in key)
        rest = {k: v for k, v in row.items() if k not in key}
        if natural in existing:
            ids[natural] = existing[natural]
            if rest:
                sets = ", ".join(f"{c} = ?" for c in rest)
                await conn.execute(
                    f"UPDATE {table} SET {sets} WHERE id = ?", (*rest.values(), ids[natural])
                )
        else:
            cols = {**where, **row}
            marks = ", ".join("?" for _ in cols)
            cur = await conn.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", tuple(cols.values())
            )
            ids[natural] = int(cur.lastrowid or 0)
    if delete:
        stale = [(i,) for k, i in existing.items() if k not in ids]
        await conn.executemany(f"DELETE FROM {table} WHERE id = ?", stale)
    return ids


class _Writer:
    def __init__(self, conn: aiosqlite.Connection, guild_id: int) -> None:
        self.conn = conn
        self.guild_id = guild_id
        self.source_ids: dict[str, int] = {}
        self.facts: set[Fact] = set()
        self.entities: set[tuple[str, int]] = set()

    def cite(self, kind: str, entity_id: int, keys: Iterable[str], name: str = "") -> None:
        self.entities.add((kind, entity_id))
        self.facts.update((kind, entity_id, name, self.source_ids[k]) for k in keys)

    def cite_fields(self, kind: str, entity_id: int, fields: Mapping[str, Iterable[str]]) -> None:
        for name, keys in fields.items():
            self.cite(kind, entity_id, keys, name)

    async def aliases(self, kind: str, entity_id: int, aliases: Iterable[Alias]) -> None:
        where = {"guild_id": self.guild_id, "entity_kind": kind, "entity_id": entity_id}
        aliases = list(aliases)
        names = [{"name": a.name} for a in aliases]
        ids = await sync(self.conn, "aliases", where, ("name",), names)
        for a in aliases:
            self.cite("alias", ids[(a.name,)], a.sources)

    async def write_facts(self) -> None:
        """Add missing fact links and drop stale ones, for the entities this file wrote."""
        sql = "SELECT entity_kind, entity_id, field, source_id FROM fact_sources WHERE guild_id = ?"
        existing = {tuple(r) for r in await rows(self.conn, sql, (self.guild_id,))}
        existing = {f for f in existing if (f[0], f[1]) in self.entities}
        await self.conn.executemany(
            """DELETE FROM fact_sources WHERE entity_kind = ? AND entity_id = ? AND field = ?
               AND source_id = ?""",
            sorted(existing - self.facts),
        )
        await self.conn.executemany(
            """INSERT INTO fact_sources (guild_id, entity_kind, entity_id, field, source_id)
               VALUES (?, ?, ?, ?, ?)""",
            [(self.guild_id, *f) for f in sorted(self.facts - existing)],
        )


def _release_cols(prefix: str, release: Any) -> dict[str, Any]:
    if release is None:
        return {f"{prefix}_at": None, f"{prefix}_precision": None}
    cols = {f"{prefix}_at": release.at, f"{prefix}_precision": release.precision.value}
    return cols | {f"{prefix}_tz": release.tz}


async def write_show(conn: aiosqlite.Connection, guild_id: int, sf: ShowFile) -> None:
    """Upsert the file's sources and people, and make the show's rows match it exactly."""
    w, g = _Writer(conn, guild_id), {"guild_id": guild_id}
    sources: list[dict[str, Any]] = [
        {"key": s.key, "publisher": s.publisher, "title": s.title}
        | {"published": s.published, "url": s.url}
        for s in sf.sources.values()
    ]
    ids = await sync(conn, "sources", g, ("key",), sources, delete=False)
    w.source_ids = {k[0]: i for k, i in ids.items()}
    person_ids = await _people(w, sf)
    show_id = await _show(w, sf)
    on_show = {"show_id": show_id}
    chars = [
        {"slug": c.slug, "name": c.name, "description": c.description}
        for c in sf.characters.values()
    ]
    ids = await sync(conn, "characters", on_show, ("slug",), chars)
    char_ids = {k[0]: i for k, i in ids.items()}
    for c in sf.characters.values():
        w.cite("character", char_ids[c.slug], c.sources)
        w.cite_fields("character", char_ids[c.slug], c.field_sources)
        await w.aliases("character", char_ids[c.slug], c.aliases)
    credits = [
        {"person_id": person_ids[c.person], "role": c.role, "billing": billing}
        | {"character_id": char_ids[c.character] if c.character else None}
        for billing, c in enumerate(sf.credits)
    ]
    ids = await sync(conn, "credits", on_show, ("person_id", "role"), credits)
    for credit in sf.credits:
        w.cite("credit", ids[(person_ids[credit.person], credit.role)], credit.sources)
    episodes = [
        {"number": e.number, "title": e.title, "synopsis": e.synopsis}
        | _release_cols("release", e.release)
        for e in sf.episodes
    ]
    ids = await sync(conn, "episodes", on_show, ("number",), episodes)
    for e in sf.episodes:
        w.cite("episode", ids[(e.number,)], e.sources)
        w.cite("episode", ids[(e.number,)], e.release_sources, "release")
        w.cite_fields("episode", ids[(e.number,)], e.field_sources)
    await _media_and_quotes(w, sf, show_id)
    await w.write_facts()


async def _people(w: _Writer, sf: ShowFile) -> dict[str, int]:
    """Upsert people by slug (never deleting: other shows credit them too)."""
    people = [
        {"slug": p.slug, "name": p.name, "native_name": p.native_name} for p in sf.people.values()
    ]
    ids = await sync(w.conn, "people", {"guild_id": w.guild_id}, ("slug",), people, delete=False)
    person_ids = {k[0]: i for k, i in ids.items()}
    for p in sf.people.values():
        pid = person_ids[p.slug]
        w.cite("person", pid, p.sources)
        w.cite_fields("person", pid, p.field_sources)
        await w.aliases("person", pid, p.aliases)
        works = [{"work": k.work, "year": k.year} for k in p.known_for]
        ids = await sync(w.conn, "known_for", {"person_id": pid}, ("work",), works)
        for k in p.known_for:
            w.cite("known_for", ids[(k.work,)], k.sources)
        groups = [{"group_name": m.group} for m in p.member_of]
        ids = await sync(w.conn, "memberships", {"person_id": pid}, ("group_name",), groups)
        for m in p.member_of:
            w.cite("membership", ids[(m.group,)], m.sources)
    return person_ids


async def _show(w: _Writer, sf: ShowFile) -> int:
    """Upsert the show row and sync its titles, release reports and aliases."""
    s, conn = sf.show, w.conn
    row = {
        "slug": s.slug, "title": s.title, "native_title": s.native_title,
        "platform": s.platform, "format": s.format, "episode_count": s.episode_count,
        "logline": s.logline, "synopsis": s.synopsis, "genres": json.dumps(list(s.genres)),
        "poster_url": s.poster_url,
    } | _release_cols("premiere", s.premiere)  # fmt: skip
    g = {"guild_id": w.guild_id}
    show_id = (await sync(conn, "shows", g, ("slug",), [row], delete=False))[(s.slug,)]
    w.cite("show", show_id, s.sources)
    w.cite("show", show_id, s.premiere_sources, "premiere")
    w.cite_fields("show", show_id, s.field_sources)
    on_show = {"show_id": show_id}
    titles = [{"title": t.title, "kind": t.kind} for t in s.titles]
    ids = await sync(conn, "show_titles", on_show, ("title",), titles)
    for t in s.titles:
        w.cite("show_title", ids[(t.title,)], t.sources)
    key = ("episode", "at", "precision", "tz")
    reports = [
        {"episode": r.episode, "at": r.release.at}
        | {"precision": r.release.precision.value, "tz": r.release.tz}
        for r in s.release_reports
    ]
    ids = await sync(conn, "release_reports", on_show, key, reports)
    for r, natural in zip(s.release_reports, reports, strict=True):
        w.cite("release_report", ids[tuple(natural.values())], r.sources)
    await w.aliases("show", show_id, s.aliases)
    return show_id


async def _media_and_quotes(w: _Writer, sf: ShowFile, show_id: int) -> None:
    on_show = {"show_id": show_id}
    media = [
        {"key": m.key, "kind": m.kind, "title": m.title, "artist": m.artist}
        | {"released": m.released, "duration_seconds": m.duration_seconds}
        | {"description": m.description, "url": m.url}
        for m in sf.media.values()
    ]
    ids = await sync(w.conn, "media", on_show, ("key",), media)
    media_ids = {k[0]: i for k, i in ids.items()}
    for m in sf.media.values():
        w.cite("media", media_ids[m.key], m.sources)
        w.cite_fields("media", media_ids[m.key], m.field_sources)
    quotes: list[dict[str, Any]] = [
        {"key": q.key, "speaker": q.speaker, "text": q.text, "context": q.context}
        | {"media_id": media_ids[q.media] if q.media else None}
        for q in sf.quotes.values()
    ]
    ids = await sync(w.conn, "quotes", on_show, ("key",), quotes)
    for q in sf.quotes.values():
        w.cite("quote", ids[(q.key,)], q.sources)
        w.cite_fields("quote", ids[(q.key,)], q.field_sources)
