"""Bot-side time of /show, /cast, /character and autocomplete on a big catalog.

Measured, not asserted. Every command runs through SimCord and the real bot, beside a
bare command (and a bare autocomplete) that answers a constant embed (constant choices)
through the same path, in the same run. The time taken is the bot's side only: the
command tree's dispatch of one interaction (interaction_check, option parsing, the
handler, its reply into SimCord's in-memory HTTP). SimCord's settling around each
interaction is left out: it waits up to ~50 ms of real time for a handler that never
touched a thread, which would flatter every ratio.

    python benchmarks/bench_commands.py            # 1,000 shows, 50,000 people
    python benchmarks/bench_commands.py --quick    # fewer rounds, same catalog

Goal: p99 ≤ 1.3 × the bare command for commands, ≤ 1.2 × for autocomplete.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import discord
import simcord
from discord import app_commands
from discord.ext import commands

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._catalog import generate
from bot.app import EXTENSIONS, KdramaBot
from bot.store import Database

BARE_EMBED = discord.Embed(title="Bare", description="A constant embed.")
BARE_CHOICES = [app_commands.Choice(name=f"Choice {i}", value=str(i)) for i in range(25)]


class Bare(commands.Cog):
    """The baseline: as little work as a handler can do."""

    @app_commands.command(name="bare", description="Answer a constant embed")
    async def bare(self, interaction: discord.Interaction, q: str | None = None) -> None:
        await interaction.response.send_message(embed=BARE_EMBED)

    @bare.autocomplete("q")
    async def bare_q(self, interaction: discord.Interaction, current: str):
        return BARE_CHOICES


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


class Stopwatch:
    """Times the command tree's handling of each interaction, in milliseconds."""

    def __init__(self, tree: app_commands.CommandTree) -> None:
        self.samples: list[float] = []
        original = tree._call

        async def timed(interaction: discord.Interaction) -> None:
            start = time.perf_counter()
            try:
                await original(interaction)
            finally:
                self.samples.append((time.perf_counter() - start) * 1000)

        tree._call = timed  # type: ignore[method-assign]

    async def measure(self, rounds: int, call: Callable[[int], Awaitable[object]]) -> list[float]:
        for i in range(max(5, rounds // 10)):  # warm caches and code paths
            await call(i)
        self.samples.clear()
        for i in range(rounds):
            await call(i)
        assert len(self.samples) == rounds, "every call is one interaction"
        return list(self.samples)


async def run(shows: int, people: int, rounds: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    bot = KdramaBot(database=Database(path), extensions=EXTENSIONS)
    async with simcord.run(bot) as env:
        guild = env.create_guild(name="Bench")
        channel = guild.create_text_channel("general")
        member = guild.add_member(env.create_user("bench"))
        await bot.add_cog(Bare())
        await bot.tree.sync()
        await bot.ensure_guild(guild.id)

        started = time.perf_counter()
        slugs = generate(str(path), guild.id, shows=shows, people=people)
        generated = time.perf_counter() - started
        with sqlite3.connect(path) as conn:
            characters = [r[0] for r in conn.execute("SELECT id FROM characters")]
            names = [r[0] for r in conn.execute("SELECT name FROM people")]
        print(f"catalog: {shows} shows, {people} people, {len(characters)} characters "
              f"(generated, name index included, in {generated:.1f} s)")  # fmt: skip

        rng = random.Random(7)

        def typed(_: int) -> str:
            name = rng.choice(names)
            return name[: rng.randint(1, len(name))]

        cases: dict[str, Callable[[int], Awaitable[object]]] = {
            "bare command": lambda i: member.slash(channel, "bare"),
            "/show": lambda i: member.slash(channel, "show", show=rng.choice(slugs)),
            "/cast": lambda i: member.slash(channel, "cast", show=rng.choice(slugs)),
            "/character": lambda i: member.slash(
                channel, "character", name=f"#{rng.choice(characters)}"
            ),
            "/character (free text)": lambda i: member.slash(
                channel, "cast", person=rng.choice(names)
            ),
            "bare autocomplete": lambda i: member.autocomplete(channel, "bare", "q", typed(i)),
            "autocomplete person": lambda i: member.autocomplete(
                channel, "cast", "person", typed(i)
            ),
            "autocomplete show": lambda i: member.autocomplete(
                channel, "show", "show", rng.choice(slugs)[: rng.randint(1, 6)]
            ),
            "autocomplete character": lambda i: member.autocomplete(
                channel, "character", "name", typed(i)
            ),
        }
        watch = Stopwatch(bot.tree)
        results = {label: await watch.measure(rounds, call) for label, call in cases.items()}
        if env.errors:
            print(f"warning: the bot raised {len(env.errors)} errors during the run")
    # aiosqlite's worker thread keeps the process alive until the connection closes.
    await bot.db.close()

    print(f"\n{rounds} rounds each; bot-side milliseconds per interaction")
    print(f"{'case':<26}{'p50':>8}{'p99':>8}{'p50 ×':>8}{'p99 ×':>8}")
    for label, samples in results.items():
        base = results["bare autocomplete" if "autocomplete" in label else "bare command"]
        p50, p99 = percentile(samples, 50), percentile(samples, 99)
        r50 = p50 / statistics.median(base)
        r99 = p99 / percentile(base, 99)
        print(f"{label:<26}{p50:>8.2f}{p99:>8.2f}{r50:>8.2f}{r99:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument("--shows", type=int, default=1000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args()
    rounds = args.rounds or (60 if args.quick else 200)
    asyncio.run(run(args.shows, args.people, rounds))


if __name__ == "__main__":
    main()
