"""The one place times are read: zones, durations, instants and partial dates.

Every command and file that takes a time reads it here, so they all take the same forms:

- **zones**: ``KST``, ``JST``, ``UTC``/``GMT``/``Z``, an offset ``+09:00`` (or ``+0900``),
  or an IANA name like ``Asia/Seoul`` (:func:`zone`, :func:`zone_name`);
- **durations**: ``w d h m s`` units, ``7d``, ``2d 4h``, ``90m`` (:func:`parse_duration`);
- **instants** (:func:`parse_when`, for ``/announce add … when:``): an ISO-8601 instant
  with an offset (``2022-03-23T18:00+09:00``, ``…Z``); a date and time with a zone
  (``2022-03-23 18:00 KST``, ``… Asia/Seoul``, ``… +09:00``); a date and time alone, read
  in the server's zone; a relative time (``in 3h``, ``in 2d 4h``); an offset from the
  show's premiere: ``D-3`` (days; needs a day-precision premiere or better), ``H-1``
  (hours; needs minute precision), ``D-0`` the premiere itself;
- **partial dates** for releases (:func:`parse_partial`): ``2022``, ``2022-03``,
  ``2022-03-23``, ``2022-03-23 18:00`` (``T`` or a space, an optional zone); the precision
  is what was typed.

Anything else raises :class:`TimeExprError` with a message meant for the user; the
parsers never raise anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.echo import quote
from bot.domain.errors import InputError, Term

if TYPE_CHECKING:
    from bot.domain.release import Release

# The zone a new server's releases and times are read in, and the bundled shows' zone.
DEFAULT_ZONE = "Asia/Seoul"
# The years a release may fall in. Outside them datetime cannot represent the end of the
# period in every zone (year 1 minus +09:00 is year 0), and no drama premieres there.
YEARS = range(1900, 2101)
YEAR_AHEAD = 366 * 86400
_ABBREVIATIONS = {"KST": DEFAULT_ZONE, "JST": "Asia/Tokyo", "UTC": "UTC", "GMT": "UTC", "Z": "UTC"}
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$", re.ASCII)
# The longest IANA zone name is 32 characters; past this no lookup can succeed.
_ZONE_NAME_MAX = 64
_ZONE_HINT = "use KST, JST, UTC, an offset like +09:00 or an IANA name like Asia/Seoul"
_DATE_TIME = r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?"
_LOCAL = re.compile(rf"^{_DATE_TIME}(?:\s+(\S+))?$", re.ASCII)
_DURATION = re.compile(r"^(?:\d{1,6}\s*[wdhms]\s*)+$", re.IGNORECASE | re.ASCII)
_UNIT = re.compile(r"(\d{1,6})\s*([wdhms])", re.IGNORECASE | re.ASCII)
_RELATIVE = re.compile(r"^in\s+(.+)$", re.IGNORECASE | re.ASCII)
_PREMIERE = re.compile(r"^([DH])\s*-\s*(\d{1,4})$", re.IGNORECASE | re.ASCII)
_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_ATTACHED_OFFSET = re.compile(r"(\d:\d{2})(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE | re.ASCII)
_ISO_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE | re.ASCII)
# An offset stuck to the time and a zone after it: two zones, and no telling which.
_ZONE_TWICE = re.compile(rf"^{_DATE_TIME}(?:Z|[+-]\d{{2}}:?\d{{2}})\s+\S+$", re.I | re.ASCII)


class TimeExprError(InputError):
    """A time, duration, zone or date that cannot be understood or is not allowed; says why."""


class Precision(StrEnum):
    """How much of an instant is known."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    MINUTE = "minute"

    @property
    def term(self) -> Term:
        """The precision's name, said in the reader's language (``time.precision.day``)."""
        return Term(f"time.precision.{self.value}")

    @property
    def rank(self) -> int:
        """Coarse to fine: year 0 … minute 3."""
        return list(Precision).index(self)


# --- zones -------------------------------------------------------------------------


def _typed(value: object) -> str:
    """What a user typed, as a message field: text, bounded (the reply echoes it safely)."""
    return value[:200] if isinstance(value, str) else repr(value)[:200]


def _unknown_zone(typed: object) -> TimeExprError:
    # The key says it in the user's language; the text is for show files and logs.
    message = f"unknown time zone {quote(typed)} ({_ZONE_HINT})"
    return TimeExprError(message, key="time.unknown_zone", zone=str(typed)[:64])


