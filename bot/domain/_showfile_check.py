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
# Each check carries the JSON Schema of what it accepts (``kdrama-bot data schema``, the
# reference in docs/): written beside the check itself, so the two cannot drift apart.
SCHEMA_ATTR = "json_schema"


def described(schema: dict[str, Any]) -> Callable[[Check], Check]:
    """Attach ``schema`` (JSON Schema of the accepted values) to a check."""

    def mark(check: Check) -> Check:
        setattr(check, SCHEMA_ATTR, schema)
        return check

    return mark


def schema_of(check: Check) -> dict[str, Any]:
    """The JSON Schema a check accepts (``{}``: anything it was not described for)."""
    return dict(getattr(check, SCHEMA_ATTR, {}))


def table_schema(specs: dict[str, Spec]) -> dict[str, Any]:
    """The JSON Schema of a table checked by :meth:`Checker.table` against ``specs``."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {key: schema_of(spec.check) for key, spec in specs.items()},
        "additionalProperties": False,
    }
    required = [key for key, spec in specs.items() if spec.required]
    if required:
        schema["required"] = required
    return schema


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
        # Beside each problem: its i18n key and fields (None for show-file structure
        # problems, which only a file's author sees, in English), for Discord's edits.
        self.keys: list[tuple[str | None, dict[str, Any]]] = []
        self.limit = limit
        # Every sources list seen, checked against [sources] once the whole file is read.
        self.cited: list[tuple[str, tuple[str, ...]]] = []

    def add(self, path: str, message: str, key: str | None = None, **fields: Any) -> None:
        """Record a problem; raise :class:`Enough` once ``limit`` are recorded.

        ``key`` names the problem's message in the i18n catalogs (filled with ``field``,
        the path, and ``fields``), for a value typed on Discord.
        """
        self.problems.append((path, message))
        self.keys.append((key, {"field": path, **fields}))
        if self.limit is not None and len(self.problems) >= self.limit:
            raise Enough

    def table(self, value: Any, path: str, specs: dict[str, Spec]) -> dict[str, Any] | None:
        """Check a table against its specs: unknown keys, missing keys, then each value."""
        if not isinstance(value, dict):
            self.add(
                path,
                f"must be a table, not {_type_name(value)}",
                "check.not_table",
                type=_type_name(value),
            )
            return None
        for key in value:
            if key not in specs:
                allowed = ", ".join(specs)
                self.add(
                    join(path, key),
                    f"unknown key (allowed: {allowed})",
                    "check.unknown_key",
                    allowed=allowed,
                )
        out: dict[str, Any] = {}
        for key, spec in specs.items():
            if key in value:
                out[key] = spec.check(self, value[key], join(path, key))
            else:
                if spec.required:
                    self.add(join(path, key), "is required", "check.required")
                out[key] = None
        return out

    def keyed(self, value: Any, path: str, item: Check) -> dict[str, Any]:
        """A table of slug-keyed rows, like ``[people.han-so-hee]``."""
        if not isinstance(value, dict):
            self.add(
                path,
                f"must be a table, not {_type_name(value)}",
                "check.not_table",
                type=_type_name(value),
            )
            return {}
        out = {}
        for key, row in value.items():
            if not SLUG.fullmatch(key):
                message = "key must be a slug: a-z, 0-9 and '-', at most 64"
                self.add(join(path, key), message, "check.key_not_slug")
            out[key] = item(self, row, join(path, key))
        return out

    def array(self, value: Any, path: str, item: Check) -> list[Any]:
        """An array whose items all pass ``item``."""
        if not isinstance(value, list):
            self.add(
                path,
                f"must be an array, not {_type_name(value)}",
                "check.not_array",
                type=_type_name(value),
            )
            return []
        return [item(self, v, join(path, i)) for i, v in enumerate(value)]


def text(limit: int = NAME_MAX) -> Check:
    """A non-empty string of at most ``limit`` characters."""

    @described({"type": "string", "minLength": 1, "maxLength": limit, "pattern": r"\S"})
    def check(c: Checker, value: Any, path: str) -> str | None:
        if not isinstance(value, str):
            c.add(
                path,
                f"must be a string, not {_type_name(value)}",
                "check.not_string",
                type=_type_name(value),
            )
            return None
        if not value.strip():
            c.add(path, "must not be empty", "check.empty")
            return None
        if len(value) > limit:
            message = f"is {len(value)} characters long; the limit is {limit}"
            c.add(path, message, "check.too_long", length=len(value), limit=limit)
            return None
        return value

    return check


def integer(minimum: int, maximum: int = 1_000_000_000) -> Check:
    """An integer (not a boolean) from ``minimum`` to ``maximum``.

    The upper cap matters: SQLite cannot bind a Python int past 64 bits.
    """

    @described({"type": "integer", "minimum": minimum, "maximum": maximum})
    def check(c: Checker, value: Any, path: str) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool):
            c.add(
                path,
                f"must be an integer, not {_type_name(value)}",
                "check.not_integer",
                type=_type_name(value),
            )
            return None
        if not minimum <= value <= maximum:
            message = f"must be from {minimum} to {maximum}, not {value}"
            c.add(path, message, "check.range", minimum=minimum, maximum=maximum, value=value)
            return None
        return value

    return check


@described({"type": "string", "pattern": SLUG.pattern})
def slug(c: Checker, value: Any, path: str) -> str | None:
    """A slug such as ``soundtrack-1``."""
    value = text(64)(c, value, path)
    if value is not None and not SLUG.fullmatch(value):
        c.add(
            path,
            f"{quote(value)} is not a slug (a-z, 0-9 and '-', starting with a letter or digit)",
            "check.not_slug",
            value=value,
        )
        return None
    return value


_URL = r"^https?://[^\s/]+\.[^\s]*$"


@described({"type": "string", "maxLength": 2_000, "pattern": _URL})
def url(c: Checker, value: Any, path: str) -> str | None:
    """An absolute http(s) address."""
    value = text(2_000)(c, value, path)
    if value is not None and not re.fullmatch(_URL, value):
        c.add(path, f"{quote(value)} is not an http(s) address", "check.not_url", value=value)
        return None
    return value


@described(
    {
        "type": "string",
        "pattern": _ISO_DATE.pattern,
        "description": "YYYY, YYYY-MM or YYYY-MM-DD (in TOML also a bare date)",
    }
)
def iso_date(c: Checker, value: Any, path: str) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` that names a real date."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()  # an unquoted TOML date is what the admin meant
    value = text(10)(c, value, path)
    if value is None:
        return None
    if not _ISO_DATE.fullmatch(value):
        message = f"{quote(value)} is not a date like 2022-03-23 (or 2022-03, 2022)"
        c.add(path, message, "check.not_date", value=value)
        return None
    parts = [int(p) for p in value.split("-")] + [1, 1]
    if parts[0] not in YEARS:
        first, last = YEARS.start, YEARS.stop - 1
        message = f"{quote(value)}: the year must be between {first} and {last}"
        c.add(path, message, "check.year_range", value=value, first=first, last=last)
        return None
    try:
        dt.date(parts[0], parts[1], parts[2])
    except ValueError as exc:
        message = f"{quote(value)} is not a real date: {exc}"
        c.add(path, message, "check.not_real_date", value=value, reason=str(exc))
        return None
    return value


def strings(item: Check) -> Check:
    """An array of strings each passing ``item``."""

    @described({"type": "array", "items": schema_of(item)})
    def check(c: Checker, value: Any, path: str) -> tuple[str, ...] | None:
        items = c.array(value, path, item)
        return None if any(i is None for i in items) else tuple(items)

    return check


SOURCES_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"\S"},
    "minItems": 1,
    "description": "keys of [sources]: the articles that report this",
}


@described(SOURCES_SCHEMA)
def sources(c: Checker, value: Any, path: str) -> tuple[str, ...] | None:
    """A non-empty array of source keys (checked against ``[sources]`` later)."""
    keys = strings(text(64))(c, value, path)
    if keys is not None and not keys:
        c.add(path, "must name at least one source", "check.no_source")
        return None
    # Order carries no meaning; sorting makes exports and diffs stable.
    return None if keys is None else tuple(sorted(set(keys)))


def field_sources(fields: tuple[str, ...]) -> Check:
    """``{field = [source, ...]}`` narrowing named fields to fewer sources."""

    specs = {name: opt(sources) for name in fields}

    @described(
        {
            **table_schema(specs),
            "description": "`{field = [source, …]}`: which of the row's sources back a field",
        }
    )
    def check(c: Checker, value: Any, path: str) -> dict[str, tuple[str, ...]] | None:
        out = c.table(value, path, specs)
        return None if out is None else {k: v for k, v in out.items() if v is not None}

    return check


def one_of(*allowed: str) -> Check:
    """A string from a fixed set."""

    @described({"type": "string", "enum": list(allowed)})
    def check(c: Checker, value: Any, path: str) -> str | None:
        value = text(64)(c, value, path)
        if value is not None and value not in allowed:
            listed = ", ".join(allowed)
            message = f"{quote(value)} is not one of: {listed}"
            c.add(path, message, "check.not_one_of", value=value, allowed=listed)
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
    schema = table_schema(specs)
    schema["properties"]["date"]["description"] = (
        "2022, 2022-03, 2022-03-23 or 2022-03-23 18:00 [zone]: the precision is what is given"
    )
    schema["properties"]["precision"] = {
        "type": "string",
        "enum": ["year", "month", "day", "minute"],
        "description": "optional: must agree with the date's shape",
    }
    schema["properties"]["tz"]["description"] = "an IANA zone; default Asia/Seoul"

    @described(schema)
    def check(
        c: Checker, value: Any, path: str
    ) -> tuple[Release, tuple[str, ...], int | None] | None:
        row = c.table(value, path, specs)
        if row is None or row["date"] is None:
            return None
        try:
            zone(row["tz"] or KOREA)
        except ReleaseError as exc:
            c.add(join(path, "tz"), str(exc), exc.key, **exc.fields)
            return None
        try:
            parsed = Release.parse(row["date"], row["precision"], row["tz"] or KOREA)
        except ReleaseError as exc:
            # Name the key the message is really about.
            msg = str(exc)
            key = "precision" if msg.startswith("unknown precision") else "date"
            c.add(join(path, key), msg, exc.key, **exc.fields)
            return None
        return parsed, row["sources"] or (), row.get("episode")

    return check
