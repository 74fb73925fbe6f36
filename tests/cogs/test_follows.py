"""Following one show: its own role, pinged alone by that show's announcements."""

from __future__ import annotations

from bot.store.guilds import update_settings
from tests.cogs.discussion_harness import RELEASES, SHOW, advance_to, kst_midnight


async def _setup(world, **settings) -> None:
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    await update_settings(
        bot.db, world.guild.id, announce_channel_id=world.announcements.id,
        log_channel_id=world.log.id, **settings,
    )  # fmt: skip


async def _announce_in_2h(world) -> None:
    """A moderator's own announcement about the show, pinging, due in two hours."""
    result = await world.moderator.slash(
        world.general, "announce add", show=SHOW, when="in 2h", text="Watch party!", ping=True
    )
    await world.moderator.click(result.response, custom_id="announce:confirm")
    await world.env.advance_time(2 * 3600 + 5)


def _sends(world, text: str) -> list[dict]:
    return [
        r.json
        for r in world.env.http_requests
        if r.method == "POST" and r.path.endswith("/messages") and text in str(r.json)
    ]


def _role(world, name: str):
    return next(r for r in world.env.bot.get_guild(world.guild.id).roles if r.name == name)


async def test_following_a_show_makes_its_role_once_and_pings_only_it(world):
    await _setup(world)
    first = await world.member.slash(world.general, "notify", show=SHOW)
    assert first.ephemeral
    assert "You follow **Soundtrack #1** now" in (first.followups or [first.response])[-1].content
    again = await world.member.slash(world.general, "notify", show=SHOW)  # an intent: no toggle
    assert "You follow" in (again.followups or [again.response])[-1].content
    roles = [r for r in world.env.bot.get_guild(world.guild.id).roles if r.name == "Soundtrack #1"]
    assert len(roles) == 1
    role = roles[0]
    assert role.mentionable is False  # members cannot ping it; the bot's announcements do
    await _announce_in_2h(world)
    (body,) = _sends(world, "Watch party!")
    assert body["content"].startswith(f"<@&{role.id}> ")
    assert [int(r) for r in body["allowed_mentions"]["roles"]] == [role.id]
    assert body["allowed_mentions"]["parse"] == []
    listing = await world.member.slash(world.general, "notify")
    assert "• Soundtrack #1" in listing.response.content
    stopped = await world.member.slash(world.general, "notify", show=SHOW, stop=True)
    assert "no longer follow" in (stopped.followups or [stopped.response])[-1].content
    listing = await world.member.slash(world.general, "notify")
    assert "None yet" in listing.response.content


async def test_the_notify_me_button_on_a_release_follows_that_show(world):
    await _setup(world, notify_role_id=world.notify_role.id)
    result = await world.moderator.slash(world.general, "announce plan", show=SHOW)
    await world.moderator.click(result.response, custom_id="announce:confirm")
    await world.member.slash(world.general, "notify", show=SHOW)
    role = _role(world, "Soundtrack #1")
    await advance_to(world, kst_midnight(RELEASES[1]) + 5)
    (post,) = [m for m in world.announcements.history() if "Episode 1 is out" in m.content]
    # Both the show's followers and the server-wide notify role, nobody else.
    assert post.content.startswith(f"<@&{role.id}> <@&{world.notify_role.id}> ")
    (body,) = _sends(world, "Episode 1 is out")
    assert [int(r) for r in body["allowed_mentions"]["roles"]] == [role.id, world.notify_role.id]
    clicked = await world.moderator.click(post, label="Notify me")
    assert (
        "You follow **Soundtrack #1** now" in (clicked.followups or [clicked.response])[-1].content
    )
    listing = await world.moderator.slash(world.general, "notify")
    assert "• Soundtrack #1" in listing.response.content


async def test_an_admins_pick_is_the_role_the_show_pings(world):
    await _setup(world)
    picked = world.guild.create_role("OST fans")
    result = await world.admin.slash(world.general, "config follow_role", show=SHOW, role=picked)
    assert "now follows **Soundtrack #1**" in result.response.content
    joined = await world.member.slash(world.general, "notify", show=SHOW)
    assert "OST fans" in (joined.followups or [joined.response])[-1].content
    await _announce_in_2h(world)
    (body,) = _sends(world, "Watch party!")
    assert [int(r) for r in body["allowed_mentions"]["roles"]] == [picked.id]
    assert not [
        r for r in world.env.bot.get_guild(world.guild.id).roles if r.name == "Soundtrack #1"
    ]


async def test_with_no_follower_role_and_no_server_role_nobody_is_pinged(world):
    await _setup(world)
    await _announce_in_2h(world)
    (body,) = _sends(world, "Watch party!")
    assert body["content"] == "Watch party!"
    assert body["allowed_mentions"]["parse"] == []
    assert not body["allowed_mentions"].get("roles")
