"""SIGKILL-and-restart the bot at random moments; check what survives, in Discord and on disk.

What is checked after every kill:

* the SQLite store passes ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``;
* every guild's catalog is seeded all-or-nothing (``seeded_at`` set ⇔ its shows are there);
* the bot restarts to READY and answers.

And at the end, per timer, in the stand-in's world: every expected timer's message is there
exactly once (0 lost, 0 duplicated). A message belongs to a timer through ``timer_key``
(by default its ``nonce``: a scheduled send that survives a crash must carry a stable nonce
with ``enforce_nonce``, and the stand-in collapses repeats exactly as Discord does).

Which process did it: every run gets a number (``StandIn.sender``), which the stand-in
stamps on each request and on each message it creates. A send a kill interrupted (its
client gone before it was carried out, or before its answer was written: see
``Fault.drop_if_gone``) must then be delivered by a later run; one that had landed
already is found again by the re-run (the caller checks the store's result for it). The
first cycle and every other one kill while such a send is in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.server import Recorded, StandIn

TimerKey = Callable[[dict[str, Any]], str | None]
AttemptKey = Callable[[Recorded], str | None]


def by_nonce(message: dict[str, Any]) -> str | None:
    """The default timer key: the nonce the bot sent the message with."""
    nonce = message.get("nonce")
    return str(nonce) if nonce is not None else None


def by_request_nonce(record: Recorded) -> str | None:
    """The default attempt key: the nonce of a message the bot tried to create."""
    body = record.body if isinstance(record.body, dict) else {}
    if record.method != "POST" or not record.path.endswith("/messages"):
        return None
    nonce = body.get("nonce")
    return str(nonce) if nonce is not None else None


@dataclass
class Deliveries:
    """One timer, across the runs: who delivered its message, who tried, who was cut off."""

    delivered_by: list[int] = field(default_factory=list)  # run of each message it created
    attempts: list[int] = field(default_factory=list)  # run of each request for it
    dropped: list[int] = field(default_factory=list)  # runs killed before it was carried out
    unanswered: list[int] = field(default_factory=list)  # runs killed before its answer

    def problem(self) -> str | None:
        """Why a send a kill interrupted was never delivered (``None`` when it was).

        One that had landed already (its answer lost, or a repeat of an earlier send
        dropped) is found again by the re-run (its nonce, its marker in the channel's
        history, its post in the thread list) without a new request: the caller checks
        that the store's result names the message Discord has."""
        cut_off = self.dropped + self.unanswered
        if not cut_off or self.delivered_by:
            return None
        cut = max(cut_off)
        how = "dropped" if cut in self.dropped else "cut off"
        return f"{how} in run {cut} and never delivered"


def deliveries(
    standin: StandIn, key: TimerKey = by_nonce, attempt_key: AttemptKey = by_request_nonce
) -> dict[str, Deliveries]:
    """Per timer: the runs that delivered it and the runs that tried, from the world and
    the stand-in's request log."""
    found: dict[str, Deliveries] = {}
    for message in standin.world.all_messages():
        if (k := key(message)) is not None:
            found.setdefault(k, Deliveries()).delivered_by.append(int(message.get("_sender", 0)))
    for record in standin.requests:
        if (k := attempt_key(record)) is None:
            continue
        entry = found.setdefault(k, Deliveries())
        entry.attempts.append(record.sender)
        if record.dropped:
            entry.dropped.append(record.sender)
        elif record.unanswered:
            entry.unanswered.append(record.sender)
    return found


def count_per_timer(standin: StandIn, key: TimerKey = by_nonce) -> Counter[str]:
    """How many visible messages in the world belong to each timer."""
    return Counter(k for m in standin.world.all_messages() if (k := key(m)) is not None)


