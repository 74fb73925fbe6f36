"""A discussion's life after it opens: how long it stays active, closing, reopening, and
what a moderator is told when there is nothing (left) to close."""

from __future__ import annotations

import discord
import pytest

from bot.store.discussions import discussion_links, get_discussion
from tests.cogs.discussion_harness import DISCORD_REFUSES, SHOW, discussion_threads, use_channel

pytestmark = pytest.mark.usefixtures("forum_pins")


def said(result) -> str:
    """What a deferred command finally told the moderator."""
    message = result.followups[0] if result.followups else result.response
    assert message.ephemeral
    return message.content


async def open_one(world, channel):
    await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    (thread,) = discussion_threads(channel)
    return world.env.bot.get_channel(thread.id) or await world.env.bot.fetch_channel(thread.id)


@pytest.mark.parametrize("kind", ["forum", "text"])
@pytest.mark.parametrize(("setting", "archives_after"), [(60, 60), (4320, 4320), (None, 10080)])
async def test_a_discussion_archives_after_the_guilds_idle_time(
    world, kind, setting, archives_after
):
    # One hour, three days, or (unset) a week: the durations Discord allows.
    settings = {} if setting is None else {"archive_minutes": setting}
    channel = await use_channel(world, kind, **settings)
    thread = await open_one(world, channel)
    assert thread.auto_archive_duration == archives_after


async def test_close_and_reopen_are_stored_and_said_in_the_thread(world):
    channel = await use_channel(world, "text")
    bot = world.env.bot
    thread = await open_one(world, channel)
    closed = await world.moderator.slash(world.general, "discussion close", show=SHOW, episode=1)
    assert "Closed and locked" in said(closed)
    stored = await get_discussion(bot.db, world.guild.id, SHOW, 1)
    assert (stored.status, stored.closed_at) == ("closed", bot.clock.timestamp())
    closed_thread = await bot.fetch_channel(thread.id)
    assert (closed_thread.archived, closed_thread.locked) == (True, True)
    await world.moderator.slash(world.general, "discussion reopen", show=SHOW, episode=1)
    stored = await get_discussion(bot.db, world.guild.id, SHOW, 1)
    assert (stored.status, stored.closed_at) == ("open", None)
    live = await bot.fetch_channel(thread.id)
    assert not live.archived
    assert not live.locked
    notes = [m.content for m in discussion_threads(channel)[0].history()][-2:]
    assert notes == [
        "🔒 The moderators have closed this discussion. Thanks for talking about the episode!",
        "🔓 This discussion is open again.",
    ]


async def test_closing_what_never_opened_or_was_deleted_says_so(world):
    channel = await use_channel(world, "text")
    bot = world.env.bot
    result = await world.moderator.slash(world.general, "discussion close", show=SHOW, episode=1)
    assert said(result) == "Soundtrack #1, episode 1 has no discussion yet."
    thread = await open_one(world, channel)
    link = (await discussion_links(bot.db, world.guild.id, SHOW))[1]
    await thread.delete()
    await world.env.settle()
    for sub in ("close", "reopen"):
        result = await world.moderator.slash(
            world.general, f"discussion {sub}", show=SHOW, episode=1
        )
        assert said(result) == f"The discussion thread {link} no longer exists.", sub
    assert (await get_discussion(bot.db, world.guild.id, SHOW, 1)).status == "open"


async def test_a_korean_servers_thread_is_closed_and_reopened_in_korean(world):
    channel = await use_channel(world, "text")
    await open_one(world, channel)
    await world.env.bot.get_guild(world.guild.id).edit(preferred_locale=discord.Locale.korean)
    await world.env.settle()
    for sub in ("close", "reopen"):
        await world.moderator.slash(world.general, f"discussion {sub}", show=SHOW, episode=1)
    notes = [m.content for m in discussion_threads(channel)[0].history()][-2:]
    assert notes == [
        "🔒 운영진이 이 토론을 닫았습니다. 이야기 나눠 주셔서 고맙습니다!",
        "🔓 토론이 다시 열렸습니다.",
    ]


async def test_a_thread_locked_by_hand_is_unlocked_by_reopen(world):
    channel = await use_channel(world, "text")
    thread = await open_one(world, channel)
    await thread.edit(locked=True)  # a moderator locked it in Discord, without archiving
    await world.moderator.slash(world.general, "discussion reopen", show=SHOW, episode=1)
    live = await world.env.bot.fetch_channel(thread.id)
    assert not live.locked
    assert (
        discussion_threads(channel)[0].history()[-1].content == "🔓 This discussion is open again."
    )


@DISCORD_REFUSES
async def test_discord_refusing_the_close_is_said_and_nothing_is_stored(world, message, reason):
    channel = await use_channel(world, "text")
    thread = await open_one(world, channel)
    world.env.inject_error(
        "POST", f"/channels/{thread.id}/messages", status=403, code=50013, message=message
    )
    result = await world.moderator.slash(world.general, "discussion close", show=SHOW, episode=1)
    assert said(result) == f"Discord refused: {reason}"
    stored = await get_discussion(world.env.bot.db, world.guild.id, SHOW, 1)
    assert stored.status == "open"


async def test_opening_in_a_deleted_channel_names_the_channel(world):
    channel = await use_channel(world, "text")
    await world.env.bot.get_channel(channel.id).delete()
    await world.env.settle()
    result = await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    assert said(result) == (
        f"The discussion channel (id {channel.id}) no longer exists or I cannot see it."
    )


async def test_a_moderator_is_told_what_opened_what_already_had_one_and_what_does_not_exist(
    world,
):
    channel = await use_channel(world, "text")
    bot = world.env.bot
    mod = world.moderator

    async def open_(episode: int) -> str:
        return said(await mod.slash(world.general, "discussion open", show=SHOW, episode=episode))

    first = await open_(2)
    link = (await discussion_links(bot.db, world.guild.id, SHOW))[2]
    assert first == f"Opened Soundtrack #1, episode 2: {link}"
    assert await open_(2) == f"Soundtrack #1, episode 2 already has its discussion: {link}"
    # A thread a moderator made by hand is adopted, and said to be there already.
    made = world.env.backend.create_thread(
        channel.id, "[Spoilers] Soundtrack #1 — Episode 3 discussion", owner_id=mod.id
    )
    await world.env.settle()
    link = f"https://discord.com/channels/{world.guild.id}/{made.id}"
    assert await open_(3) == f"Soundtrack #1, episode 3 already has its discussion: {link}"
    assert await open_(9) == "Soundtrack #1 has no episode 9 (known episodes: 1, 2, 3, 4)."
    assert len(discussion_threads(channel)) == 2


async def test_a_discussion_channel_of_the_wrong_kind_is_named_and_nothing_opens(world):
    # /config offers only forums and text channels; a stored id can still name another
    # kind (set by an older version, or through the store).
    from bot.store.guilds import update_settings

    await use_channel(world, "text")
    voice = world.guild.create_voice_channel("hangout")
    await update_settings(world.env.bot.db, world.guild.id, discussion_channel_id=voice.id)
    result = await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    assert said(result) == (
        f"The discussion channel (id {voice.id}) must be a forum or a text channel."
    )
    assert await discussion_links(world.env.bot.db, world.guild.id, SHOW) == {}
