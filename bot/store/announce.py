"""Countdown plans, premiere events and the show facts announcements need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.release import Release, release_of
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
    releases: bool = False  # also announce each episode's release


async def show_timing(db: Database, guild_id: int, slug: str) -> ShowTiming | None:
    """The guild's show ``slug`` with its premiere, or None."""
    row = await db.fetchone(
        """SELECT slug, title, platform, premiere_at, premiere_precision, premiere_tz
           FROM shows WHERE guild_id = ? AND slug = ?""",
        (guild_id, slug),
    )
    if row is None:
        return None
    return ShowTiming(row[0], row[1], row[2], release_of(row[3], row[4], row[5]))


async def episode_releases(db: Database, guild_id: int, slug: str) -> list[tuple[int, Release]]:
    """The show's episodes that have a release, as (number, release), in release order."""
    rows = await db.fetchall(
        """SELECT e.number, e.release_at, e.release_precision, e.release_tz FROM episodes e
           JOIN shows s ON s.id = e.show_id
           WHERE s.guild_id = ? AND s.slug = ? AND e.release_at IS NOT NULL
           ORDER BY e.release_at, e.number""",
        (guild_id, slug),
    )
    found = ((int(row[0]), release_of(row[1], row[2], row[3])) for row in rows)
    return [(number, release) for number, release in found if release is not None]


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
        """INSERT INTO announce_plans
               (guild_id, show_slug, channel_id, releases, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (guild_id, show_slug) DO UPDATE SET channel_id = excluded.channel_id,
               releases = excluded.releases""",
        (plan.guild_id, plan.show_slug, plan.channel_id, int(plan.releases), created_by, now),
    )


async def get_plan(db: Database, guild_id: int, slug: str) -> Plan | None:
    """The show's confirmed plan, if any."""
    row = await db.fetchone(
        "SELECT channel_id, releases FROM announce_plans WHERE guild_id = ? AND show_slug = ?",
        (guild_id, slug),
    )
    return None if row is None else Plan(guild_id, slug, row[0], bool(row[1]))


async def plans_with_releases(db: Database, guild_id: int) -> list[str]:
    """The guild's shows whose confirmed plan announces episode releases."""
    rows = await db.fetchall(
        "SELECT show_slug FROM announce_plans WHERE guild_id = ? AND releases = 1 ORDER BY 1",
        (guild_id,),
    )
    return [r[0] for r in rows]


@dataclass(frozen=True, slots=True)
class ReleaseMessage:
    """The message one episode's release announcement went out as."""

    episode: int
    channel_id: int
    message_id: int
    content: str
    linked: bool


async def record_release_message(
    db: Database,
    guild_id: int,
    slug: str,
    episodes: Sequence[int],
    *,
    channel_id: int,
    message_id: int,
    content: str,
) -> None:
    """Remember where these episodes' announcement is (a re-run after a crash keeps it)."""
    async with db.transaction() as conn:
        await conn.executemany(
            """INSERT INTO release_announcements
                   (guild_id, show_slug, episode, channel_id, message_id, content)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (guild_id, show_slug, episode) DO NOTHING""",
            [(guild_id, slug, n, channel_id, message_id, content) for n in episodes],
        )


async def unlinked_release_messages(
    db: Database, guild_id: int, slug: str, episodes: Sequence[int]
) -> list[ReleaseMessage]:
    """These episodes' announcements that do not link their discussion yet."""
    marks = ", ".join("?" for _ in episodes)
    rows = await db.fetchall(
        f"""SELECT episode, channel_id, message_id, content, linked FROM release_announcements
            WHERE guild_id = ? AND show_slug = ? AND linked = 0 AND episode IN ({marks})
            ORDER BY episode""",
        (guild_id, slug, *episodes),
    )
    return [ReleaseMessage(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]


async def release_message_episodes(
    db: Database, guild_id: int, slug: str, message_id: int
) -> list[int]:
    """Every episode one announcement message names."""
    rows = await db.fetchall(
        """SELECT episode FROM release_announcements
           WHERE guild_id = ? AND show_slug = ? AND message_id = ? ORDER BY episode""",
        (guild_id, slug, message_id),
    )
    return [r[0] for r in rows]


async def mark_release_linked(db: Database, guild_id: int, slug: str, message_id: int) -> None:
    """The announcement message now links every discussion it names."""
    await db.execute(
        """UPDATE release_announcements SET linked = 1
           WHERE guild_id = ? AND show_slug = ? AND message_id = ?""",
        (guild_id, slug, message_id),
    )


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
