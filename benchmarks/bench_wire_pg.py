"""Member commands over real sockets: two processes on PostgreSQL against one on SQLite.

    python -m benchmarks.bench_wire_pg [--requests 300] [--guilds 2000] [--rounds 2]

One stand-in world of ``--guilds`` guilds in 2 shards. The members' commands (/ping,
/show, /cast, /character and the character-name autocomplete) alternate between two
guilds, one on each shard, so in the split set-up both processes answer. Measured side
by side, alternating rounds so a busy moment hurts both alike:

- baseline: one ``kdrama-bot run --shard-count 2`` process on an SQLite file;
- two ``kdrama-bot run --shard-count 2 --shard-ids N`` processes on one PostgreSQL
  database (a throwaway cluster, as the tests start one).

Latency is from the stand-in dispatching INTERACTION_CREATE to it receiving the callback;
p50/p99 at 1 and 8 interactions in flight. Measured, not asserted: the issue's goal is
p99 of two PostgreSQL processes <= 1.5x that of one SQLite process.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_wire import _pct, load, rss_mb, synced_commands
from tests.support import pg
from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.gateway import shard_of
from tests.wire.standin.rest import install_commands
from tests.wire.standin.world import fan_server

SHARDS = 2
SHOW = "soundtrack-1"
WORKLOADS = ("/ping", "/show", "/cast", "/character", "autocomplete")


def _pair(standin: StandIn) -> list[str]:
    """A text channel's name in one guild per shard (the first guild on each shard)."""
    found: dict[int, str] = {}
    for channel in standin.world.channels.values():
        guild_id = channel.get("guild_id")
        if guild_id and channel["type"] == 0:
            found.setdefault(shard_of(guild_id, SHARDS), channel["name"])
    return [found[s] for s in range(SHARDS)]


def _one(standin: StandIn, workload: str, channel: str) -> Any:
    """Dispatch one interaction of ``workload`` as the owner (a member of every guild)."""
    if workload == "autocomplete":
        return standin.autocomplete("owner", channel, "character", "name", "Seon")
    options = {"/show": {"show": SHOW}, "/cast": {"show": SHOW},
               "/character": {"name": "Han Sun-woo"}}.get(workload, {})  # fmt: skip
    return standin.slash("owner", channel, workload.lstrip("/"), **options)


async def _load(
    standin: StandIn, channels: list[str], workload: str, total: int, in_flight: int
) -> list[float]:
    """Latencies of ``total`` interactions of ``workload``, spread over ``channels``."""
    targets = itertools.cycle(channels)
    phase = await load(lambda: _one(standin, workload, next(targets)), total, in_flight)
    return phase.latencies


async def measure(
    name: str, commands: list[dict[str, Any]], args: argparse.Namespace, url: str | None
) -> list[dict]:
    """Start the set-up (two PostgreSQL processes when ``url``), load it, report rows."""
    world = fan_server(guild_count=args.guilds)
    async with StandIn(world, validate=False, shards=SHARDS, max_concurrency=SHARDS) as standin:
        install_commands(standin, "global", commands)
        channels = _pair(standin)
        split = [str(s) for s in range(SHARDS)] if url else [f"0-{SHARDS - 1}"]
        bots = []
        for ids in split:
            folder = Path(tempfile.mkdtemp(prefix=f"bench-wire-pg-{ids}-"))
            extra = {"DATABASE_URL": url} if url else {}
            bot = BotProcess(
                standin.api_base, standin.gateway_url, standin.token, folder, extra_env=extra
            )
            argv = [sys.executable, "-m", "bot", "run", "--shard-count", str(SHARDS)]
            await bot.start_script([*argv, "--shard-ids", ids])
            bots.append(bot)
        await asyncio.gather(*(bot.wait_ready(within=300) for bot in bots))
        rows = []
        for workload in WORKLOADS:
            for channel in channels:  # a real answer in each guild, not the generic error
                answer = await (await _one(standin, workload, channel)).wait()
                assert "went wrong" not in str(answer), str(answer)[:500]
            await _load(standin, channels, workload, 20, 1)  # warm up
            row: dict[str, Any] = {"setup": name, "workload": workload}
            for in_flight in (1, 8):
                latencies = await _load(standin, channels, workload, args.requests, in_flight)
                row[f"p50_{in_flight}"] = _pct(latencies, 0.5)
                row[f"p99_{in_flight}"] = _pct(latencies, 0.99)
            rows.append(row)
        rss = [rss_mb(bot.process.pid) for bot in bots if bot.process is not None]
        for row in rows:
            row["rss_mb"] = "+".join(f"{m:.0f}" for m in rss)
        for bot in bots:
            await bot.stop()
            problems = bot.problems()
            assert not problems, "\n".join(problems[:20])
        return rows


async def _rounds(args: argparse.Namespace, url: str) -> list[dict]:
    commands = await synced_commands()
    results: dict[tuple[str, str], list[dict]] = {}
    for n in range(args.rounds):
        database = f"bench_{n}"
        pg_url = url.replace("/bench?", f"/{database}?")
        for setup in (
            await measure("1 process, SQLite", commands, args, None),
            await measure("2 processes, PostgreSQL", commands, args, pg_url),
        ):
            for row in setup:
                results.setdefault((row["setup"], row["workload"]), []).append(row)
    merged = []
    for rows in results.values():
        row = dict(rows[0])
        for key, value in rows[0].items():
            if isinstance(value, float):
                row[key] = statistics.median(r[key] for r in rows)
        merged.append(row)
    return merged


def main() -> None:
    """Run both set-ups ``--rounds`` times and print the medians and the p99 ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="interactions per level")
    parser.add_argument("--guilds", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per set-up")
    args = parser.parse_args()
    started = time.monotonic()
    with pg.cluster() as cluster:
        for n in range(args.rounds):
            cluster.run("createdb", f"bench_{n}")
        rows = asyncio.run(_rounds(args, cluster.url("bench")))
    print(
        f"{args.requests} interactions per workload and level, {args.guilds} guilds in "
        f"{SHARDS} shards, alternating between a guild on each; median of {args.rounds} "
        f"rounds ({time.monotonic() - started:.0f} s)"
    )
    head = ("set-up", "workload", "p50 @1", "p99 @1", "p50 @8", "p99 @8", "RSS MB")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = [r["setup"], r["workload"], f"{r['p50_1']:.1f} ms", f"{r['p99_1']:.1f} ms",
                 f"{r['p50_8']:.1f} ms", f"{r['p99_8']:.1f} ms", r["rss_mb"]]  # fmt: skip
        print("| " + " | ".join(cells) + " |")
    base = {r["workload"]: r for r in rows if r["setup"].startswith("1 ")}
    for r in rows:
        if r["setup"].startswith("2 "):
            b = base[r["workload"]]
            print(
                f"{r['workload']}: p99 @1 {r['p99_1'] / b['p99_1']:.2f}x, "
                f"p99 @8 {r['p99_8'] / b['p99_8']:.2f}x the SQLite process (goal <= 1.5x)"
            )


if __name__ == "__main__":
    main()