def zone_name(text: str) -> str:
    """The stored name of the zone ``text`` names: IANA for abbreviations (``KST`` →
    ``Asia/Seoul``), ``+09:00`` for offsets, the IANA name itself otherwise.

    Any string at all is answered: a name too long for the file system, a path, NUL or a
    lone surrogate are all just unknown zones (:class:`TimeExprError`).
    """
    if not isinstance(text, str) or not text.strip() or len(text) > _ZONE_NAME_MAX:
        raise _unknown_zone(text)
    name = text.strip()
    name = _ABBREVIATIONS.get(name.upper(), name)
    offset = _OFFSET.match(name)
    if offset:
        sign, hours, minutes = offset.groups()
        if int(hours) > 23 or int(minutes) > 59:
            raise _unknown_zone(text)
        return f"{sign}{hours}:{minutes}"
    _iana(name, text)
    return name


def zone(text: str) -> tzinfo:
    """The zone ``text`` names (see :func:`zone_name`), or :class:`TimeExprError`."""
    name = zone_name(text)
    offset = _OFFSET.match(name)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3)))
        return UTC if not delta else timezone(sign * delta)
    return _iana(name, text)


@lru_cache(maxsize=256)
def _cached_zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _iana(name: str, typed: str) -> ZoneInfo:
    try:
        return _cached_zone(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError) as exc:
        raise _unknown_zone(typed) from exc


# --- durations ---------------------------------------------------------------------


def parse_duration(text: str) -> int:
    """``7d``, ``2d 4h``, ``90m``, ``30s`` → seconds; units w d h m s, above zero."""
    spec = " ".join(text.split()) if isinstance(text, str) else ""
    if not spec or len(spec) > 100 or not _DURATION.match(spec):
        raise TimeExprError(
            f"I could not read {quote(text)} as a duration; try 7d, 2d 4h or 90m.",
            key="time.bad_duration",
            text=_typed(text),
        )
    seconds = sum(int(n) * _SECONDS[u.lower()] for n, u in _UNIT.findall(spec))
    if seconds <= 0:
        raise TimeExprError("A duration must be above zero, like 1h.", key="time.duration_zero")
    return seconds


# --- partial dates -----------------------------------------------------------------

_PARTIAL: dict[Precision, re.Pattern[str]] = {
    Precision.YEAR: re.compile(r"^(\d{4})$", re.ASCII),
    Precision.MONTH: re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII),
    Precision.DAY: re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII),
    Precision.MINUTE: re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})$", re.ASCII),
}


@dataclass(frozen=True, slots=True)
class Partial:
    """A release as typed: the UTC start of its period, its precision and zone name."""

    at: int
    precision: Precision
    tz: str


def precision_of(value: str | Precision) -> Precision:
    """The precision ``value`` names, or :class:`TimeExprError` listing the allowed ones."""
    try:
        return Precision(value)
    except ValueError as exc:
        allowed = ", ".join(p.value for p in Precision)
        raise TimeExprError(
            f"unknown precision {quote(value)} (use one of: {allowed})",
            key="time.unknown_precision",
            precision=_typed(value),
            allowed=allowed,
        ) from exc


def parse_partial(
    text: str, precision: str | Precision | None = None, tz: str = DEFAULT_ZONE
) -> Partial:
    """``2022``, ``2022-03``, ``2022-03-23``, ``2022-03-23 18:00 [zone]`` in ``tz``.

    The precision is what was typed; ``precision``, when given, must agree with it.
    Impossible dates and years outside 1900–2100 are refused.
    """
    wanted = None if precision in (None, "") else precision_of(precision)
    spec = " ".join(text.split()) if isinstance(text, str) else ""
    # An offset stuck to the time, ISO style: 2022-03-23T18:00+09:00, …Z.
    spec = _ATTACHED_OFFSET.sub(r"\1 \2", spec)
    words = spec.split(" ")
    if len(words) == 3 or (len(words) == 2 and (":" not in words[1] or _OFFSET.match(words[1]))):
        tz = words.pop()  # a trailing zone: "2022-03-23 18:00 KST"
    spec = " ".join(words)
    found = next(((p, m) for p, m in ((p, r.match(spec)) for p, r in _PARTIAL.items()) if m), None)
    if found is None:
        raise TimeExprError(
            f"{quote(text)} is not a date I can read: use 2022, 2022-03, 2022-03-23 "
            "or 2022-03-23 18:00 (a zone may follow, like KST)",
            key="time.bad_date",
            text=_typed(text),
        )
    typed, match = found
    if wanted is not None and wanted is not typed:
        raise TimeExprError(
            f"{quote(text)} is a date to the {typed.value}, not to the {wanted.value}; "
            "leave the precision out to use what you typed",
            key="time.precision_mismatch",
            text=_typed(text),
            typed=typed.term,
            wanted=wanted.term,
        )
    parts = [int(p) for p in match.groups()]
    # Missing parts take the start of the period: month 1, day 1, 00:00.
    year, month, day, hour, minute = parts + [0, 1, 1, 0, 0][len(parts) :]
    if year not in YEARS:
        raise TimeExprError(
            f"{quote(text)}: the year must be between {YEARS.start} and {YEARS.stop - 1}",
            key="time.year_range",
            text=_typed(text),
            first=YEARS.start,
            last=YEARS.stop - 1,
        )
    name = zone_name(tz)
    try:
        local = datetime(year, month, day, hour, minute, tzinfo=zone(name))
    except ValueError as exc:
        raise TimeExprError(
            f"{quote(text)} is not a real date: {exc}",
            key="time.not_real_date",
            text=_typed(text),
            reason=str(exc),
        ) from exc
    return Partial(int(local.timestamp()), typed, name)


