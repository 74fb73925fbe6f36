"""The bot's one source of "now", so tests and the sandbox can move time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import discord


class Clock:
    """Wall-clock time in UTC, optionally shifted by a fixed offset.

    discord.py's ``utils.utcnow`` is what SimCord drives in virtual time; an offset
    lets a test or the sandbox live in March 2022 while SimCord's own clock starts
    in 2026 and only moves forward.
    """

    def __init__(
        self,
        *,
        offset: timedelta = timedelta(0),
        source: Callable[[], datetime] = discord.utils.utcnow,
    ) -> None:
        self.offset = offset
        self._source = source

    @classmethod
    def starting_at(cls, instant: datetime) -> Clock:
        """A clock whose "now" is ``instant`` at the moment of the call."""
        return cls(offset=instant.astimezone(UTC) - discord.utils.utcnow())

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return self._source() + self.offset

    def timestamp(self) -> int:
        """The current instant as UTC epoch seconds."""
        return int(self.now().timestamp())
