"""Several processes on one database. Timers: each fires once, a dead process's
lapsed claims pass to another. Run on SQLite and PostgreSQL (two stores = two processes)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.store import Database, open_store
from bot.store import timers as store
from bot.store.db import bundled_migrations

NOW = 1_700_000_000


@pytest.fixture
async def other(db: Database) -> AsyncIterator[Database]:
    """A second process's store on the same database."""
    second = open_store(db.path)
    await second.open()
    try:
        yield second
    finally:
        await second.close()


async def _plant(db: Database, count: int) -> None:
    rows = [(1, "probe", f"t{i}", NOW - 5, "{}") for i in range(count)]
    await store.insert_many(db, rows, now=NOW - 10)


async def test_concurrent_claims_never_share_a_timer(db: Database, other: Database) -> None:
    await _plant(db, 300)
    claimed: list[int] = []
    for _ in range(10):
        batches = await asyncio.gather(
            store.claim_due(db, NOW, 20), store.claim_due(other, NOW, 20)
        )
        for batch in batches:
            claimed.extend(t.id for t in batch)
    assert len(claimed) == 300
    assert len(set(claimed)) == 300  # no timer went to both


async def test_a_lapsed_lease_passes_to_another_process(db: Database, other: Database) -> None:
    await _plant(db, 3)
    first = await store.claim_due(db, NOW, 10)
    assert len(first) == 3
    # While the lease holds, nobody else may take them, and a restart keeps them.
    assert await store.claim_due(other, NOW + store.LEASE_SECONDS - 1, 10) == []
    if db.dialect == "postgresql":
        assert await store.requeue_running(other, now=NOW + 1) == 0
    # The first process renews one; it dies, the other takes the rest once they lapse.
    await store.renew_leases(db, [first[0].id], NOW + 5)
    later = NOW + store.LEASE_SECONDS + 1
    taken = await store.claim_due(other, later, 10)
    assert sorted(t.id for t in taken) == sorted(t.id for t in first[1:])
    assert all(t.attempts == 2 for t in taken)
    # The next look: the first second the renewed lease can be claimed, not its last.
    renewed = NOW + 5 + store.LEASE_SECONDS
    assert await store.next_pending_at(db) == renewed + 1
    assert await store.claim_due(other, renewed, 10) == []
    assert [t.id for t in await store.claim_due(other, renewed + 1, 10)] == [first[0].id]


async def test_a_restart_runs_again_what_a_crash_left_running(
    db: Database, other: Database
) -> None:
    await _plant(db, 2)
    interrupted = await store.claim_due(db, NOW, 10)  # then the process is killed mid-send
    restarted_at = NOW + store.LEASE_SECONDS + 1  # (on PostgreSQL: after the lease lapsed)
    assert await store.requeue_running(other, now=restarted_at) == 2
    again = await store.claim_due(other, restarted_at, 10)
    assert sorted(t.id for t in again) == sorted(t.id for t in interrupted)
    assert [t.attempts for t in again] == [2, 2]  # the same timers (and nonces), re-run


async def test_a_finished_timer_is_never_claimed_again(db: Database, other: Database) -> None:
    await _plant(db, 1)
    (timer,) = await store.claim_due(db, NOW, 10)
    await store.finish(db, timer.id, status="sent", now=NOW)
    assert await store.claim_due(other, NOW + 3600, 10) == []
    assert (await store.get(other, 1, "t0")).status == "sent"


async def test_a_write_in_one_process_reaches_the_others_caches_within_a_second(
    db: Database, other: Database
) -> None:
    # Reply caches are keyed by version(): it must change after another process's write.
    # PostgreSQL: NOTIFY at commit (and the hook wakes the scheduler); SQLite: data_version.
    woken: list[str] = []
    other.on_notify(woken.append)
    before = await other.version()
    await store.upsert(db, guild_id=1, kind="probe", key="k", due=NOW, payload={}, now=NOW)
    for _ in range(60):
        await asyncio.sleep(0.025)
        if await other.version() != before:
            break
    else:
        other_wait = Database.OTHER_WRITERS_CHECK_SECONDS
        await asyncio.sleep(other_wait)
    assert await other.version() != before
    if db.dialect == "postgresql":
        assert woken, "the other process's NOTIFY hook did not run"


async def test_two_processes_racing_to_seed_a_guild_seed_it_once(
    db: Database, other: Database
) -> None:
    from bot.services.catalog import ensure_seeded
    from bot.store.guilds import update_settings

    # An admin's /config before anyone used a command: the settings row already exists.
    await update_settings(db, 7, timezone="Asia/Seoul")
    results = await asyncio.gather(*(ensure_seeded(s, 7) for s in (db, other, db, other)))
    assert sorted(results) == [False, False, False, True]
    assert await db.fetchval("SELECT count(*) FROM shows WHERE guild_id = 7") == 1


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)  # SQLite has no pool
async def test_a_connection_never_given_back_does_not_hang_the_stop(db: Database) -> None:
    """A stop (or a test's teardown) ends even when a task still holds a pooled connection."""
    second = open_store(db.path)
    await second.open()
    second.close_timeout = 0.5  # type: ignore[attr-defined]
    held = await second._pool.acquire()  # type: ignore[attr-defined]
    await asyncio.wait_for(second.close(), timeout=10)  # without the bound: forever
    with pytest.raises(Exception, match="released back to the pool"):
        await held.fetchval("SELECT 1")  # the pool took it back when it was terminated


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)  # SQLite serves one process
async def test_a_process_identifying_again_within_its_turn_keeps_the_identify_bucket(
    db: Database, other: Database
) -> None:
    """Processes take turns per identify bucket; one that identifies its next shard while
    its turn still runs keeps the bucket instead of queueing behind the other process
    (one hand-over between processes, not one per shard)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    await db.hold_identify_turn(0, 1.0)  # this process's first shard
    waiting = asyncio.create_task(other.hold_identify_turn(0, 1.0))
    await asyncio.sleep(0.3)
    assert not waiting.done()  # the other process waits for the bucket
    await asyncio.wait_for(other.hold_identify_turn(1, 1.0), 2)  # another bucket is free
    await asyncio.wait_for(db.hold_identify_turn(0, 1.0), 0.2)  # the next shard: at once
    await asyncio.wait_for(waiting, 5)
    # The other process's turn came after the second shard's window, not the first's.
    assert loop.time() - started >= 1.3
    # And now this process waits its turn like any other.
    again = loop.time()
    await asyncio.wait_for(db.hold_identify_turn(0, 1.0), 5)
    assert loop.time() - again >= 0.9


async def test_processes_starting_together_on_an_empty_postgresql_each_migrate_it(
    pg_empty_url: str,
) -> None:
    """Several processes started at once on a new database: one applies each migration,
    the others find it applied, and none fails (``CREATE TABLE IF NOT EXISTS`` run by two
    sessions at once is not safe in PostgreSQL: only the migration lock makes it so)."""
    stores = [open_store(pg_empty_url) for _ in range(6)]
    await asyncio.gather(*(s.open() for s in stores))
    try:
        # Asking the version writes nothing (a table made here would race the migrations).
        assert await stores[0].user_version() == 0
        assert await stores[0].fetchval("SELECT to_regclass('schema_migrations')") is None
        applied = await asyncio.gather(*(s.migrate() for s in stores))
        versions = [v for one in applied for v in one]
        assert sorted(versions) == [m.version for m in bundled_migrations("postgresql")]
        recorded = await stores[0].fetchval("SELECT count(*) FROM schema_migrations")
        assert recorded == len(versions)
    finally:
        await asyncio.gather(*(s.close() for s in stores))
