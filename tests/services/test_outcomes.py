"""The scheduler's group commit (bot.services._outcomes) against a real SQLite store."""

from __future__ import annotations

import asyncio

from bot.services._outcomes import OutcomeQueue
from bot.store import timers as store

GUILD = 1
NOW = 1_700_000_000


async def _claimed(db, *keys: str) -> dict[str, int]:
    """Timers ``keys``, due now and claimed (``running``, as a handler sees them)."""
    for key in keys:
        await store.upsert(db, guild_id=GUILD, kind="k", key=key, due=NOW, payload={}, now=NOW)
    return {t.key: t.id for t in await store.claim_due(db, NOW, 10)}


async def _status(db, key: str) -> str:
    timer = await store.get(db, GUILD, key)
    assert timer is not None
    return timer.status


async def _never_fails(error: BaseException) -> None:
    raise AssertionError(f"the store failed: {error}")


async def test_drain_returns_only_once_every_submitted_outcome_is_committed(db) -> None:
    # What the scheduler's stop() relies on before the store closes.
    ids = await _claimed(db, "a", "b")
    committed = []
    queue = OutcomeQueue(db, on_error=_never_fails, on_ok=lambda: committed.append(1))
    queue.submit(store.Outcome(ids["a"], "sent", NOW, result="message 1"))
    queue.submit(store.Outcome(ids["b"], "failed", NOW, error="403 Missing Access"))
    await queue.drain()
    assert [await _status(db, "a"), await _status(db, "b")] == ["sent", "failed"]
    assert committed  # an outage, had there been one, would now be over
    await queue.drain()  # nothing queued: returns at once


async def test_a_bug_in_one_batch_does_not_strand_the_outcomes_after_it(db, monkeypatch) -> None:
    ids = await _claimed(db, "first", "second")
    real = store.finish_many
    writing, go_on = asyncio.Event(), asyncio.Event()
    calls = 0

    async def buggy_once(database, outcomes):
        nonlocal calls
        calls += 1
        if calls == 1:
            writing.set()
            await go_on.wait()
            raise RuntimeError("a bug in the write")
        await real(database, outcomes)

    monkeypatch.setattr(store, "finish_many", buggy_once)
    queue = OutcomeQueue(db, on_error=_never_fails, on_ok=lambda: None)
    queue.submit(store.Outcome(ids["first"], "sent", NOW))
    await writing.wait()
    queue.submit(store.Outcome(ids["second"], "sent", NOW))  # arrives during the bad write
    go_on.set()
    await queue.drain()
    # The first stays running (a restart re-runs it, checking Discord first); the
    # second, queued meanwhile, is written by the same flusher.
    assert [await _status(db, "first"), await _status(db, "second")] == ["running", "sent"]
