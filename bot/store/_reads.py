"""Reads for the hot paths (every command, every keystroke), and the release of a row.

Each read is one trip to aiosqlite's worker thread (``Database.fetchall``), on the
connection :attr:`Database.read_conn` picks: never queued behind a blocked write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from bot.store.db import Database


async def fetch_all(db: Database, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
    """Every row of a read query, in one trip to the database thread."""
    return await db.fetchall(sql, params)


async def fetch_one(db: Database, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
    """The first row of a read query (meant for queries that return one row)."""
    found = await fetch_all(db, sql, params)
    return found[0] if found else None


async def fetch_value(db: Database, sql: str, params: Iterable[Any] = ()) -> Any:
    """The first column of the first row, or None."""
    row = await fetch_one(db, sql, params)
    return None if row is None else row[0]
