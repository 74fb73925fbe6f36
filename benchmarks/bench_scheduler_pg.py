"""Scheduler across processes on PostgreSQL, beside one process on SQLite (measured, not asserted).

100,000 pending timers; ``--fire`` of them fall due over ``--fire-window`` seconds. The
baseline is one scheduler on an SQLite file; then two scheduler processes share one
PostgreSQL database (a throwaway cluster, as the tests start one), and one of them is
SIGKILLed halfway through the window. Each handler call is appended to a file at once,
so a killed process's calls are counted too.

- lateness p50/p99: handler call minus due instant (the killed process's taken-over
  timers count from their due instant, so they show the lease);
- lost: timers due in the window that no process ever ran;
- doubled: timers run more than once (a handler the kill interrupted runs again, by
  design: Discord's nonce drops the repeat; anything else is a bug).

    python -m benchmarks.bench_scheduler_pg                 # 100k timers, 10k due in 20 s
    python -m benchmarks.bench_scheduler_pg --quick         # 10k timers, 1k due in 5 s
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bot.clock import Clock
from bot.services.scheduler import Scheduler
from bot.store import open_store
from bot.store import timers as store


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def seed(target: str, timers: int, fire: int, window: float, lead: float) -> int:
    """Plant the timers far ahead, then bring ``fire`` of them due from ``lead`` s on over
    ``window`` s (one UPDATE, so the seeding time never eats into the lead). Returns the
    first due instant."""
    async with open_store(target) as db:
        await db.migrate()
        now = int(time.time())
        far = now + 30 * 86400
        rows = [(i % 1000, "bench", f"t{i}", far + i, "{}") for i in range(timers)]
        await store.insert_many(db, rows, now)
        start_at = int(time.time() + lead)
        async with db.transaction() as conn:
            await conn.execute(
                """UPDATE timers SET due = ? + CAST(substr(key, 2) AS INTEGER) * ? / ?,
                                     next_at = ? + CAST(substr(key, 2) AS INTEGER) * ? / ?
                   WHERE CAST(substr(key, 2) AS INTEGER) < ?""",
                (start_at, int(window), fire, start_at, int(window), fire, fire),
            )
    return start_at


async def worker(target: str, out: Path, until: float) -> None:
    """One bot process's scheduler: a no-op handler that logs each call to ``out``."""
    clock = Clock()
    with out.open("a", buffering=1) as log:

        async def handler(timer: store.Timer, late: bool) -> None:
            log.write(f"{timer.key} {clock.now().timestamp() - timer.due:.4f}\n")

        async with open_store(target) as db:
            scheduler = Scheduler(db, clock)
            scheduler.register("bench", handler)
            await scheduler.start()
            await asyncio.sleep(max(0.0, until - time.time()))
            await scheduler.stop()


def _spawn(target: str, out: Path, until: float) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "benchmarks.bench_scheduler_pg", "--worker", target]
    return subprocess.Popen([*argv, str(out), str(until)])


def _read(paths: list[Path], fire: int) -> dict[str, object]:
    calls: list[tuple[str, float]] = []
    for path in paths:
        if path.exists():
            for line in path.read_text().splitlines():
                key, late = line.split()
                calls.append((key, float(late)))
    runs = Counter(key for key, _ in calls)
    first: dict[str, float] = {}
    for key, late in calls:
        first.setdefault(key, late)
    lateness = list(first.values())
    return {
        "fired": len(first),
        "lost": fire - len(first),
        "doubled": sum(1 for n in runs.values() if n > 1),
        "lateness_p50_ms": round(statistics.median(lateness) * 1000, 1) if lateness else None,
        "lateness_p99_ms": round(_pct(lateness, 0.99) * 1000, 1),
        "lateness_max_ms": round(max(lateness) * 1000, 1) if lateness else None,
    }


def measure(target: str, processes: int, args: argparse.Namespace, tmp: Path) -> dict:
    """Seed ``target``, run ``processes`` schedulers (killing one halfway if several)."""
    # The lead covers the workers' start (imports, connecting, migrations checked).
    start_at = asyncio.run(seed(target, args.timers, args.fire, args.fire_window, lead=6.0))
    until = start_at + args.fire_window + store.LEASE_SECONDS + 5
    outs = [tmp / f"{processes}-{n}.log" for n in range(processes)]
    workers = [_spawn(target, out, until) for out in outs]
    killed = False
    if processes > 1:
        time.sleep(max(0.0, start_at + args.fire_window / 2 - time.time()))
        os.kill(workers[0].pid, signal.SIGKILL)
        killed = True
    for process in workers:
        process.wait()
    return {"processes": processes, "killed_one": killed, **_read(outs, args.fire)}


def main() -> None:
    """Parse options, run the SQLite baseline and the two PostgreSQL processes, print both."""
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        asyncio.run(worker(sys.argv[2], Path(sys.argv[3]), float(sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--fire", type=int, default=10_000, help="timers due during the run")
    parser.add_argument("--fire-window", type=float, default=20.0)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a throwaway one)")
    parser.add_argument("--quick", action="store_true", help="10k timers, 1k due in 5 s")
    args = parser.parse_args()
    if args.quick:
        args.timers, args.fire, args.fire_window = 10_000, 1_000, 5.0
    from tests.support import pg

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        baseline = measure(str(tmp / "bench.sqlite3"), 1, args, tmp)
        if args.url:
            shared = measure(args.url, 2, args, tmp)
        else:
            with pg.cluster() as cluster:
                cluster.run("createdb", "bench")
                shared = measure(cluster.url("bench"), 2, args, tmp)
    print(f"{args.timers} timers, {args.fire} due over {args.fire_window:.0f} s")
    for name, row in (("SQLite, 1 process", baseline), ("PostgreSQL, 2 processes", shared)):
        print(f"{name:>26}: {json.dumps(row)}")
    ratio = shared["lateness_p99_ms"] / max(baseline["lateness_p99_ms"], 0.1)
    print(f"{'p99 lateness ratio':>26}: {ratio:.2f}x the SQLite process")


if __name__ == "__main__":
    main()
