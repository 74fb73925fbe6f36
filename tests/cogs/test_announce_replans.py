"""Re-planning a countdown when its premiere moves: which stages wait, go or come back."""

from __future__ import annotations

from datetime import datetime

from bot.domain.release import Precision, Release
from bot.services.announcer import replan_show
from bot.store.announce import set_premiere
from tests.cogs import test_announce as announce
from tests.cogs.test_announce import SLUG, advance_to, at, bot_posts
from tests.support.paths import KST

fan_server = announce.fan_server

PAST = "re-planned: now in the past"
VAGUE = "re-planned: premiere not precise enough"
DAY, HOUR = 86400, 3600


async def stages(world) -> dict[str, tuple[str, int, str | None]]:
    """Each stage timer's status, due instant and reason, as stored."""
    timers = await world.env.bot.scheduler.list(guild_id=world.guild.id, kinds=["announce.stage"])
    return {t.payload["stage"]: (t.status, t.due, t.last_error) for t in timers}


async def move(world, moment: datetime, precision: Precision = Precision.MINUTE) -> int:
    """An edit of the premiere, then the re-plan the admin commands run after one."""
    bot = world.env.bot
    await set_premiere(bot.db, world.guild.id, SLUG, Release(at(moment), precision))
    return await replan_show(bot, world.guild.id, SLUG)


async def test_a_moving_premiere_cancels_revives_and_keeps_stages(fan_server):
    world = fan_server
    env, bot = world.env, world.env.bot
    result = await world.moderator.slash(world.general, "announce plan", show=SLUG, episodes=False)
    await world.moderator.click(result.response, custom_id="announce:confirm")
    edits = [r.json["content"] for r in env.http_requests if r.method == "PATCH" and r.json]
    assert "Countdown plan for **Soundtrack #1** enabled: 5 announcements scheduled." in edits
    p = at(datetime(2022, 3, 23, 18, 0, tzinfo=KST))
    assert await stages(world) == {
        "D-7": ("pending", p - 7 * DAY, None),
        "D-3": ("pending", p - 3 * DAY, None),
        "D-1": ("pending", p - DAY, None),
        "H-1": ("pending", p - HOUR, None),
        "premiere": ("pending", p, None),
    }
    (d3,) = await bot.scheduler.list(guild_id=world.guild.id, key_prefix=f"plan:{SLUG}:D-3")
    assert d3.payload == {
        "show": SLUG, "stage": "D-3", "minor": True, "channel_id": None, "ping": True,
    }  # fmt: skip

    # Sooner (it is 1 March, 09:00): D-7 and D-3 fall in the past.
    soon = at(datetime(2022, 3, 3, 18, 0, tzinfo=KST))
    assert await move(world, datetime(2022, 3, 3, 18, 0, tzinfo=KST)) == 3
    assert await stages(world) == {
        "D-7": ("cancelled", p - 7 * DAY, PAST),
        "D-3": ("cancelled", p - 3 * DAY, PAST),
        "D-1": ("pending", soon - DAY, None),
        "H-1": ("pending", soon - HOUR, None),
        "premiere": ("pending", soon, None),
    }

    # Later again, but only the day known: D-7 and D-3 come back, H-1 cannot be kept.
    day = at(datetime(2022, 3, 30, tzinfo=KST))
    assert await move(world, datetime(2022, 3, 30, tzinfo=KST), Precision.DAY) == 4
    assert await stages(world) == {
        "D-7": ("pending", day - 7 * DAY, None),
        "D-3": ("pending", day - 3 * DAY, None),
        "D-1": ("pending", day - DAY, None),
        "H-1": ("cancelled", soon - HOUR, VAGUE),
        "premiere": ("pending", day, None),
    }

    # A moderator cancels D-1; the hour becomes known: H-1 comes back, D-1 does not.
    (d1,) = await bot.scheduler.list(guild_id=world.guild.id, key_prefix=f"plan:{SLUG}:D-1")
    await world.moderator.slash(world.general, "announce cancel", id=d1.id)
    later = at(datetime(2022, 3, 30, 18, 0, tzinfo=KST))
    assert await move(world, datetime(2022, 3, 30, 18, 0, tzinfo=KST)) == 4
    after = await stages(world)
    assert after["D-1"] == ("cancelled", day - DAY, f"cancelled by {world.moderator.id}")
    assert after["H-1"] == ("pending", later - HOUR, None)
    assert after["D-7"] == ("pending", later - 7 * DAY, None)

    # D-7 is sent; a later move never sends it again.
    await advance_to(world, datetime(2022, 3, 23, 18, 1, tzinfo=KST))
    assert len(bot_posts(world.announcements)) == 1
    assert await move(world, datetime(2022, 4, 6, 18, 0, tzinfo=KST)) == 3
    assert (await stages(world))["D-7"][0] == "sent"
    await advance_to(world, datetime(2022, 3, 30, 18, 1, tzinfo=KST))
    assert len(bot_posts(world.announcements)) == 1

    # The premiere unset: every pending stage is cancelled, none sent.
    await bot.db.execute(
        "UPDATE shows SET premiere_at = NULL, premiere_precision = NULL WHERE slug = ?", (SLUG,)
    )
    assert await replan_show(bot, world.guild.id, SLUG) == 0
    left = await stages(world)
    assert {name: s[0] for name, s in left.items()} == {
        "D-7": "sent", "D-3": "cancelled", "D-1": "cancelled", "H-1": "cancelled",
        "premiere": "cancelled",
    }  # fmt: skip
    assert left["H-1"][2] == VAGUE


async def test_a_show_with_no_plan_is_not_planned_by_a_moved_premiere(fan_server):
    world = fan_server
    assert await move(world, datetime(2022, 3, 30, 18, 0, tzinfo=KST)) == 0
    assert await world.env.bot.scheduler.list(guild_id=world.guild.id) == []


async def test_a_moved_premiere_re_plans_its_own_show_and_no_other(fan_server, bundled_text):
    from bot.domain.showfile import parse_show_file
    from bot.store.catalog_io import import_show

    world = fan_server
    bot = world.env.bot
    other = bundled_text.replace('slug = "soundtrack-1"', 'slug = "soundtrack-2"', 1).replace(
        'title = "Soundtrack #1"', 'title = "Soundtrack #2"', 1
    )
    await import_show(bot.db, world.guild.id, parse_show_file(other))
    for show in (SLUG, "soundtrack-2"):
        result = await world.moderator.slash(
            world.general, "announce plan", show=show, episodes=False
        )
        await world.moderator.click(result.response, custom_id="announce:confirm")

    async def countdown(show: str) -> dict[str, tuple[str, int]]:
        timers = await bot.scheduler.list(guild_id=world.guild.id, key_prefix=f"plan:{show}:")
        return {t.payload["stage"]: (t.status, t.due) for t in timers}

    second = await countdown("soundtrack-2")
    # D-30 was past when planned; H-1 needs a premiere known to the minute.
    assert sorted(second) == ["D-1", "D-3", "D-7", "premiere"]
    assert {status for status, _ in second.values()} == {"pending"}
    # Soundtrack #1's premiere is now known only to the month (April): its stages that
    # need the day wait for a better date. Soundtrack #2's countdown stays as it was.
    await move(world, datetime(2022, 4, 1, tzinfo=KST), Precision.MONTH)
    first = await countdown(SLUG)
    assert {stage: first[stage][0] for stage in second} == dict.fromkeys(second, "cancelled")
    assert await countdown("soundtrack-2") == second
