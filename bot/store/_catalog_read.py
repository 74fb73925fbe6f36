"""Read one guild's show (with the people and sources it cites) back into a ShowFile."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

from bot.domain.release import release_of
from bot.domain.showfile import (
    Alias,
    Character,
    Credit,
    Episode,
    KnownFor,
    Media,
    Membership,
    Person,
    Quote,
    ReleaseReport,
    Show,
    ShowFile,
    ShowTitle,
    Source,
)
from bot.store.db import rows


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


class Facts:
    """The guild's fact_sources as source keys, remembering which keys were handed out."""

    def __init__(self, by_entity: dict[tuple[str, int], dict[str, tuple[str, ...]]]) -> None:
        self._by_entity = by_entity
        self.used: set[str] = set()

    @classmethod
    async def load(cls, conn: aiosqlite.Connection, guild_id: int) -> Facts:
        """Load every fact link of the guild (a few hundred rows per show)."""
        found: dict[tuple[str, int], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        sql = """SELECT f.entity_kind, f.entity_id, f.field, s.key FROM fact_sources f
                 JOIN sources s ON s.id = f.source_id WHERE f.guild_id = ? ORDER BY s.key"""
        for kind, entity_id, name, key in await rows(conn, sql, (guild_id,)):
            found[(kind, entity_id)][name].append(key)
        return cls({e: {f: tuple(k) for f, k in fs.items()} for e, fs in found.items()})

    def of(self, kind: str, entity_id: int, name: str = "") -> tuple[str, ...]:
        """The sources backing one field ('' is the row as a whole)."""
        keys = self._by_entity.get((kind, entity_id), {}).get(name, ())
        self.used.update(keys)
        return keys

    def fields(self, kind: str, entity_id: int, skip: Iterable[str] = ()) -> dict[str, Any]:
        """Field-level sources of an entity, apart from the row's own and ``skip``."""
        named = self._by_entity.get((kind, entity_id), {})
        return {k: self.of(kind, entity_id, k) for k in sorted(named) if k and k not in skip}


async def read_sources(
    conn: aiosqlite.Connection, guild_id: int, keys: Iterable[str]
) -> dict[str, Source]:
    """The guild's sources with these keys, in the order they were first imported."""
    keys = list(keys)
    sql = f"""SELECT key, publisher, title, published, url FROM sources
              WHERE guild_id = ? AND key IN ({_marks(keys)}) ORDER BY id"""
    return {r["key"]: Source(*r) for r in await rows(conn, sql, (guild_id, *keys))}


async def _aliases(
    conn: aiosqlite.Connection, facts: Facts, guild_id: int, kind: str, entity_id: int
) -> tuple[Alias, ...]:
    sql = """SELECT id, name FROM aliases WHERE guild_id = ? AND entity_kind = ?
             AND entity_id = ? ORDER BY id"""
    found = await rows(conn, sql, (guild_id, kind, entity_id))
    return tuple(Alias(r["name"], facts.of("alias", r["id"])) for r in found)


async def read_people(
    conn: aiosqlite.Connection, guild_id: int, slugs: Iterable[str], facts: Facts
) -> dict[str, Person]:
    """The guild's people with these slugs, with aliases and known-for works."""
    slugs = list(slugs)
    sql = f"""SELECT id, slug, name, native_name FROM people
              WHERE guild_id = ? AND slug IN ({_marks(slugs)}) ORDER BY id"""
    people: dict[str, Person] = {}
    for r in await rows(conn, sql, (guild_id, *slugs)):
        works = await rows(
            conn, "SELECT id, work, year FROM known_for WHERE person_id = ? ORDER BY id", (r[0],)
        )
        groups = await rows(
            conn, "SELECT id, group_name FROM memberships WHERE person_id = ? ORDER BY id", (r[0],)
        )
        people[r["slug"]] = Person(
            r["slug"], r["name"], facts.of("person", r["id"]), r["native_name"],
            facts.fields("person", r["id"]),
            await _aliases(conn, facts, guild_id, "person", r["id"]),
            tuple(KnownFor(w["work"], facts.of("known_for", w["id"]), w["year"]) for w in works),
            tuple(Membership(g["group_name"], facts.of("membership", g["id"])) for g in groups),
        )  # fmt: skip
    return people


async def read_show(
    conn: aiosqlite.Connection, guild_id: int, slug: str, facts: Facts
) -> ShowFile | None:
    """The show as a ShowFile, with the people it credits and the sources it cites."""
    sql = "SELECT * FROM shows WHERE guild_id = ? AND slug = ?"
    found = await rows(conn, sql, (guild_id, slug))
    if not found:
        return None
    s = found[0]
    sid = s["id"]

    async def children(table: str, order: str = "id") -> list[Any]:
        return await rows(conn, f"SELECT * FROM {table} WHERE show_id = ? ORDER BY {order}", (sid,))

    titles = await children("show_titles")
    reports = await children("release_reports")
    show = Show(
        slug=s["slug"], title=s["title"], sources=facts.of("show", sid),
        native_title=s["native_title"], platform=s["platform"], format=s["format"],
        episode_count=s["episode_count"],
        premiere=release_of(s["premiere_at"], s["premiere_precision"], s["premiere_tz"]),
        premiere_sources=facts.of("show", sid, "premiere"), logline=s["logline"],
        synopsis=s["synopsis"], genres=tuple(json.loads(s["genres"])), poster_url=s["poster_url"],
        field_sources=facts.fields("show", sid, skip=("premiere",)),
        titles=tuple(
            ShowTitle(t["title"], t["kind"], facts.of("show_title", t["id"])) for t in titles
        ),
        release_reports=tuple(
            ReleaseReport(release_of(r["at"], r["precision"], r["tz"]),  # type: ignore[arg-type]
                          facts.of("release_report", r["id"]), r["episode"])
            for r in reports
        ),
        aliases=await _aliases(conn, facts, guild_id, "show", sid),
    )  # fmt: skip
    characters = {}
    for c in await children("characters"):
        characters[c["slug"]] = Character(
            c["slug"], c["name"], facts.of("character", c["id"]), c["description"],
            facts.fields("character", c["id"]),
            await _aliases(conn, facts, guild_id, "character", c["id"]),
        )  # fmt: skip
    sql = """SELECT cr.id, p.slug AS person, cr.role, ch.slug AS character FROM credits cr
             JOIN people p ON p.id = cr.person_id
             LEFT JOIN characters ch ON ch.id = cr.character_id
             WHERE cr.show_id = ? ORDER BY cr.billing, cr.id"""
    credits = tuple(
        Credit(c["person"], c["role"], facts.of("credit", c["id"]), c["character"])
        for c in await rows(conn, sql, (sid,))
    )
    episodes = tuple(
        Episode(
            e["number"], facts.of("episode", e["id"]), e["title"],
            release_of(e["release_at"], e["release_precision"], e["release_tz"]),
            facts.of("episode", e["id"], "release"), e["synopsis"],
            facts.fields("episode", e["id"], skip=("release",)),
        )
        for e in await children("episodes", "number")
    )  # fmt: skip
    media = {
        m["key"]: Media(
            m["key"], m["kind"], facts.of("media", m["id"]), m["title"], m["artist"],
            m["released"], m["duration_seconds"], m["description"], m["url"],
            facts.fields("media", m["id"]),
        )
        for m in await children("media")
    }  # fmt: skip
    sql = """SELECT q.*, m.key AS media_key FROM quotes q LEFT JOIN media m ON m.id = q.media_id
             WHERE q.show_id = ? ORDER BY q.id"""
    quotes = {
        q["key"]: Quote(
            q["key"], q["speaker"], q["text"], facts.of("quote", q["id"]), q["context"],
            q["media_key"], facts.fields("quote", q["id"]),
        )
        for q in await rows(conn, sql, (sid,))
    }  # fmt: skip
    people = await read_people(conn, guild_id, {c.person: None for c in credits}, facts)
    return ShowFile(
        show=show, sources=await read_sources(conn, guild_id, sorted(facts.used)), people=people,
        characters=characters, credits=credits, episodes=episodes, media=media, quotes=quotes,
    )  # fmt: skip
