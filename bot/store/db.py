"""The one SQLite connection the bot owns, its transactions and its migrations, and the
store's one set of read helpers.

Reads go through :meth:`Database.fetchall`, :meth:`~Database.fetchone` and
:meth:`~Database.fetchval` (one trip to the database thread, the reader beside a write
under way; PostgreSQL's store overrides ``fetchall``), or, on a transaction's own
connection, through :func:`rows` (aiosqlite and the PostgreSQL connection both answer
``execute_fetchall``).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.domain.names import loose, normalize, word_keys

log = logging.getLogger(__name__)

# How long a write waits for another process's write lock before it fails (see open()).
BUSY_TIMEOUT_MS = 2000
# Set while the current task is inside one of our write transactions: its reads must go
# to the writer, which holds its own uncommitted rows.
_IN_TRANSACTION: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "kb_in_transaction", default=False
)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered SQL file."""

    version: int
    name: str
    sql: str


def _keys_json(name: str | None) -> str:
    return json.dumps(word_keys(name) if name else [])


# SQL functions the name-index triggers (migration 0006) call: normalization lives in
# bot/domain/names.py, and every writer must normalize the same way.
SQL_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "kb_norm": lambda text: normalize(text) if text else "",
    "kb_loose": lambda norm: loose(norm) if norm else "",
    "kb_keys": _keys_json,
}


def register_functions(conn: sqlite3.Connection) -> None:
    """Give a plain sqlite3 connection the functions catalog writes need (scripts, benchmarks)."""
    for name, func in SQL_FUNCTIONS.items():
        conn.create_function(name, 1, func, deterministic=True)


DIALECTS = ("sqlite", "postgresql")


def _integrity_errors() -> tuple[type[Exception], ...]:
    try:
        import asyncpg
    except ImportError:  # the postgres extra is not installed: SQLite only
        return (sqlite3.IntegrityError,)
    return (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)


# A unique, foreign-key or check constraint refused a write, on either backend. On
# PostgreSQL the transaction is aborted too: callers raise, never go on in it.
INTEGRITY_ERRORS = _integrity_errors()


def bundled_migrations(dialect: str = "sqlite") -> list[Migration]:
    """The migrations shipped for a dialect, in order.

    SQLite's live in ``bot/store/migrations/NNNN_*.sql``, PostgreSQL's twins under
    ``bot/store/migrations/postgresql/`` with the same numbers and names (see the
    README there: a new migration is written for both).
    """
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}")
    folder = resources.files("bot.store").joinpath("migrations")
    if dialect == "postgresql":
        folder = folder.joinpath("postgresql")
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001.. without gaps, found {versions}")
    return found


