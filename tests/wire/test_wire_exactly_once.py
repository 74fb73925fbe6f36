"""Exactly once when Discord misbehaves: creates without a nonce, through the real process.

Each fault is one Discord really produces: it performs a create and then answers 500
(discord.py would retry blindly and make a second one), or it accepts a create and the
bot is SIGKILLed before the store records it. Every test asserts what is on "Discord"
(the stand-in's world) and what the bot's store recorded: one object, one record.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import discord

from bot.services.once import thread_from_message
from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.test_standin_discordpy import NO_MENTIONS, client  # noqa: F401 (a fixture)

SHOW = "soundtrack-1"


def rows(database: Path, sql: str, *params: object) -> list[tuple]:
    """Rows from the bot's store, read by a second process as an operator would."""
    with sqlite3.connect(database, timeout=5) as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]


async def _set_discussion_channel(standin: StandIn, channel: str) -> None:
    answer = await (
        await standin.slash(
            "admin", "general", "config set", discussion_channel=standin.world.id(channel)
        )
    ).wait()
    assert "discussion_channel_id" in answer["content"], answer["content"]


async def _open(standin: StandIn, episode: int) -> str:
    opened = await standin.slash(
        "moderator", "general", "discussion open", show=SHOW, episode=episode
    )
    return (await opened.wait(within=20))["content"]


async def test_creates_answered_500_after_discord_made_them_exist_once(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    await _set_discussion_channel(standin, "discussion")
    forum = standin.world.id("discussion")
    # Discord makes the episode's post, then the index post, and answers 500 to both.
    lost = standin.fail_after("POST", f"/channels/{forum}/threads", 500, times=2)

    reply = await _open(standin, 1)

    assert lost.performed == 2
    threads = standin.world.threads(forum)
    names = sorted(t["name"] for t in threads)
    assert len(threads) == 2, names  # one episode post, one index: no copies
    [post] = [t for t in threads if "Episode 1" in t["name"]]
    assert post["id"] in reply  # the moderator gets the link to the one post
    [index] = [t for t in threads if t is not post]
    assert index["flags"] & 2, "the index is pinned"
    assert post["id"] in standin.world.messages[index["id"]][0]["content"]
    recorded = rows(bot.database, "SELECT thread_id FROM discussions WHERE episode = 1")
    assert recorded == [(int(post["id"]),)]
    creates = [r for r in standin.requests if r.method == "POST" and r.path.endswith("/threads")]
    assert len(creates) == 2  # each sent once: the retry looked and found it
    print("forum post and index, 500 after Discord made each: 1 opening, 1 post + 1 index")

    # The same bot: a premiere's scheduled event, made by Discord and answered 500.
    await _premiere_at_a_minute(standin)
    lost = standin.fail_after("POST", "/guilds/*/scheduled-events", 500)

    first = await _event(standin)
    again = await _event(standin)  # the moderator repeats the command

    assert lost.performed == 1
    [event] = standin.world.events.values()
    assert event["id"] in first
    assert event["id"] in again
    assert rows(bot.database, "SELECT event_id FROM show_events") == [(int(event["id"]),)]
    print("scheduled event, 500 after Discord made it, then the command again: 1 event")


async def test_a_premiere_event_accepted_just_before_a_sigkill_is_found_after_the_restart(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    await _premiere_at_a_minute(standin)
    # Discord creates the event; its answer is held back until the bot is dead.
    held = standin.fail_after("POST", "/guilds/*/scheduled-events", 0, delay=30)
    asked = await standin.slash("moderator", "general", "announce event", show=SHOW)
    await standin.wait_until(lambda: held.performed == 1, what="the event made on Discord")
    await bot.kill()
    assert rows(bot.database, "SELECT event_id FROM show_events") == []  # never recorded
    held.times = 0
    held.released.set()
    await bot.start()
    await bot.wait_ready()

    reply = await _event(standin)

    [event] = standin.world.events.values()
    assert event["id"] in reply
    assert rows(bot.database, "SELECT event_id FROM show_events") == [(int(event["id"]),)]
    creates = [r for r in standin.requests if r.method == "POST" and "scheduled-events" in r.path]
    assert len(creates) == 1  # found by creator, name and start; never sent again
    assert asked.answered  # deferred before the kill: the first member saw "thinking…"
    print("scheduled event, SIGKILL before the store recorded it: 1 event")


async def test_a_text_index_sent_but_not_pinned_before_a_sigkill_is_found_and_pinned(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    await _set_discussion_channel(standin, "general")
    general = standin.world.id("general")
    # The index message is made; the answer is held until the bot is killed.
    held = standin.fail_after(
        "POST", f"/channels/{general}/messages", 0, delay=30, body_has="discussions"
    )
    opened = await standin.slash("moderator", "general", "discussion open", show=SHOW, episode=1)
    await standin.wait_until(lambda: held.performed == 1, within=15, what="the index sent")
    await bot.kill()
    held.times = 0
    held.released.set()
    await bot.start()
    await bot.wait_ready()

    await _open(standin, 2)

    mine = [m for m in standin.world.messages[general] if m["author"]["bot"]]
    index = [m for m in mine if m["content"].startswith(_index_heading(standin, general))]
    assert len(index) == 1, [m["content"][:40] for m in mine]
    assert index[0]["pinned"]
    threads = standin.world.threads(general)
    assert len(threads) == 2  # episodes 1 and 2, one thread each
    assert all(t["id"] in index[0]["content"] for t in threads)  # the index links both
    assert opened.answered
    print("text index sent, SIGKILL before its pin: 1 index, pinned")


def _index_heading(standin: StandIn, channel: str) -> str:
    """The index's first line as the bot wrote it (the held message is that index)."""
    for request in standin.requests:
        body = request.body or {}
        if request.path == f"/channels/{channel}/messages" and "discussions" in str(body):
            return str(body.get("content", "")).split("\n", 1)[0]
    raise AssertionError("no index message was sent")


async def _premiere_at_a_minute(standin: StandIn) -> None:
    answer = await (
        await standin.slash(
            "admin",
            "general",
            "admin premiere set",
            when="2031-03-23T16:00",
            precision="minute",
            source="koreaherald",
        )
    ).wait()
    assert "2031-03-23T16:00 (minute)" in answer["content"], answer["content"]


async def _event(standin: StandIn) -> str:
    asked = await standin.slash("moderator", "general", "announce event", show=SHOW)
    return (await asked.wait(within=20))["content"]


async def test_a_second_thread_on_a_starter_message_adopts_the_first_on_160004(
    standin: StandIn,
    client: discord.Client,  # noqa: F811 (the fixture imported above)
) -> None:
    guild = client.get_guild(int(standin.world.id("guild")))
    channel = guild.get_channel(int(standin.world.id("general")))
    message = await channel.send("**Soundtrack #1 — Episode 1**", allowed_mentions=NO_MENTIONS)
    first = await message.create_thread(name="Episode 1 discussion", auto_archive_duration=1440)
    # What a repeated create (or a look that missed the thread) meets: Discord says 160004.
    again = await thread_from_message(
        client, message, name="Episode 1 discussion", auto_archive_duration=1440
    )
    assert again.id == first.id
    assert len(standin.world.threads(str(channel.id))) == 1
    refused = [r for r in standin.requests if r.path.endswith("/threads") and r.status == 400]
    assert len(refused) == 1  # Discord's 160004 was met, and answered by adopting
