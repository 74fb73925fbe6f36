"""A full store, as the moderator at the keyboard sees it: a clear "full" reply, nothing saved.

SQLite's ``PRAGMA max_page_count`` caps the bot's connection at the pages the file has,
and ballast timers (of a kind nobody handles) pack the timers table's pages, so the next
announcement that needs room fails with "database or disk is full", as on a full disk.
Deleting them is the disk freed: pressing Confirm again then works, without a restart.
"""

from __future__ import annotations

import sqlite3

NO_LIMIT = 1073741823


async def _fill(db, guild_id: int, due: int) -> None:
    """Pack every page the new timer's row and index entries would go to."""
    conn = db.conn
    pages = await db.fetchval("PRAGMA page_count")
    await conn.execute_fetchall(f"PRAGMA max_page_count = {int(pages)}")
    n = 0
    for size in (300, 100, 30, 10, 1):  # smaller and smaller, into what room is left
        for _ in range(100_000):
            n += 1
            try:
                await conn.execute_fetchall(
                    "INSERT INTO timers (guild_id, kind, key, payload, due, next_at,"
                    " created_at) VALUES (?, 'ballast', ?, ?, ?, ?, 0)",
                    (guild_id, f"custom:soundtrack-1:{due}:{n:08d}", f'"{"x" * size}"', due, due),
                )
            except sqlite3.OperationalError as exc:
                if "full" not in str(exc):
                    raise
                break


async def _free(db) -> None:
    await db.conn.execute_fetchall("DELETE FROM timers WHERE kind = 'ballast'")
    await db.conn.execute_fetchall(f"PRAGMA max_page_count = {NO_LIMIT}")


async def _announcements(bot, guild_id: int) -> list:
    return [t for t in await bot.scheduler.list(guild_id=guild_id) if t.kind != "ballast"]


async def test_confirm_on_a_full_disk_says_full_saves_nothing_and_works_once_freed(world):
    bot = world.env.bot
    await world.moderator.slash(world.general, "ping")  # seeded before the disk fills
    preview = await world.moderator.slash(
        world.general, "announce add", show="soundtrack-1", when="in 2h", text="Watch party"
    )
    await _fill(bot.db, world.guild.id, bot.clock.timestamp() + 7200)
    refused = await world.moderator.click(preview.response, custom_id="announce:confirm")
    said = refused.followups[0] if refused.followups else refused.response
    assert "full" in said.content
    assert "nothing was saved" in said.content
    # The one error is the store's refusal, answered (reading it acknowledges it).
    assert [type(getattr(e, "original", e)) for e in world.env.errors] == [sqlite3.OperationalError]
    assert await _announcements(bot, world.guild.id) == []
    await _free(bot.db)
    saved = await world.moderator.click(preview.response, custom_id="announce:confirm")
    [timer] = await _announcements(bot, world.guild.id)
    said = saved.followups[0] if saved.followups else saved.response
    assert f"#{timer.id}" in said.content