class Database:
    """One writer connection (WAL, foreign keys, serialised write transactions) and one
    read-only connection beside it.

    Every write goes through :meth:`transaction`, which holds a lock so two coroutines
    never interleave statements of two transactions on the writer. A read made while
    another task's write is under way goes to the reader: aiosqlite runs each
    connection's statements one at a time on its own thread, so with one connection a
    write waiting for another process's lock (a backup, a CLI import) held up every read
    behind it. Other reads stay on the writer. The same configuration everywhere
    (``kdrama-bot run``, SimCord tests, the sandbox); ``:memory:`` has no second one.

    What a read sees: every committed row (WAL starts each statement on a fresh
    snapshot), never another task's uncommitted ones. On one connection such a read
    used to run between the other task's statements and see its rows before COMMIT;
    code that must see a write has to run after that write's commit (dispatch events
    after the write returns, as ``/config set`` does).
    """

    dialect = "sqlite"

    # How long a read cache may go on trusting that no other process committed (a CLI
    # import while the bot runs): see :meth:`version`.
    OTHER_WRITERS_CHECK_SECONDS = 1.0

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._conn: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._data_version: int | None = None
        self._data_version_at = float("-inf")

    async def version(self) -> tuple[int, int]:
        """A token that changes whenever the data may have changed, for read caches.

        Any write on this connection changes it at once (SQLite's ``total_changes``,
        read without a trip to the database thread); a commit by another process within
        :attr:`OTHER_WRITERS_CHECK_SECONDS` (``PRAGMA data_version``, checked at most
        that often).
        """
        now = time.monotonic()
        if now - self._data_version_at >= self.OTHER_WRITERS_CHECK_SECONDS:
            # Always asked of one connection (each counts commits by the others, so two
            # counters must not be mixed): the reader when there is one, which never
            # waits behind a blocked write and also counts our own writer's commits.
            conn = self._reader or self.conn
            [(version,)] = await conn.execute_fetchall("PRAGMA data_version")
            self._data_version = int(version)
            self._data_version_at = now
        return self.conn.total_changes, self._data_version or 0

    def on_notify(self, hook: Callable[[str], None]) -> None:
        """Call ``hook`` when another process commits (PostgreSQL's NOTIFY).

        SQLite serves one bot process; other writers (the data CLI) are seen through
        ``PRAGMA data_version`` by :meth:`version`, so there is nothing to register.
        """

    async def hold_identify_turn(self, key: int, seconds: float) -> None:
        """Wait for identify bucket ``key``'s turn among every process, then hold it.

        SQLite serves one bot process (``run`` locks the file), whose own pacing is all
        there is; PostgreSQL's processes take turns through an advisory lock.
        """

    @property
    def writing(self) -> bool:
        """Whether a write transaction is open: what a read sees now may be rolled back."""
        return self._lock.locked() or self.conn.in_transaction

    @property
    def conn(self) -> aiosqlite.Connection:
        """The open connection; raises if the store was not opened."""
        if self._conn is None:
            raise RuntimeError("the store is not open")
        return self._conn

    async def open(self) -> None:
        """Open the connection and set the pragmas every connection needs."""
        if self._conn is not None:
            return
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so Python's sqlite3
        # never opens an implicit transaction behind our back.
        self._conn = await aiosqlite.connect(self.path, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        for name, func in SQL_FUNCTIONS.items():
            await self._conn.create_function(name, 1, func, deterministic=True)
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA foreign_keys=ON",
            # Another process holding the write lock (a backup, a CLI import) is waited
            # out this long, then the write fails: a member is told "busy, nothing saved"
            # before Discord's 3 s window closes, and the scheduler backs off and retries.
            f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
            "PRAGMA synchronous=NORMAL",
        ):
            # Close each cursor: a PRAGMA that returns a row left unread keeps a statement
            # open, and SQLite then refuses to COMMIT the next transaction.
            await _run(self._conn, pragma)
        if self.path != ":memory:":
            self._reader = await aiosqlite.connect(self.path, isolation_level=None)
            self._reader.row_factory = sqlite3.Row
            for name, func in SQL_FUNCTIONS.items():
                await self._reader.create_function(name, 1, func, deterministic=True)
            for pragma in (
                "PRAGMA query_only=1",
                "PRAGMA foreign_keys=ON",
                f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
            ):
                await _run(self._reader, pragma)

    async def close(self) -> None:
        """Close both connections (aiosqlite's threads keep the process alive otherwise)."""
        if self._reader is not None:
            reader, self._reader = self._reader, None
            await reader.close()
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolls back on any exception, cancellation included."""
        async with self._lock:
            conn = self.conn
            await _run(conn, "BEGIN IMMEDIATE")
            inside = _IN_TRANSACTION.set(True)
            try:
                yield conn
            except BaseException:
                await _rollback(conn)
                raise
            else:
                try:
                    await _run(conn, "COMMIT")
                except BaseException:
                    # A COMMIT refused (disk full, I/O) leaves the transaction open: roll it
                    # back, or every later BEGIN fails and the store stays dead after the
                    # disk has room again.
                    await _rollback(conn)
                    raise
            finally:
                _IN_TRANSACTION.reset(inside)

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        """Run one write statement in its own transaction."""
        async with self.transaction() as conn:
            await _run(conn, sql, params)

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Run a read query and return every row."""
        # One trip to aiosqlite's thread (~0.3 ms each), not three (execute, fetch, close).
        return list(await self.read_conn.execute_fetchall(sql, tuple(params)))

    @property
    def read_conn(self) -> aiosqlite.Connection:
        """The connection a read made now goes to (for helpers that take a connection).

        While another task's write is under way, perhaps waiting for another process's
        lock, the writer's thread is taken: the reader, beside it, has the committed rows.
        Inside our own transaction, the writer (it holds that transaction's rows).
        """
        if self._reader is not None and self._lock.locked() and not _IN_TRANSACTION.get():
            return self._reader
        return self.conn

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        """Run a read query and return its first row, if any (meant for one-row queries)."""
        found = await self.fetchall(sql, params)
        return found[0] if found else None

    async def fetchval(self, sql: str, params: Iterable[Any] = ()) -> Any:
        """Run a read query and return the first column of its first row, or None."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def user_version(self) -> int:
        """The schema version recorded in the database itself."""
        return int(await self.fetchval("PRAGMA user_version"))

    async def migrate(self, migrations: list[Migration] | None = None) -> list[int]:
        """Apply every migration newer than the database, each in its own transaction.

        Returns the versions applied. A failing migration rolls back alone; the
        versions before it stay applied and recorded.
        """
        migrations = bundled_migrations() if migrations is None else migrations
        current = await self.user_version()
        latest = migrations[-1].version if migrations else 0
        if current > latest:
            raise RuntimeError(
                f"the database is at schema version {current}, newer than this bot knows "
                f"({latest}); upgrade the bot"
            )
        applied: list[int] = []
        for migration in migrations:
            if migration.version <= current:
                continue
            async with self.transaction() as conn:
                for statement in _split_sql(migration.sql):
                    await _run(conn, statement)
                # PRAGMA takes no bound parameters; the version is an int we parsed.
                await _run(conn, f"PRAGMA user_version = {int(migration.version)}")
            log.info("applied migration %s", migration.name)
            applied.append(migration.version)
        return applied


async def rows(conn: Any, sql: str, params: Iterable[Any] = ()) -> list[Any]:
    """Every row of a read on ``conn``, a transaction's own connection (which sees its
    uncommitted rows, unlike the Database reads): one trip, on either backend."""
    return list(await conn.execute_fetchall(sql, tuple(params)))


async def _rollback(conn: aiosqlite.Connection) -> None:
    """Roll back whatever is open; SQLite may already have (a full disk does), so a
    failing ROLLBACK is no news and must not hide the error that caused it."""
    try:
        await _run(conn, "ROLLBACK")
    except sqlite3.Error as exc:
        log.debug("rollback after a failed transaction: %s", exc)


async def _run(conn: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()) -> None:
    """Execute one statement and close its cursor at once.

    One round trip to aiosqlite's thread (``execute`` then closing the cursor would be
    two): BEGIN and COMMIT run through here, so every write transaction saves two.
    """
    await conn.execute_fetchall(sql, tuple(params))


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (executescript would COMMIT our transaction)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            stripped = _strip_comments(buffer)
            if stripped:
                statements.append(buffer.strip())
            buffer = ""
    if _strip_comments(buffer):
        raise ValueError(f"incomplete SQL statement at end of migration: {buffer.strip()[:80]}")
    return statements


def _strip_comments(sql: str) -> str:
    return "\n".join(
        line for line in sql.splitlines() if line.strip() and not line.strip().startswith("--")
    ).strip()


def open_store(target: str | Path) -> Database:
    """The store ``DATABASE_URL``/``DATABASE_PATH`` names: PostgreSQL for a
    ``postgresql://`` URL, else an SQLite file (not opened yet; it reads beside a
    blocked write on its second connection, as PostgreSQL's pool does anyway)."""
    from bot.store._pg import PgDatabase, is_postgres_url

    if isinstance(target, str) and is_postgres_url(target):
        return PgDatabase(target)
    return Database(target)
