"""End to end: ``kdrama-bot run`` as a real subprocess, every feature through the stand-in.

Each test drives real commands the way members, moderators and admins would and asserts
on what "Discord" (the stand-in's world) received.
"""

from __future__ import annotations

import json

from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.flows import announce, timer_row


async def test_a_member_gets_the_show_card_and_finds_a_character_by_another_spelling(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    shown = await standin.slash("member", "general", "show", show="soundtrack-1")
    card = await shown.wait()
    assert card["embeds"][0]["title"] == "Soundtrack #1"
    assert "Park Hyung-sik" in json_text(card)
    buttons = {b["label"] for row in card["components"] for b in row["components"]}
    assert {"Cast", "Episodes"} <= buttons
    assert (shown.first_answer_after or 0) < 3.0
    assert shown.answered

    typed = await standin.autocomplete("member", "general", "character", "name", "Seon-woo")
    choices = (await typed.wait())["choices"]
    assert [c["name"] for c in choices] == ["Han Sun-woo (Han Seon-woo)"]
    picked = await standin.slash("member", "general", "character", name=choices[0]["value"])
    character = await picked.wait()
    assert character["embeds"][0]["title"].startswith("Han Sun-woo")
    assert "Han Seon-woo" in json_text(character)  # the other reported spelling, sourced


async def test_a_moderators_announcement_fires_once_in_the_announcement_channel(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    channel = standin.world.id("announcements")
    await announce(standin, "Watch party in #general, @everyone welcome!", channel="announcements")
    await standin.wait_until(
        lambda: standin.world.bot_messages(), within=12, what="the announcement"
    )
    [sent] = standin.world.bot_messages()
    assert sent["channel_id"] == channel
    assert sent["content"].startswith("Watch party in #general")
    assert sent["nonce"]  # a stable nonce: a re-run after a crash is dropped by Discord
    posted = next(r for r in standin.requests if r.path == f"/channels/{channel}/messages")
    assert posted.body["allowed_mentions"]["parse"] == []  # "@everyone" pings nobody
    assert posted.body["enforce_nonce"] is True
    # The ledger says sent once Discord's answer is back (a moment after the message).
    await standin.wait_until(
        lambda: timer_row(bot.database)[0] == "sent", within=5, what="the timer marked sent"
    )
    assert timer_row(bot.database) == ("sent", f"{channel}/{sent['id']}")


async def test_an_admin_sets_the_forum_and_a_moderator_opens_an_episode_discussion(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    forum_id = standin.world.id("discussion")
    configured = await standin.slash("admin", "general", "config set", discussion_channel=forum_id)
    assert "discussion_channel_id" in (await configured.wait())["content"]

    opened = await standin.slash(
        "moderator", "general", "discussion open", show="soundtrack-1", episode=1
    )
    reply = await opened.wait(within=15)
    threads = standin.world.threads(forum_id)
    [thread] = [t for t in threads if t["id"] in reply["content"]]  # the reply links to it
    assert "1" in thread["name"]
    forum = standin.world.channels[forum_id]
    tags = {t["id"]: t["name"] for t in forum["available_tags"]}
    assert "Episode 1" in {tags[t] for t in thread["applied_tags"]}  # created as needed
    assert {"Episode", "Spoilers", "Premiere"} <= set(tags.values())  # the admins' kept
    starter = standin.world.messages[thread["id"]][0]
    assert "Soundtrack #1" in json_text(starter)
    [index] = [t for t in threads if t is not thread]
    assert index["flags"] & 2, "the show's discussion index is pinned in the forum"
    assert thread["id"] in json_text(standin.world.messages[index["id"]][0])

    again = await standin.slash(
        "moderator", "general", "discussion open", show="soundtrack-1", episode=1
    )
    await again.wait(within=15)
    assert len(standin.world.threads(forum_id)) == 2  # never a second post


def json_text(message: dict) -> str:
    """Everything a user can read in a message: content and embed text."""
    return json.dumps([message.get("content"), message.get("embeds")], ensure_ascii=False)
