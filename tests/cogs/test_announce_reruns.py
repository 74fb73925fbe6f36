"""An announcement timer run again after its send was lost: its own post, once.

Discord drops a repeat of a nonce only within a few minutes. A re-run later than that
(the bot down for a while after a lost answer) finds its earlier send by the marker in
its "Notify me" button, and must tell it apart from every other announcement of the
same show in that channel. SimCord keeps no nonce window at all, so each re-run here
relies on the marker alone.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from simcord.backend.errors import BackendError
from simcord.http import router

from bot.services.announcer import add_custom
from tests.cogs import test_announce as announce
from tests.cogs.test_announce import PREMIERE, SLUG, advance_to, at, bot_posts, enable_plan
from tests.support.paths import KST

fan_server = announce.fan_server

D3 = datetime(2022, 3, 20, 18, 0, tzinfo=KST)
P = at(PREMIERE)
D7_TEXT = f"📅 One week to go! **Soundtrack #1** premieres on Disney+ <t:{P}:F> (<t:{P}:R>)."
D3_TEXT = f"⏳ **Soundtrack #1** premieres in 3 days on Disney+: <t:{P}:F> (<t:{P}:R>)."
WATCH_PARTY = "Watch party in the voice channel tonight!"


def lose_answers(monkeypatch, channel_id: int, times: int = 1) -> list[int]:
    """The next ``times`` sends to ``channel_id`` are stored, but the bot gets a 500.

    A lost answer: Discord made the message, the response never reached the bot (a
    dropped connection, a gateway timeout). SimCord's own faults fail before storing.
    """
    real, left = router.dispatch, [times]

    def dispatch(backend, method, path, **kwargs):
        answer = real(backend, method, path, **kwargs)
        if method == "POST" and path == f"/channels/{channel_id}/messages" and left[0] > 0:
            left[0] -= 1
            raise BackendError(500, 0, "the answer was lost (injected by the test)")
        return answer

    monkeypatch.setattr(router, "dispatch", dispatch)
    return left


@pytest.mark.parametrize("lost", ["request", "answer"])
async def test_a_rerun_past_the_nonce_window_posts_its_own_once(
    fan_server, make_bot, monkeypatch, lost
):
    """``request``: the first D-3 send never reached Discord; the re-run must post D-3,
    not take the D-7 or the watch-party post (same show, same channel) for it.
    ``answer``: Discord stored it but the answer was lost; the re-run adopts it."""
    world = fan_server
    env = world.env
    channel = world.announcements
    await enable_plan(world)
    # A moderator's own announcement of the same show, ten seconds after D-3.
    await add_custom(
        env.bot, world.guild.id, show=SLUG, due=at(D3) + 10, text=WATCH_PARTY,
        channel_id=None, ping=False,
    )  # fmt: skip
    await advance_to(world, datetime(2022, 3, 20, 17, 59, 58, tzinfo=KST))
    assert [p.content for p in bot_posts(channel)] == [f"{world.notify.mention} {D7_TEXT}"]
    if lost == "request":
        env.inject_error("POST", f"/channels/{channel.id}/messages", status=500, times=1)
    else:
        lose_answers(monkeypatch, channel.id)
    await env.advance_time(13)  # D-3 tried at 18:00:00 and lost; the watch party at 18:00:10
    # The bot goes down before the retry, and comes back long after the nonce window.
    await env.bot.scheduler.stop()
    first = await env.bot.scheduler.get(guild_id=world.guild.id, key=f"plan:{SLUG}:D-3")
    assert (first.status, first.attempts) == ("pending", 1)  # waiting for its retry
    # Someone else's message is the newest: the look goes on past it.
    await world.moderator.send(channel, "See you all there!")
    await env.advance_time(10 * 60)
    await env.restart_bot(make_bot())
    await env.advance_time(2)

    posts = bot_posts(channel)
    d3 = await env.bot.scheduler.get(guild_id=world.guild.id, key=f"plan:{SLUG}:D-3")
    assert (d3.status, d3.attempts) == ("sent", 2)
    d7_post, *rest = posts
    if lost == "request":
        # Sent late, by the re-run: its own post, after the watch party.
        watch, d3_post = rest
        assert d3_post.content == (f"{world.notify.mention} {D3_TEXT}\n_(was due <t:{at(D3)}:R>)_")
    else:
        # Adopted: the one D-3 post is the first attempt's, stored before the watch party.
        d3_post, watch = rest
        assert d3_post.content == f"{world.notify.mention} {D3_TEXT}"
    assert watch.content == WATCH_PARTY
    assert d7_post.content == f"{world.notify.mention} {D7_TEXT}"
    # What is stored names the D-3 post, not another announcement's.
    assert d3.result == f"{channel.id}/{d3_post.id}"
    d7 = await env.bot.scheduler.get(guild_id=world.guild.id, key=f"plan:{SLUG}:D-7")
    assert d7.result == f"{channel.id}/{d7_post.id}"
    # Each post carries its own timer's marker.
    custom_ids = [b.custom_id for p in posts for row in p.components for b in row.children]
    assert len(set(custom_ids)) == 3
