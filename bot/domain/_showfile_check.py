"""Field-level checks for show files: types, required and unknown keys, caps, shapes.

Each checker records problems against a dotted path and returns a cleaned value (or
None); nothing stops at the first problem, so an admin sees everything at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from bot.domain.echo import quote
from bot.domain.release import KOREA, YEARS, Release, ReleaseError, zone

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
NAME_MAX, LOGLINE_MAX, LONG_MAX, QUOTE_MAX = 200, 1_000, 4_000, 2_000
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$", re.ASCII)

Check = Callable[["Checker", Any, str], Any]


class Spec:
    """One key of a table: how to check it and whether it must be there."""

    __slots__ = ("check", "required")

    def __init__(self, check: Check, *, required: bool = False) -> None:
        self.check = check
        self.required = required


def req(check: Check) -> Spec:
    """A required key."""
    return Spec(check, required=True)


def opt(check: Check) -> Spec:
    """An optional key."""
    return Spec(check)


def _type_name(value: object) -> str:
    names = {dict: "a table", list: "an array", str: "a string", bool: "a boolean"}
    names |= {int: "an integer", float: "a number"}
    return names.get(type(value), type(value).__name__)


def join(path: str, key: str | int) -> str:
    """``a.b`` + ``c`` → ``a.b.c``; ``a`` + 2 → ``a[2]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Enough(Exception):
    """Raised by :meth:`Checker.add` once it holds as many problems as anyone will read."""


class Checker:
    """Collects ``(path, message)`` problems while cleaning a parsed document."""

    def __init__(self, limit: int | None = None) -> None:
        self.problems: list[tuple[str, str]] = []
        self.limit = limit
        # Every sources list seen, checked against [sources] once the whole file is read.
        self.cited: list[tuple[str, tuple[str, ...]]] = []

    def add(self, path: str, message: str) -> None:
        """Record a problem; raise :class:`Enough` once ``limit`` are recorded."""
        self.problems.append((path, message))
        if self.limit is not None and len(self.problems) >= self.limit:
            raise Enough

    def table(self, value: Any, path: str, specs: dict[str, Spec]) -> dict[str, Any] | None:
        """Check a table against its specs: unknown keys, missing keys, then each value."""
        if not isinstance(value, dict):
            self.add(path, f"must be a table, not {_type_name(value)}")
            return None
        for key in value:
            if key not in specs:
                self.add(join(path, key), f"unknown key (allowed: {', '.join(specs)})")
        out: dict[str, Any] = {}
        for key, spec in specs.items():
            if key in value:
                out[key] = spec.check(self, value[key], join(path, key))
            else:
                if spec.required:
                    self.add(join(path, key), "is required")
                out[key] = None
        return out

    def keyed(self, value: Any, path: str, item: Check) -> dict[str, Any]:
        """A table of slug-keyed rows, like ``[people.han-so-hee]``."""
        if not isinstance(value, dict):
            self.add(path, f"must be a table, not {_type_name(value)}")
            return {}
        out = {}
        for key, row in value.items():
            if not SLUG.fullmatch(key):
                self.add(join(path, key), "key must be a slug: a-z, 0-9 and '-', at most 64")
            out[key] = item(self, row, join(path, key))
        return out

    def array(self, value: Any, path: str, item: Check) -> list[Any]:
        """An array whose items all pass ``item``."""
        if not isinstance(value, list):
            self.add(path, f"must be an array, not {_type_name(value)}")
            return []
        return [item(self, v, join(path, i)) for i, v in enumerate(value)]


def text(limit: int = NAME_MAX) -> Check:
    """A non-empty string of at most ``limit`` characters."""

    def check(c: Checker, value: Any, path: str) -> str | None:
        if not isinstance(value, str):
            c.add(path, f"must be a string, not {_type_name(value)}")
            return None
        if not value.strip():
            c.add(path, "must not be empty")
            return None
        if len(value) > limit:
            c.add(path, f"is {len(value)} characters long; the limit is {limit}")
            return None
        return value

    return check


def integer(minimum: int, maximum: int = 1_000_000_000) -> Check:
    """An integer (not a boolean) from ``minimum`` to ``maximum``.

    The upper cap matters: SQLite cannot bind a Python int past 64 bits.
    """

    def check(c: Checker, value: Any, path: str) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool):
            c.add(path, f"must be an integer, not {_type_name(value)}")
            return None
        if not minimum <= value <= maximum:
            c.add(path, f"must be from {minimum} to {maximum}, not {value}")
            return None
        return value

    return check


