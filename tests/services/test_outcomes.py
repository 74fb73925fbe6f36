"""The scheduler's group commit (bot.services._outcomes) against a real store, each backend."""

from __future__ import annotations

import asyncio

from bot.services._outcomes import OutcomeQueue
from bot.store import timers

GUILD = 1
NOW = 1_700_000_000


async def _claimed(store, *keys: str) -> dict[str, int]:
    """Timers ``keys``, due now and claimed (``running``, as a handler sees them)."""
    for key in keys:
        await timers.upsert(store, guild_id=GUILD, kind="k", key=key, due=NOW, payload={}, now=NOW)
    return {t.key: t.id for t in await timers.claim_due(store, NOW, 10)}


async def _status(store, key: str) -> str:
    timer = await timers.get(store, GUILD, key)
    assert timer is not None
    return timer.status


async def _never_fails(error: BaseException) -> None:
    raise AssertionError(f"the store failed: {error}")


def _first_write_has_a_bug(monkeypatch) -> tuple[asyncio.Event, asyncio.Event]:
    """Make the queue's first write raise a bug (not a store error) once ``go_on`` is set;
    ``writing`` is set while it waits. Later writes go to the store."""
    real = timers.finish_many
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

    monkeypatch.setattr(timers, "finish_many", buggy_once)
    return writing, go_on


async def test_drain_returns_only_once_every_submitted_outcome_is_committed(store) -> None:
    # What the scheduler's stop() relies on before the store closes.
    ids = await _claimed(store, "a", "b")
    committed = []
    queue = OutcomeQueue(store, on_error=_never_fails, on_ok=lambda: committed.append(1))
    queue.submit(timers.Outcome(ids["a"], "sent", NOW, result="message 1"))
    queue.submit(timers.Outcome(ids["b"], "failed", NOW, error="403 Missing Access"))
    await queue.drain()
    assert [await _status(store, "a"), await _status(store, "b")] == ["sent", "failed"]
    assert committed  # an outage, had there been one, would now be over
    await queue.drain()  # nothing queued: returns at once


async def test_a_bug_in_one_batch_does_not_strand_the_outcomes_after_it(store, monkeypatch) -> None:
    ids = await _claimed(store, "first", "second")
    writing, go_on = _first_write_has_a_bug(monkeypatch)
    queue = OutcomeQueue(store, on_error=_never_fails, on_ok=lambda: None)
    queue.submit(timers.Outcome(ids["first"], "sent", NOW))
    await writing.wait()
    queue.submit(timers.Outcome(ids["second"], "sent", NOW))  # arrives during the bad write
    go_on.set()
    await queue.drain()
    # The first stays running (a restart re-runs it, checking Discord first); the
    # second, queued meanwhile, is written by the same flusher.
    assert [await _status(store, "first"), await _status(store, "second")] == ["running", "sent"]


async def test_what_waits_is_held_until_committed_and_a_bug_lets_it_go(store, monkeypatch) -> None:
    # ``waiting`` is what the scheduler keeps leased: an outcome in the queue or being
    # written is held, so no loop claims its sent timer again. One a bug failed to write
    # is let go (it stays running, and once its lease lapses a restart or another
    # process re-runs it, checking Discord first), and the queue still takes the next.
    ids = await _claimed(store, "buggy", "next")
    writing, go_on = _first_write_has_a_bug(monkeypatch)
    queue = OutcomeQueue(store, on_error=_never_fails, on_ok=lambda: None)
    assert queue.waiting == set()
    queue.submit(timers.Outcome(ids["buggy"], "sent", NOW))
    await writing.wait()
    assert queue.waiting == {ids["buggy"]}  # being written
    go_on.set()
    await queue.drain()
    assert queue.waiting == set()
    assert await _status(store, "buggy") == "running"
    queue.submit(timers.Outcome(ids["next"], "sent", NOW))
    assert queue.waiting == {ids["next"]}  # queued
    await queue.drain()
    assert queue.waiting == set()
    assert await _status(store, "next") == "sent"
