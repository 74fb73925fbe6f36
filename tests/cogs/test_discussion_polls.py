"""Each episode discussion carries one native poll, in a forum post or on a text starter."""

from __future__ import annotations

from bot.store import discussions as discussion_store
from tests.cogs.discussion_harness import (
    IN_EACH_KIND,
    RELEASES,
    advance_to,
    discussion_polls,
    discussion_threads,
    kst_midnight,
    store_fails_once_after_discord_answers,
    use_channel,
)

pytestmark = IN_EACH_KIND


async def test_each_discussion_carries_one_poll(world, kind):
    channel = await use_channel(world, kind)
    await advance_to(world, kst_midnight(RELEASES[2]) + 5)
    first, second = discussion_threads(channel)
    (poll,) = discussion_polls(kind, channel, second)
    assert poll.question == "How was episode 2?"
    assert [a.text for a in poll.answers] == ["Loved it", "Liked it", "It was okay", "Not for me"]
    assert 24 * 3600 <= (poll.expires_at - world.env.now()).total_seconds() <= 72 * 3600
    assert len(discussion_polls(kind, channel, first)) == 1
    if kind == "forum":
        # The post's own first message stays the starter text; the poll comes right after it.
        history = second.history()
        assert history[0].poll is None
        assert "Episode 2" in history[0].content


async def test_polls_can_be_turned_off_in_config(world, kind):
    channel = await use_channel(world, kind)
    result = await world.admin.slash(world.general, "config set", discussion_polls=False)
    assert result.ephemeral
    await world.env.settle()
    await advance_to(world, kst_midnight(RELEASES[1]) + 5)
    (thread,) = discussion_threads(channel)
    assert discussion_polls(kind, channel, thread) == []


async def test_a_crash_between_the_post_and_its_record_makes_neither_twice(
    world, kind, monkeypatch
):
    channel = await use_channel(world, kind)
    crashes = store_fails_once_after_discord_answers(monkeypatch)
    await advance_to(world, kst_midnight(RELEASES[1]) + 5)
    assert crashes == [[1]]
    # The opening is retried after its backoff: it adopts the post and its poll.
    await advance_to(world, kst_midnight(RELEASES[1]) + 120)
    (thread,) = discussion_threads(channel)
    assert len(discussion_polls(kind, channel, thread)) == 1
    links = await discussion_store.discussion_links(
        world.env.bot.db, world.guild.id, "soundtrack-1"
    )
    assert links[1].endswith(f"/{thread.id}")
    heading = "**Soundtrack #1 — Episode 1**"
    starters = [m for m in channel.history() if m.author.bot and m.content.startswith(heading)]
    assert len(starters) == (1 if kind == "text" else 0)