def slug(c: Checker, value: Any, path: str) -> str | None:
    """A slug such as ``soundtrack-1``."""
    value = text(64)(c, value, path)
    if value is not None and not SLUG.fullmatch(value):
        c.add(
            path,
            f"{quote(value)} is not a slug (a-z, 0-9 and '-', starting with a letter or digit)",
        )
        return None
    return value


def url(c: Checker, value: Any, path: str) -> str | None:
    """An absolute http(s) address."""
    value = text(2_000)(c, value, path)
    if value is not None and not re.fullmatch(r"https?://[^\s/]+\.[^\s]*", value):
        c.add(path, f"{quote(value)} is not an http(s) address")
        return None
    return value


def iso_date(c: Checker, value: Any, path: str) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` that names a real date."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()  # an unquoted TOML date is what the admin meant
    value = text(10)(c, value, path)
    if value is None:
        return None
    if not _ISO_DATE.fullmatch(value):
        c.add(path, f"{quote(value)} is not a date like 2022-03-23 (or 2022-03, 2022)")
        return None
    parts = [int(p) for p in value.split("-")] + [1, 1]
    if parts[0] not in YEARS:
        c.add(path, f"{quote(value)}: the year must be between {YEARS.start} and {YEARS.stop - 1}")
        return None
    try:
        dt.date(parts[0], parts[1], parts[2])
    except ValueError as exc:
        c.add(path, f"{quote(value)} is not a real date: {exc}")
        return None
    return value


def strings(item: Check) -> Check:
    """An array of strings each passing ``item``."""

    def check(c: Checker, value: Any, path: str) -> tuple[str, ...] | None:
        items = c.array(value, path, item)
        return None if any(i is None for i in items) else tuple(items)

    return check


def sources(c: Checker, value: Any, path: str) -> tuple[str, ...] | None:
    """A non-empty array of source keys (checked against ``[sources]`` later)."""
    keys = strings(text(64))(c, value, path)
    if keys is not None and not keys:
        c.add(path, "must name at least one source")
        return None
    # Order carries no meaning; sorting makes exports and diffs stable.
    return None if keys is None else tuple(sorted(set(keys)))


def field_sources(fields: tuple[str, ...]) -> Check:
    """``{field = [source, ...]}`` narrowing named fields to fewer sources."""

    def check(c: Checker, value: Any, path: str) -> dict[str, tuple[str, ...]] | None:
        specs = {name: opt(sources) for name in fields}
        out = c.table(value, path, specs)
        return None if out is None else {k: v for k, v in out.items() if v is not None}

    return check


def one_of(*allowed: str) -> Check:
    """A string from a fixed set."""

    def check(c: Checker, value: Any, path: str) -> str | None:
        value = text(64)(c, value, path)
        if value is not None and value not in allowed:
            c.add(path, f"{quote(value)} is not one of: {', '.join(allowed)}")
            return None
        return value

    return check


def release(*, sourced: bool, episode: bool = False) -> Check:
    """``{date, precision, tz[, sources][, episode]}``: (Release, sources, episode)."""
    # precision is optional: a date's shape says how much of it is known (2022-03: a month).
    specs = {"date": req(text(24)), "precision": opt(text(16)), "tz": opt(text(64))}
    specs["sources"] = req(sources) if sourced else opt(sources)
    if episode:
        specs["episode"] = opt(integer(1))

    def check(
        c: Checker, value: Any, path: str
    ) -> tuple[Release, tuple[str, ...], int | None] | None:
        row = c.table(value, path, specs)
        if row is None or row["date"] is None:
            return None
        try:
            zone(row["tz"] or KOREA)
        except ReleaseError as exc:
            c.add(join(path, "tz"), str(exc))
            return None
        try:
            parsed = Release.parse(row["date"], row["precision"], row["tz"] or KOREA)
        except ReleaseError as exc:
            # Name the key the message is really about.
            msg = str(exc)
            key = "precision" if msg.startswith("unknown precision") else "date"
            c.add(join(path, key), msg)
            return None
        return parsed, row["sources"] or (), row.get("episode")

    return check
