"""/countdown on a day-precision release's own day: "premieres today", not "17 hours ago"."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support.paths import KST


def at(moment: datetime) -> int:
    return int(moment.timestamp())


@pytest.fixture
def start_time() -> datetime:
    # The bundled premiere is 2022-03-23 at day precision; 17:00 is well into that day.
    return datetime(2022, 3, 23, 17, 0, tzinfo=KST)


async def test_on_the_premiere_day_it_premieres_today_then_names_episode_2(world):
    result = await world.member.slash(world.general, "countdown")
    episode_2 = at(datetime(2022, 3, 30, tzinfo=KST))
    assert result.response.content.splitlines() == [
        "**Soundtrack #1** premieres today (2022-03-23).",
        f"**Soundtrack #1** episode 2: <t:{episode_2}:D> (<t:{episode_2}:R>)",
    ]


async def test_on_episode_2s_day_it_is_out_today_then_episode_3(world):
    await world.env.advance_time(7 * 86400)
    result = await world.member.slash(world.general, "countdown")
    episode_3 = at(datetime(2022, 4, 6, tzinfo=KST))
    assert result.response.content.splitlines() == [
        "**Soundtrack #1** episode 2 is out today (2022-03-30).",
        f"**Soundtrack #1** episode 3: <t:{episode_3}:D> (<t:{episode_3}:R>)",
    ]


async def test_the_day_after_the_finale_it_says_when_it_premiered(world):
    await world.env.advance_time(22 * 86400)  # 2022-04-14: episode 4 was 04-13
    result = await world.member.slash(world.general, "countdown")
    premiere = at(datetime(2022, 3, 23, tzinfo=KST))
    assert result.response.content == f"**Soundtrack #1** premiere: premiered <t:{premiere}:R>."


async def test_a_korean_member_reads_it_in_korean(world, set_locale):
    set_locale(world.member, "ko")
    result = await world.member.slash(world.general, "countdown")
    assert result.response.content.splitlines()[0] == "**Soundtrack #1** 오늘 첫 공개 (2022-03-23)."
