"""Show files: one show's catalog as TOML (or JSON of the same shape), validated.

The bundled ``bot/data/shows/soundtrack-1.toml`` defines the format (``format = 1``). Every
row names the sources that back it, so disagreeing sources keep their own spellings.
This module is pure: it parses and validates; ``bot.store.catalog_io`` writes to SQLite.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from bot.domain.release import Release

log = logging.getLogger(__name__)

FORMAT_VERSION = 1

Sources = tuple[str, ...]
FieldSources = Mapping[str, Sources]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a show file, at a dotted key path like ``episodes[2].release``.

    ``message`` is the English sentence (the CLI, logs); ``key`` and ``fields`` say it in
    an admin's language when the file came through ``/admin import``.
    """

    path: str
    message: str
    line: int | None = None
    key: str | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)

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
class Membership:
    """A group a person is reported to be a member of (a band, an idol group): not a work."""

    group: str
    sources: Sources


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
    member_of: tuple[Membership, ...] = ()


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


# Guards that keep checking a hostile file linear and bounded. A real show file is ~20 KB,
# nests 4 deep, holds ~700 keys and no number past 10 digits.
MAX_CHARS = 256 * 1024
MAX_DEPTH = 16
MAX_KEYS = 20_000
MAX_DIGITS = 30
# Checking stops here: nobody reads past the first screenful, and each problem's line is
# looked up in the text, which would be quadratic on a file made of mistakes.
MAX_PROBLEMS = 15


def _big_int(text: str) -> int:
    """json's ``parse_int`` that refuses a number longer than any show file needs."""
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(Problem(
            "", f"a number is {len(text)} digits long; the limit is {MAX_DIGITS}",
            key="showfile.long_number", fields={"limit": MAX_DIGITS},
        ))  # fmt: skip
    return int(text)


class _Refused(Exception):
    """A guard tripped while parsing; its problem says which."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _too_deep(line: int | None = None) -> Problem:
    message = f"the file nests more than {MAX_DEPTH} levels deep"
    return Problem("", message, line, "showfile.too_deep", {"limit": MAX_DEPTH})


def _shape_problem(data: object) -> Problem | None:
    """Why ``data`` nests too deep or holds too many keys, walked without recursion."""
    stack: list[tuple[object, int]] = [(data, 1)]
    keys = 0
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return _too_deep()
            if isinstance(value, dict):
                keys += len(value)
                if keys > MAX_KEYS:
                    message = f"the file holds more than {MAX_KEYS} keys"
                    return Problem("", message, None, "showfile.too_many_keys", {"limit": MAX_KEYS})
                stack.extend((v, depth + 1) for v in value.values())
            else:
                stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, int) and abs(value) >= 10**MAX_DIGITS:
            message = f"a number is longer than {MAX_DIGITS} digits"
            return Problem("", message, None, "showfile.long_number", {"limit": MAX_DIGITS})
    return None


def _parse(text: str, fmt: str) -> object:
    """The parsed document, or :class:`ShowFileError` for text that is not one."""
    try:
        if fmt == "json":
            return json.loads(text, parse_int=_big_int)
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts "(at line N, column M)" in the message; lineno arrived in 3.14.
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        if line is None and "end of document" in str(exc):
            line = text.count("\n") + 1
        fields = {"format": "TOML", "reason": str(exc)}
        problem = Problem("", f"not valid TOML: {exc}", line, "showfile.not_parsed", fields)
        raise ShowFileError([problem]) from exc
    except json.JSONDecodeError as exc:
        fields = {"format": "JSON", "reason": exc.msg}
        problem = Problem(
            "", f"not valid JSON: {exc.msg}", exc.lineno, "showfile.not_parsed", fields
        )
        raise ShowFileError([problem]) from exc
    except _Refused as exc:
        raise ShowFileError([replace(exc.problem, line=_long_number_line(text))]) from exc
    except RecursionError as exc:
        # Both parsers recurse once per nested array or table.
        raise ShowFileError([_too_deep(_deep_line(text))]) from exc
    except ValueError as exc:
        # tomllib refuses an integer past Python's 4,300-digit conversion limit this way.
        message = f"a number is too long (the limit is {MAX_DIGITS} digits): {exc}"
        limit = {"limit": MAX_DIGITS}
        problem = Problem("", message, _long_number_line(text), "showfile.long_number", limit)
        raise ShowFileError([problem]) from exc


_LONG_NUMBER = re.compile(rf"[0-9_]{{{MAX_DIGITS + 1},}}")


def _long_number_line(text: str) -> int | None:
    """The line of the first run of digits longer than any show file needs."""
    match = _LONG_NUMBER.search(text)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def _deep_line(text: str) -> int | None:
    """The line where brackets first nest past :data:`MAX_DEPTH` (strings and comments
    skipped, roughly: good enough to point at the place)."""
    depth, line, quote, index = 0, 1, "", 0
    while index < len(text):
        char = text[index]
        if char == "\n":
            line += 1
        elif quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            end = text.find("\n", index)
            index = len(text) if end < 0 else end - 1
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif char in "]}":
            depth -= 1
        index += 1
    return None


def parse_show_file(text: str, *, fmt: Literal["toml", "json"] = "toml") -> ShowFile:
    """Parse and validate a show file's text; raises :class:`ShowFileError` with its problems.

    Any text is answered with a :class:`ShowFile` or a :class:`ShowFileError` (never
    another exception), in time linear in its length; at most :data:`MAX_PROBLEMS`
    problems are reported, each with its line where it can be found. A leading byte
    order mark (Notepad writes one) is ignored. CPU-bound: the bot calls it in a thread.
    """
    # Imported here: the validator imports this module's dataclasses.
    from bot.domain._showfile_lines import locate
    from bot.domain._showfile_schema import check_document

    text = text.removeprefix("\ufeff")
    if len(text) > MAX_CHARS:
        limit = f"{MAX_CHARS // 1024} KiB"
        message = f"the file is over {limit}; a show file is far smaller"
        raise ShowFileError([Problem("", message, None, "showfile.too_big", {"limit": limit})])
    data = _parse(text, fmt)
    if (shape := _shape_problem(data)) is not None:
        line = _deep_line(text) if shape.key == "showfile.too_deep" else None
        raise ShowFileError([replace(shape, line=line)])
    result = check_document(data, limit=MAX_PROBLEMS)
    if isinstance(result, ShowFile):
        return result
    problems = [
        Problem(path, message, locate(text, path, fmt), key, fields)
        for (path, message), (key, fields) in zip(result.problems, result.keys, strict=True)
    ]
    raise ShowFileError(problems)


def load_show_file(path: str | Path) -> ShowFile:
    """Read and validate a ``.toml`` or ``.json`` show file from disk."""
    path = Path(path)
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        fields = {"reason": str(exc)}
        problem = Problem("", f"cannot read the file: {exc}", None, "showfile.unreadable", fields)
        raise ShowFileError([problem]) from exc
    return parse_show_file(text, fmt="json" if path.suffix.lower() == ".json" else "toml")


def _line_from_message(message: str) -> int | None:
    marker = "at line "
    if marker not in message:
        return None
    digits = message.split(marker, 1)[1].split(",", 1)[0].split(")", 1)[0]
    return int(digits) if digits.isdigit() else None
