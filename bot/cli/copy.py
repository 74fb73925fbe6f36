"""``kdrama-bot db copy --to postgresql://…``: move a community to PostgreSQL, verified."""

from __future__ import annotations

import sys

from bot.services import members
from bot.store import Database
from bot.store._pg import PgDatabase, is_postgres_url
from bot.store.copy import TargetNotEmpty, copy_database, pending_timers, shows


async def copy_to_postgres(sqlite_path: str, url: str) -> int:
    """Copy, then check: rows per table, pending timers, and every guild's /show card."""
    if not is_postgres_url(url):
        print("kdrama-bot: --to must be a postgresql:// URL", file=sys.stderr)
        return 2
    target = PgDatabase(url)
    async with Database(sqlite_path) as source, target:
        await source.migrate()
        await target.migrate()
        try:
            report = await copy_database(source, target)
        except TargetNotEmpty as exc:
            print(f"kdrama-bot: {exc}; copy into an empty database", file=sys.stderr)
            return 1
        problems = [
            f"{t}: {report.source_counts[t]} rows here, {report.target_counts.get(t)} copied"
            for t in report.mismatched
        ]
        if await pending_timers(source) != await pending_timers(target):
            problems.append("pending timers differ")
        checked = 0
        for guild_id, show_id in await shows(source):
            for locale in ("en-US", "ko"):
                here = await members.show_reply(source, guild_id, show_id, locale)
                there = await members.show_reply(target, guild_id, show_id, locale)
                if here != there:
                    problems.append(f"/show differs for show {show_id} in guild {guild_id}")
                checked += 1
    if problems:
        print("kdrama-bot: the copy does not match:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    rows = sum(report.source_counts.values())
    print(
        f"copied {rows} rows in {len(report.source_counts)} tables; row counts, pending "
        f"timers and {checked} /show cards identical"
    )
    return 0
