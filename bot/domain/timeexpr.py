"""Time expressions moderators type for `/announce add … when:`.

Accepted forms (all become a UTC epoch second):

- an ISO-8601 instant with an offset: ``2022-03-23T18:00+09:00``, ``…Z``;
- a date and time with a zone: ``2022-03-23 18:00 KST``, ``2022-03-23 18:00 Asia/Seoul``;
- a date and time alone, read in the guild's zone: ``2022-03-23 18:00``;
- a relative time: ``in 3h``, ``in 2d 4h``, ``in 90m``, ``in 1w``;
- an offset from the show's premiere: ``D-3`` (days; needs a day-precision premiere or
  better), ``H-1`` (hours; needs minute precision), ``D-0`` the premiere itself.

Anything else raises :class:`TimeExprError` with a message meant for the user; the parser
never raises anything else.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.echo import quote
from bot.domain.release import Precision, Release

YEAR_AHEAD = 366 * 86400
_ABBREVIATIONS = {"KST": "Asia/Seoul", "JST": "Asia/Tokyo", "UTC": "UTC", "GMT": "UTC", "Z": "UTC"}
_LOCAL = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+(\S+))?$", re.ASCII
)
_RELATIVE = re.compile(r"^in\s+((?:\d{1,6}\s*[wdhm]\s*)+)$", re.IGNORECASE | re.ASCII)
_UNIT = re.compile(r"(\d{1,6})\s*([wdhm])", re.IGNORECASE | re.ASCII)
_PREMIERE = re.compile(r"^([DH])\s*-\s*(\d{1,4})$", re.IGNORECASE | re.ASCII)
_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60}
_ISO_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE | re.ASCII)


class TimeExprError(ValueError):
    """A time expression that cannot be understood or is not allowed; says why."""


def _zone(name: str) -> ZoneInfo:
    name = _ABBREVIATIONS.get(name.upper(), name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError) as exc:
        raise TimeExprError(
            f"Unknown time zone {quote(name)}: use KST, UTC or an IANA name like Asia/Seoul."
        ) from exc


def _iso(text: str) -> int:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise TimeExprError(f"{quote(text)} is not a valid ISO-8601 instant ({exc}).") from exc
    if moment.tzinfo is None:
        raise TimeExprError(f"{quote(text)} has no offset; add one like +09:00.")
    return int(moment.timestamp())


def _local(match: re.Match[str], guild_tz: str) -> int:
    year, month, day, hour, minute, second = (int(g or 0) for g in match.groups()[:6])
    tz = _zone(match.group(7) or guild_tz)
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError as exc:
        raise TimeExprError(f"That is not a real date and time ({exc}).") from exc
    return int(moment.timestamp())


def _relative(spec: str, now: int) -> int:
    total = sum(int(n) * _SECONDS[u.lower()] for n, u in _UNIT.findall(spec))
    if total <= 0:
        raise TimeExprError("A relative time must be in the future, like `in 3h`.")
    return now + total


def _from_premiere(unit: str, amount: int, premiere: Release | None) -> int:
    if premiere is None:
        raise TimeExprError("This show has no premiere date yet, so D-/H- offsets cannot be used.")
    needs = Precision.DAY if unit == "D" else Precision.MINUTE
    if not premiere.at_least(needs):
        what = "a day" if needs is Precision.DAY else "an exact time"
        raise TimeExprError(
            f"The premiere is only known to the {premiere.precision.value}; "
            f"{unit}-{amount} needs {what}."
        )
    step = 86400 if unit == "D" else 3600
    return premiere.at - amount * step


def parse_when(
    text: str, *, now: int, guild_tz: str = "Asia/Seoul", premiere: Release | None = None
) -> int:
    """The UTC epoch second ``text`` names (see the module docs for the forms)."""
    if not isinstance(text, str) or not text.strip():
        raise TimeExprError("Say when: for example `2022-03-23 18:00 KST`, `in 3h` or `D-1`.")
    text = " ".join(text.split())
    if len(text) > 100:
        raise TimeExprError("That time expression is too long.")
    try:
        if match := _PREMIERE.match(text):
            return _from_premiere(match.group(1).upper(), int(match.group(2)), premiere)
        if match := _RELATIVE.match(text):
            return _relative(match.group(1), now)
        if match := _LOCAL.match(text):
            return _local(match, guild_tz)
        if "T" in text.upper() and _ISO_OFFSET.search(text):
            return _iso(text)
    except TimeExprError:
        raise
    except (ValueError, OverflowError, OSError) as exc:
        raise TimeExprError(f"{quote(text)} is out of range.") from exc
    raise TimeExprError(
        f"I could not read {quote(text)} as a time. Try `2022-03-23 18:00 KST`, "
        "`2022-03-23T18:00+09:00`, `in 2d 4h` or `D-1`."
    )


def check_window(at: int, *, now: int) -> None:
    """Refuse instants in the past or more than a year ahead."""
    if at <= now:
        raise TimeExprError("That time is already past; pick a moment in the future.")
    if at - now > YEAR_AHEAD:
        raise TimeExprError("That is more than a year ahead; schedule it closer to the date.")


def korea_text(at: int) -> str:
    """The instant in Korea time, e.g. ``2022-03-23 18:00 KST``."""
    return datetime.fromtimestamp(at, ZoneInfo("Asia/Seoul")).strftime("%Y-%m-%d %H:%M KST")


def relative_text(seconds: int) -> str:
    """A short duration like ``2d 4h`` or ``35m`` (for how late a send was)."""
    parts = []
    delta = timedelta(seconds=max(0, seconds))
    if delta.days:
        parts.append(f"{delta.days}d")
    hours, rest = divmod(delta.seconds, 3600)
    if hours:
        parts.append(f"{hours}h")
    minutes, secs = divmod(rest, 60)
    if minutes:
        parts.append(f"{minutes}m")
    if not parts:
        parts.append(f"{secs}s")
    return " ".join(parts)
