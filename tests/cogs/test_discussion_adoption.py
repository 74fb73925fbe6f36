"""Which existing thread a discussion adopts, and which copies it removes.

A create whose answer was lost (a crash, a 500 after Discord made it, a blind retry)
leaves threads behind with the discussion's name. The next opening adopts the oldest of
those in the discussion channel and deletes the other copies the bot made itself; a
member's or moderator's thread is never deleted, and a thread of the same name in
another channel is none of its business.
"""

from __future__ import annotations

import pytest

from bot.store.discussions import discussion_links
from tests.cogs.discussion_harness import (
    DISCORD_REFUSES,
    SHOW,
    discussion_threads,
    store_fails_once_after_discord_answers,
    use_channel,
)

pytestmark = pytest.mark.usefixtures("forum_pins")

NAME = "[Spoilers] Soundtrack #1 — Episode 1 discussion"


async def bots_thread(world, channel_id: int, name: str = NAME):
    """A thread the bot itself made (an earlier attempt whose answer was lost)."""
    made = world.env.bot.get_channel(channel_id)
    if made.type.name == "forum":
        return (await made.create_thread(name=name, content="starter")).thread
    return await (await made.send("starter")).create_thread(name=name)


async def opened_link(world) -> str:
    """A moderator opens episode 1 by hand (the release timer takes the same path)."""
    await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    return (await discussion_links(world.env.bot.db, world.guild.id, SHOW))[1]


async def test_a_thread_of_that_name_in_another_channel_is_left_alone(world):
    channel = await use_channel(world, "text")
    elsewhere = await bots_thread(world, world.general.id)
    link = await opened_link(world)
    (opened,) = discussion_threads(channel)
    assert opened.id != elsewhere.id
    assert link.endswith(f"/{opened.id}")
    assert [t.id for t in world.general.threads] == [elsewhere.id]


@pytest.mark.parametrize("kind", ["forum", "text"])
async def test_copies_the_bot_made_are_removed_and_the_oldest_adopted(world, kind):
    channel = await use_channel(world, kind)
    first = await bots_thread(world, channel.id)
    await bots_thread(world, channel.id)  # a blind retry's copy
    link = await opened_link(world)
    assert [t.id for t in discussion_threads(channel)] == [first.id]
    assert link.endswith(f"/{first.id}")


async def test_a_members_thread_of_that_name_is_adopted_or_kept_never_deleted(world):
    channel = await use_channel(world, "text")
    backend = world.env.backend
    # A moderator opened it by hand before the bot did; then a copy of the bot's own.
    theirs = backend.create_thread(channel.id, NAME, owner_id=world.moderator.id)
    await world.env.settle()
    await bots_thread(world, channel.id)
    link = await opened_link(world)
    assert [t.id for t in discussion_threads(channel)] == [theirs.id]
    assert link.endswith(f"/{theirs.id}")


async def test_a_members_later_thread_of_that_name_is_kept_beside_the_adopted_one(world):
    channel = await use_channel(world, "text")
    ours = await bots_thread(world, channel.id)
    theirs = world.env.backend.create_thread(channel.id, NAME, owner_id=world.moderator.id)
    await world.env.settle()
    link = await opened_link(world)
    assert [t.id for t in discussion_threads(channel)] == [ours.id, theirs.id]
    assert link.endswith(f"/{ours.id}")


async def test_two_archived_copies_the_oldest_is_reopened_and_the_other_removed(world):
    channel = await use_channel(world, "text")
    first = await bots_thread(world, channel.id)
    second = await bots_thread(world, channel.id)
    for thread in (first, second):  # both archived while the bot was down
        await thread.edit(archived=True)
    link = await opened_link(world)
    assert [t.id for t in discussion_threads(channel)] == [first.id]
    assert link.endswith(f"/{first.id}")
    assert world.env.bot.get_channel(first.id).archived is False


