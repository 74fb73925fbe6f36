"""Copy an SQLite database into an empty PostgreSQL one, row for row, ids kept.

The name index is not copied: PostgreSQL's triggers queue every copied entity and the
store derives its spellings before the copy commits (bot/store/_pg.py refresh_search).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store._pg import PgDatabase
from bot.store.db import Database

# Derived from the catalog on each side; SQLite's FTS5 shadow tables have no twin.
_DERIVED = ("search_", "sqlite_")
_BATCH = 5000


class TargetNotEmpty(RuntimeError):
    """The PostgreSQL database already holds rows: copying would mix two communities."""


@dataclass(frozen=True, slots=True)
class CopyReport:
    """Rows per table on each side after the copy."""

    source_counts: dict[str, int]
    target_counts: dict[str, int]

    @property
    def mismatched(self) -> list[str]:
        """Tables whose row counts differ."""
        return [t for t, n in self.source_counts.items() if self.target_counts.get(t) != n]


async def tables(source: Database) -> list[str]:
    """The SQLite database's own tables in creation order (foreign keys point backwards)."""
    rows = await source.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
    )
    return [r[0] for r in rows if not r[0].startswith(_DERIVED)]


async def counts(db: Database, names: list[str]) -> dict[str, int]:
    """Rows per table (the names come from sqlite_master, never from a user)."""
    return {name: int(await db.fetchval(f"SELECT count(*) FROM {name}")) for name in names}


async def copy_database(source: Database, target: PgDatabase) -> CopyReport:
    """Copy every table of ``source`` into ``target`` in one transaction; refuse a non-empty one."""
    names = await tables(source)
    before = await counts(target, names)
    if any(before.values()):
        full = ", ".join(f"{t} ({n})" for t, n in before.items() if n)
        raise TargetNotEmpty(f"the PostgreSQL database is not empty: {full}")
    async with target.transaction() as conn:
        for name in names:
            columns = [r[1] for r in await source.fetchall(f"PRAGMA table_info({name})")]
            column_list = ", ".join(columns)
            marks = ", ".join("?" for _ in columns)
            insert = f"INSERT INTO {name} ({column_list}) VALUES ({marks})"
            offset = 0
            while True:
                rows = await source.fetchall(
                    f"SELECT {column_list} FROM {name} ORDER BY rowid LIMIT ? OFFSET ?",
                    (_BATCH, offset),
                )
                if not rows:
                    break
                await conn.executemany(insert, [tuple(r) for r in rows])
                offset += len(rows)
            if "id" in columns:
                # Explicit ids leave the identity behind: move it past the copied ones.
                await conn.execute(
                    f"""SELECT setval(pg_get_serial_sequence('{name}', 'id'),
                               coalesce((SELECT max(id) FROM {name}), 0) + 1, false)"""
                )
    return CopyReport(await counts(source, names), await counts(target, names))


async def pending_timers(db: Database) -> list[tuple]:
    """Every pending timer as a plain tuple, for comparing two stores."""
    rows = await db.fetchall(
        """SELECT id, guild_id, kind, key, payload, due, next_at, attempts
           FROM timers WHERE status = 'pending' ORDER BY id"""
    )
    return [tuple(r) for r in rows]


async def shows(db: Database) -> list[tuple[int, int]]:
    """(guild_id, show_id) of every show."""
    return [(r[0], r[1]) for r in await db.fetchall("SELECT guild_id, id FROM shows ORDER BY id")]
