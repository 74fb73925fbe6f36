"""Episode discussions: the threads opened, the pinned index and permission warnings.

Also the small catalog reads the discussion opener needs (a show's episodes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.release import release_of
from bot.store.catalog import EpisodeInfo  # the one EpisodeInfo (re-exported here)
from bot.store.db import Database, rows

__all__ = ["Discussion", "EpisodeInfo", "ShowEpisodes"]


@dataclass(frozen=True, slots=True)
class ShowEpisodes:
    """A show's title, its planned episode count and its episodes by number."""

    slug: str
    title: str
    episode_count: int | None
    episodes: tuple[EpisodeInfo, ...]

    def episode(self, number: int) -> EpisodeInfo | None:
        """The episode numbered ``number``, if the catalog has it."""
        return next((e for e in self.episodes if e.number == number), None)

    @property
    def last_number(self) -> int | None:
        """The finale's number: the planned count, else the highest episode known."""
        if self.episode_count:
            return self.episode_count
        return max((e.number for e in self.episodes), default=None)


@dataclass(frozen=True, slots=True)
class Discussion:
    """One episode's discussion thread."""

    guild_id: int
    show_slug: str
    episode: int
    thread_id: int
    channel_id: int
    status: str
    opened_at: int
    closed_at: int | None

    @property
    def jump_url(self) -> str:
        """The thread's link (a thread's jump URL is its channel URL)."""
        return f"https://discord.com/channels/{self.guild_id}/{self.thread_id}"


@dataclass(frozen=True, slots=True)
class DiscussionIndex:
    """Where a show's pinned index lives."""

    channel_id: int
    message_id: int
    thread_id: int | None


async def show_episodes(db: Database, guild_id: int, slug: str) -> ShowEpisodes | None:
    """The guild's show ``slug`` with its episodes in order, or None if it has no such show."""
    show = await db.fetchone(
        "SELECT id, title, episode_count FROM shows WHERE guild_id = ? AND slug = ?",
        (guild_id, slug),
    )
    if show is None:
        return None
    rows = await db.fetchall(
        """SELECT number, title, release_at, release_precision, release_tz, synopsis
           FROM episodes WHERE show_id = ? ORDER BY number""",
        (show["id"],),
    )
    episodes = tuple(
        EpisodeInfo(
            r["number"],
            r["title"],
            release_of(r["release_at"], r["release_precision"], r["release_tz"]),
            r["synopsis"],
        )
        for r in rows
    )
    return ShowEpisodes(slug, show["title"], show["episode_count"], episodes)


def _discussion(row) -> Discussion:  # sqlite3.Row
    return Discussion(*(row[k] for k in Discussion.__slots__))


_COLUMNS = "guild_id, show_slug, episode, thread_id, channel_id, status, opened_at, closed_at"


async def list_discussions(db: Database, guild_id: int, show_slug: str) -> list[Discussion]:
    """The show's recorded discussions in this guild, by episode."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM discussions WHERE guild_id = ? AND show_slug = ? ORDER BY episode",
        (guild_id, show_slug),
    )
    return [_discussion(r) for r in rows]


async def get_discussion(
    db: Database, guild_id: int, show_slug: str, episode: int
) -> Discussion | None:
    """One episode's discussion, if it was opened."""
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM discussions WHERE guild_id = ? AND show_slug = ? AND episode = ?",
        (guild_id, show_slug, episode),
    )
    return None if row is None else _discussion(row)


async def open_discussions(db: Database) -> list[Discussion]:
    """Every discussion still marked open, in every guild (for the start-up check)."""
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM discussions WHERE status = 'open'")
    return [_discussion(r) for r in rows]


async def record_discussion(
    db: Database,
    *,
    guild_id: int,
    show_slug: str,
    episodes: Sequence[int],
    thread_id: int,
    channel_id: int,
    now: int,
) -> None:
    """Record the thread opened for ``episodes`` (several for a combined double drop).

    An episode already recorded keeps its row: the first thread recorded wins.
    """
    async with db.transaction() as conn:
        for episode in episodes:
            await conn.execute(
                """INSERT INTO discussions
                   (guild_id, show_slug, episode, thread_id, channel_id, status, opened_at)
                   VALUES (?, ?, ?, ?, ?, 'open', ?)
                   ON CONFLICT (guild_id, show_slug, episode) DO NOTHING""",
                (guild_id, show_slug, episode, thread_id, channel_id, now),
            )


async def set_thread_status(
    db: Database, guild_id: int, thread_id: int, status: str, *, now: int
) -> None:
    """Mark every episode sharing the thread as ``open`` or ``closed``."""
    closed_at = now if status == "closed" else None
    await db.execute(
        "UPDATE discussions SET status = ?, closed_at = ? WHERE guild_id = ? AND thread_id = ?",
        (status, closed_at, guild_id, thread_id),
    )


async def discussion_links(db: Database, guild_id: int, show_slug: str) -> dict[int, str]:
    """Episode number → jump URL of its discussion, for the episodes opened so far."""
    return {d.episode: d.jump_url for d in await list_discussions(db, guild_id, show_slug)}


async def get_index(db: Database, guild_id: int, show_slug: str) -> DiscussionIndex | None:
    """Where the show's pinned index is, if it was posted."""
    row = await db.fetchone(
        """SELECT channel_id, message_id, thread_id FROM discussion_indexes
           WHERE guild_id = ? AND show_slug = ?""",
        (guild_id, show_slug),
    )
    return None if row is None else DiscussionIndex(*row)


async def set_index(
    db: Database, guild_id: int, show_slug: str, index: DiscussionIndex | None
) -> None:
    """Remember (or, with None, forget) the show's pinned index."""
    if index is None:
        await db.execute(
            "DELETE FROM discussion_indexes WHERE guild_id = ? AND show_slug = ?",
            (guild_id, show_slug),
        )
        return
    await db.execute(
        """INSERT INTO discussion_indexes (guild_id, show_slug, channel_id, message_id, thread_id)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (guild_id, show_slug) DO UPDATE SET channel_id = excluded.channel_id,
           message_id = excluded.message_id, thread_id = excluded.thread_id""",
        (guild_id, show_slug, index.channel_id, index.message_id, index.thread_id),
    )


async def swap_warning(
    db: Database, guild_id: int, channel_id: int, problem: str, now: int
) -> bool:
    """Store the channel's current permission problem; True when it differs from the last one."""
    async with db.transaction() as conn:
        found = await rows(
            conn,
            "SELECT channel_id, problem FROM discussion_warnings WHERE guild_id = ?",
            (guild_id,),
        )
        row = found[0] if found else None
        if row is not None and row[0] == channel_id and row[1] == problem:
            return False
        await conn.execute(
            """INSERT INTO discussion_warnings (guild_id, channel_id, problem, told_at)
               VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET
               channel_id = excluded.channel_id, problem = excluded.problem,
               told_at = excluded.told_at""",
            (guild_id, channel_id, problem, now),
        )
    return True


async def guilds_with_discussion_channel(db: Database) -> list[int]:
    """Every guild that set a discussion channel."""
    rows = await db.fetchall(
        "SELECT guild_id FROM guild_settings WHERE discussion_channel_id IS NOT NULL"
    )
    return [r[0] for r in rows]
