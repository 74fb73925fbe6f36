"""A :class:`ShowFile` back to the file's own structure, and a human diff of two of them.

Export writes this structure; import diffs the database's version of a show against the
file's, in this same structure, so both sides are compared exactly the way they are written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from bot.domain.release import Release
from bot.domain.showfile import Alias, Person, ShowFile, Source

log = logging.getLogger(__name__)


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    """Drop what is unknown: None, empty lists and tables (the file leaves them out)."""
    return {k: v for k, v in row.items() if v is not None and v != [] and v != {}}


def _fs(field_sources: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    return {k: list(field_sources[k]) for k in sorted(field_sources)}


def _release(rel: Release, sources: Iterable[str] = (), episode: int | None = None) -> dict:
    row = {"date": rel.text(), "precision": rel.precision.value, "tz": rel.tz}
    return _compact(row | {"episode": episode, "sources": list(sources)})


def _aliases(aliases: Iterable[Alias]) -> list[dict[str, Any]]:
    return [{"name": a.name, "sources": list(a.sources)} for a in aliases]


def source_to_dict(s: Source) -> dict[str, Any]:
    """One ``[sources.KEY]`` table."""
    return _compact({"publisher": s.publisher, "title": s.title or None} | {
        "published": s.published, "url": s.url,
    })  # fmt: skip


def person_to_dict(p: Person) -> dict[str, Any]:
    """One ``[people.SLUG]`` table."""
    return _compact({
        "name": p.name, "native_name": p.native_name, "sources": list(p.sources),
        "field_sources": _fs(p.field_sources), "aliases": _aliases(p.aliases),
        "known_for": [
            _compact({"work": k.work, "year": k.year, "sources": list(k.sources)})
            for k in p.known_for
        ],
        "member_of": [{"group": m.group, "sources": list(m.sources)} for m in p.member_of],
    })  # fmt: skip


def show_file_to_dict(sf: ShowFile) -> dict[str, Any]:
    """The plain structure of the show file (``format = 1``) that ``sf`` was read from."""
    s = sf.show
    show = _compact({
        "slug": s.slug, "title": s.title, "native_title": s.native_title,
        "platform": s.platform, "format": s.format, "episode_count": s.episode_count,
        "genres": list(s.genres), "logline": s.logline, "synopsis": s.synopsis,
        "poster_url": s.poster_url, "sources": list(s.sources),
        "field_sources": _fs(s.field_sources),
        "premiere": _release(s.premiere, s.premiere_sources) if s.premiere else None,
        "release_reports": [_release(r.release, r.sources, r.episode) for r in s.release_reports],
        "titles": [
            {"title": t.title, "kind": t.kind, "sources": list(t.sources)} for t in s.titles
        ],
        "aliases": _aliases(s.aliases),
    })  # fmt: skip
    people = {p.slug: person_to_dict(p) for p in sf.people.values()}
    characters = {
        c.slug: _compact({
            "name": c.name, "description": c.description, "sources": list(c.sources),
            "field_sources": _fs(c.field_sources), "aliases": _aliases(c.aliases),
        })
        for c in sf.characters.values()
    }  # fmt: skip
    credits = [
        _compact({"person": c.person, "role": c.role, "character": c.character} | {
            "sources": list(c.sources),
        })
        for c in sf.credits
    ]  # fmt: skip
    episodes = [
        _compact({
            "number": e.number, "title": e.title,
            "release": _release(e.release, e.release_sources) if e.release else None,
            "synopsis": e.synopsis, "sources": list(e.sources),
            "field_sources": _fs(e.field_sources),
        })
        for e in sorted(sf.episodes, key=lambda e: e.number)
    ]  # fmt: skip
    media = {
        m.key: _compact({
            "kind": m.kind, "title": m.title, "artist": m.artist, "released": m.released,
            "duration_seconds": m.duration_seconds, "description": m.description, "url": m.url,
            "sources": list(m.sources), "field_sources": _fs(m.field_sources),
        })
        for m in sf.media.values()
    }  # fmt: skip
    quotes = {
        q.key: _compact({
            "speaker": q.speaker, "text": q.text, "context": q.context, "media": q.media,
            "sources": list(q.sources), "field_sources": _fs(q.field_sources),
        })
        for q in sf.quotes.values()
    }  # fmt: skip
    return _compact({
        "format": sf.format, "sources": {k: source_to_dict(v) for k, v in sf.sources.items()},
        "show": show, "people": people, "characters": characters, "credits": credits,
        "episodes": episodes, "media": media, "quotes": quotes,
    })  # fmt: skip
