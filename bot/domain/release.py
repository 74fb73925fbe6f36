"""Release instants that know how precisely they are known.

A premiere may be known to the year, the month, the day or the minute. It is stored as
the UTC epoch second at which that period *starts* in the show's zone, plus the
precision; "March 2022" in Asia/Seoul is 2022-03-01 00:00 KST at month precision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.domain.echo import quote
from bot.domain.timeexpr import (
    DEFAULT_ZONE,
    YEARS,
    Precision,
    TimeExprError,
    parse_partial,
    zone,
)

# Re-exported: releases are read by the one time module (bot.domain.timeexpr).
__all__ = ["KOREA", "YEARS", "Precision", "Release", "ReleaseError", "release_of", "zone"]

KOREA = DEFAULT_ZONE
# A release text, precision or zone that cannot be understood: the time module's error.
ReleaseError = TimeExprError


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
                raise ReleaseError(
                    f"unknown precision {quote(self.precision)}",
                    key="time.unknown_precision",
                    precision=str(self.precision)[:200],
                    allowed=", ".join(p.value for p in Precision),
                ) from exc

    @classmethod
    def parse(cls, text: str, precision: str | Precision | None = None, tz: str = KOREA) -> Release:
        """``2022``, ``2022-03``, ``2022-03-23`` or ``2022-03-23 18:00 [zone]`` local to
        ``tz`` (see :func:`bot.domain.timeexpr.parse_partial`); the precision is what was
        typed, and ``precision``, when given, must agree with it."""
        found = parse_partial(text, precision, tz)
        return cls(found.at, found.precision, found.tz)

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


def release_of(at: int | None, precision: str | None, tz: str | None) -> Release | None:
    """The Release three stored columns hold (a row's ``…_at``, ``…_precision``, ``…_tz``,
    or a history value's ``at``/``precision``/``tz``), or None when it is unknown: the one
    place stored columns become a release."""
    if at is None or precision is None:
        return None
    return Release(at, Precision(precision), tz or KOREA)
