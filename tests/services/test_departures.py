"""A server the bot leaves keeps its data for the grace period, then loses all of it."""

from __future__ import annotations

import pytest
from simcord.backend.serializers import guild_create_payload

from bot.store import privacy

DAY = 86400


@pytest.fixture
def simcord_bot(make_bot):
    """A bot whose grace period is 3 days (DEPARTED_GRACE_DAYS=3)."""
    return make_bot(departed_grace_days=3)


async def _held(world, guild_id: int) -> dict[str, int]:
    counts = {}
    for table in (*privacy.GUILD_TABLES, *privacy.CHILD_TABLES):
        sql = f"SELECT count(*) FROM {table} WHERE {privacy.owned_where(table)}"
        counts[table] = await world.env.bot.db.fetchval(sql, (guild_id,))
    return {t: n for t, n in counts.items() if n}


async def _used(world) -> None:
    """The server's catalog, a member's progress and a moderator's announcement timer."""
    await world.member.slash(world.general, "watched", show="soundtrack-1", episode=1)
    result = await world.moderator.slash(
        world.general, "announce add", show="soundtrack-1", when="in 10d", text="Soon!"
    )
    await world.moderator.click(result.response, custom_id="announce:confirm")


async def test_data_is_kept_through_the_grace_period_then_purged_with_its_timers(world):
    await _used(world)
    guild_id = world.guild.id
    held = await _held(world, guild_id)
    assert {"shows", "member_progress", "timers"} <= set(held)
    left_at = world.env.bot.clock.timestamp()
    world.env.backend.remove_guild(guild_id)  # kicked: Discord sends GUILD_DELETE
    await world.env.advance_time(1)
    assert await privacy.departed(world.env.bot.db, guild_id) == left_at
    await world.env.advance_time(3 * DAY - 60)
    assert await _held(world, guild_id) == {**held, "guild_departures": 1}
    await world.env.advance_time(120)
    assert await _held(world, guild_id) == {}
    # The timer went with it: nothing fires for a server the bot is not in.
    assert world.env.errors == []


async def test_a_server_that_takes_the_bot_back_in_time_keeps_everything(world):
    await _used(world)
    guild_id = world.guild.id
    held = await _held(world, guild_id)
    backend = world.env.backend
    guild = backend.get_guild(guild_id)
    channels = {i: backend.channels[i] for i in guild.channel_ids}
    backend.remove_guild(guild_id)
    await world.env.advance_time(2 * DAY)
    # Invited back: the same server again (SimCord cannot re-create an id it gave out).
    backend.guilds[guild_id] = guild
    backend.channels.update(channels)
    backend.emit("GUILD_CREATE", guild_create_payload(backend, guild))
    await world.env.advance_time(1)
    assert world.env.bot.get_guild(guild_id) is not None
    assert await privacy.departed(world.env.bot.db, guild_id) is None
    await world.env.advance_time(5 * DAY)
    assert {t: n for t, n in (await _held(world, guild_id)).items() if t != "timers"} == {
        t: n for t, n in held.items() if t != "timers"
    }


async def test_a_store_that_fails_the_purge_once_is_tried_again(world, monkeypatch):
    await _used(world)
    guild_id = world.guild.id
    real = privacy.purge_guild
    calls = []

    async def busy_once(db, gid):
        calls.append(gid)
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        return await real(db, gid)

    monkeypatch.setattr(privacy, "purge_guild", busy_once)
    world.env.backend.remove_guild(guild_id)
    await world.env.advance_time(3 * DAY + 60)
    assert calls == [guild_id]
    assert "shows" in await _held(world, guild_id)  # not yet: the store refused
    await world.env.advance_time(2 * 3600)
    assert calls == [guild_id, guild_id]
    assert await _held(world, guild_id) == {}
