"""Bot-side time of /show, /cast, /character and autocomplete on a big catalog.

Measured, not asserted. Every command runs through SimCord and the real bot, beside a
bare command (and a bare autocomplete) that answers a constant embed (constant choices)
through the same path, in the same run. The time taken is the bot's side only: the
command tree's dispatch of one interaction (interaction_check, option parsing, the
handler, its reply), less the time SimCord's in-memory Discord spends on the bot's
requests (shown apart: it deep-copies and validates every body, so it grows with the
reply). SimCord's settling around each interaction is left out too: it waits up to
~50 ms of real time for a handler that never touched a thread, which would flatter
every ratio.

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
from simcord.http import router as simcord_router

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

    @app_commands.command(name="bare_sql", description="One SQLite statement, then the embed")
    async def bare_sql(self, interaction: discord.Interaction) -> None:
        # The floor for any reply read from the store: one trip to aiosqlite's thread.
        await interaction.client.db.fetchval("SELECT 1")  # type: ignore[attr-defined]
        await interaction.response.send_message(embed=BARE_EMBED)


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


class SimulatedDiscord:
    """Counts the time SimCord's in-memory Discord spends handling the bot's requests.

    It deep-copies and validates every message body, so a reply with a rich embed and
    buttons costs it several times what a constant embed does; that is Discord's side of
    the call, not the bot's, and is taken out of the bot-side figure (and shown apart).
    Every REST call and interaction callback goes through ``router.dispatch``.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        original = simcord_router.dispatch

        def timed(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        simcord_router.dispatch = timed


class Stopwatch:
    """Times the command tree's handling of each interaction, in milliseconds: the
    bot's side, and (apart) the in-memory Discord's side of its requests."""

    def __init__(self, tree: app_commands.CommandTree, discord_side: SimulatedDiscord) -> None:
        self.samples: list[float] = []
        self.simulated: list[float] = []
        original = tree._call

        async def timed(interaction: discord.Interaction) -> None:
            start, sim_start = time.perf_counter(), discord_side.seconds
            try:
                await original(interaction)
            finally:
                sim = discord_side.seconds - sim_start
                self.samples.append((time.perf_counter() - start - sim) * 1000)
                self.simulated.append(sim * 1000)

        tree._call = timed  # type: ignore[method-assign]

    async def measure(
        self, rounds: int, call: Callable[[int], Awaitable[object]]
    ) -> tuple[list[float], list[float]]:
        """Bot-side and Discord-side milliseconds of ``rounds`` interactions, after a warm-up."""
        for i in range(max(5, rounds // 10)):  # warm caches and code paths
            await call(i)
        self.samples.clear()
        self.simulated.clear()
        for i in range(rounds):
            await call(i)
        assert len(self.samples) == rounds, "every call is one interaction"
        return list(self.samples), list(self.simulated)


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

        # A fan server asks about a few shows and names again and again; those answers
        # come from the reply cache. The cold cases pick from the whole catalog.
        favourite_slugs, favourite_names = slugs[:5], names[:20]
        prefixes = [n[:k] for n in favourite_names for k in (2, 3, 4)]

        cases: dict[str, Callable[[int], Awaitable[object]]] = {
            "bare command": lambda i: member.slash(channel, "bare"),
            "bare + 1 SQL statement": lambda i: member.slash(channel, "bare_sql"),
            "/show": lambda i: member.slash(channel, "show", show=rng.choice(slugs)),
            "/cast": lambda i: member.slash(channel, "cast", show=rng.choice(slugs)),
            "/character": lambda i: member.slash(
                channel, "character", name=f"#{rng.choice(characters)}"
            ),
            "/cast person (free text)": lambda i: member.slash(
                channel, "cast", person=rng.choice(names)
            ),
            "/show, 5 favourites": lambda i: member.slash(
                channel, "show", show=rng.choice(favourite_slugs)
            ),
            "/cast person, 20 favourites": lambda i: member.slash(
                channel, "cast", person=rng.choice(favourite_names)
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
            "autocomplete, 60 common prefixes": lambda i: member.autocomplete(
                channel, "cast", "person", rng.choice(prefixes)
            ),
        }
        watch = Stopwatch(bot.tree, SimulatedDiscord())
        measured = {label: await watch.measure(rounds, call) for label, call in cases.items()}
        if env.errors:
            print(f"warning: the bot raised {len(env.errors)} errors during the run")
    # aiosqlite's worker thread keeps the process alive until the connection closes.
    await bot.db.close()

    print(f"\n{rounds} rounds each; milliseconds per interaction on the bot's side, and")
    print("(last column) the median the in-memory Discord spent on the bot's requests")
    print(f"{'case':<34}{'p50':>7}{'p99':>7}{'p50 ×':>7}{'p99 ×':>7}{'Discord':>9}")
    for label, (samples, simulated) in measured.items():
        base = measured["bare autocomplete" if "autocomplete" in label else "bare command"][0]
        p50, p99 = percentile(samples, 50), percentile(samples, 99)
        r50 = p50 / statistics.median(base)
        r99 = p99 / percentile(base, 99)
        sim = statistics.median(simulated)
        print(f"{label:<34}{p50:>7.2f}{p99:>7.2f}{r50:>7.2f}{r99:>7.2f}{sim:>9.2f}")


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
