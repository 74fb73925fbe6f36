"""When each episode's release is announced: precision, delay, double drops, catch-up."""

from __future__ import annotations

from bot.domain.release import Release
from bot.domain.releases import episodes_text, plan_releases

DAY = Release.parse("2022-03-23", "day")
MINUTE = Release.parse("2022-03-30T21:10", "minute")
MONTH = Release.parse("2022-04", "month")


def test_a_day_release_is_announced_at_the_watchable_time_of_its_local_day():
    (planned,) = plan_releases([(1, DAY)], delay=1800, combine=False, now=0, catchup=3600)
    assert planned.due == DAY.at + 1800  # 00:30 Korea time that day
    assert planned.skipped is None


def test_a_minute_release_is_announced_at_its_minute_plus_the_delay():
    (planned,) = plan_releases([(2, MINUTE)], delay=600, combine=False, now=0, catchup=3600)
    assert planned.due == MINUTE.at + 600


def test_a_month_or_unknown_release_is_skipped_for_precision():
    planned = plan_releases([(3, MONTH), (4, None)], delay=0, combine=True, now=0, catchup=0)
    assert [(p.episodes, p.skipped) for p in planned] == [((3,), "precision"), ((4,), "precision")]


def test_a_double_drop_is_one_announcement_only_when_combined():
    both = [(3, DAY), (4, DAY), (5, MINUTE)]
    combined = plan_releases(both, delay=0, combine=True, now=0, catchup=0)
    assert [p.episodes for p in combined] == [(3, 4), (5,)]
    assert combined[0].key_part == "3+4"
    split = plan_releases(both, delay=0, combine=False, now=0, catchup=0)
    assert [p.episodes for p in split] == [(3,), (4,), (5,)]


def test_episodes_already_announced_are_never_planned_again():
    planned = plan_releases([(3, DAY), (4, DAY)], delay=0, combine=True, now=0, catchup=0, done=[3])
    assert [p.episodes for p in planned] == [(4,)]


def test_an_announcement_past_the_catch_up_window_is_skipped_as_past():
    inside = plan_releases([(1, DAY)], delay=0, combine=False, now=DAY.at + 3000, catchup=3600)
    beyond = plan_releases([(1, DAY)], delay=0, combine=False, now=DAY.at + 4000, catchup=3600)
    assert inside[0].skipped is None
    assert beyond[0].skipped == "past"


def test_episode_numbers_read_naturally():
    assert episodes_text([4, 3]) == "3 & 4"
    assert episodes_text([1, 2, 3], " and ") == "1, 2 and 3"
    assert episodes_text([7]) == "7"
