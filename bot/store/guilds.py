"""Per-guild settings: channels, roles, zone and the knobs of each feature."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from bot.domain.timeexpr import DEFAULT_ZONE
from bot.store.db import Database


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """One guild's settings row (defaults when the guild has none yet)."""

    guild_id: int
    announce_channel_id: int | None = None
    discussion_channel_id: int | None = None
    log_channel_id: int | None = None
    notify_role_id: int | None = None
    moderator_role_id: int | None = None
    admin_role_id: int | None = None
    timezone: str = DEFAULT_ZONE
    default_show: str | None = None
    catchup_seconds: int = 3600
    watchable_delay_seconds: int = 0
    combine_double_drops: bool = False
    archive_minutes: int = 10080
    discussion_polls: bool = True
    seeded_at: int | None = None


# Every column a caller may set: the dataclass fields less the key and the seed marker.
SETTABLE = frozenset(f.name for f in fields(GuildSettings)) - {"guild_id", "seeded_at"}


async def get_settings(db: Database, guild_id: int) -> GuildSettings:
    """The guild's settings, or the defaults when it has no row yet."""
    row = await db.fetchone("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
    if row is None:
        return GuildSettings(guild_id=guild_id)
    values = {key: row[key] for key in row.keys()}  # noqa: SIM118 - sqlite3.Row is not a dict
    values["combine_double_drops"] = bool(values["combine_double_drops"])
    values["discussion_polls"] = bool(values["discussion_polls"])
    return GuildSettings(**values)


async def update_settings(db: Database, guild_id: int, **changes: Any) -> GuildSettings:
    """Set some of a guild's settings (creating its row) and return the new settings."""
    unknown = set(changes) - SETTABLE
    if unknown:
        raise ValueError(f"unknown guild settings: {', '.join(sorted(unknown))}")
    if changes:
        columns = sorted(changes)
        # Column names come from SETTABLE only; values are bound.
        assignments = ", ".join(f"{c} = excluded.{c}" for c in columns)
        sql = (
            f"INSERT INTO guild_settings (guild_id, {', '.join(columns)}) "
            f"VALUES (?, {', '.join('?' for _ in columns)}) "
            f"ON CONFLICT (guild_id) DO UPDATE SET {assignments}"
        )
        values = [int(v) if isinstance(v, bool) else v for v in (changes[c] for c in columns)]
        await db.execute(sql, (guild_id, *values))
    return await get_settings(db, guild_id)
