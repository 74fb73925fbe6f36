"""Show files: one show's catalog as TOML (or JSON of the same shape), validated.

The bundled ``data/shows/soundtrack-1.toml`` defines the format (``format = 1``). Every
row names the sources that back it, so disagreeing sources keep their own spellings.
This module is pure: it parses and validates; ``bot.store.catalog_io`` writes to SQLite.
"""

from __future__ import annotations

import json
import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.domain.release import Release

log = logging.getLogger(__name__)

FORMAT_VERSION = 1

Sources = tuple[str, ...]
FieldSources = Mapping[str, Sources]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a show file, at a dotted key path like ``episodes[2].release``."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.message}"


class ShowFileError(ValueError):
    """A show file that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Source:
    """An article or report that facts cite by ``key``."""

    key: str
    publisher: str
    title: str = ""
    published: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Alias:
    """Another spelling of a name, with the sources that used it."""

    name: str
    sources: Sources


@dataclass(frozen=True, slots=True)
class ShowTitle:
    """A former or working title."""

    title: str
    kind: str
    sources: Sources


@dataclass(frozen=True, slots=True)
class ReleaseReport:
    """An earlier, usually vaguer report of a release (``episode`` None: the premiere)."""

    release: Release
    sources: Sources
    episode: int | None = None


@dataclass(frozen=True, slots=True)
class KnownFor:
    """A work a person is known for."""

    work: str
    sources: Sources
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """Someone credited; people are shared by every show of a guild, matched by slug."""

    slug: str
    name: str
    sources: Sources
    native_name: str | None = None
    field_sources: FieldSources = field(default_factory=dict)
    aliases: tuple[Alias, ...] = ()
    known_for: tuple[KnownFor, ...] = ()


@dataclass(frozen=True, slots=True)
class Character:
    """A character of the show; ``name`` is the preferred spelling."""

    slug: str
    name: str
    sources: Sources
    description: str | None = None
    field_sources: FieldSources = field(default_factory=dict)
    aliases: tuple[Alias, ...] = ()


@dataclass(frozen=True, slots=True)
class Credit:
    """A person's role in the show; the order of credits in the file is the billing."""

    person: str
    role: str
    sources: Sources
    character: str | None = None


@dataclass(frozen=True, slots=True)
class Episode:
    """One episode; ``release_sources`` narrows the release to fewer sources."""

    number: int
    sources: Sources
    title: str | None = None
    release: Release | None = None
    release_sources: Sources = ()
    synopsis: str | None = None
    field_sources: FieldSources = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Media:
    """A trailer, teaser, poster or OST track."""

    key: str
    kind: str
    sources: Sources
    title: str | None = None
    artist: str | None = None
    released: str | None = None
    duration_seconds: int | None = None
    description: str | None = None
    url: str | None = None
    field_sources: FieldSources = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Quote:
    """A quoted line, optionally from one of the show's media."""

    key: str
    speaker: str
    text: str
    sources: Sources
    context: str | None = None
    media: str | None = None
    field_sources: FieldSources = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Show:
    """The show row itself."""

    slug: str
    title: str
    sources: Sources
    native_title: str | None = None
    platform: str | None = None
    format: str | None = None
    episode_count: int | None = None
    premiere: Release | None = None
    premiere_sources: Sources = ()
    logline: str | None = None
    synopsis: str | None = None
    genres: tuple[str, ...] = ()
    poster_url: str | None = None
    field_sources: FieldSources = field(default_factory=dict)
    titles: tuple[ShowTitle, ...] = ()
    release_reports: tuple[ReleaseReport, ...] = ()
    aliases: tuple[Alias, ...] = ()


@dataclass(frozen=True, slots=True)
class ShowFile:
    """A whole validated show file."""

    show: Show
    sources: Mapping[str, Source] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    characters: Mapping[str, Character] = field(default_factory=dict)
    credits: tuple[Credit, ...] = ()
    episodes: tuple[Episode, ...] = ()
    media: Mapping[str, Media] = field(default_factory=dict)
    quotes: Mapping[str, Quote] = field(default_factory=dict)
    format: int = FORMAT_VERSION


def parse_show_file(text: str, *, fmt: Literal["toml", "json"] = "toml") -> ShowFile:
    """Parse and validate a show file's text; raises :class:`ShowFileError` with every problem."""
    # Imported here: the validator imports this module's dataclasses.
    from bot.domain._showfile_lines import locate
    from bot.domain._showfile_schema import check_document

    try:
        data = json.loads(text) if fmt == "json" else tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts "(at line N, column M)" in the message; lineno arrived in 3.14.
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        if line is None and "end of document" in str(exc):
            line = text.count("\n") + 1
        raise ShowFileError([Problem("", f"not valid TOML: {exc}", line)]) from exc
    except json.JSONDecodeError as exc:
        raise ShowFileError([Problem("", f"not valid JSON: {exc.msg}", exc.lineno)]) from exc
    result = check_document(data)
    if isinstance(result, ShowFile):
        return result
    problems = [Problem(path, message, locate(text, path, fmt)) for path, message in result]
    raise ShowFileError(problems)


def load_show_file(path: str | Path) -> ShowFile:
    """Read and validate a ``.toml`` or ``.json`` show file from disk."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ShowFileError([Problem("", f"cannot read the file: {exc}")]) from exc
    return parse_show_file(text, fmt="json" if path.suffix.lower() == ".json" else "toml")


def _line_from_message(message: str) -> int | None:
    marker = "at line "
    if marker not in message:
        return None
    digits = message.split(marker, 1)[1].split(",", 1)[0].split(")", 1)[0]
    return int(digits) if digits.isdigit() else None
