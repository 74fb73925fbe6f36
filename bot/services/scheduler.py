"""The durable scheduler: one loop that sleeps until the next due timer.

Design (RoboDanny's, with its bugs fixed):

- one indexed query for the earliest pending timer; the loop sleeps until then, capped
  (see :meth:`Scheduler._sleep_for`) so it re-queries and never sleeps forever, and is
  woken early when an earlier timer is scheduled or one is cancelled;
- every due timer is claimed (``running``) in one transaction before its handler runs,
  and marked ``sent`` only after the handler succeeded; outcomes are group-committed
  (:mod:`bot.services._outcomes`), so a burst due in one second costs a few commits,
  not two per timer. A ``running`` timer found at start-up was interrupted
  by a crash and runs again; handlers that send messages use :attr:`Timer.nonce` so
  Discord drops the repeat (``enforce_nonce``);
- transient failures retry with backoff up to ``retry_limit``; permanent ones fail at
  once; either way a final state, reported once (Red #4535 re-sent errors forever);
- a rate limit (429, :class:`discord.RateLimited`) is never a failure: the timer waits
  ``retry_after`` and tries again, until the catch-up window is spent (then ``missed``);
- the loop never dies of the store: a locked, full or failing database is waited out
  with backoff, logged once per outage and told to the log channels (``on_store_trouble``),
  and what came due meanwhile fires when the store is back, without a restart. Outcomes
  are written until they commit;
- after downtime a timer overdue by less than the guild's ``catchup_seconds`` runs
  with ``late=True``; older ones become ``missed`` and never run stale.

Time comes from the bot's clock, so SimCord's virtual time drives it in tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import discord

from bot.clock import Clock
from bot.services._outcomes import OutcomeQueue
from bot.store import timers as store
from bot.store.db import Database
from bot.store.errors import STORE_ERRORS
from bot.store.guilds import get_settings
from bot.store.timers import STATUSES, Timer

log = logging.getLogger(__name__)

__all__ = ["STATUSES", "Handler", "PermanentError", "Scheduler", "Timer", "TransientError"]

# A timer this many seconds past due still counts as on time (not "late").
LATE_AFTER = 60
STORE_BACKOFF_FIRST, STORE_BACKOFF_CAP = 0.5, 10.0
STOP_DRAIN_SECONDS = 10.0


class TransientError(Exception):
    """Raised by a handler for a failure worth retrying (5xx, timeouts)."""


class PermanentError(Exception):
    """Raised by a handler for a failure retrying cannot fix (missing access, unknown channel)."""


Handler = Callable[[Timer, bool], Awaitable[str | None]]
FailedHook = Callable[[Timer, str], Awaitable[None]]
# Told when the store starts failing (the reason) and when it is back (None).
StoreHook = Callable[[str | None], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Kind:
    handler: Handler
    on_failed: FailedHook | None


def rate_limit_wait(error: BaseException) -> float | None:
    """Seconds Discord asked us to wait, when ``error`` is a rate limit; else None.

    discord.py retries a 429 itself five times, then raises the sixth as an
    :class:`~discord.HTTPException` (or :class:`~discord.RateLimited` past its
    ``max_ratelimit_timeout``): nothing was done, so it is always safe to send again.
    """
    if isinstance(error, discord.RateLimited):
        return float(error.retry_after)
    if isinstance(error, discord.HTTPException) and error.status == 429:
        header = getattr(error.response, "headers", {}).get("Retry-After")
        try:
            return float(header) if header is not None else 1.0
        except ValueError:
            return 1.0
    return None


def classify(error: BaseException) -> type[TransientError] | type[PermanentError]:
    """Whether a handler's exception is worth retrying."""
    if isinstance(error, TransientError):
        return TransientError
    if isinstance(error, PermanentError):
        return PermanentError
    if rate_limit_wait(error) is not None:
        return TransientError
    if isinstance(error, STORE_ERRORS):
        return TransientError  # the store was busy or full: nothing Discord refused
    if isinstance(error, discord.DiscordServerError | TimeoutError | OSError):
        return TransientError
    if isinstance(error, discord.HTTPException) and error.status >= 500:
        return TransientError
    return PermanentError


