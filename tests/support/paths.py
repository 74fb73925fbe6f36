"""Where the tests find the bundled show, ``../shared``, and the times they start at."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.services.catalog import BUNDLED_SHOWS

# SimCord's virtual clock starts here and only moves forward.
SIMCORD_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
KST = ZoneInfo("Asia/Seoul")
# Three weeks before Soundtrack #1's premiere: the moment the bot is most worth watching.
DEFAULT_START = datetime(2022, 3, 1, 9, 0, tzinfo=KST)
SHARED = Path(__file__).resolve().parents[3] / "shared"
# The bundled show as the package finds it (a checkout's bot/data/shows).
BUNDLED = Path(str(BUNDLED_SHOWS.joinpath("soundtrack-1.toml")))


def clock_at(start: datetime) -> Clock:
    """A bot clock that reads ``start`` when SimCord's virtual clock reads its epoch."""
    return Clock(offset=start.astimezone(UTC) - SIMCORD_EPOCH)
