"""Which catalog fields an admin may edit from Discord, and how each value is checked.

Pure: turns the text an admin typed into the value stored (or a clear problem), using
the same checks and limits as show files so Discord and ``data/`` agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.domain import _showfile_check as chk
from bot.domain.echo import quote
from bot.domain.errors import InputError
from bot.domain.release import Release, release_of

# What an edit may touch, per entity kind. A "long" field is typed in a modal.
LONG_FIELDS = frozenset({"logline", "synopsis", "description"})
KINDS = ("show", "person", "character", "credit", "episode", "media", "source", "alias")


class FieldError(InputError):
    """A value an admin typed that cannot be stored; the message says why."""


@dataclass(frozen=True, slots=True)
class Field:
    """One editable field: its check and, for long text, its modal length."""

    name: str
    check: chk.Check
    limit: int = chk.NAME_MAX

    @property
    def long(self) -> bool:
        """Whether the field is typed in a modal rather than as an option."""
        return self.name in LONG_FIELDS


def _genres(c: chk.Checker, value: Any, path: str) -> list[str] | None:
    items = [g.strip() for g in str(value).split(",") if g.strip()]
    checked = chk.strings(chk.text(64))(c, items, path)
    return None if checked is None else list(checked)


def _count(c: chk.Checker, value: Any, path: str) -> int | None:
    text = str(value).strip()
    if not re.fullmatch(r"\d{1,4}", text, re.ASCII):
        c.add(path, f"{quote(text)} is not a whole number", "check.not_whole_number", value=text)
        return None
    return chk.integer(0, 1000)(c, int(text), path)


_NAME, _LOG, _LONG = chk.text(chk.NAME_MAX), chk.text(chk.LOGLINE_MAX), chk.text(chk.LONG_MAX)
_MEDIA_KINDS = chk.one_of("trailer", "teaser", "poster", "ost")

FIELDS: dict[str, dict[str, Field]] = {
    kind: {f.name: f for f in fields}
    for kind, fields in {
        "show": (
            Field("title", _NAME), Field("native_title", _NAME), Field("platform", _NAME),
            Field("format", _NAME), Field("episode_count", _count), Field("genres", _genres),
            Field("logline", _LOG, chk.LOGLINE_MAX), Field("synopsis", _LONG, chk.LONG_MAX),
            Field("poster_url", chk.url, 2000),
        ),
        "person": (Field("name", _NAME), Field("native_name", _NAME)),
        "character": (Field("name", _NAME), Field("description", _LONG, chk.LONG_MAX)),
        "credit": (Field("role", chk.text(64)),),
        "episode": (Field("title", _NAME), Field("synopsis", _LONG, chk.LONG_MAX)),
        "media": (
            Field("kind", _MEDIA_KINDS), Field("title", _NAME), Field("artist", _NAME),
            Field("released", chk.iso_date), Field("description", _LONG, chk.LONG_MAX),
            Field("url", chk.url, 2000),
        ),
        "source": (
            Field("publisher", _NAME), Field("title", _NAME),
            Field("published", chk.iso_date), Field("url", chk.url, 2000),
        ),
        "alias": (Field("name", _NAME),),
    }.items()
}  # fmt: skip


def _run(check: Callable[[chk.Checker, Any, str], Any], value: Any, label: str) -> Any:
    checker = chk.Checker()
    cleaned = check(checker, value, label)
    if checker.problems:
        # An admin edits one value at a time: the first problem is the one to say.
        key, fields = checker.keys[0]
        message = "; ".join(f"{path} {message}" for path, message in checker.problems)
        raise FieldError(message, key=key, **fields) if key else FieldError(message)
    return cleaned


def clean(kind: str, field: str, value: str | None) -> Any:
    """The stored form of ``value`` for ``kind.field``; None (or blank) clears it.

    Raises :class:`FieldError` naming the problem (too long, not a URL, ...).
    """
    spec = FIELDS.get(kind, {}).get(field)
    if spec is None:
        allowed = ", ".join(FIELDS.get(kind, {})) or "none"
        raise FieldError(
            f"{kind} has no editable field {quote(field)} (editable: {allowed})",
            key="field.not_editable",
            kind=kind,
            field=field,
            allowed=allowed,
        )
    if value is None or not str(value).strip():
        return None
    return _run(spec.check, value, field)


# SQLite's INTEGER is a signed 64-bit number; a row id is positive.
ROW_ID_MAX = 2**63 - 1
_ROW_ID = re.compile(r"[0-9]{1,19}")


def parse_row_id(value: str) -> int | None:
    """A row id as autocomplete offers it: ASCII digits within 1..2⁶³−1, else None.

    ``str.isdigit`` also accepts ``²`` and ``①`` (which ``int`` refuses) and any number
    of digits (which SQLite cannot bind), so neither decides here.
    """
    text = value.strip() if isinstance(value, str) else ""
    if not _ROW_ID.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= ROW_ID_MAX else None


def clean_slug(value: str) -> str:
    """A slug such as ``lee-eun-soo``, or :class:`FieldError`."""
    return _run(chk.slug, value.strip(), "slug")


def slugify(name: str) -> str:
    """A slug made from a name ("Han So-hee" → ``han-so-hee``); may be empty for non-Latin."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64]


def parse_release(when: str, precision: str | None, tz: str) -> dict[str, Any]:
    """``when`` in ``tz`` as the stored release value, or the time module's InputError.
    The precision is what was typed (``2022-03`` is a month); ``precision``, when given,
    must agree."""
    release = Release.parse(when, precision, tz)
    return {"at": release.at, "precision": release.precision.value, "tz": release.tz}


def describe(value: Any) -> str:
    """A short human form of a stored value for history lines."""
    if value is None:
        return "∅"
    if isinstance(value, dict) and {"at", "precision", "tz"} <= value.keys():
        release = release_of(value["at"], value["precision"], value["tz"])
        return "∅" if release is None else f"{release.text()} ({release.precision.value})"
    if isinstance(value, dict):
        shown = (f"{k}={v}" for k, v in value.items() if k != "id" and not k.startswith("_"))
        return "{" + ", ".join(shown) + "}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
