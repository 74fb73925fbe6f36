"""Scheduler benchmark (measured, not asserted).

100,000 pending timers over 1,000 guilds on a real SQLite file and the real clock:

- start to first fire: from ``Scheduler.start()`` to the first handler call for a timer
  due at start;
- fire lateness p50/p99: handler call time minus due time, for timers due spread over
  the firing window (a no-op handler);
- idle CPU: process CPU time over N seconds while every remaining timer is far ahead.

    python -m benchmarks.bench_scheduler            # 100k timers, 20 s firing, 60 s idle
    python -m benchmarks.bench_scheduler --quick    # 10k timers, 5 s firing, 5 s idle
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from bot.clock import Clock
from bot.services.scheduler import Scheduler
from bot.store import Database
from bot.store import timers as store


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(timers: int, guilds: int, fire_count: int, fire_window: float, idle: float) -> dict:
    """Seed, start, measure; returns the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "bench.sqlite3")
        await db.open()
        await db.migrate()
        clock = Clock()
        now = clock.timestamp()
        # Due instants are whole seconds; the fired ones start 2 s after seeding ends.
        start_at = now + 3
        rows = []
        for i in range(timers):
            if i < fire_count:
                due = start_at + int(fire_window * i / fire_count)
            else:
                due = now + 30 * 86400 + i  # far ahead: they stay pending while idle
            rows.append((i % guilds, "bench", f"t{i}", due, json.dumps({"i": i})))
        seed_started = time.perf_counter()
        await store.insert_many(db, rows, now)
        # One timer already due, for "start to first fire".
        await store.insert_many(db, [(0, "bench", "first", now - 1, "{}")], now)
        seeded = time.perf_counter() - seed_started

        lateness: list[float] = []
        first_fire: list[float] = []
        done = asyncio.Event()

        async def handler(timer, late):
            moment = clock.now().timestamp()
            if timer.key == "first":
                first_fire.append(time.perf_counter())
                return
            lateness.append(moment - timer.due)
            if len(lateness) >= fire_count:
                done.set()
            return

        scheduler = Scheduler(db, clock)
        scheduler.register("bench", handler)
        started = time.perf_counter()
        await scheduler.start()
        await asyncio.wait_for(done.wait(), timeout=fire_window + 120)
        start_to_first = first_fire[0] - started if first_fire else float("nan")

        cpu_before = time.process_time()
        wall_before = time.perf_counter()
        await asyncio.sleep(idle)
        cpu = time.process_time() - cpu_before
        wall = time.perf_counter() - wall_before
        pending = await db.fetchval("SELECT count(*) FROM timers WHERE status = 'pending'")
        await scheduler.stop()
        await db.close()
    return {
        "timers": timers,
        "guilds": guilds,
        "fired": len(lateness),
        "seed_seconds": round(seeded, 2),
        "start_to_first_fire_ms": round(start_to_first * 1000, 1),
        "lateness_p50_ms": round(statistics.median(lateness) * 1000, 1),
        "lateness_p99_ms": round(_pct(lateness, 0.99) * 1000, 1),
        "lateness_max_ms": round(max(lateness) * 1000, 1),
        "idle_seconds": round(wall, 1),
        "idle_cpu_percent": round(100 * cpu / wall, 3),
        "pending_after": pending,
    }


def main() -> None:
    """Parse options, run, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--guilds", type=int, default=1_000)
    parser.add_argument("--fire", type=int, default=2_000, help="timers due during the run")
    parser.add_argument("--fire-window", type=float, default=20.0, help="seconds they spread over")
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--quick", action="store_true", help="10k timers, 5 s firing, 5 s idle")
    args = parser.parse_args()
    if args.quick:
        args.timers, args.fire, args.fire_window, args.idle_seconds = 10_000, 500, 5.0, 5.0
    figures = asyncio.run(
        run(args.timers, args.guilds, args.fire, args.fire_window, args.idle_seconds)
    )
    for key, value in figures.items():
        print(f"{key:>24}: {value}")


if __name__ == "__main__":
    main()
