"""The timers table: durable future work for the scheduler."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database

STATUSES = ("pending", "running", "sent", "failed", "missed", "cancelled")
# A finished timer is never run again unless it is scheduled afresh.
FINISHED = ("sent", "failed", "missed", "cancelled")

_COLUMNS = (
    "id, guild_id, kind, key, payload, due, status, attempts, last_error, result, "
    "next_at, created_at, finished_at"
)


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    number = abs(number)
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


@dataclass(frozen=True, slots=True)
class Timer:
    """One timer row."""

    id: int
    guild_id: int
    kind: str
    key: str
    payload: dict[str, Any]
    due: int
    status: str
    attempts: int
    last_error: str | None
    result: str | None
    next_at: int = 0
    created_at: int = 0
    finished_at: int | None = None

    @property
    def nonce(self) -> str:
        """A Discord message nonce for this timer's send (≤ 25 characters).

        The same timer at the same due instant always gives the same nonce, so a re-run
        after a crash or a retry after a timeout is dropped by Discord (``enforce_nonce``);
        a re-planned timer (new due) gets a new one.
        """
        return f"kb{_b36(self.id)}.{_b36(self.due)}"[:25]

    @property
    def lateness(self) -> int | None:
        """Seconds between the due instant and when the timer finished, if it did."""
        return None if self.finished_at is None else self.finished_at - self.due


def _timer(row: Any) -> Timer:
    values = dict(zip(row.keys(), tuple(row), strict=True))
    values["payload"] = json.loads(values["payload"])
    return Timer(**values)


async def upsert(
    db: Database, *, guild_id: int, kind: str, key: str, due: int, payload: dict[str, Any], now: int
) -> int:
    """Insert a pending timer, or re-plan the existing one with this key.

    A timer that is running or was sent stays as it is (never a second send); any other
    is made pending again at the new instant. Returns the timer's id.
    """
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    async with db.transaction() as conn:
        sql = """INSERT INTO timers (guild_id, kind, key, payload, due, next_at, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (guild_id, key) DO UPDATE SET
                     kind = excluded.kind, payload = excluded.payload, due = excluded.due,
                     next_at = excluded.next_at, status = 'pending', attempts = 0,
                     last_error = NULL, result = NULL, finished_at = NULL
                 WHERE timers.status NOT IN ('running', 'sent')"""
        async with conn.execute(sql, (guild_id, kind, key, body, due, due, now)):
            pass
        async with conn.execute(
            "SELECT id FROM timers WHERE guild_id = ? AND key = ?", (guild_id, key)
        ) as cur:
            row = await cur.fetchone()
    assert row is not None  # changes() and the row just upserted always answer
    return int(row[0])


async def insert_many(
    db: Database, timers: Iterable[tuple[int, str, str, int, str]], now: int
) -> None:
    """Bulk insert ``(guild_id, kind, key, due, payload_json)`` rows (benchmarks, imports)."""
    async with db.transaction() as conn:
        await conn.executemany(
            """INSERT INTO timers (guild_id, kind, key, payload, due, next_at, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [(g, k, key, body, due, due, now) for g, k, key, due, body in timers],
        )


async def get(db: Database, guild_id: int, key: str) -> Timer | None:
    """The guild's timer with this key."""
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM timers WHERE guild_id = ? AND key = ?", (guild_id, key)
    )
    return None if row is None else _timer(row)


async def get_by_id(db: Database, guild_id: int, timer_id: int) -> Timer | None:
    """The guild's timer with this id (never another guild's)."""
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM timers WHERE guild_id = ? AND id = ?", (guild_id, timer_id)
    )
    return None if row is None else _timer(row)


