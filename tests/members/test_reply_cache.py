"""Cards served from the reply cache are never staler than the store allows."""

from __future__ import annotations

import pytest

from bot.services.reply_cache import ReplyCache
from bot.store import Database

TITLE = "SELECT title FROM shows WHERE guild_id = ? AND slug = 'soundtrack-1'"


async def show_title(world) -> str:
    result = await world.member.slash(world.general, "show")
    return result.response.embeds[0].title


async def test_asking_again_reads_nothing_from_the_store(world):
    assert await show_title(world) == "Soundtrack #1"
    statements: list[str] = []
    await world.env.bot.db.conn.set_trace_callback(statements.append)
    try:
        assert await show_title(world) == "Soundtrack #1"
    finally:
        await world.env.bot.db.conn.set_trace_callback(None)
    # Nothing but (at most) the once-a-second check for other processes' commits.
    assert [s for s in statements if "data_version" not in s] == []


async def test_an_admins_edit_shows_at_once(world):
    assert await show_title(world) == "Soundtrack #1"
    await world.admin.slash(
        world.general, "admin show edit", field="title", value="Soundtrack No. 1", source="nme"
    )
    assert await show_title(world) == "Soundtrack No. 1"


async def test_another_process_writing_shows_within_the_check_interval(world, db_path):
    assert await show_title(world) == "Soundtrack #1"
    async with Database(db_path) as other:  # as `kdrama-bot data import` would
        await other.execute(
            "UPDATE shows SET title = 'OST #1' WHERE guild_id = ? AND slug = 'soundtrack-1'",
            (world.guild.id,),
        )
    # The interval runs on the monotonic clock, which SimCord makes virtual.
    await world.env.advance_time(Database.OTHER_WRITERS_CHECK_SECONDS)
    assert await show_title(world) == "OST #1"


async def test_a_read_inside_a_write_that_rolls_back_is_not_kept(db):
    await db.execute("CREATE TABLE t (v TEXT)")
    await db.execute("INSERT INTO t VALUES ('committed')")
    cache = ReplyCache(db)

    async def read() -> str:
        return await db.fetchval("SELECT v FROM t")

    async def write_that_fails() -> None:
        async with db.transaction() as conn:
            await conn.execute("UPDATE t SET v = 'rolled back'")
            assert await cache.get("v", read) == "rolled back"  # what it saw, not kept
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        await write_that_fails()
    assert await cache.get("v", read) == "committed"
    assert await cache.get("v", read) == "committed"
    assert (cache.hits, cache.misses) == (1, 2)


async def test_a_new_spelling_is_found_at_once_by_name_and_by_autocomplete(world):
    # Both answers are cached after the first ask: nothing matches "Sunny" yet.
    for _ in range(2):
        refused = await world.member.slash(world.general, "character", name="Sunny")
        assert refused.ephemeral
        assert "Sunny" in refused.response.content
        assert await world.member.autocomplete(world.general, "character", "name", "Sunny") == []
    world.env.errors.clear()  # the clean "not found" refusals above

    await world.admin.slash(
        world.general, "admin alias add", target_kind="character", target="han-sun-woo",
        name="Sunny", source="nme",
    )  # fmt: skip
    card = await world.member.slash(world.general, "character", name="Sunny")
    assert card.response.embeds[0].title == "Han Sun-woo"
    choices = await world.member.autocomplete(world.general, "character", "name", "Sunny")
    assert [c["name"] for c in choices] == ["Han Sun-woo (Sunny)"]
