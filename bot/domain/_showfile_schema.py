"""The shape of a format-1 show file and the checks that span rows (references, duplicates)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bot.domain._showfile_check import (
    LOGLINE_MAX,
    LONG_MAX,
    QUOTE_MAX,
    SLUG,
    SOURCES_SCHEMA,
    Checker,
    Enough,
    described,
    field_sources,
    integer,
    iso_date,
    join,
    one_of,
    opt,
    release,
    req,
    schema_of,
    slug,
    strings,
    table_schema,
    text,
    url,
)
from bot.domain._showfile_check import sources as _sources_check
from bot.domain.echo import quote
from bot.domain.release import Release
from bot.domain.showfile import (
    FORMAT_VERSION,
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

MEDIA_KINDS = ("trailer", "teaser", "poster", "ost")
TITLE_KINDS = ("former", "working")
SHOW_FIELDS: tuple[str, ...] = ("title", "native_title", "platform", "format", "episode_count")
SHOW_FIELDS += ("genres", "logline", "synopsis", "poster_url")
PERSON_FIELDS = ("name", "native_name")
CHARACTER_FIELDS = ("name", "description")
EPISODE_FIELDS = ("title", "synopsis")
MEDIA_FIELDS = ("kind", "title", "artist", "released", "duration_seconds", "description", "url")
QUOTE_FIELDS = ("speaker", "text", "context")


@described(SOURCES_SCHEMA)
def _cited(c: Checker, value: Any, path: str) -> tuple[str, ...] | None:
    """A sources list, remembered so every key can be checked against ``[sources]``."""
    keys = _sources_check(c, value, path)
    if keys:
        c.cited.append((path, keys))
    return keys


def _fields(names: tuple[str, ...]) -> Callable[[Checker, Any, str], Any]:
    inner = field_sources(names)

    @described(schema_of(inner))
    def check(c: Checker, value: Any, path: str) -> Any:
        out = inner(c, value, path)
        for name, keys in (out or {}).items():
            if keys:
                c.cited.append((join(path, name), keys))
        return out

    return check


def _key(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _array(item: Callable[[Checker, Any, str], Any]) -> Callable[[Checker, Any, str], Any]:
    return described({"type": "array", "items": schema_of(item)})(
        lambda c, v, p: tuple(c.array(v, p, item))
    )


def _keyed(item: Callable[[Checker, Any, str], Any]) -> Callable[[Checker, Any, str], Any]:
    """A table of rows keyed by slug, like ``[people.han-so-hee]``."""
    schema = {
        "type": "object",
        "propertyNames": {"pattern": SLUG.pattern},
        "additionalProperties": schema_of(item),
    }
    return described(schema)(lambda c, v, p: c.keyed(v, p, item))


def _row(specs: dict, build: Callable[..., Any], fields: tuple[str, ...] = ()) -> Any:
    """Check a table with ``specs``, make sure field_sources only narrows set fields, build."""

    @described(table_schema(specs))
    def check(c: Checker, value: Any, path: str) -> Any:
        row = c.table(value, path, specs)
        if row is None:
            return None
        for name in row.get("field_sources") or {}:
            if name in fields and row.get(name) is None:
                where, message = (
                    join(path, f"field_sources.{name}"),
                    f"names {quote(name)}, which is not set",
                )
                c.add(where, message, "check.source_for_unset", name=name)
        return build(path, row)

    return check


def _alias_row() -> Any:
    specs = {"name": req(text()), "sources": req(_cited)}
    return _row(specs, lambda p, r: Alias(r["name"], r["sources"]))


_ALIASES = opt(_array(_alias_row()))


def _release_report(path: str, parsed: Any) -> Any:
    if parsed is None:
        return None
    rel, srcs, episode = parsed
    return ReleaseReport(rel, srcs, episode)


def _show(path: str, r: dict) -> Show:
    premiere, premiere_sources = r["premiere"][:2] if r["premiere"] else (None, ())
    reports = tuple(_release_report(path, x) for x in r["release_reports"] or ())
    return Show(
        slug=r["slug"], title=r["title"], sources=r["sources"], native_title=r["native_title"],
        platform=r["platform"], format=r["format"], episode_count=r["episode_count"],
        premiere=premiere, premiere_sources=premiere_sources, logline=r["logline"],
        synopsis=r["synopsis"], genres=r["genres"] or (), poster_url=r["poster_url"],
        field_sources=r["field_sources"] or {}, titles=r["titles"] or (),
        release_reports=reports, aliases=r["aliases"] or (),
    )  # fmt: skip


SHOW = _row(
    {
        "slug": req(slug), "title": req(text()), "native_title": opt(text()),
        "platform": opt(text()), "format": opt(text()), "episode_count": opt(integer(0)),
        "genres": opt(strings(text(64))), "logline": opt(text(LOGLINE_MAX)),
        "synopsis": opt(text(LONG_MAX)), "poster_url": opt(url), "sources": req(_cited),
        "field_sources": opt(_fields(SHOW_FIELDS)), "premiere": opt(release(sourced=True)),
        "release_reports": opt(_array(release(sourced=True, episode=True))),
        "titles": opt(_array(_row(
            {"title": req(text()), "kind": req(one_of(*TITLE_KINDS)), "sources": req(_cited)},
            lambda p, r: ShowTitle(r["title"], r["kind"], r["sources"]),
        ))),
        "aliases": _ALIASES,
    },
    _show,
    SHOW_FIELDS,
)  # fmt: skip

SOURCE = _row(
    {"publisher": req(text()), "title": opt(text()), "published": opt(iso_date), "url": opt(url)},
    lambda p, r: Source(_key(p), r["publisher"], r["title"] or "", r["published"], r["url"]),
)

PERSON = _row(
    {
        "name": req(text()), "native_name": opt(text()), "sources": req(_cited),
        "field_sources": opt(_fields(PERSON_FIELDS)), "aliases": _ALIASES,
        "known_for": opt(_array(_row(
            {"work": req(text()), "year": opt(integer(1000, 9999)), "sources": req(_cited)},
            lambda p, r: KnownFor(r["work"], r["sources"], r["year"]),
        ))),
        "member_of": opt(_array(_row(
            {"group": req(text()), "sources": req(_cited)},
            lambda p, r: Membership(r["group"], r["sources"]),
        ))),
    },
    lambda p, r: Person(
        _key(p), r["name"], r["sources"], r["native_name"], r["field_sources"] or {},
        r["aliases"] or (), r["known_for"] or (), r["member_of"] or (),
    ),
    PERSON_FIELDS,
)  # fmt: skip

CHARACTER = _row(
    {
        "name": req(text()), "description": opt(text(LONG_MAX)), "sources": req(_cited),
        "field_sources": opt(_fields(CHARACTER_FIELDS)), "aliases": _ALIASES,
    },
    lambda p, r: Character(
        _key(p), r["name"], r["sources"], r["description"], r["field_sources"] or {},
        r["aliases"] or (),
    ),
    CHARACTER_FIELDS,
)  # fmt: skip

CREDIT = _row(
    {"person": req(slug), "role": req(text(64)), "character": opt(slug), "sources": req(_cited)},
    lambda p, r: Credit(r["person"], r["role"], r["sources"], r["character"]),
)


def _episode(path: str, r: dict) -> Episode:
    rel, rel_sources = r["release"][:2] if r["release"] else (None, ())
    return Episode(
        r["number"], r["sources"], r["title"], rel, rel_sources, r["synopsis"],
        r["field_sources"] or {},
    )  # fmt: skip


EPISODE = _row(
    {
        "number": req(integer(1)), "title": opt(text()), "release": opt(release(sourced=False)),
        "synopsis": opt(text(LONG_MAX)), "sources": req(_cited),
        "field_sources": opt(_fields(EPISODE_FIELDS)),
    },
    _episode,
    EPISODE_FIELDS,
)  # fmt: skip

MEDIA = _row(
    {
        "kind": req(one_of(*MEDIA_KINDS)), "title": opt(text()), "artist": opt(text()),
        "released": opt(iso_date), "duration_seconds": opt(integer(0)),
        "description": opt(text(LONG_MAX)), "url": opt(url), "sources": req(_cited),
        "field_sources": opt(_fields(MEDIA_FIELDS)),
    },
    lambda p, r: Media(
        _key(p), r["kind"], r["sources"], r["title"], r["artist"], r["released"],
        r["duration_seconds"], r["description"], r["url"], r["field_sources"] or {},
    ),
    MEDIA_FIELDS,
)  # fmt: skip

QUOTE = _row(
    {
        "speaker": req(text()), "text": req(text(QUOTE_MAX)), "context": opt(text(LOGLINE_MAX)),
        "media": opt(slug), "sources": req(_cited), "field_sources": opt(_fields(QUOTE_FIELDS)),
    },
    lambda p, r: Quote(
        _key(p), r["speaker"], r["text"], r["sources"], r["context"], r["media"],
        r["field_sources"] or {},
    ),
    QUOTE_FIELDS,
)  # fmt: skip


@described({"const": FORMAT_VERSION, "description": "the show-file format; this bot reads 1"})
def _format(c: Checker, value: Any, path: str) -> int | None:
    if type(value) is not int or value != FORMAT_VERSION:  # not True, not 1.0
        message = f"unsupported format {quote(value)}; this bot reads format {FORMAT_VERSION}"
        c.add(path, message, "check.format", value=str(value)[:64], version=FORMAT_VERSION)
        return None
    return value


DOCUMENT = {
    "format": req(_format), "sources": req(_keyed(SOURCE)), "show": req(SHOW),
    "people": opt(_keyed(PERSON)), "characters": opt(_keyed(CHARACTER)),
    "credits": opt(_array(CREDIT)), "episodes": opt(_array(EPISODE)),
    "media": opt(_keyed(MEDIA)), "quotes": opt(_keyed(QUOTE)),
}  # fmt: skip


def check_document(data: Any, *, limit: int | None = None) -> ShowFile | Checker:
    """Validate a parsed document: the :class:`ShowFile`, or the :class:`Checker` holding
    its problems (the first ``limit`` of them: checking stops there)."""
    c = Checker(limit)
    try:
        top = c.table(data, "", DOCUMENT)
        if top is None:
            return c
        _check_references(c, top)
    except Enough:
        return c
    if c.problems:
        return c
    return ShowFile(
        show=top["show"], sources=top["sources"], people=top["people"] or {},
        characters=top["characters"] or {}, credits=top["credits"] or (),
        episodes=top["episodes"] or (), media=top["media"] or {}, quotes=top["quotes"] or {},
        format=top["format"],
    )  # fmt: skip


def _check_references(c: Checker, top: dict[str, Any]) -> None:
    known = set(top["sources"] or ())
    for path, keys in c.cited:
        for key in keys:
            if key not in known:
                known_list = ", ".join(sorted(known))
                message = f"names unknown source {quote(key)} (known: {known_list})"
                c.add(path, message, "check.unknown_source", value=key, known=known_list)
    people, characters = top["people"] or {}, top["characters"] or {}
    for i, credit in enumerate(top["credits"] or ()):
        if credit and credit.person and credit.person not in people:
            message = f"names unknown person {quote(credit.person)}"
            c.add(f"credits[{i}].person", message, "check.unknown_person", value=credit.person)
        if credit and credit.character and credit.character not in characters:
            message = f"names unknown character {quote(credit.character)}"
            c.add(
                f"credits[{i}].character",
                message,
                "check.unknown_character",
                value=credit.character,
            )
    _unique(c, "credits", [(x.person, x.role) if x else None for x in top["credits"] or ()],
            "person and role")  # fmt: skip
    episodes = top["episodes"] or ()
    _unique(c, "episodes", [x.number if x else None for x in episodes], "number", ".number")
    show = top["show"]
    count = show.episode_count if show else None
    for i, ep in enumerate(episodes):
        if ep and count is not None and ep.number and ep.number > count:
            message = f"episode {ep.number} is past episode_count {count}"
            c.add(
                f"episodes[{i}].number", message, "check.past_count", number=ep.number, count=count
            )
    media = top["media"] or {}
    for key, item in (top["quotes"] or {}).items():
        if item and item.media and item.media not in media:
            message = f"names unknown media {quote(item.media)}"
            c.add(f"quotes.{key}.media", message, "check.unknown_media", value=item.media)
    if show:
        _unique(c, "show.titles", [t.title if t else None for t in show.titles], "title")
        reports = [(r.release, r.episode) if r else None for r in show.release_reports]
        _unique(c, "show.release_reports", reports, "release")
        _unique_aliases(c, "show", show.aliases)
    for kind, rows in (("people", people), ("characters", characters)):
        for key, row in rows.items():
            if row:
                _unique_aliases(c, f"{kind}.{key}", row.aliases)
    for key, person in people.items():
        if person:
            works = [k.work if k else None for k in person.known_for]
            _unique(c, f"people.{key}.known_for", works, "work")
            groups = [m.group if m else None for m in person.member_of]
            _unique(c, f"people.{key}.member_of", groups, "group")


def _unique_aliases(c: Checker, path: str, aliases: Iterable[Alias | None]) -> None:
    _unique(c, f"{path}.aliases", [a.name if a else None for a in aliases], "name", ".name")


def _unique(c: Checker, path: str, values: list[Any], what: str, suffix: str = "") -> None:
    seen: dict[Any, int] = {}
    for i, value in enumerate(values):
        if value is None:
            continue
        if value in seen:
            shown = "" if isinstance(value, tuple | Release) else f" {quote(value)}"
            first = f"{path}[{seen[value]}]"
            message = f"duplicate {what}{shown} (as {first})"
            c.add(f"{path}[{i}]{suffix}", message, "check.duplicate", first=first)
        else:
            seen[value] = i