async def test_a_starter_left_without_its_thread_is_reused_not_posted_again(world):
    # Discord stored the starter message, then making its thread failed (a 500, whose
    # answer may have been lost): the next attempt makes the thread on that starter.
    channel = await use_channel(world, "text")
    world.env.inject_error("POST", f"/channels/{channel.id}/messages/*/threads", status=500)
    link = await opened_link(world)
    heading = "**Soundtrack #1 — Episode 1**\n"
    starters = [m for m in channel.history() if m.content.startswith(heading)]
    assert len(starters) == 1
    (thread,) = discussion_threads(channel)
    assert thread.id == starters[0].id  # the thread is the starter's own
    assert link.endswith(f"/{thread.id}")


async def test_a_thread_moderators_closed_is_adopted_and_stays_closed(world):
    # Closed (archived and locked) before the store recorded it: adopting it must not
    # undo the moderators' decision, as reopening an auto-archived one does.
    channel = await use_channel(world, "text")
    closed = await bots_thread(world, channel.id)
    await closed.edit(archived=True, locked=True)
    link = await opened_link(world)
    assert link.endswith(f"/{closed.id}")
    live = await world.env.bot.fetch_channel(closed.id)
    assert live.archived
    assert live.locked


@DISCORD_REFUSES
async def test_discord_refusing_the_thread_is_said_and_nothing_is_recorded(world, message, reason):
    channel = await use_channel(world, "text")
    world.env.inject_error(
        "POST", f"/channels/{channel.id}/messages/*/threads", status=403, code=50013,
        message=message,
    )  # fmt: skip
    result = await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    told = result.followups[0] if result.followups else result.response
    assert told.content == f"Discord refused: {reason}"
    assert await discussion_links(world.env.bot.db, world.guild.id, SHOW) == {}
    # Nothing opened, so the index is neither posted nor pinned.
    assert channel.pinned_messages() == []
    assert not [m for m in channel.history() if m.content.startswith("📌")]


async def test_a_forum_posts_poll_is_found_after_a_crash_however_busy_the_post(world, monkeypatch):
    # The post and its poll were made, then the store failed before recording them.
    # By the moderator's next try, ten minutes later (past Discord's nonce window),
    # members have written thirty messages in the post: the poll must still be found
    # (it is the post's second message), not posted again.
    import simcord.http.router as sim_router

    from bot.sandbox.simcord_gaps import history_after_routes
    from tests.support import nonces

    discord_nonces = nonces.install(monkeypatch)
    monkeypatch.setitem(sim_router._ROUTES, "GET", history_after_routes())
    channel = await use_channel(world, "forum")
    crashes = store_fails_once_after_discord_answers(monkeypatch)
    failed = await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    told = failed.followups[0] if failed.followups else failed.response
    assert told.content == (
        "Something went wrong on my side. It has been logged; please try again in a moment."
    )
    assert crashes == [[1]]
    assert [type(e.__cause__ or e) for e in world.env.errors] == [OSError]
    (post,) = discussion_threads(channel)
    for n in range(30):
        world.env.backend.create_message(post.id, world.member.id, f"that ending! ({n})")
    await world.env.advance_time(600)
    await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    assert [t.id for t in discussion_threads(channel)] == [post.id]
    polls = [m.poll for m in post.history() if m.author.bot and m.poll is not None]
    assert [p.question for p in polls] == ["How was episode 1?"]
    assert (await discussion_links(world.env.bot.db, world.guild.id, SHOW))[1].endswith(
        f"/{post.id}"
    )
    assert discord_nonces.repeats == []


@pytest.mark.parametrize("polls_left", [0, 2])
async def test_an_adopted_forum_post_ends_up_with_exactly_one_poll(world, polls_left):
    # The bot made the post before a crash: without its poll (the crash came between
    # the two), or, by an older version's blind retry, with two.
    from datetime import timedelta

    import discord

    channel = await use_channel(world, "forum")
    post = await bots_thread(world, channel.id)
    for _ in range(polls_left):
        poll = discord.Poll(question="How was episode 1?", duration=timedelta(hours=24))
        poll.add_answer(text="Loved it")
        await world.env.bot.get_channel(post.id).send(poll=poll)
    link = await opened_link(world)
    (adopted,) = discussion_threads(channel)
    assert adopted.id == post.id
    assert link.endswith(f"/{post.id}")
    polls = [m.poll for m in adopted.history() if m.author.bot and m.poll is not None]
    assert [p.question for p in polls] == ["How was episode 1?"]