def store_problems(database: Path, bundled_shows: int) -> list[str]:
    """Everything wrong with the store after a kill (empty when it is consistent)."""
    if not database.exists():
        return []  # killed before the store was opened
    with sqlite3.connect(database) as conn:
        problems = []
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity}")
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("foreign_key_check found orphans")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if {"guild_settings", "shows"} <= tables:
            rows = conn.execute(
                "SELECT g.guild_id, g.seeded_at IS NOT NULL,"
                " (SELECT count(*) FROM shows s WHERE s.guild_id = g.guild_id)"
                " FROM guild_settings g"
            ).fetchall()
            for guild_id, seeded, shows in rows:
                if seeded and shows != bundled_shows:
                    problems.append(f"guild {guild_id} seeded with {shows}/{bundled_shows} shows")
            orphans = conn.execute(
                "SELECT count(*) FROM shows WHERE guild_id NOT IN"
                " (SELECT guild_id FROM guild_settings WHERE seeded_at IS NOT NULL)"
            ).fetchone()[0]
            if orphans:
                problems.append(f"{orphans} shows in guilds never marked seeded (half a seed)")
    return problems


_RERUN = re.compile(r"re-running (\d+) timers interrupted by a restart")


@dataclass
class CrashReport:
    """What the cycles did and found."""

    cycles: int = 0
    killed_before_connecting: int = 0
    killed_while_connected: int = 0
    interactions_sent: int = 0
    interactions_answered: int = 0
    guilds_seeded: int = 0
    restart_to_ready: list[float] = field(default_factory=list)
    store_problems: list[str] = field(default_factory=list)
    timers_rerun: int = 0  # the scheduler's own count ("re-running N timers"), for the log
    interrupted: int = 0  # timers whose send a kill cut off (dropped or unanswered)
    delivered_after_restart: int = 0  # of those, delivered by a later run
    not_rerun: dict[str, str] = field(default_factory=dict)  # interrupted, never run again
    duplicated: dict[str, int] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for a log or the README."""
        ready = sorted(self.restart_to_ready)
        p50 = ready[len(ready) // 2] if ready else 0.0
        return (
            f"{self.cycles} kills ({self.killed_before_connecting} while starting, "
            f"{self.killed_while_connected} while connected), {self.interactions_answered}/"
            f"{self.interactions_sent} interactions answered, {self.guilds_seeded} guilds "
            f"seeded, restart-to-READY p50 {p50:.2f}s, store problems "
            f"{len(self.store_problems)}, {self.interrupted} sends cut off by a kill "
            f"({self.delivered_after_restart} delivered by a later run, "
            f"{len(self.not_rerun)} never re-run), lost {len(self.lost)}, "
            f"duplicated {len(self.duplicated)}"
        )


async def _traffic(standin: StandIn, rng: random.Random, report: CrashReport, sent: list) -> None:
    """Members run /ping in random guilds while the bot is up (first use seeds a guild)."""
    channels = [c["name"] for c in standin.world.channels.values() if c["type"] == 0]
    while True:
        await asyncio.sleep(rng.uniform(0.02, 0.15))
        if standin.gw.current is None or standin.gw.current.ws is None:
            continue
        sent.append(await standin.slash("owner", rng.choice(channels), "ping"))
        report.interactions_sent += 1


async def crash_cycles(
    standin: StandIn,
    bot: BotProcess,
    *,
    cycles: int,
    seed: int = 7,
    max_uptime: float = 4.0,
    bundled_shows: int = 1,
    expected_timers: Iterable[str] = (),
    timer_key: TimerKey = by_nonce,
    settle_within: float = 15.0,
    settled: Callable[[], bool] = lambda: True,
    attempt_key: AttemptKey = by_request_nonce,
    interrupt_every: int = 2,
    interrupt_within: float = 20.0,
) -> CrashReport:
    """Start, run for a random while under traffic, SIGKILL, check the store; repeat.

    Every ``interrupt_every``-th cycle from the first (0: never) kills while a slowed send
    is in flight (at a random point of it; waiting up to ``interrupt_within`` for one, so
    a slow start on a busy machine still gets there), instead of at a random moment.
    The last run is left up until every expected timer has been seen and ``settled()``
    holds (or ``settle_within`` has passed: what is still missing then is reported as lost).
    """
    expected_timers = list(expected_timers)
    rng = random.Random(seed)  # kill times: the same on every run for a seed
    traffic_rng = random.Random(seed + 1)
    report = CrashReport()
    sent: list[Any] = []
    for cycle in range(cycles):
        identified = standin.gw.identifies
        await bot.start()
        standin.sender = bot.runs
        traffic = asyncio.create_task(_traffic(standin, traffic_rng, report, sent))
        if interrupt_every and cycle % interrupt_every == 0:
            # Alternately on the way there (lost with the process) and on the way back.
            there = cycle % (2 * interrupt_every) == 0
            await _until_a_send_is_in_flight(
                standin, rng, interrupt_within, there=there,
                of=lambda r: attempt_key(r) in expected_timers,
            )  # fmt: skip
        else:
            await asyncio.sleep(rng.uniform(0.0, max_uptime))
        if standin.gw.identifies > identified:
            report.killed_while_connected += 1
        else:
            report.killed_before_connecting += 1
        await bot.kill()
        traffic.cancel()
        standin.gw.current = None  # the dead process's session is gone with it
        report.cycles += 1
        report.store_problems += store_problems(bot.database, bundled_shows)
    # The last start must come up and answer as if nothing had happened.
    await bot.start()
    standin.sender = bot.runs
    report.restart_to_ready.append(await bot.wait_ready())
    final = await standin.slash("owner", "general", "ping")
    await final.wait()
    with contextlib.suppress(AssertionError):  # what never came is reported as lost
        await standin.wait_until(
            lambda: not timer_outcome(standin, expected_timers, timer_key)[1] and settled(),
            within=settle_within,
            what="every expected timer",
        )
    report.interactions_answered = sum(1 for r in sent if r.answered) + 1
    report.interactions_sent += 1
    await bot.stop()
    report.store_problems += store_problems(bot.database, bundled_shows)
    with sqlite3.connect(bot.database) as conn:
        report.guilds_seeded = conn.execute(
            "SELECT count(*) FROM guild_settings WHERE seeded_at IS NOT NULL"
        ).fetchone()[0]
    report.duplicated, report.lost = timer_outcome(standin, expected_timers, timer_key)
    report.timers_rerun = sum(int(found.group(1)) for found in _RERUN.finditer(bot.output()))
    for key, entry in deliveries(standin, timer_key, attempt_key).items():
        if key not in expected_timers or not (entry.dropped or entry.unanswered):
            continue
        report.interrupted += 1
        cut = max(entry.dropped + entry.unanswered)
        report.delivered_after_restart += any(run > cut for run in entry.delivered_by)
        if (problem := entry.problem()) is not None:
            report.not_rerun[key] = problem
    return report


async def _until_a_send_is_in_flight(
    standin: StandIn,
    rng: random.Random,
    within: float,
    *,
    there: bool,
    of: Callable[[Recorded], bool],
) -> None:
    """Wait until a slowed request for an expected timer (``of``) is on its way, then a
    random part of its way there (the kill lands before it is carried out) or of its way
    back (after, before its answer); or give up after ``within``."""
    fault = next((f for f in standin.faults if f.status == 0 and f.drop_if_gone), None)
    delay, after = (fault.delay, fault.hold) if fault else (0.0, 0.0)
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        if any(r.in_flight and of(r) for r in standin.requests[-200:]):
            wait = rng.uniform(0.1, 0.7) * delay if there else delay + rng.uniform(0.2, 0.8) * after
            await asyncio.sleep(wait)
            return
        await asyncio.sleep(0.01)


def timer_outcome(
    standin: StandIn, expected: Iterable[str], key: TimerKey = by_nonce
) -> tuple[dict[str, int], list[str]]:
    """(timers seen more than once with their counts, expected timers never seen)."""
    counts = count_per_timer(standin, key)
    duplicated = {k: n for k, n in counts.items() if n > 1}
    return duplicated, [k for k in expected if counts[k] == 0]
