"""What opening a discussion makes, read the way members see it: the thread's name and
tags, its starter word for word, a double drop combined or not, and the pinned index.

Each opening here is a moderator's ``/discussion open``, which takes the same path as
the release timer (``open_episodes``) without weeks of virtual time: these tests run in
well under a second, so they also serve the opener's mutation run.
"""

from __future__ import annotations

import pytest

from bot.store.discussions import discussion_links
from tests.cogs.discussion_harness import (
    IN_EACH_KIND,
    RELEASES,
    SHOW,
    discussion_polls,
    discussion_threads,
    kst_midnight,
    use_channel,
)

pytestmark = IN_EACH_KIND

ETIQUETTE = (
    "Spoilers for this episode are welcome in this thread. Keep them out of every other "
    "channel, and put anything from later episodes behind ||spoiler tags||."
)


def said(result) -> str:
    message = result.followups[0] if result.followups else result.response
    assert message.ephemeral
    return message.content


async def open_by_hand(world, episode: int) -> str:
    result = await world.moderator.slash(
        world.general, "discussion open", show=SHOW, episode=episode
    )
    return said(result)


def starter(world, kind: str, channel, thread):
    """A discussion's starter: the forum post's first message, or the text channel's
    message the thread was started from."""
    if kind == "forum":
        return thread.history()[0]
    return next(m for m in channel.history() if m.id == thread.id)


def tags_of(world, thread) -> list[str]:
    forum = world.env.bot.get_channel(world.discussion.id)
    names = {tag.id: tag.name for tag in forum.available_tags}
    return sorted(names[t.id] for t in world.env.bot.get_channel(thread.id).applied_tags)


async def test_a_later_episodes_starter_says_what_it_is_and_links_the_earlier_ones(world, kind):
    channel = await use_channel(world, kind)
    for number in (1, 2, 3):
        await open_by_hand(world, number)
    links = await discussion_links(world.env.bot.db, world.guild.id, SHOW)
    first, _, third = discussion_threads(channel)
    assert third.name == "[Spoilers] Soundtrack #1 — Episode 3 discussion"
    assert starter(world, kind, channel, third).content == "\n".join(
        [
            "**Soundtrack #1 — Episode 3**",
            "Released 2022-04-06 (Asia/Seoul).",
            ETIQUETTE,
            f"Earlier episodes: [Episode 1]({links[1]}) · [Episode 2]({links[2]})",
        ]
    )
    # The first episode has nothing earlier to link.
    assert starter(world, kind, channel, first).content == "\n".join(
        ["**Soundtrack #1 — Episode 1**", "Released 2022-03-23 (Asia/Seoul).", ETIQUETTE]
    )
    if kind == "forum":
        assert tags_of(world, third) == ["Episode 3"]


@pytest.mark.parametrize("combine", [True, False])
async def test_a_double_drop_opens_as_one_thread_only_when_the_server_combines(
    world, kind, combine
):
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    # Episode 4 (the finale) released the same instant as episode 3.
    await bot.db.execute(
        "UPDATE episodes SET release_at = ? WHERE number = 4", (kst_midnight(RELEASES[3]),)
    )
    channel = await use_channel(world, kind, combine_double_drops=combine)
    first = await open_by_hand(world, 3)
    links = await discussion_links(bot.db, world.guild.id, SHOW)
    assert first == f"Opened Soundtrack #1, episode 3: {links[3]}"
    if combine:
        (thread,) = discussion_threads(channel)
        assert thread.name == "[Spoilers] Soundtrack #1 — Episodes 3–4 discussion — Finale"
        assert links == {3: links[3], 4: links[3]}
        text = starter(world, kind, channel, thread).content
        assert text.startswith("**Soundtrack #1 — Episode 3**\nReleased 2022-04-06")
        assert "\n**Soundtrack #1 — Episode 4**\nReleased 2022-04-06" in text
        assert await open_by_hand(world, 4) == (
            f"Soundtrack #1, episode 4 already has its discussion: {links[3]}"
        )
        if kind == "forum":
            assert tags_of(world, thread) == ["Episode 3", "Episode 4", "Finale"]
        return
    assert list(links) == [3]
    answer = await open_by_hand(world, 4)
    links = await discussion_links(bot.db, world.guild.id, SHOW)
    assert answer == f"Opened Soundtrack #1, episode 4: {links[4]}"
    assert links[4] != links[3]
    third, fourth = discussion_threads(channel)
    assert [third.name, fourth.name] == [
        "[Spoilers] Soundtrack #1 — Episode 3 discussion",
        "[Spoilers] Soundtrack #1 — Episode 4 discussion — Finale",
    ]
    assert "Episode 4" not in starter(world, kind, channel, third).content
    if kind == "forum":
        assert tags_of(world, fourth) == ["Episode 4", "Finale"]


async def test_the_pinned_index_follows_an_opening_by_hand(world, kind, forum_pins):
    channel = await use_channel(world, kind)
    await open_by_hand(world, 2)
    links = await discussion_links(world.env.bot.db, world.guild.id, SHOW)
    if kind == "forum":
        (post,) = [t for t in channel.threads if t.name.startswith("[Index]")]
        assert post.name == "[Index] Soundtrack #1 — episode discussions"
        assert forum_pins[post.id] is True
        index = post.history()[0]
    else:
        (index,) = channel.pinned_messages()
    lines = index.content.splitlines()
    assert lines[0] == "📌 **Soundtrack #1 — episode discussions**"
    assert lines[1].startswith("Episode 1: opens <t:")
    assert lines[2] == f"Episode 2: {links[2]}"
    assert lines[4].startswith("Episode 4 — Finale: opens <t:")


