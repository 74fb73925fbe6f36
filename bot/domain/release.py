"""Release instants that know how precisely they are known.

A premiere may be known to the year, the month, the day or the minute. It is stored as
the UTC epoch second at which that period *starts* in the show's zone, plus the
precision; "March 2022" in Asia/Seoul is 2022-03-01 00:00 KST at month precision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.echo import quote

KOREA = "Asia/Seoul"
# The years a release may fall in. Outside them datetime cannot represent the end of the
# period in every zone (year 1 minus +09:00 is year 0), and no drama premieres there.
YEARS = range(1900, 2101)
# The longest IANA zone name is 32 characters; past this no lookup can succeed.
_ZONE_NAME_MAX = 64


class Precision(StrEnum):
    """How much of an instant is known."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    MINUTE = "minute"

    @property
    def rank(self) -> int:
        """Coarse to fine: year 0 … minute 3."""
        return list(Precision).index(self)


class ReleaseError(ValueError):
    """A release text, precision or zone that cannot be understood."""


_PATTERNS: dict[Precision, re.Pattern[str]] = {
    Precision.YEAR: re.compile(r"^(\d{4})$", re.ASCII),
    Precision.MONTH: re.compile(r"^(\d{4})-(\d{2})$", re.ASCII),
    Precision.DAY: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII),
    Precision.MINUTE: re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$", re.ASCII),
}


def zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name``, or a :class:`ReleaseError` naming it.

    Any string at all is answered: a name too long for the file system (``OSError``), a
    path, NUL or a lone surrogate (``ValueError``) are all just unknown zones.
    """
    hint = "use an IANA name like Asia/Seoul"
    if not isinstance(name, str) or not name or len(name) > _ZONE_NAME_MAX:
        raise ReleaseError(f"unknown time zone {quote(name)} ({hint})")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError) as exc:
        raise ReleaseError(f"unknown time zone {quote(name)} ({hint})") from exc


@dataclass(frozen=True, slots=True)
class Release:
    """A release: the start of its period as UTC epoch seconds, its precision and zone."""

    at: int
    precision: Precision
    tz: str = KOREA

    def __post_init__(self) -> None:
        # Rows and options carry the precision as text; every method compares members.
        if not isinstance(self.precision, Precision):
            try:
                object.__setattr__(self, "precision", Precision(self.precision))
            except ValueError as exc:
                raise ReleaseError(f"unknown precision {quote(self.precision)}") from exc

    @classmethod
    def parse(cls, text: str, precision: str | Precision, tz: str = KOREA) -> Release:
        """Parse ``2022``, ``2022-03``, ``2022-03-23`` or ``2022-03-23T18:00`` local to ``tz``.

        The text's shape must match ``precision``; impossible dates are refused.
        """
        try:
            prec = Precision(precision)
        except ValueError as exc:
            allowed = ", ".join(p.value for p in Precision)
            raise ReleaseError(
                f"unknown precision {quote(precision)} (use one of: {allowed})"
            ) from exc
        match = _PATTERNS[prec].match(text.strip()) if isinstance(text, str) else None
        if match is None:
            shapes = {"year": "YYYY", "month": "YYYY-MM", "day": "YYYY-MM-DD"}
            shape = shapes.get(prec.value, "YYYY-MM-DDTHH:MM")
            raise ReleaseError(f"{quote(text)} does not look like {shape} ({prec.value} precision)")
        parts = [int(p) for p in match.groups()]
        # Missing parts take the start of the period: month 1, day 1, 00:00.
        year, month, day, hour, minute = parts + [0, 1, 1, 0, 0][len(parts) :]
        if year not in YEARS:
            raise ReleaseError(
                f"{quote(text)}: the year must be between {YEARS.start} and {YEARS.stop - 1}"
            )
        where = zone(tz)
        try:
            local = datetime(year, month, day, hour, minute, tzinfo=where)
        except ValueError as exc:
            raise ReleaseError(f"{quote(text)} is not a real date: {exc}") from exc
        return cls(int(local.timestamp()), prec, tz)

    @property
    def local(self) -> datetime:
        """The start of the period in the release's own zone."""
        return datetime.fromtimestamp(self.at, zone(self.tz))

    @property
    def utc(self) -> datetime:
        """The start of the period in UTC."""
        return datetime.fromtimestamp(self.at, UTC)

    def text(self) -> str:
        """The inverse of :meth:`parse`: the local text at this precision."""
        local = self.local
        if self.precision is Precision.YEAR:
            return f"{local.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{local.year:04d}-{local.month:02d}"
        if self.precision is Precision.DAY:
            return local.date().isoformat()
        return local.strftime("%Y-%m-%dT%H:%M")

    def end(self) -> int:
        """UTC epoch second at which the period ends (exclusive)."""
        local = self.local
        if self.precision is Precision.YEAR:
            nxt = local.replace(year=local.year + 1)
        elif self.precision is Precision.MONTH:
            nxt = (local.replace(day=28) + timedelta(days=4)).replace(day=1)
        elif self.precision is Precision.DAY:
            nxt = datetime.combine(local.date() + timedelta(days=1), local.timetz())
        else:
            nxt = local + timedelta(minutes=1)
        return int(nxt.timestamp())

    def day(self) -> date:
        """The local calendar day the period starts on."""
        return self.local.date()

    def at_least(self, precision: Precision) -> bool:
        """Whether this release is known at least as precisely as ``precision``."""
        return self.precision.rank >= precision.rank
