"""The PostgreSQL store (asyncpg): the same interface as the SQLite :class:`Database`.

Store modules keep writing plain parameterised SQL with ``?`` marks; this module turns
them into PostgreSQL's ``$1, $2 …`` once per statement text (cached) and gives the few
aiosqlite calls the store uses (``execute`` with ``rowcount``/``lastrowid``,
``execute_fetchall``, ``executemany``) over an asyncpg connection. Where the two
dialects differ the store modules hold both statements side by side and pick by
:attr:`Database.dialect`.

Several bot processes share one PostgreSQL database. Every committed write sends
``NOTIFY kdrama_bot``: each process's listener bumps its store version (emptying its
reply caches) and wakes its scheduler (see :meth:`PgDatabase.on_notify`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from bot.domain.names import loose, normalize, word_keys
from bot.store.db import Database, Migration, bundled_migrations
from bot.store.errors import STORE_ERRORS, trouble

log = logging.getLogger(__name__)

CHANNEL = "kdrama_bot"
# Every instance of the bot migrates at start: this lock lets one at a time do it.
_MIGRATE_LOCK = 0x6B647261  # "kdra"
# Identify bucket k's cross-process lock is _IDENTIFY_LOCK + k (max_concurrency keys).
_IDENTIFY_LOCK = 0x6B640000


def is_postgres_url(target: str) -> bool:
    """Whether a DATABASE_URL names PostgreSQL rather than an SQLite file."""
    return target.startswith(("postgresql://", "postgres://"))


@functools.lru_cache(maxsize=4096)
def to_dollar(sql: str) -> str:
    """``?`` marks as ``$1, $2 …`` (outside quoted strings and identifiers)."""
    out: list[str] = []
    n = 0
    quote: str | None = None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "?":
            n += 1
            out.append(f"${n}")
            continue
        out.append(ch)
    return "".join(out)


def postgres_json(sql: str) -> str:
    """An SQLite card statement's PostgreSQL twin.

    The statements build JSON lists with ``json_group_array(json_array(…))``. The
    PostgreSQL schema defines a ``json_group_array`` aggregate with SQLite's result
    (``'[]'`` when empty; migration 0001) and ``json(…)`` is its cast; only
    ``json_array`` has another name there, ``jsonb_build_array``.
    """
    return sql.replace("json_array(", "jsonb_build_array(")


def _count(status: str) -> int:
    """The row count at the end of a command tag (``UPDATE 3``, ``INSERT 0 1``)."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


