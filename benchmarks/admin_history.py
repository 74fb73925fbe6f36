"""How fast /admin history pages and revert checks stay as a guild's history grows.

Run: python -m benchmarks.admin_history [rows]
Measured, not asserted: prints milliseconds per operation.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from bot.services.catalog import ensure_seeded
from bot.store.catalog_edit import edit
from bot.store.db import Database
from bot.store.history import Actor, page


async def main(rows: int) -> None:
    """Fill one guild's history with ``rows`` title edits (another guild alongside), then time."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "bench.sqlite3")
        await db.open()
        await db.migrate()
        for guild in (1, 2):
            await ensure_seeded(db, guild)
        started = time.perf_counter()
        for n in range(rows):
            async with edit(db, Actor(1 + n % 2, 7, n)) as ed:
                show = await ed.find("show", slug="soundtrack-1")
                await ed.set("show", show, "title", f"Title {n}", source="nme")
        per_edit = (time.perf_counter() - started) / rows * 1000
        started = time.perf_counter()
        for n in range(100):
            await page(db, 1, page_no=n % 50)
        per_page = (time.perf_counter() - started) / 100 * 1000
        last = await db.fetchval("SELECT MAX(id) FROM history WHERE guild_id = 1")
        started = time.perf_counter()
        for _ in range(100):
            async with edit(db, Actor(1, 7, rows)) as ed:
                revert = await ed.revert(last)
                last = revert
        per_revert = (time.perf_counter() - started) / 100 * 1000
        await db.close()
    print(f"{rows} history rows: edit+record {per_edit:.2f} ms, history page {per_page:.2f} ms, "
          f"revert (with later-change check) {per_revert:.2f} ms")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
