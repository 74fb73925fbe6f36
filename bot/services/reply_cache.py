"""Member replies that depend on the catalog alone, kept until the data may change.

Even a one-statement card costs a trip to aiosqlite's thread, about twice what the
rest of a command does; in a fan server everyone asks about the same show, so the same
card is asked for again and again. An entry is good for one exact
:meth:`Database.version` only: any write on the bot's connection (an admin's edit, a
revert, an import, a discussion opening) makes every entry stale at once, and a commit
by another process (``kdrama-bot data import`` while the bot runs) within a second.
Replies that depend on the member — spoiler gating by their /watched progress — are
never cached.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from bot.store.db import Database

T = TypeVar("T")
MAX_ENTRIES = 512  # cards are a few KB: a bounded, small cost per process


class ReplyCache:
    """Values made from the store, each kept for the store version it was read at."""

    def __init__(self, db: Database, size: int = MAX_ENTRIES) -> None:
        self._db = db
        self._size = size
        self._version: tuple[int, int] | None = None
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    async def get(self, key: Hashable, make: Callable[[], Awaitable[T]]) -> T:
        """The value for ``key`` at the store's current version, made on a miss."""
        version = await self._db.version()
        if version != self._version:
            self._entries.clear()  # all stale at once: the data may have changed anywhere
            self._version = version
        if key in self._entries:
            self._entries.move_to_end(key)
            self.hits += 1
            return self._entries[key]
        self.misses += 1
        value = await make()
        # Keep it only if nothing was written meanwhile (the version moved) and no write
        # transaction is open (what it read may yet be rolled back).
        if not self._db.writing and await self._db.version() == version == self._version:
            self._entries[key] = value
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value


_caches: weakref.WeakKeyDictionary[Database, ReplyCache] = weakref.WeakKeyDictionary()


def replies(db: Database) -> ReplyCache:
    """The reply cache of this store (one per open database)."""
    cache = _caches.get(db)
    if cache is None:
        cache = _caches[db] = ReplyCache(db)
    return cache
