"""Import show files into a guild's catalog and export them back out.

Import is one transaction, all or nothing, and idempotent: it diffs the guild's current
rows against the file first, then updates rows in place so ids stay stable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

import aiosqlite

from bot.domain.showfile import ShowFile
from bot.domain.showfile_dict import show_file_to_dict
from bot.domain.showfile_diff import diff_show_files
from bot.store._catalog_read import Facts, read_people, read_show, read_sources
from bot.store._catalog_write import write_show
from bot.store.db import Database, rows

log = logging.getLogger(__name__)


class ShowNotFound(LookupError):
    """No show with that slug in that guild."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import changed (or, on a dry run, would change)."""

    slug: str
    changes: tuple[str, ...]
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        """Whether the import changed anything at all."""
        return bool(self.changes)

    def lines(self) -> list[str]:
        """The report as lines for a terminal or a Discord message."""
        return list(self.changes) if self.changes else ["no changes"]


class _DryRun(Exception):
    """Raised inside the transaction so that a dry run rolls everything back."""


async def import_show_in(conn: aiosqlite.Connection, guild_id: int, show: ShowFile) -> ImportReport:
    """Import ``show`` on a connection already inside a transaction (the caller commits)."""
    facts = await Facts.load(conn, guild_id)
    old = await read_show(conn, guild_id, show.show.slug, facts)
    # People and sources are shared by the guild's shows: compare the file's entries with
    # the guild's rows of the same keys, whichever show brought them in.
    people = await read_people(conn, guild_id, show.people, facts)
    sources = await read_sources(conn, guild_id, show.sources)
    changes = diff_show_files(old, show, people=people, sources=sources)
    if changes:
        await write_show(conn, guild_id, show)
    log.info("import of %s into guild %s: %d changes", show.show.slug, guild_id, len(changes))
    return ImportReport(show.show.slug, tuple(changes))


async def import_show(
    db: Database, guild_id: int, show: ShowFile, *, dry_run: bool = False
) -> ImportReport:
    """Make the guild's copy of ``show`` match the file exactly, in one transaction.

    With ``dry_run`` the same work runs (so database constraints are checked too) and is
    then rolled back; the report says what would have changed.
    """
    try:
        async with db.transaction() as conn:
            report = await import_show_in(conn, guild_id, show)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return replace(report, dry_run=True)
    return report


async def export_show(db: Database, guild_id: int, slug: str) -> dict[str, Any]:
    """The guild's show as a show-file structure (``format = 1``), ready for TOML.

    Raises :class:`ShowNotFound` when the guild has no show ``slug``.
    """
    facts = await Facts.load(db.read_conn, guild_id)
    show = await read_show(db.read_conn, guild_id, slug, facts)
    if show is None:
        raise ShowNotFound(f"guild {guild_id} has no show {slug!r}")
    return show_file_to_dict(show)


async def list_show_slugs(db: Database, guild_id: int) -> list[str]:
    """The slugs of the guild's shows, alphabetically."""
    sql = "SELECT slug FROM shows WHERE guild_id = ? ORDER BY slug"
    return [r[0] for r in await db.fetchall(sql, (guild_id,))]


async def is_seeded(db: Database, guild_id: int) -> bool:
    """Whether the bundled shows were already copied into this guild."""
    sql = "SELECT seeded_at FROM guild_settings WHERE guild_id = ?"
    return await db.fetchval(sql, (guild_id,)) is not None


async def seed_guild(db: Database, guild_id: int, shows: list[ShowFile], now: int) -> bool:
    """Create the guild's settings and import ``shows``, once, in one transaction.

    Returns False (and writes nothing) if the guild was seeded before: an admin who
    emptied the catalog keeps it empty.
    """
    # Two processes may race to seed a guild's first use. SQLite's BEGIN IMMEDIATE lets
    # one writer in at a time; on PostgreSQL the settings row is made first (a racing
    # INSERT waits for the other's commit) and then locked, so the loser sees seeded_at.
    lock = " FOR UPDATE" if db.dialect == "postgresql" else ""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO guild_settings (guild_id) VALUES (?) ON CONFLICT DO NOTHING", (guild_id,)
        )
        sql = "SELECT seeded_at FROM guild_settings WHERE guild_id = ?" + lock
        found = await rows(conn, sql, (guild_id,))
        if found and found[0][0] is not None:
            return False
        for show in shows:
            await import_show_in(conn, guild_id, show)
        first = shows[0].show.slug if shows else None
        await conn.execute(
            """UPDATE guild_settings SET seeded_at = ?, default_show = COALESCE(default_show, ?)
               WHERE guild_id = ?""",
            (now, first, guild_id),
        )
    log.info("seeded guild %s with %d bundled shows", guild_id, len(shows))
    return True