class PgCursor:
    """What an aiosqlite cursor gave the store: rows, ``rowcount`` and ``lastrowid``."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount
        first = rows[0] if rows else None
        self.lastrowid = first["id"] if first is not None and "id" in first else None

    async def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[Any]:
        return list(self._rows)

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> PgCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class _Pending:
    """``await conn.execute(...)`` and ``async with conn.execute(...)`` both work."""

    def __init__(self, run: Callable[[], Any]) -> None:
        self._run = run

    def __await__(self) -> Any:
        return self._run().__await__()

    async def __aenter__(self) -> PgCursor:
        return await self._run()

    async def __aexit__(self, *exc: object) -> None:
        return None


def _returning(sql: str) -> str:
    """An INSERT gets ``RETURNING *`` so ``lastrowid`` works as it does on SQLite."""
    head = sql.lstrip()[:6].upper()
    if head == "INSERT" and " RETURNING " not in sql.upper().replace("\n", " "):
        return sql.rstrip().rstrip(";") + " RETURNING *"
    return sql


class PgConn:
    """An asyncpg connection (or the pool, for reads) with the aiosqlite calls we use."""

    def __init__(self, raw: Any, db: PgDatabase) -> None:
        self.raw = raw
        self.db = db

    def execute(self, sql: str, params: Iterable[Any] = ()) -> _Pending:
        args = tuple(params)

        async def run() -> PgCursor:
            text = to_dollar(_returning(sql))
            head = text.lstrip()[:6].upper()
            async with self.db.watched():
                if head in ("SELECT", "WITH  ", "VALUES") or " RETURNING " in text.upper():
                    rows = await self.raw.fetch(text, *args)
                    return PgCursor(rows, len(rows))
                status = await self.raw.execute(text, *args)
            return PgCursor([], _count(status))

        return _Pending(run)

    async def execute_fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        async with self.db.watched():
            return list(await self.raw.fetch(to_dollar(sql), *tuple(params)))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.db.watched():
            await self.raw.executemany(to_dollar(sql), [tuple(r) for r in rows])


class PgDatabase(Database):
    """An asyncpg pool standing in for the SQLite connection; same methods, same rows.

    Rows are asyncpg Records: by index and by name, as ``sqlite3.Row``.
    """

    dialect = "postgresql"
    #: How long close() waits for borrowed connections before it terminates the pool.
    close_timeout = 10.0

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        super().__init__(":memory:")
        self.path = url
        self.url = url
        self.pool_size = pool_size
        self._pool: Any = None
        self._listener: Any = None
        self._relisten: asyncio.Task[None] | None = None
        self._local_writes = 0
        self._remote_version = 0
        self._open_transactions = 0
        self._notify_hooks: list[Callable[[str], None]] = []
        self._pid = os.getpid()
        self._identify_holds: set[asyncio.Task[None]] = set()
        # Buckets this process holds now, each with when its turn ends (loop time).
        self._identify_until: dict[int, float] = {}

    # -- lifecycle ----------------------------------------------------------------
    async def open(self) -> None:
        if self._pool is not None:
            return
        import asyncpg

        self._pool = await asyncpg.create_pool(
            self.url, min_size=1, max_size=self.pool_size, command_timeout=60
        )
        await self._listen()

    async def _listen(self) -> None:
        """Open the connection that hears every process's NOTIFY."""
        import asyncpg

        listener = await asyncpg.connect(self.url)
        await listener.add_listener(CHANNEL, self._notified)
        listener.add_termination_listener(self._listener_lost)
        self._listener = listener

    def _listener_lost(self, _conn: Any) -> None:
        """The server cut the listening connection (a restart, a failover): listen again.

        Without it this process would never again hear another's commits: its reply
        caches would serve what an admin changed elsewhere, and its scheduler would not
        wake for timers another process planned.
        """
        if self._pool is None or self._relisten is not None:
            return  # closing, or already on it
        self._listener = None
        self._relisten = asyncio.create_task(self._listen_again(), name="store-relisten")

    async def _listen_again(self) -> None:
        delay = 0.5
        try:
            while self._pool is not None:
                try:
                    await self._listen()
                except STORE_ERRORS as error:
                    log.warning("cannot listen for other processes' writes yet: %s", error)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 10.0)
                    continue
                # Whatever others committed while nobody listened was never heard: take
                # it that something changed (caches empty, schedulers look again).
                log.warning("listening for other processes' writes again")
                self._notified(None, 0, CHANNEL, "write")
                return
        finally:
            self._relisten = None

    async def close(self) -> None:
        holds = list(self._identify_holds)
        for hold in holds:
            hold.cancel()
        # Each gives its connection back before the pool closes (close waits for them).
        await asyncio.gather(*holds, return_exceptions=True)
        pool, self._pool = self._pool, None
        if self._relisten is not None:
            self._relisten.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relisten
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(Exception):
                await listener.close(timeout=5)
        if pool is not None:
            try:
                # close() waits for every acquired connection to come back: a task that
                # never gives its connection back must not hang a stop forever.
                await asyncio.wait_for(pool.close(), timeout=self.close_timeout)
            except TimeoutError:
                log.warning(
                    "PostgreSQL pool did not close in %.0f s; terminating it", self.close_timeout
                )
                pool.terminate()

    @property
    def conn(self) -> Any:
        """Reads straight through the pool, with the aiosqlite calls the store uses."""
        if self._pool is None:
            raise RuntimeError("the store is not open")
        return PgConn(self._pool, self)

    @property
    def writing(self) -> bool:
        return self._open_transactions > 0

    # -- identify pacing across processes -----------------------------------------
    async def hold_identify_turn(self, key: int, seconds: float) -> None:
        """Wait until no other process holds identify bucket ``key``, then hold it for
        ``seconds`` (Discord's window) from now, in the background.

        Discord paces IDENTIFY per bot, not per process: two processes starting together
        would each identify at once. A session-level advisory lock on a pooled connection
        makes them take turns; a killed holder's lock goes with its connection. A process
        that identifies its next shard while its turn still runs keeps the bucket (its own
        pacing has waited Discord's window): one hand-over between processes, not one per
        shard, each costing the margin of ``seconds`` over the window.
        """
        loop = asyncio.get_running_loop()
        if key in self._identify_until:
            self._identify_until[key] = loop.time() + seconds  # release() sleeps on to it
            return
        raw = await self._pool.acquire()
        try:
            await raw.execute("SELECT pg_advisory_lock($1)", _IDENTIFY_LOCK + key)
        except BaseException:
            await self._pool.release(raw)
            raise
        self._identify_until[key] = loop.time() + seconds

        async def release() -> None:
            try:
                try:
                    # A deadline a later shard of this process may move on, not a
                    # condition another task could signal: sleep to it, again if it moved.
                    while (left := self._identify_until[key] - loop.time()) > 0:  # noqa: ASYNC110
                        await asyncio.sleep(left)
                finally:
                    # From here a later shard of this process queues like any process.
                    del self._identify_until[key]
                await raw.execute("SELECT pg_advisory_unlock($1)", _IDENTIFY_LOCK + key)
            finally:
                # Released to the pool, asyncpg's reset unlocks all advisory locks too.
                await self._pool.release(raw)

        hold = asyncio.create_task(release(), name=f"identify-bucket-{key}")
        self._identify_holds.add(hold)
        hold.add_done_callback(self._identify_holds.discard)

    # -- versions and notifications --------------------------------------------------
    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self._remote_version += 1
        for hook in list(self._notify_hooks):
            try:
                hook(payload)
            except Exception:
                log.exception("a store notification hook failed")

    def on_notify(self, hook: Callable[[str], None]) -> None:
        """Call ``hook(payload)`` whenever any process (this one too) committed a write."""
        self._notify_hooks.append(hook)

    async def notify(self, payload: str = "write") -> None:
        """Tell every process sharing the database (outside a transaction)."""
        await self.conn.raw.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)

    async def version(self) -> tuple[int, int]:
        """Changes at once on this process's writes, and on any other's within ~ms (NOTIFY)."""
        return self._local_writes, self._remote_version

    # -- transactions ---------------------------------------------------------------
    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgConn]:  # type: ignore[override]
        """One transaction on a pooled connection; the name index catches up before COMMIT."""
        if self._pool is None:
            raise RuntimeError("the store is not open")
        async with self.watched(), self._pool.acquire() as raw:
            self._open_transactions += 1
            try:
                async with raw.transaction():
                    conn = PgConn(raw, self)
                    yield conn
                    await refresh_search(raw)
                    # Delivered at COMMIT, to every listening process.
                    await raw.execute("SELECT pg_notify($1, $2)", CHANNEL, "write")
            finally:
                self._open_transactions -= 1
                self._local_writes += 1

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        async with self.transaction() as conn:
            await conn.execute(sql, params)

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        async with self.watched():
            return list(await self.conn.raw.fetch(to_dollar(sql), *tuple(params)))

    @asynccontextmanager
    async def watched(self) -> AsyncIterator[None]:
        """Around store work: a connection the server cut replaces the whole pool.

        A server that restarts or fails over cuts every pooled connection at once, and
        asyncpg finds out only when each is next used: without this, every one of them
        would fail one member's command (or one scheduler pass) in turn afterwards.
        """
        try:
            yield
        except Exception as error:
            if trouble(error) == "down" and self._pool is not None:
                await self._pool.expire_connections()
            raise

    # -- migrations -----------------------------------------------------------------
    async def user_version(self) -> int:
        async with self._pool.acquire() as raw:
            # Read only: creating the table here would race a migrating process.
            if await raw.fetchval("SELECT to_regclass('schema_migrations')") is None:
                return 0  # a new database: nothing applied yet
            return int(
                await raw.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations")
            )

    async def migrate(self, migrations: list[Migration] | None = None) -> list[int]:
        """Apply the PostgreSQL migrations newer than the database, each in its own transaction.

        An advisory lock serialises processes starting together; versions are recorded in
        ``schema_migrations``.
        """
        migrations = bundled_migrations("postgresql") if migrations is None else migrations
        applied: list[int] = []
        async with self._pool.acquire() as raw:
            await raw.execute("SELECT pg_advisory_lock($1)", _MIGRATE_LOCK)
            try:
                # Inside the lock: CREATE TABLE IF NOT EXISTS by two sessions at once can
                # still fail on PostgreSQL's catalog (a duplicate pg_type row).
                await raw.execute(_MIGRATIONS_TABLE)
                current = int(
                    await raw.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations")
                )
                latest = migrations[-1].version if migrations else 0
                if current > latest:
                    raise RuntimeError(
                        f"the database is at schema version {current}, newer than this bot "
                        f"knows ({latest}); upgrade the bot"
                    )
                for migration in migrations:
                    if migration.version <= current:
                        continue
                    async with raw.transaction():
                        await raw.execute(migration.sql)
                        if await raw.fetchval("SELECT to_regclass('search_pending') IS NOT NULL"):
                            await refresh_search(raw)
                        await raw.execute(
                            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                            migration.version,
                            migration.name,
                        )
                    log.info("applied migration %s", migration.name)
                    applied.append(migration.version)
            finally:
                await raw.execute("SELECT pg_advisory_unlock($1)", _MIGRATE_LOCK)
        return applied


_MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)"""

_SPELLINGS = """SELECT guild_id, kind, entity_id, show_id, name, label, preferred
                FROM search_spellings WHERE kind = $1 AND entity_id = $2"""


async def refresh_search(raw: Any) -> int:
    """Re-derive the name index for every entity the triggers queued in this transaction.

    PostgreSQL triggers cannot call Python, and normalisation lives in Python
    (bot/domain/names.py, the same code SQLite's kb_norm runs): so the triggers queue
    ``(kind, entity_id)`` in ``search_pending`` and this runs before every COMMIT, in
    the same transaction. A writer that bypasses the bot leaves the queue for the next.
    """
    pending = await raw.fetch("DELETE FROM search_pending RETURNING kind, entity_id")
    done: set[tuple[str, int]] = set()
    for kind, entity_id in ((r["kind"], r["entity_id"]) for r in pending):
        if (kind, entity_id) in done:
            continue
        done.add((kind, entity_id))
        await raw.execute(
            "DELETE FROM search_entries WHERE kind = $1 AND entity_id = $2", kind, entity_id
        )
        for row in await raw.fetch(_SPELLINGS, kind, entity_id):
            norm = normalize(row["name"]) if row["name"] else ""
            if not norm:
                continue
            entry_id = await raw.fetchval(
                """INSERT INTO search_entries
                   (guild_id, kind, entity_id, show_id, name, label, preferred, norm, loose)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id""",
                row["guild_id"],
                row["kind"],
                row["entity_id"],
                row["show_id"],
                row["name"],
                row["label"],
                row["preferred"],
                norm,
                loose(norm),
            )
            # The first position of a key wins, as SQLite's INSERT OR IGNORE keeps it.
            keys: dict[str, int] = {}
            for pos, key in word_keys(row["name"]):
                keys.setdefault(key, pos)
            if keys:
                await raw.executemany(
                    """INSERT INTO search_keys (guild_id, kind, key, entry_id, pos)
                       VALUES ($1, $2, $3, $4, $5)""",
                    [(row["guild_id"], row["kind"], k, entry_id, p) for k, p in keys.items()],
                )
    return len(done)
