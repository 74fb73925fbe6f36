"""A discussion's starter and poll carry nonces of their own: Discord then returns the
message it already stored instead of making a second one, and never someone else's.

These tests teach SimCord Discord's ``enforce_nonce`` rule (tests/support/nonces.py):
a send repeating a nonce of the last few minutes gets the earlier message back. So a
nonce shared by two discussions (two servers, two episodes) would hand one of them the
other's starter or poll, and a send with no stable nonce would post twice.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.sandbox.fanserver import build_fan_server
from bot.store.discussions import discussion_links
from tests.cogs.discussion_harness import (
    SHOW,
    discussion_polls,
    discussion_threads,
    use_channel,
)
from tests.support import nonces

pytestmark = pytest.mark.usefixtures("forum_pins")

HEADING = "**Soundtrack #1 — Episode {}**\n"


def said(result) -> str:
    message = result.followups[0] if result.followups else result.response
    assert message.ephemeral
    return message.content


def starters(channel, number: int) -> list:
    """The bot's starter messages of one episode in a text channel."""
    return [
        m
        for m in channel.history()
        if m.author.bot and m.content.startswith(HEADING.format(number))
    ]


async def open_by_hand(server, episode: int) -> str:
    result = await server.moderator.slash(
        server.general, "discussion open", show=SHOW, episode=episode
    )
    return said(result)


@pytest.mark.parametrize("polls", [True, False])
async def test_a_starter_stored_without_an_answer_is_not_posted_again_in_a_busy_channel(
    world, monkeypatch, polls
):
    # Discord stored the starter, the answer was lost, and before the retry fifty member
    # messages pushed it out of the history the retry reads first. The retry's send
    # repeats the starter's nonce, so Discord hands back the stored starter.
    channel = await use_channel(world, "text", discussion_polls=polls)
    discord_nonces = nonces.install(monkeypatch)
    backend = world.env.backend

    def busy() -> None:
        for n in range(50):
            backend.create_message(channel.id, world.member.id, f"is it out yet? ({n})")

    discord_nonces.lose_next_answer(channel.id, then=busy)
    answer = await open_by_hand(world, 1)
    link = (await discussion_links(world.env.bot.db, world.guild.id, SHOW))[1]
    assert answer == f"Opened Soundtrack #1, episode 1: {link}"
    (starter,) = starters(channel, 1)
    (thread,) = discussion_threads(channel)
    assert thread.id == starter.id
    assert link == f"https://discord.com/channels/{world.guild.id}/{thread.id}"
    assert len(discord_nonces.repeats) == 1


@pytest.mark.parametrize("kind", ["forum", "text"])
async def test_two_servers_opening_the_same_episode_at_once_each_get_their_own(
    world, monkeypatch, kind
):
    # Both servers' release timers fire the same second; each send is the bot's, and
    # Discord matches nonces per author, across every server.
    discord_nonces = nonces.install(monkeypatch)
    env = world.env
    other = SimpleNamespace(env=env, **vars(build_fan_server(env)))
    await env.bot.tree.sync()
    channels = {}
    for server in (world, other):
        channels[server.guild.id] = await use_channel(server, kind)
    for server in (world, other):
        channel = channels[server.guild.id]
        answer = await open_by_hand(server, 1)
        link = (await discussion_links(env.bot.db, server.guild.id, SHOW))[1]
        assert answer == f"Opened Soundtrack #1, episode 1: {link}"
        (thread,) = discussion_threads(channel)
        assert link == f"https://discord.com/channels/{server.guild.id}/{thread.id}"
        if kind == "text":
            assert [m.id for m in starters(channel, 1)] == [thread.id]
        (poll,) = discussion_polls(kind, channel, thread)
        assert poll.question == "How was episode 1?"
    assert discord_nonces.repeats == []


@pytest.mark.parametrize("kind", ["forum", "text"])
async def test_two_episodes_opened_minutes_apart_each_get_their_own(world, monkeypatch, kind):
    discord_nonces = nonces.install(monkeypatch)
    channel = await use_channel(world, kind)
    await open_by_hand(world, 1)
    await world.env.advance_time(60)
    await open_by_hand(world, 2)
    links = await discussion_links(world.env.bot.db, world.guild.id, SHOW)
    first, second = discussion_threads(channel)
    assert first.name == "[Spoilers] Soundtrack #1 — Episode 1 discussion"
    assert second.name == "[Spoilers] Soundtrack #1 — Episode 2 discussion"
    assert links == {
        1: f"https://discord.com/channels/{world.guild.id}/{first.id}",
        2: f"https://discord.com/channels/{world.guild.id}/{second.id}",
    }
    for number, thread in ((1, first), (2, second)):
        if kind == "text":
            assert [m.id for m in starters(channel, number)] == [thread.id]
        (poll,) = discussion_polls(kind, channel, thread)
        assert poll.question == f"How was episode {number}?"
    assert discord_nonces.repeats == []


@pytest.mark.parametrize("kind", ["forum", "text"])
async def test_two_shows_opening_the_same_minute_each_get_their_own(
    world, monkeypatch, kind, bundled_text
):
    # Release timers fire at local midnight, so two shows' episodes often open together.
    from bot.domain.showfile import parse_show_file
    from bot.store.catalog_io import import_show

    discord_nonces = nonces.install(monkeypatch)
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    other = bundled_text.replace('slug = "soundtrack-1"', 'slug = "soundtrack-2"', 1).replace(
        'title = "Soundtrack #1"', 'title = "Soundtrack #2"', 1
    )
    await import_show(bot.db, world.guild.id, parse_show_file(other))
    channel = await use_channel(world, kind)
    for show in (SHOW, "soundtrack-2"):
        await world.moderator.slash(world.general, "discussion open", show=show, episode=1)
    threads = sorted(channel.threads, key=lambda t: t.id)
    names = [t.name for t in threads if t.name.startswith("[Spoilers]")]
    assert names == [
        "[Spoilers] Soundtrack #1 — Episode 1 discussion",
        "[Spoilers] Soundtrack #2 — Episode 1 discussion",
    ]
    for number, (show, title) in enumerate([(SHOW, "#1"), ("soundtrack-2", "#2")]):
        thread = [t for t in threads if t.name.startswith("[Spoilers]")][number]
        (link,) = (await discussion_links(bot.db, world.guild.id, show)).values()
        assert link == f"https://discord.com/channels/{world.guild.id}/{thread.id}"
        if kind == "text":
            heading = f"**Soundtrack {title} — Episode 1**\n"
            mine = [m for m in channel.history() if m.author.bot and m.content.startswith(heading)]
            assert [m.id for m in mine] == [thread.id]
        (poll,) = discussion_polls(kind, channel, thread)
        assert poll.question == "How was episode 1?"
    assert discord_nonces.repeats == []
