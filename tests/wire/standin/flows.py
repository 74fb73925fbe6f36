"""What people do in the fan server, as steps wire tests share (real commands only)."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.wire.standin.server import StandIn


def soon(seconds: int) -> str:
    """An `/announce add when:` value ``seconds`` ahead of real time (the bot runs on it)."""
    at = datetime.fromtimestamp(int(time.time()) + seconds, UTC)
    return at.strftime("%Y-%m-%d %H:%M:%S UTC")


async def configure(standin: StandIn, **settings: str) -> None:
    """An admin runs `/config set` (channel options by their fixture name)."""
    values = {name: standin.world.id(value) for name, value in settings.items()}
    answer = await (await standin.slash("admin", "general", "config set", **values)).wait()
    assert "Saved" in answer["content"], answer["content"]


async def announce(standin: StandIn, text: str, *, channel: str, in_seconds: int = 3) -> None:
    """A moderator schedules an announcement ``in_seconds`` ahead and confirms the preview."""
    asked = await standin.slash(
        "moderator",
        "general",
        "announce add",
        show="soundtrack-1",
        when=soon(in_seconds),
        text=text,
        channel=standin.world.id(channel),
    )
    preview = await asked.wait()
    assert preview["flags"] & 64, "the preview is for the moderator only"
    confirmed = await standin.click("moderator", preview, "announce:confirm")
    assert "#" in (await confirmed.wait())["content"]  # "Scheduled #<id> …"


def timer_row(database: Path, key_like: str = "custom:%") -> tuple[str, str | None]:
    """(status, result or last error) of the newest matching timer in the bot's store."""
    with sqlite3.connect(database, timeout=5) as conn:
        row = conn.execute(
            "SELECT status, coalesce(result, last_error) FROM timers WHERE key LIKE ?"
            " ORDER BY id DESC LIMIT 1",
            (key_like,),
        ).fetchone()
    return (row[0], row[1]) if row else ("absent", None)
