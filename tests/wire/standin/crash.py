"""SIGKILL-and-restart the bot at random moments; check what survives, in Discord and on disk.

What is checked after every kill:

* the SQLite store passes ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``;
* every guild's catalog is seeded all-or-nothing (``seeded_at`` set ⇔ its shows are there);
* the bot restarts to READY and answers.

And at the end, per timer, in the stand-in's world: every expected timer's message is there
exactly once (0 lost, 0 duplicated). A message belongs to a timer through ``timer_key``
(by default its ``nonce``: a scheduled send that survives a crash must carry a stable nonce
with ``enforce_nonce``, and the stand-in collapses repeats exactly as Discord does).
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
from tests.wire.standin.server import StandIn

TimerKey = Callable[[dict[str, Any]], str | None]


def by_nonce(message: dict[str, Any]) -> str | None:
    """The default timer key: the nonce the bot sent the message with."""
    nonce = message.get("nonce")
    return str(nonce) if nonce is not None else None


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
    timers_rerun: int = 0  # timers a kill interrupted mid-send, run again after restart
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
            f"{len(self.store_problems)}, {self.timers_rerun} timers re-run after a kill, "
            f"lost {len(self.lost)}, duplicated {len(self.duplicated)}"
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
) -> CrashReport:
    """Start, run for a random while under traffic, SIGKILL, check the store; repeat.

    The last run is left up until every expected timer has been seen and ``settled()``
    holds (or ``settle_within`` has passed: what is still missing then is reported as lost).
    """
    expected_timers = list(expected_timers)
    rng = random.Random(seed)  # kill times: the same on every run for a seed
    traffic_rng = random.Random(seed + 1)
    report = CrashReport()
    sent: list[Any] = []
    for _ in range(cycles):
        identified = standin.gw.identifies
        await bot.start()
        traffic = asyncio.create_task(_traffic(standin, traffic_rng, report, sent))
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
    return report


def timer_outcome(
    standin: StandIn, expected: Iterable[str], key: TimerKey = by_nonce
) -> tuple[dict[str, int], list[str]]:
    """(timers seen more than once with their counts, expected timers never seen)."""
    counts = count_per_timer(standin, key)
    duplicated = {k: n for k, n in counts.items() if n > 1}
    return duplicated, [k for k in expected if counts[k] == 0]
