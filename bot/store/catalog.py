"""Typed reads of one guild's catalog for display: show cards, credits, episodes, media.

Each query touches only the rows one reply needs (a show's credits, its fact links),
so a command costs the same in a guild with one show or a thousand.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.release import Release, release_of
from bot.store._pg import postgres_json
from bot.store.db import Database


@dataclass(frozen=True, slots=True)
class SourceRef:
    """How a reply names a source: "NME Asia, 2022-02-17"."""

    publisher: str
    published: str | None = None
    url: str | None = None

    def label(self) -> str:
        """The publisher, and the date when the source gave one."""
        return f"{self.publisher}, {self.published}" if self.published else self.publisher


@dataclass(frozen=True, slots=True)
class Reported:
    """A value some sources reported: another spelling, an earlier release date."""

    value: str
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True, slots=True)
class ShowInfo:
    """Everything the show card needs."""

    id: int
    slug: str
    title: str
    native_title: str | None
    platform: str | None
    format: str | None
    episode_count: int | None
    premiere: Release | None
    logline: str | None
    synopsis: str | None
    genres: tuple[str, ...]
    poster_url: str | None
    former_titles: tuple[Reported, ...]
    earlier_premieres: tuple[tuple[Release, tuple[SourceRef, ...]], ...]
    sources: tuple[SourceRef, ...]
    credits: tuple[CreditInfo, ...] = ()  # in billing order


@dataclass(frozen=True, slots=True)
class CreditInfo:
    """One credit of a show: who, in what role, as which character."""

    person_id: int
    person: str
    role: str
    character_id: int | None
    character: str | None


@dataclass(frozen=True, slots=True)
class EpisodeInfo:
    """One episode and its release."""

    number: int
    title: str | None
    release: Release | None
    synopsis: str | None


@dataclass(frozen=True, slots=True)
class QuoteInfo:
    """A quote, with what it is from."""

    speaker: str
    text: str
    context: str | None


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """A trailer, teaser, poster or OST, with the quotes taken from it."""

    key: str
    kind: str
    title: str | None
    artist: str | None
    released: str | None
    duration_seconds: int | None
    description: str | None
    url: str | None
    quotes: tuple[QuoteInfo, ...]


def sources_json(kind: str, entity_id: str) -> str:
    """SQL for the sources behind an entity's row, as one JSON array (one per row read).

    ``kind`` is a literal entity kind, ``entity_id`` an SQL expression; neither comes
    from a user. Each element is [publisher, published, url, source id].
    """
    return f"""json((SELECT json_group_array(
                         json_array(src.publisher, src.published, src.url, src.id))
                     FROM fact_sources f JOIN sources src ON src.id = f.source_id
                     WHERE f.entity_kind = '{kind}' AND f.field = ''
                       AND f.entity_id = {entity_id}))"""


def source_refs(items: Iterable[list]) -> tuple[SourceRef, ...]:
    """[publisher, published, url, id] items as refs, oldest first and undated last."""
    ordered = sorted(items, key=lambda c: (c[1] is None, c[1] or "", c[3]))
    return tuple(SourceRef(c[0], c[1], c[2]) for c in ordered)


async def show_id_by_slug(db: Database, guild_id: int, slug: str) -> int | None:
    """The id of the guild's show ``slug``."""
    sql = "SELECT id FROM shows WHERE guild_id = ? AND slug = ?"
    return await db.fetchval(sql, (guild_id, slug))


async def default_show(db: Database, guild_id: int) -> tuple[int, str] | None:
    """``(id, slug)`` of the show a command means when it names none: the guild's default
    show if one is set and exists, else the guild's only show (one query)."""
    sql = """SELECT id, slug FROM (
               SELECT s.id, s.slug, 0 AS rank FROM guild_settings g
                 JOIN shows s ON s.guild_id = g.guild_id AND s.slug = g.default_show
                WHERE g.guild_id = ?
               UNION ALL
               SELECT id, slug, 1 FROM shows
                WHERE guild_id = ? AND (SELECT count(*) FROM shows WHERE guild_id = ?) = 1
             ) AS candidates ORDER BY rank LIMIT 1"""  # PostgreSQL 15 needs the alias
    row = await db.fetchone(sql, (guild_id, guild_id, guild_id))
    return None if row is None else (int(row["id"]), str(row["slug"]))