async def test_an_opening_by_hand_carries_the_episodes_poll(world, kind):
    channel = await use_channel(world, kind)
    await open_by_hand(world, 2)
    (thread,) = discussion_threads(channel)
    (poll,) = discussion_polls(kind, channel, thread)
    assert poll.question == "How was episode 2?"
    assert [a.text for a in poll.answers] == ["Loved it", "Liked it", "It was okay", "Not for me"]
    assert 24 * 3600 <= (poll.expires_at - world.env.now()).total_seconds() <= 72 * 3600
    if kind == "forum":
        # The post's first message stays the starter; the poll comes right after it.
        first, second = thread.history()[:2]
        assert first.poll is None
        assert first.content.startswith("**Soundtrack #1 — Episode 2**\n")
        assert second.poll is not None


async def test_no_poll_when_the_server_turned_polls_off(world, kind):
    channel = await use_channel(world, kind, discussion_polls=False)
    await open_by_hand(world, 1)
    (thread,) = discussion_threads(channel)
    assert discussion_polls(kind, channel, thread) == []
    assert starter(world, kind, channel, thread).content.startswith("**Soundtrack #1 — Episode 1**")


async def test_a_korean_servers_discussion_is_named_tagged_and_written_in_korean(world, kind):
    import discord

    channel = await use_channel(world, kind)
    await world.env.bot.get_guild(world.guild.id).edit(preferred_locale=discord.Locale.korean)
    await world.env.settle()
    await open_by_hand(world, 4)
    (thread,) = discussion_threads_named(channel, "[스포일러]")
    assert thread.name == "[스포일러] Soundtrack #1 — 4회 토론 — 최종회"
    lines = starter(world, kind, channel, thread).content.splitlines()
    assert lines[:2] == ["**Soundtrack #1 — 4회**", "공개: 2022-04-13 (Asia/Seoul)"]
    (poll,) = discussion_polls(kind, channel, thread)
    assert poll.question == "4화 어떠셨나요?"
    assert [a.text for a in poll.answers] == [
        "최고였어요",
        "좋았어요",
        "괜찮았어요",
        "제 취향은 아니에요",
    ]
    if kind == "forum":
        assert tags_of(world, thread) == ["4회", "최종회"]


def discussion_threads_named(channel, prefix: str) -> list:
    return sorted((t for t in channel.threads if t.name.startswith(prefix)), key=lambda t: t.id)


async def test_what_an_opening_made_is_stored_against_its_intent(world, kind):
    # discord_creates keeps, per discussion, what the bot made on Discord and how many
    # creates it sent: one each for the thread (and a forum post's poll), and their ids.
    from bot.store import creates

    channel = await use_channel(world, kind)
    await open_by_hand(world, 1)
    (thread,) = discussion_threads(channel)
    db, guild_id, now = world.env.bot.db, world.guild.id, world.env.bot.clock.timestamp()
    made = await creates.intend(db, guild_id, "thread:soundtrack-1:1", now=now)  # a read here
    assert (made.state, made.object_id, made.attempts) == ("created", thread.id, 1)
    if kind == "forum":
        (poll,) = [m for m in thread.history() if m.poll is not None]
        made = await creates.intend(db, guild_id, "poll:soundtrack-1:1", now=now)
        assert (made.state, made.object_id, made.attempts) == ("created", poll.id, 1)


@pytest.mark.parametrize("combine", [True, False])
async def test_a_double_drops_release_timers_store_what_each_opened(world, kind, combine):
    # Both timers fire the same second. Combined, the first opens episodes 3 and 4 in
    # one thread and the second finds episode 4 already open: each stores which thread.
    from tests.cogs.discussion_harness import advance_to

    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    soon = bot.clock.timestamp() + 3600
    await bot.db.execute("UPDATE episodes SET release_at = ? WHERE number IN (3, 4)", (soon,))
    channel = await use_channel(world, kind, combine_double_drops=combine)
    await advance_to(world, soon + 60)
    threads = discussion_threads(channel)
    results = {}
    for number in (3, 4):
        timer = await bot.scheduler.get(guild_id=world.guild.id, key=f"discussion:{SHOW}:{number}")
        results[number] = (timer.status, timer.result)
    if combine:
        (thread,) = threads
        assert results == {3: ("sent", f"3+4:{thread.id}"), 4: ("sent", f"4:{thread.id}")}
    else:
        third, fourth = threads
        assert results == {3: ("sent", f"3:{third.id}"), 4: ("sent", f"4:{fourth.id}")}


async def test_a_renamed_discussion_is_still_the_one_it_was(world, kind):
    # Moderators may rename a thread; opening the episode again must not make another.
    channel = await use_channel(world, kind)
    await open_by_hand(world, 1)
    (thread,) = discussion_threads(channel)
    link = (await discussion_links(world.env.bot.db, world.guild.id, SHOW))[1]
    await world.env.bot.get_channel(thread.id).edit(name="Episode 1 (talk here)")
    await world.env.settle()
    assert await open_by_hand(world, 1) == (
        f"Soundtrack #1, episode 1 already has its discussion: {link}"
    )
    assert [t.name for t in channel.threads if not t.name.startswith("[Index]")] == [
        "Episode 1 (talk here)"
    ]
