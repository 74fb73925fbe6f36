"""A human diff of two show files, one line per added, removed or changed thing.

Rows are compared by their natural keys (episode number, alias name, ...), so reordering
a file's aliases is no change, while reordering credits is (their order is the billing).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.showfile import Person, ShowFile, Source
from bot.domain.showfile_dict import person_to_dict, show_file_to_dict, source_to_dict

Entities = dict[str, dict[str, Any]]
_PREVIEW = 60


def diff_show_files(
    old: ShowFile | None,
    new: ShowFile,
    *,
    people: Mapping[str, Person] | None = None,
    sources: Mapping[str, Source] | None = None,
) -> list[str]:
    """Lines such as ``show soundtrack-1: episode_count 3 → 4``, ``+ episode 4``, ``- alias X``.

    ``people`` and ``sources``, when given, stand in for ``old``'s: they are shared by a
    guild's shows, so the current rows for the new file's keys are what it changes.
    """
    people = old.people if people is None and old else people or {}
    sources = old.sources if sources is None and old else sources or {}
    shared = {
        "sources": {k: source_to_dict(v) for k, v in sources.items()},
        "people": {k: person_to_dict(v) for k, v in people.items()},
    }
    before = _entities((show_file_to_dict(old) if old else {}) | shared)
    after = _entities(show_file_to_dict(new))
    lines: list[str] = []
    for label, fields in after.items():
        if label not in before:
            lines.append(f"+ {label}")
            continue
        for name in dict.fromkeys([*before[label], *fields]):
            was, now = before[label].get(name), fields.get(name)
            if was != now:
                lines.append(f"{label}: {name} {_show(was)} → {_show(now)}")
    lines.extend(f"- {label}" for label in before if label not in after)
    return lines


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        short = value if len(value) <= _PREVIEW else value[: _PREVIEW - 1] + "…"
        return repr(short)
    return str(value)


def _split(row: dict[str, Any], *nested: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Separate a row's own fields from its nested child rows."""
    own = {k: v for k, v in row.items() if k not in nested}
    return own, {k: row.get(k, []) for k in nested}


def _aliases(out: Entities, owner: str, aliases: list[dict[str, Any]]) -> None:
    for alias in aliases:
        out[f"alias {alias['name']} ({owner})"] = {"sources": alias["sources"]}


def _entities(doc: dict[str, Any]) -> Entities:
    """Flatten a show-file structure into labelled rows of comparable fields."""
    out: Entities = {}
    for key, source in doc.get("sources", {}).items():
        out[f"source {key}"] = source
    show, children = _split(doc.get("show", {}), "titles", "release_reports", "aliases")
    owner = f"show {show.get('slug')}"
    if show:
        out[owner] = show
    for title in children["titles"]:
        out[f"title {title['title']}"] = title
    for report in children["release_reports"]:
        what = f", episode {report['episode']}" if "episode" in report else ""
        label = f"release report {report['date']} ({report['precision']}, {report['tz']}{what})"
        out[label] = {"sources": report["sources"]}
    _aliases(out, owner, children["aliases"])
    for slug, row in doc.get("people", {}).items():
        person, kids = _split(row, "aliases", "known_for", "member_of")
        out[f"person {slug}"] = person
        _aliases(out, f"person {slug}", kids["aliases"])
        for work in kids["known_for"]:
            out[f"known_for {work['work']} (person {slug})"] = work
        for group in kids["member_of"]:
            out[f"member_of {group['group']} (person {slug})"] = group
    for slug, row in doc.get("characters", {}).items():
        character, kids = _split(row, "aliases")
        out[f"character {slug}"] = character
        _aliases(out, f"character {slug}", kids["aliases"])
    for billing, credit in enumerate(doc.get("credits", [])):
        label = f"credit {credit['person']} as {credit['role']}"
        out[label] = credit | {"billing": billing}
    for episode in doc.get("episodes", []):
        out[f"episode {episode['number']}"] = episode
    for key, media in doc.get("media", {}).items():
        out[f"media {key}"] = media
    for key, quote in doc.get("quotes", {}).items():
        out[f"quote {key}"] = quote
    return out
