"""Group commit for the scheduler: timers' final states, recorded in batches.

A burst of timers due in the same second used to cost one write transaction per timer
(and each transaction three round trips to the SQLite thread), and every handler slot
stayed taken until its own commit came back, so the end of a burst ran late. Here an
outcome is queued and its writer awaits a future; one flusher task writes everything
queued in one transaction, and whatever arrives meanwhile goes in the next. No timer
waits on a clock: a lone outcome is written at once, a burst shares a few commits.

Durability is unchanged: until its outcome commits, the timer is still ``running`` in
the store, so a crash re-runs it (after checking Discord for what it sent). A batch the
store refuses (locked by another process, full, a PostgreSQL server restarting: see
:mod:`bot.store.errors`) is kept and written again after ``on_error`` has waited, until it
commits: a sent announcement never stays ``running`` because of a busy store.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.store import timers as store
from bot.store.db import Database
from bot.store.errors import STORE_ERRORS

log = logging.getLogger(__name__)


class OutcomeQueue:
    """Queues :class:`~bot.store.timers.Outcome` records and commits them in batches."""

    def __init__(
        self,
        db: Database,
        *,
        on_error: Callable[[BaseException], Awaitable[None]],
        on_ok: Callable[[], None],
    ) -> None:
        self.db = db
        # on_error waits (and reports the outage) before the batch is tried again;
        # on_ok hears that a batch committed.
        self._on_error = on_error
        self._on_ok = on_ok
        self._queued: list[store.Outcome] = []
        self._writing: list[store.Outcome] = []  # the batch being written right now
        self._flusher: asyncio.Task[None] | None = None

    @property
    def waiting(self) -> set[int]:
        """Ids of the timers whose outcome is queued or being written, not committed yet:
        still ``running`` in the store, so the scheduler keeps their leases."""
        return {outcome.timer_id for outcome in (*self._writing, *self._queued)}

    def submit(self, outcome: store.Outcome) -> None:
        """Queue ``outcome`` without waiting for it: it is written until it commits.

        The scheduler's handlers have nothing to do after their outcome: a store that
        stays full for an hour holds the outcome here, not a handler's task.
        """
        self._queued.append(outcome)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name="scheduler-outcomes")

    async def drain(self) -> None:
        """Wait until everything queued so far is written (at shutdown)."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.wait({self._flusher})

    async def _flush(self) -> None:
        while self._queued:
            batch, self._queued = self._queued, []
            self._writing = batch
            try:
                await store.finish_many(self.db, batch)
            except STORE_ERRORS as error:
                # Keep them (first, in order) and write them again once the wait is over.
                self._queued, self._writing = batch + self._queued, []
                await self._on_error(error)
                continue
            except Exception:
                # A bug, not the store: these timers stay running (a restart re-runs
                # them, checking Discord first); what came in meanwhile is still written.
                self._writing = []
                log.exception("recording %d timer outcomes failed", len(batch))
                continue
            self._writing = []
            self._on_ok()