def describe(error: BaseException) -> str:
    """A short reason for the ledger and the mod-log."""
    if isinstance(error, discord.HTTPException):
        text = error.text or type(error).__name__
        return f"{error.status} {text}"[:300]
    return (str(error) or type(error).__name__)[:300]


class Scheduler:
    """Runs registered handlers for due timers, durably and exactly once."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        max_sleep: float = 300.0,
        idle_sleep: float = 86400.0,
        retry_limit: int = 5,
        retry_base: float = 30.0,
        retry_cap: float = 900.0,
        batch: int = 500,
        concurrency: int = 20,
        max_inflight: int = 1000,
        ready: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        # Awaited once before the loop first claims anything: a handler needs the
        # gateway's view of its guild (the bot's own member, for permissions), which a
        # timer overdue at start-up would otherwise meet empty.
        self.ready = ready
        self.max_sleep = max_sleep
        self.idle_sleep = idle_sleep
        self.retry_limit = retry_limit
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self.batch = batch
        # Claimed-but-unfinished timers the loop lets pile up before it waits: a backlog
        # after downtime is claimed as handlers free up, not all at once.
        self.max_inflight = max_inflight
        self._kinds: dict[str, _Kind] = {}
        # Waking: cancel the sleeper task; a wake while not asleep skips the next sleep.
        # (A sleep in its own task rather than Event.wait + timeout: SimCord recognises
        # a parked asyncio.sleep as virtual time, and it is just as cheap for real.)
        self._sleeper: asyncio.Task[None] | None = None
        self._wake_pending = False
        self._sleeping_until: float | None = None
        self._loop_task: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()
        # Claimed timers whose handler still runs: their leases are renewed (see
        # store.LEASE_SECONDS) so no other process takes them over meanwhile.
        self._leased: set[int] = set()
        self._listening = False
        self._renewer: asyncio.Task[None] | None = None
        # Handlers running at once (each typically one Discord request; discord.py
        # paces the rest). Held only while the handler runs, not while its outcome is
        # written, so a no-op or fast handler never holds up the next timer.
        self._slots = asyncio.Semaphore(concurrency)
        # Store outages: the reason of the current one (None: the store is fine), and the
        # hook that tells the moderators (set by the bot).
        self._outage: str | None = None
        self._store_backoff = STORE_BACKOFF_FIRST
        self.on_store_trouble: StoreHook | None = None
        self._notices: set[asyncio.Task[None]] = set()
        self._outcomes = OutcomeQueue(db, on_error=self._store_failed, on_ok=self._store_ok)

    # -- registration and lifecycle -------------------------------------------------

    def register(self, kind: str, handler: Handler, *, on_failed: FailedHook | None = None) -> None:
        """Route timers of ``kind`` to ``handler`` (a later registration replaces it)."""
        self._kinds[kind] = _Kind(handler, on_failed)

    def unregister(self, kind: str) -> None:
        """Stop routing ``kind`` (its timers wait, pending, until a handler returns)."""
        self._kinds.pop(kind, None)

    @property
    def running(self) -> bool:
        """Whether the loop is alive."""
        return self._loop_task is not None and not self._loop_task.done()

    async def start(self) -> None:
        """Re-queue work a crash interrupted and start the one loop."""
        if self.running:
            return
        requeued = await store.requeue_running(self.db, now=int(self._now()))
        if requeued:
            log.warning("re-running %d timers interrupted by a restart", requeued)
        # Another process's new earlier timer or cancel (PostgreSQL NOTIFY) wakes this
        # loop to look again, as a local schedule() does.
        if not self._listening:
            self.db.on_notify(lambda _payload: self._wake())
            self._listening = True
        self._loop_task = asyncio.create_task(self._loop(), name="scheduler")
        self._loop_task.add_done_callback(self._loop_died)

    async def stop(self) -> None:
        """Stop the loop and wait for in-flight handlers to finish or be cancelled."""
        task, self._loop_task = self._loop_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for running in list(self._inflight):
            running.cancel()
        if self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)
        # Handlers that succeeded have their outcome queued: write it before the store
        # closes, but do not hang a shutdown on a store that stays locked or full (such a
        # timer stays running; the next start checks Discord before running it again).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._outcomes.drain(), STOP_DRAIN_SECONDS)
        for notice in list(self._notices):
            notice.cancel()
        if self._renewer is not None:
            self._renewer.cancel()

    def _loop_died(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.critical("the scheduler loop died", exc_info=task.exception())

    # -- the API -------------------------------------------------------------------

    async def schedule(
        self, *, guild_id: int, kind: str, key: str, due: int, payload: dict[str, Any]
    ) -> int:
        """Schedule (or re-plan) the guild's timer ``key`` for ``due``; returns its id.

        Never duplicates: a key has one timer. A sent or running one is left alone.
        """
        timer_id = await store.upsert(
            self.db,
            guild_id=guild_id,
            kind=kind,
            key=key,
            due=int(due),
            payload=payload,
            now=self.clock.timestamp(),
        )
        if self._sleeping_until is None or due < self._sleeping_until:
            self._wake()
        return timer_id

    async def cancel(self, *, guild_id: int, key: str, reason: str | None = None) -> bool:
        """Cancel the guild's pending timer ``key``; whether there was one."""
        done = await store.cancel(self.db, guild_id, key, now=self.clock.timestamp(), reason=reason)
        if done:
            self._wake()
        return done

    async def get(self, *, guild_id: int, key: str) -> Timer | None:
        """The guild's timer ``key``."""
        return await store.get(self.db, guild_id, key)

    async def list(
        self,
        *,
        guild_id: int,
        kinds: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        key_prefix: str | None = None,
        newest_first: bool = False,
        limit: int = 500,
    ) -> list[Timer]:
        """The guild's timers, filtered by kind, status and key prefix, by due instant."""
        return await store.list_timers(
            self.db,
            guild_id,
            kinds=kinds,
            statuses=statuses,
            key_prefix=key_prefix,
            newest_first=newest_first,
            limit=limit,
        )

    # -- the loop ------------------------------------------------------------------

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def wake(self) -> None:
        """Look at the store again now: the clock jumped (the sandbox) or rows changed."""
        self._wake()

    def _wake(self) -> None:
        self._wake_pending = True
        if self._sleeper is not None and not self._sleeper.done():
            self._sleeper.cancel()

    def _sleep_for(self, next_at: int | None, now: float) -> float:
        """How long to sleep: until the next timer, capped, so the loop re-queries.

        The cap is ``max_sleep`` near a timer and half the remaining time far from one:
        a timer three weeks out is approached in a dozen wake-ups instead of thousands
        (each a query, and under SimCord a settle), while any drift of a long sleep is
        corrected well before the timer is due. With nothing pending the loop re-checks
        once every ``idle_sleep``; ``schedule`` wakes it sooner.
        """
        if next_at is None:
            return self.idle_sleep
        remaining = next_at - now
        return min(remaining, max(self.max_sleep, remaining / 2))

    # -- store outages ------------------------------------------------------------

    @property
    def store_outage(self) -> str | None:
        """Why the store is failing right now (None when it is fine)."""
        return self._outage

    async def _store_failed(self, error: BaseException) -> None:
        """A store call failed: note the outage once, then wait (backing off) before a retry."""
        if self._outage is None:
            self._outage = describe(error)
            log.warning("the store is failing (%s): the scheduler waits and retries", self._outage)
            self._notify(self._outage)
        delay, self._store_backoff = (
            self._store_backoff,
            min(STORE_BACKOFF_CAP, self._store_backoff * 2),
        )
        await asyncio.sleep(delay)

    def _store_ok(self) -> None:
        """A store write committed: an outage, if there was one, is over (reads alone
        prove nothing: they work while another process holds the write lock)."""
        self._store_backoff = STORE_BACKOFF_FIRST
        if self._outage is not None:
            log.warning("the store works again (after: %s); due timers fire now", self._outage)
            self._outage = None
            self._notify(None)

    def _notify(self, reason: str | None) -> None:
        hook = self.on_store_trouble
        if hook is None:
            return

        async def tell() -> None:
            try:
                await hook(reason)
            except Exception:
                log.warning("could not tell the log channels about the store", exc_info=True)

        task = asyncio.create_task(tell(), name="scheduler-store-notice")
        self._notices.add(task)
        task.add_done_callback(self._notices.discard)

    async def _until_committed(self, write: Callable[[], Awaitable[Any]]) -> Any:
        """Run a store write until it commits, waiting out outages."""
        while True:
            try:
                done = await write()
            except STORE_ERRORS as error:
                await self._store_failed(error)
                continue
            self._store_ok()
            return done

    async def _loop(self) -> None:
        if self.ready is not None:
            await self.ready()
        while True:
            try:
                await self._loop_body()
            except asyncio.CancelledError:
                raise
            except STORE_ERRORS as error:
                # Locked by another process, full, an I/O error: wait, then look again.
                await self._store_failed(error)

    async def _loop_body(self) -> None:
        # The earliest pending instant, still true because the sleep toward it ran out
        # undisturbed (schedule, cancel and retries all wake the loop): on waking for a
        # due timer the loop claims at once instead of asking the store again first.
        known_next: int | None = None
        while True:
            self._wake_pending = False
            if known_next is not None and known_next <= self._now():
                next_at: int | None = known_next
            else:
                next_at = await store.next_pending_at(self.db)
            known_next = None
            now = self._now()
            if next_at is not None and next_at <= now:
                if len(self._inflight) >= self.max_inflight:
                    await asyncio.wait(set(self._inflight), return_when=asyncio.FIRST_COMPLETED)
                    continue
                await self._run_due(int(now))
                continue
            if self._wake_pending:
                continue  # something changed while we looked: look again
            delay = self._sleep_for(next_at, now)
            self._sleeping_until = now + delay
            self._sleeper = asyncio.create_task(asyncio.sleep(delay), name="scheduler-sleep")
            try:
                await asyncio.wait({self._sleeper})
                if not self._sleeper.cancelled() and not self._wake_pending:
                    known_next = next_at
            finally:
                self._sleeper.cancel()
                self._sleeper = None
                self._sleeping_until = None

    async def _run_due(self, now: int) -> None:
        claimed = await store.claim_due(self.db, now, self.batch)
        if not self._outcomes.waiting:
            # While outcomes wait to be written, only their commit ends an outage: a
            # claim commits even on a full disk (it rewrites rows in place), and taking
            # it for the store's recovery told the log channels "works again" and then
            # "failing" anew every few seconds.
            self._store_ok()
        windows: dict[int, int] = {}
        for timer in claimed:
            overdue = now - timer.due
            if overdue > 0 and timer.guild_id not in windows:
                # Only late timers need the guild's window: on-time ones cost no query.
                windows[timer.guild_id] = (
                    await get_settings(self.db, timer.guild_id)
                ).catchup_seconds
            if overdue > 0 and overdue > windows[timer.guild_id]:
                outcome = store.Outcome(timer.id, "missed", now, error=f"missed by {overdue}s")
                self._outcomes.submit(outcome)
                log.info("timer %s (%s) missed by %ss", timer.key, timer.kind, overdue)
                continue
            # Dispatch and move on: the handler waits for a slot in its own task, so the
            # rest of the burst is claimed and started without waiting for this one.
            self._spawn(self._leased_run(timer, overdue > LATE_AFTER))

    async def _leased_run(self, timer: Timer, late: bool) -> None:
        self._leased.add(timer.id)
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.create_task(self._renew_leases(), name="scheduler-leases")
        try:
            await self._run_one(timer, late)
        finally:
            self._leased.discard(timer.id)

    def _holding(self) -> set[int]:
        """The timers this process must keep claimed: handlers still running, and those
        whose outcome is not committed yet. A lease lapsing on the latter (a full store
        refusing the outcome) let the loop claim its own sent timer again and send twice."""
        return self._leased | self._outcomes.waiting

    async def _renew_leases(self) -> None:
        """Renew claims while handlers run or their outcomes wait; ends when none do (no
        idle wake-ups)."""
        while self._holding():
            await asyncio.sleep(store.LEASE_SECONDS / 3)
            holding = self._holding()
            if not holding:
                return
            try:
                await store.renew_leases(self.db, sorted(holding), int(self._now()))
            except Exception as exc:  # the store's own fault handling logs outages
                log.warning("could not renew timer leases: %s", exc)

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    async def _run_one(self, timer: Timer, late: bool) -> None:
        kind = self._kinds.get(timer.kind)
        if kind is None:
            # Nobody handles this kind (yet): put it back, try again after a while.
            log.warning("no handler for timer kind %r; retrying later", timer.kind)
            await self._until_committed(
                lambda: store.retry_later(
                    self.db,
                    timer.id,
                    next_at=int(self._now() + self.max_sleep),
                    error=f"no handler for {timer.kind}",
                )
            )
            return
        async with self._slots:
            try:
                result = await kind.handler(timer, late)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failure: Exception | None = error
            else:
                failure = None
        if failure is not None:
            await self._failed(timer, kind, failure)
            return
        # Marked sent only now, after the handler succeeded; committed with whatever
        # else finished meanwhile. Until then the timer is running, and a crash re-runs it.
        outcome = store.Outcome(
            timer.id,
            "sent",
            self.clock.timestamp(),
            result=None if result is None else str(result),
        )
        # The queue writes it until it commits (a locked or full store only delays it);
        # until then the timer is running in the store, and a restart looks before re-running.
        self._outcomes.submit(outcome)

    async def _failed(self, timer: Timer, kind: _Kind, error: Exception) -> None:
        reason = describe(error)
        wait = rate_limit_wait(error)
        if wait is not None:
            await self._rate_limited(timer, reason, wait)
            return
        transient = classify(error) is TransientError
        if not isinstance(error, TransientError | PermanentError | discord.HTTPException):
            log.error("timer %s (%s) handler crashed", timer.key, timer.kind, exc_info=error)
        if transient and timer.attempts < self.retry_limit:
            delay = min(self.retry_cap, self.retry_base * 2 ** (timer.attempts - 1))
            log.info(
                "timer %s failed (%s); retry %d in %ss", timer.key, reason, timer.attempts, delay
            )
            await self._until_committed(
                lambda: store.retry_later(
                    self.db, timer.id, next_at=int(self._now() + delay), error=reason
                )
            )
            self._wake()
            return
        if transient:
            reason = f"{reason} (gave up after {timer.attempts} attempts)"
        self._outcomes.submit(
            store.Outcome(timer.id, "failed", self.clock.timestamp(), error=reason)
        )
        log.warning("timer %s (%s) failed: %s", timer.key, timer.kind, reason)
        if kind.on_failed is not None:
            try:
                await kind.on_failed(timer, reason)
            except Exception:
                log.exception("on_failed hook for %s raised", timer.kind)

    async def _rate_limited(self, timer: Timer, reason: str, wait: float) -> None:
        """Send again after ``retry_after``; past the catch-up window the timer is missed.

        Never ``failed``: a rate limit says nothing about whether the announcement can
        be sent, only when.
        """
        now = self._now()
        next_at = int(now + max(1.0, wait) + 0.999)
        window = (await get_settings(self.db, timer.guild_id)).catchup_seconds
        # The same window the claim applies: a retry it would only mark missed is not planned.
        if next_at - timer.due <= window:
            log.info("timer %s rate limited; again in %ss", timer.key, next_at - int(now))
            await self._until_committed(
                lambda: store.retry_later(self.db, timer.id, next_at=next_at, error=reason)
            )
            self._wake()
            return
        why = f"{reason} (rate limited past the catch-up window)"
        self._outcomes.submit(store.Outcome(timer.id, "missed", int(now), error=why))
        log.warning("timer %s (%s) missed: %s", timer.key, timer.kind, why)