# --- instants ----------------------------------------------------------------------


def _iso(text: str) -> int:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise TimeExprError(
            f"{quote(text)} is not a valid ISO-8601 instant ({exc}).",
            key="time.bad_iso",
            text=_typed(text),
            reason=str(exc),
        ) from exc
    if moment.tzinfo is None:
        raise TimeExprError(
            f"{quote(text)} has no offset; add one like +09:00.", key="time.no_offset", text=text
        )
    return int(moment.timestamp())


def _local(match: re.Match[str], guild_tz: str) -> int:
    year, month, day, hour, minute, second = (int(g or 0) for g in match.groups()[:6])
    tz = zone(match.group(7) or guild_tz)
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError as exc:
        raise TimeExprError(
            f"That is not a real date and time ({exc}).",
            key="time.not_real_datetime",
            text=match.group(0),
            reason=str(exc),
        ) from exc
    return int(moment.timestamp())


def _relative(spec: str, now: int) -> int:
    try:
        return now + parse_duration(spec)
    except TimeExprError as exc:
        if exc.key != "time.bad_duration":
            raise  # a duration of zero says so itself
        raise TimeExprError(
            f"A relative time is `in` and a duration, like `in 3h`: {exc}",
            key="time.bad_relative",
            text=_typed(spec),
        ) from exc


def _from_premiere(unit: str, amount: int, premiere: Release | None) -> int:
    if premiere is None:
        raise TimeExprError(
            "This show has no premiere date yet, so D-/H- offsets cannot be used.",
            key="time.no_premiere",
        )
    needs = Precision.DAY if unit == "D" else Precision.MINUTE
    if not premiere.at_least(needs):
        what = "a day" if needs is Precision.DAY else "an exact time"
        raise TimeExprError(
            f"The premiere is only known to the {premiere.precision.value}; "
            f"{unit}-{amount} needs {what}.",
            key=f"time.premiere_needs_{needs.value}",
            known=premiere.precision.term,
            offset=f"{unit}-{amount}",
        )
    step = 86400 if unit == "D" else 3600
    return premiere.at - amount * step


def parse_when(
    text: str, *, now: int, guild_tz: str = DEFAULT_ZONE, premiere: Release | None = None
) -> int:
    """The UTC epoch second ``text`` names (see the module docs for the forms)."""
    if not isinstance(text, str) or not text.strip():
        raise TimeExprError(
            "Say when: for example `2022-03-23 18:00 KST`, `in 3h` or `D-1`.", key="time.say_when"
        )
    text = " ".join(text.split())
    if len(text) > 100:
        raise TimeExprError("That time expression is too long.", key="time.too_long")
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
        raise TimeExprError(
            f"{quote(text)} is out of range.", key="time.out_of_range", text=text
        ) from exc
    if _ZONE_TWICE.match(text):
        raise TimeExprError(
            f"{quote(text)} names its zone twice; give the zone once: an offset or a zone name.",
            key="time.zone_twice",
            text=text,
        )
    raise TimeExprError(
        f"I could not read {quote(text)} as a time. Try `2022-03-23 18:00 KST`, "
        "`2022-03-23T18:00+09:00`, `in 2d 4h` or `D-1`.",
        key="time.bad_when",
        text=text,
    )


def check_window(at: int, *, now: int) -> None:
    """Refuse instants in the past or more than a year ahead."""
    if at <= now:
        raise TimeExprError(
            "That time is already past; pick a moment in the future.", key="time.past"
        )
    if at - now > YEAR_AHEAD:
        raise TimeExprError(
            "That is more than a year ahead; schedule it closer to the date.", key="time.too_far"
        )


def korea_text(at: int) -> str:
    """The instant in Korea time, e.g. ``2022-03-23 18:00 KST``."""
    return datetime.fromtimestamp(at, zone(DEFAULT_ZONE)).strftime("%Y-%m-%d %H:%M KST")


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
