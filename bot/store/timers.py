"""The timers table: durable future work for the scheduler."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database, rows

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
        found = await rows(
            conn, "SELECT id FROM timers WHERE guild_id = ? AND key = ?", (guild_id, key)
        )
        row = found[0] if found else None
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
            if not values:
                return []  # nothing matches (and PostgreSQL refuses an empty "IN ()")
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


# How long a claim holds without renewal. The owning scheduler renews every third of it,
# so a killed process's timers are claimed by another within this many seconds.
LEASE_SECONDS = 10


async def next_pending_at(db: Database) -> int | None:
    """When the loop should next look: the earliest pending timer, or the first second a
    lapsed lease can be claimed.

    A lease holds through its ``lease_until`` second (a claim needs ``lease_until <
    now``): answering ``lease_until`` itself had the loop claim nothing and ask again,
    in a tight loop of write transactions, until the clock reached the next second.
    """
    return await db.fetchval(
        """SELECT min(t) FROM (
               SELECT min(next_at) AS t FROM timers WHERE status = 'pending'
               UNION ALL
               SELECT min(lease_until) + 1 FROM timers WHERE status = 'running'
           ) AS soonest"""
    )


# Claimable: pending and due, or running under a lease that ran out (its process died).
# SQLite has one writer, so the plain statement is atomic; on PostgreSQL concurrent
# processes claim disjoint rows: FOR UPDATE SKIP LOCKED passes over rows another
# process's open claim holds rather than waiting for (and then re-claiming) them.
_CLAIMABLE = """SELECT id FROM timers
                WHERE (status = 'pending' AND next_at <= ?)
                   OR (status = 'running' AND lease_until < ?)
                ORDER BY next_at, id LIMIT ?"""
_CLAIM = {
    "sqlite": f"""UPDATE timers SET status = 'running', attempts = attempts + 1, lease_until = ?
                  WHERE id IN ({_CLAIMABLE}) RETURNING {_COLUMNS}""",
    "postgresql": f"""UPDATE timers SET status = 'running', attempts = attempts + 1,
                          lease_until = ?
                      WHERE id IN ({_CLAIMABLE} FOR UPDATE SKIP LOCKED)
                      RETURNING {_COLUMNS}""",
}


async def claim_due(db: Database, now: int, limit: int) -> list[Timer]:
    """Claim up to ``limit`` timers due by ``now`` (leased to this process) and return them.

    One statement in one transaction (``UPDATE … RETURNING``), however many are due:
    a burst of timers due in the same second costs one commit, not one each. However
    many processes claim at once, each timer goes to one of them.
    """
    async with db.transaction() as conn:
        rows = await conn.execute_fetchall(
            _CLAIM[db.dialect], (now + LEASE_SECONDS, now, now, limit)
        )
    found = [_timer(r) for r in rows]
    # RETURNING gives no order: run the earliest first.
    found.sort(key=lambda t: (t.next_at, t.id))
    return found


async def renew_leases(db: Database, timer_ids: Iterable[int], now: int) -> None:
    """Extend the leases of timers this process is still working on."""
    rows = [(now + LEASE_SECONDS, timer_id) for timer_id in timer_ids]
    if rows:
        async with db.transaction() as conn:
            await conn.executemany(
                "UPDATE timers SET lease_until = ? WHERE id = ? AND status = 'running'", rows
            )


async def requeue_running(db: Database, now: int | None = None) -> int:
    """Make timers left running by a crash pending again; returns how many.

    On PostgreSQL other live processes may be running some: only lapsed leases (or
    claims from before leases) are re-queued. SQLite has one bot process, so all are.
    """
    sql = "UPDATE timers SET status = 'pending' WHERE status = 'running'"
    params: tuple[int, ...] = ()
    if db.dialect != "sqlite" and now is not None:
        sql += " AND (lease_until IS NULL OR lease_until < ?)"
        params = (now,)
    async with db.transaction() as conn, conn.execute(sql, params) as cur:
        return int(cur.rowcount)


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
    async with (
        db.transaction() as conn,
        conn.execute(
            """UPDATE timers SET status = 'cancelled', finished_at = ?, last_error = ?
               WHERE guild_id = ? AND key = ? AND status = 'pending'""",
            (now, reason, guild_id, key),
        ) as cur,
    ):
        return int(cur.rowcount) > 0
