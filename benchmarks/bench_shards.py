"""Start-up at many guilds in several shards (measured, not asserted).

The wire stand-in holds ``--guilds`` guilds and recommends ``--shards`` shards with
``max_concurrency`` 1 (Discord's default: one IDENTIFY per 5 s), so the identify pacing
alone is ``5 s × (shards - 1)``. Measured side by side:

- one ``kdrama-bot run`` process running every shard, on SQLite;
- two processes splitting the shards (``--shard-ids``), on one throwaway PostgreSQL.

For each: seconds from start until the process logged ready (every one of its shards
up), and its RSS then.

20,000 guilds cannot run in 4 shards: 5,000 guilds a shard is past Discord's 2,500, and
Discord (and the stand-in) closes such a session with 4011. Even 8 (2,500 on average)
fails, as guilds never spread exactly evenly. The default is what Discord recommends
(about one shard per 1,000 guilds: 20); the single process takes that count from
``GET /gateway/bot`` as plain ``kdrama-bot run`` does. With ``max_concurrency`` 1 the
two processes take turns to identify (through PostgreSQL), so both set-ups share one
pacing floor: ``5 s × (shards - 1)``.

    python -m benchmarks.bench_shards                  # 20,000 guilds, 20 shards
    python -m benchmarks.bench_shards --guilds 5000 --shards 2
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_wire import rss_mb
from tests.support import pg
from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.world import fan_server

PACING = 5.0


async def _run(guilds: int, shards: int, split: list[str], url: str | None) -> list[dict]:
    world = fan_server(guild_count=guilds)
    async with StandIn(world, validate=False, shards=shards, max_concurrency=1) as standin:
        bots = []
        for n, ids in enumerate(split):
            folder = Path(tempfile.mkdtemp(prefix=f"bench-shards-{n}-"))
            extra = {"DATABASE_URL": url} if url else {}
            bot = BotProcess(
                standin.api_base, standin.gateway_url, standin.token, folder, extra_env=extra
            )
            argv = [sys.executable, "-m", "bot", "run"]  # alone: Discord's recommended count
            if ids:
                argv += ["--shard-count", str(shards), "--shard-ids", ids]
            bots.append((ids or f"0-{shards - 1}", bot, argv))
        await asyncio.gather(*(bot.start_script(argv) for _, bot, argv in bots))
        ready = await asyncio.gather(*(bot.wait_ready(within=300) for _, bot, _ in bots))
        rows = [
            {"shards": ids, "ready_s": round(seconds, 1), "rss_mb": round(rss_mb(bot.process.pid))}
            for (ids, bot, _), seconds in zip(bots, ready, strict=True)
            if bot.process is not None
        ]
        for _, bot, _ in bots:
            await bot.stop()
        paced = [f for f in standin.failures if "identified" in f]
        print(f"  {len(split)} process(es): {len(paced)} IDENTIFY Discord would rate-limit")
        for line in paced[:5]:
            print(f"    {line}")
        return rows


def main() -> None:
    """Run both set-ups and print their figures with the identify pacing they cannot beat."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guilds", type=int, default=20_000)
    parser.add_argument("--shards", type=int, default=20)
    args = parser.parse_args()
    half = args.shards // 2
    split = [f"0-{half - 1}", f"{half}-{args.shards - 1}"]
    one = asyncio.run(_run(args.guilds, args.shards, [""], None))
    with pg.cluster() as cluster:
        cluster.run("createdb", "bench")
        two = asyncio.run(_run(args.guilds, args.shards, split, cluster.url("bench")))
    print(f"{args.guilds} guilds, {args.shards} shards, max_concurrency 1")
    floor = PACING * (args.shards - 1)
    print(f"  one process (SQLite): {one}")
    print(f"  two processes (PostgreSQL): {two}")
    print(f"  identify pacing floor {floor:.0f} s (goal: every shard ready within floor + 10 s)")
    for name, rows in (("one process", one), ("two processes", two)):
        slowest = max(r["ready_s"] for r in rows)
        print(
            f"  {name}: slowest ready {slowest:.1f} s = floor + {slowest - floor:.1f} s, "
            f"max RSS {max(r['rss_mb'] for r in rows)} MB (goal <= 150 MB)"
        )


if __name__ == "__main__":
    main()
