"""Rendering: releases by their precision, in English and Korean."""

from __future__ import annotations

from bot.domain.release import Release
from bot.services.cards import format_release, reported_lines
from bot.services.cards_episodes import episodes_card
from bot.store.catalog import EpisodeInfo, Reported, ShowInfo, SourceRef


def test_minute_precision_is_a_discord_timestamp_and_a_countdown():
    release = Release.parse("2022-03-23T17:00", "minute")
    assert format_release(release, "en") == f"<t:{release.at}:F> (<t:{release.at}:R>)"


def test_day_precision_is_the_date_in_the_shows_zone():
    # 00:00 KST is still the 22nd in UTC: the date must be Seoul's.
    assert format_release(Release.parse("2022-03-23", "day"), "en") == "March 23, 2022"
    assert format_release(Release.parse("2022-03-23", "day"), "ko") == "2022년 3월 23일"


def test_month_precision_says_the_date_was_not_announced():
    release = Release.parse("2022-03", "month")
    assert format_release(release, "en") == "March 2022 (date not announced)"
    assert format_release(release, "ko") == "2022년 3월 (날짜 미정)"


def test_unknown_release_says_so():
    assert format_release(None, "en") == "Not announced yet"


def test_other_spellings_name_their_sources():
    lines = reported_lines([Reported("Seo Eun-soo", (SourceRef("NME Asia", "2022-02-17"),))])
    assert lines == "Seo Eun-soo (NME Asia, 2022-02-17)"


def test_episodes_card_shows_discussion_links_when_given():
    show = ShowInfo(1, "s", "Show", None, None, None, 2, None, None, None, (), None, (), (), ())
    episodes = [EpisodeInfo(1, None, None, None), EpisodeInfo(2, None, None, None)]
    card = episodes_card(show, episodes, 0, "en", links={2: "https://discord.com/channels/1/2"})
    assert card.fields[0].value == "Not announced yet"
    assert card.fields[1].value.endswith("Discussion: https://discord.com/channels/1/2")