async def list_timers(
    db: Database,
    guild_id: int,
    *,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    key_prefix: str | None = None,
    newest_first: bool = False,
    limit: int = 500,
) -> list[Timer]:
    """The guild's timers, filtered, by due instant."""
    where: list[str] = ["guild_id = ?"]
    params: list[Any] = [guild_id]
    for column, values in (("kind", kinds), ("status", statuses)):
        if values is not None:
            values = list(values)
            where.append(f"{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
    if key_prefix is not None:
        # substr rather than LIKE: keys may hold % or _.
        where.append("substr(key, 1, ?) = ?")
        params.extend([len(key_prefix), key_prefix])
    order = "DESC" if newest_first else "ASC"
    sql = (
        f"SELECT {_COLUMNS} FROM timers WHERE {' AND '.join(where)} "
        f"ORDER BY due {order}, id {order} LIMIT ?"
    )
    return [_timer(r) for r in await db.fetchall(sql, (*params, limit))]


async def next_pending_at(db: Database) -> int | None:
    """When the earliest pending timer is next due (one indexed lookup)."""
    return await db.fetchval("SELECT min(next_at) FROM timers WHERE status = 'pending'")


async def claim_due(db: Database, now: int, limit: int) -> list[Timer]:
    """Mark up to ``limit`` pending timers due by ``now`` as running and return them.

    One statement in one transaction (``UPDATE … RETURNING``), however many are due:
    a burst of timers due in the same second costs one commit, not one each.
    """
    async with db.transaction() as conn:
        rows = await conn.execute_fetchall(
            f"""UPDATE timers SET status = 'running', attempts = attempts + 1
                WHERE id IN (SELECT id FROM timers WHERE status = 'pending' AND next_at <= ?
                             ORDER BY next_at, id LIMIT ?)
                RETURNING {_COLUMNS}""",
            (now, limit),
        )
    found = [_timer(r) for r in rows]
    # RETURNING gives no order: run the earliest first.
    found.sort(key=lambda t: (t.next_at, t.id))
    return found


async def requeue_running(db: Database) -> int:
    """Make timers left running by a crash pending again; returns how many."""
    async with db.transaction() as conn:
        async with conn.execute("UPDATE timers SET status = 'pending' WHERE status = 'running'"):
            pass
        async with conn.execute("SELECT changes()") as cur:
            row = await cur.fetchone()
    assert row is not None  # changes() and the row just upserted always answer
    return int(row[0])


@dataclass(frozen=True, slots=True)
class Outcome:
    """A timer's final state, to record with :func:`finish_many`."""

    timer_id: int
    status: str
    now: int
    result: str | None = None
    error: str | None = None


_FINISH = """UPDATE timers SET status = ?, result = coalesce(?, result), last_error = ?,
             finished_at = ? WHERE id = ? AND status IN ('running', 'pending')"""


async def finish(
    db: Database,
    timer_id: int,
    *,
    status: str,
    now: int,
    result: str | None = None,
    error: str | None = None,
) -> None:
    """Record a timer's final state (only from running or pending)."""
    await finish_many(db, [Outcome(timer_id, status, now, result, error)])


async def finish_many(db: Database, outcomes: Iterable[Outcome]) -> None:
    """Record several timers' final states in one transaction (each only from running
    or pending): a burst's completions share one commit."""
    rows = [(o.status, o.result, o.error, o.now, o.timer_id) for o in outcomes]
    if not rows:
        return
    async with db.transaction() as conn:
        await conn.executemany(_FINISH, rows)


async def retry_later(db: Database, timer_id: int, *, next_at: int, error: str) -> None:
    """Put a running timer back in the queue after a transient failure."""
    await db.execute(
        """UPDATE timers SET status = 'pending', next_at = ?, last_error = ?
           WHERE id = ? AND status = 'running'""",
        (next_at, error, timer_id),
    )


async def cancel(db: Database, guild_id: int, key: str, *, now: int, reason: str | None) -> bool:
    """Cancel the guild's pending timer with this key; whether one was cancelled."""
    async with db.transaction() as conn:
        async with conn.execute(
            """UPDATE timers SET status = 'cancelled', finished_at = ?, last_error = ?
               WHERE guild_id = ? AND key = ? AND status = 'pending'""",
            (now, reason, guild_id, key),
        ):
            pass
        async with conn.execute("SELECT changes()") as cur:
            row = await cur.fetchone()
    assert row is not None  # changes() and the row just upserted always answer
    return int(row[0]) > 0