# The show row with its other titles, earlier premiere reports, every source behind
# them and its credits, as JSON arrays: one statement, so one trip to aiosqlite's
# thread (each trip costs more than the whole query). SQLite 3.40 has no ORDER BY
# inside json_group_array, so each array carries its sort keys and Python sorts.
_SHOW_INFO_SQL = """
SELECT s.*,
  (SELECT json_group_array(json_array(t.id, t.title))
     FROM show_titles t WHERE t.show_id = s.id) AS titles,
  (SELECT json_group_array(json_array(r.id, r.at, r.precision, r.tz))
     FROM release_reports r WHERE r.show_id = s.id AND r.episode IS NULL) AS reports,
  (SELECT json_group_array(json_array(
            f.entity_kind, f.entity_id, src.publisher, src.published, src.url, src.id))
     FROM fact_sources f JOIN sources src ON src.id = f.source_id
     WHERE f.field = '' AND (
         (f.entity_kind = 'show' AND f.entity_id = s.id)
         OR (f.entity_kind = 'show_title'
             AND f.entity_id IN (SELECT id FROM show_titles WHERE show_id = s.id))
         OR (f.entity_kind = 'release_report'
             AND f.entity_id IN (SELECT id FROM release_reports WHERE show_id = s.id)))
  ) AS cites,
  (SELECT json_group_array(json_array(
            cr.billing, cr.id, cr.person_id, p.name, cr.role, cr.character_id, ch.name))
     FROM credits cr JOIN people p ON p.id = cr.person_id
     LEFT JOIN characters ch ON ch.id = cr.character_id
     WHERE cr.show_id = s.id) AS credits
FROM shows s WHERE s.guild_id = ? AND s.id = ?
"""
_SHOW_INFO = {"sqlite": _SHOW_INFO_SQL, "postgresql": postgres_json(_SHOW_INFO_SQL)}


async def show_info(db: Database, guild_id: int, show_id: int) -> ShowInfo | None:
    """The guild's show ``show_id`` with its titles, earlier reports, sources and credits.

    One statement whatever the show (see ``_SHOW_INFO``).
    """
    s = await db.fetchone(_SHOW_INFO[db.dialect], (guild_id, show_id))
    if s is None:
        return None
    cited: dict[tuple[str, int], list[list]] = defaultdict(list)
    for kind, entity_id, *source in json.loads(s["cites"]):
        cited[(kind, entity_id)].append(source)
    titles = sorted(json.loads(s["titles"]))
    reports = sorted(json.loads(s["reports"]), key=lambda r: (r[1], r[0]))
    return ShowInfo(
        id=s["id"], slug=s["slug"], title=s["title"], native_title=s["native_title"],
        platform=s["platform"], format=s["format"], episode_count=s["episode_count"],
        premiere=release_of(s["premiere_at"], s["premiere_precision"], s["premiere_tz"]),
        logline=s["logline"], synopsis=s["synopsis"], genres=tuple(json.loads(s["genres"])),
        poster_url=s["poster_url"],
        former_titles=tuple(
            Reported(title, source_refs(cited[("show_title", tid)])) for tid, title in titles
        ),
        earlier_premieres=tuple(
            (release, source_refs(cited[("release_report", rid)]))
            for rid, at, precision, tz in reports
            if (release := release_of(at, precision, tz)) is not None
        ),
        sources=source_refs(cited[("show", show_id)]),
        credits=tuple(CreditInfo(*c[2:]) for c in sorted(json.loads(s["credits"]))),
    )  # fmt: skip


async def episodes(db: Database, show_id: int) -> list[EpisodeInfo]:
    """The show's episodes in order."""
    sql = """SELECT number, title, release_at, release_precision, release_tz, synopsis
             FROM episodes WHERE show_id = ? ORDER BY number"""
    return [
        EpisodeInfo(r[0], r[1], release_of(r[2], r[3], r[4]), r[5])
        for r in await db.fetchall(sql, (show_id,))
    ]


async def media(db: Database, show_id: int, kinds: Iterable[str]) -> list[MediaInfo]:
    """The show's media of ``kinds`` (by release date), each with its quotes."""
    kinds = list(kinds)
    sql = f"""SELECT * FROM media WHERE show_id = ? AND kind IN ({", ".join("?" for _ in kinds)})
              ORDER BY released IS NULL, released, id"""
    found = await db.fetchall(sql, (show_id, *kinds))
    quotes: dict[int, list[QuoteInfo]] = defaultdict(list)
    sql = "SELECT media_id, speaker, text, context FROM quotes WHERE show_id = ? ORDER BY id"
    for q in await db.fetchall(sql, (show_id,)):
        if q[0] is not None:
            quotes[q[0]].append(QuoteInfo(q[1], q[2], q[3]))
    return [
        MediaInfo(
            m["key"], m["kind"], m["title"], m["artist"], m["released"], m["duration_seconds"],
            m["description"], m["url"], tuple(quotes.get(m["id"], ())),
        )
        for m in found
    ]  # fmt: skip
