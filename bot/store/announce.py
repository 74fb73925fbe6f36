"""Countdown plans, premiere events and the show facts announcements need."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.release import Precision, Release
from bot.store.db import Database


@dataclass(frozen=True, slots=True)
class ShowTiming:
    """What an announcement says about a show: its title, platform and premiere."""

    slug: str
    title: str
    platform: str | None
    premiere: Release | None


@dataclass(frozen=True, slots=True)
class Plan:
    """A confirmed countdown plan for one show."""

    guild_id: int
    show_slug: str
    channel_id: int | None


def _release(at: int | None, precision: str | None, tz: str) -> Release | None:
    return None if at is None or precision is None else Release(at, Precision(precision), tz)


async def show_timing(db: Database, guild_id: int, slug: str) -> ShowTiming | None:
    """The guild's show ``slug`` with its premiere, or None."""
    row = await db.fetchone(
        """SELECT slug, title, platform, premiere_at, premiere_precision, premiere_tz
           FROM shows WHERE guild_id = ? AND slug = ?""",
        (guild_id, slug),
    )
    if row is None:
        return None
    return ShowTiming(row[0], row[1], row[2], _release(row[3], row[4], row[5]))


async def next_episode(
    db: Database, guild_id: int, slug: str, after: int
) -> tuple[int, Release] | None:
    """The show's first episode released after ``after``: (number, release)."""
    row = await db.fetchone(
        """SELECT e.number, e.release_at, e.release_precision, e.release_tz FROM episodes e
           JOIN shows s ON s.id = e.show_id
           WHERE s.guild_id = ? AND s.slug = ? AND e.release_at > ?
           ORDER BY e.release_at, e.number LIMIT 1""",
        (guild_id, slug, after),
    )
    if row is None:
        return None
    return int(row[0]), Release(row[1], Precision(row[2]), row[3])


async def set_premiere(db: Database, guild_id: int, slug: str, premiere: Release) -> None:
    """Change a show's premiere (used by tests and the admin feature's edits)."""
    await db.execute(
        """UPDATE shows SET premiere_at = ?, premiere_precision = ?, premiere_tz = ?
           WHERE guild_id = ? AND slug = ?""",
        (premiere.at, premiere.precision.value, premiere.tz, guild_id, slug),
    )


async def save_plan(db: Database, plan: Plan, *, created_by: int, now: int) -> None:
    """Enable (or re-point) a show's countdown plan."""
    await db.execute(
        """INSERT INTO announce_plans (guild_id, show_slug, channel_id, created_by, created_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (guild_id, show_slug) DO UPDATE SET channel_id = excluded.channel_id""",
        (plan.guild_id, plan.show_slug, plan.channel_id, created_by, now),
    )


async def get_plan(db: Database, guild_id: int, slug: str) -> Plan | None:
    """The show's confirmed plan, if any."""
    row = await db.fetchone(
        "SELECT channel_id FROM announce_plans WHERE guild_id = ? AND show_slug = ?",
        (guild_id, slug),
    )
    return None if row is None else Plan(guild_id, slug, row[0])


async def get_event_id(db: Database, guild_id: int, slug: str) -> int | None:
    """The scheduled event made for the show's premiere, if one was."""
    return await db.fetchval(
        "SELECT event_id FROM show_events WHERE guild_id = ? AND show_slug = ?", (guild_id, slug)
    )


async def set_event_id(db: Database, guild_id: int, slug: str, event_id: int) -> None:
    """Remember the show's premiere event."""
    await db.execute(
        """INSERT INTO show_events (guild_id, show_slug, event_id) VALUES (?, ?, ?)
           ON CONFLICT (guild_id, show_slug) DO UPDATE SET event_id = excluded.event_id""",
        (guild_id, slug, event_id),
    )
