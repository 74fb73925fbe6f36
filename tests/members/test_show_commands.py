"""A member asks about the bundled show: every command as they see it."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.discord import user_errors


def fields(embed) -> dict[str, str]:
    return {f.name: f.value for f in embed.fields}


async def test_member_sees_the_show_card_with_premiere_by_its_precision(world):
    result = await world.member.slash(world.general, "show")
    assert not result.ephemeral
    (card,) = result.response.embeds
    assert card.title == "Soundtrack #1"
    assert card.description.startswith("A music drama about two best friends")
    shown = fields(card)
    assert shown["Platform"] == "Disney+"
    assert shown["Episodes"] == "4"
    assert shown["Director"] == "Kim Hee-won"
    assert shown["Writer"] == "Ahn Sae-bom"
    assert "**Han So-hee** as Lee Eun-soo" in shown["Lead cast"]
    assert shown["Former title"] == "Why Did You Come To My House (NME Asia, 2022-02-17)"
    # Day precision after release; the February articles' "March 2022" kept, with sources.
    premiere = shown["Premiere"].splitlines()
    assert premiere[0] == "March 23, 2022"
    assert "March 2022 (date not announced)" in premiere[1]
    # Each fact's sources oldest first.
    assert "(Trailer and poster article, 2022-02-08; NME Asia, 2022-02-17)" in premiere[1]
    assert card.footer.text == "Sources: NME Asia, 2022-02-17; The Korea Herald, 2022-03-24"
    labels = [c["label"] for row in result.response.components for c in row["components"]]
    assert labels == ["Cast", "Trailer", "Episodes"]


async def test_minute_precision_premiere_shows_discord_timestamps(world, edit_show):
    await edit_show(
        (
            'date = "2022-03-23"\nprecision = "day"',
            'date = "2022-03-23T17:00"\nprecision = "minute"',
        )
    )
    result = await world.member.slash(world.general, "show")
    stamp = int(datetime(2022, 3, 23, 8, 0, tzinfo=UTC).timestamp())
    premiere = fields(result.response.embeds[0])["Premiere"]
    assert premiere.startswith(f"<t:{stamp}:F> (<t:{stamp}:R>)")


async def test_member_sees_the_cast_with_their_characters(world):
    result = await world.member.slash(world.general, "cast")
    card = result.response.embeds[0]
    assert card.title == "Cast of Soundtrack #1"
    assert card.description.splitlines() == [
        "**Han So-hee** as Lee Eun-soo",
        "**Park Hyung-sik** as Han Sun-woo",
    ]


async def test_cast_person_shows_a_person_card_with_every_spelling(world):
    result = await world.member.slash(world.general, "cast", person="kim hee won")
    card = result.response.embeds[0]
    assert card.title == "Kim Hee-won"
    shown = fields(card)
    assert shown["Also reported as"] == "Kim Hee Won (Trailer and poster article, 2022-02-08)"
    assert "Vincenzo (2021)" in shown["Known for"]
    assert shown["In Soundtrack #1"] == "Director"


async def test_character_card_says_who_reported_each_spelling(world):
    result = await world.member.slash(world.general, "character", name="Eun-so")
    card = result.response.embeds[0]
    assert card.title == "Lee Eun-soo"
    assert card.description.startswith("A lyricist and songwriter")
    shown = fields(card)
    assert shown["Also reported as"].splitlines() == [
        "Seo Eun-soo (NME Asia, 2022-02-17)",
        "Lee Eun-so (Trailer and poster article, 2022-02-08)",
    ]
    assert shown["Played by"] == "Han So-hee"
    assert "The Korea Herald, 2022-03-24" in card.footer.text


async def test_character_found_by_a_variant_no_source_spelled(world):
    # "Hahn Sun-u" appears in no source: the romanization skeleton still finds him.
    result = await world.member.slash(world.general, "character", name="Han Sun-u")
    assert result.response.embeds[0].title == "Han Sun-woo"


async def test_member_sees_the_crew(world):
    card = (await world.member.slash(world.general, "crew")).response.embeds[0]
    assert card.title == "Crew of Soundtrack #1"
    assert fields(card) == {"Director": "Kim Hee-won", "Writer": "Ahn Sae-bom"}


async def test_member_sees_the_premise(world):
    card = (await world.member.slash(world.general, "plot")).response.embeds[0]
    assert card.title == "Soundtrack #1: the story"
    assert card.description.startswith("Two longtime friends and music lovers")


async def test_member_sees_every_episode_with_its_date(world):
    card = (await world.member.slash(world.general, "episodes")).response.embeds[0]
    assert fields(card) == {
        "Episode 1": "March 23, 2022",
        "Episode 2": "March 30, 2022",
        "Episode 3": "April 6, 2022",
        "Episode 4": "April 13, 2022",
    }


async def test_member_sees_the_trailer_its_quote_and_the_poster(world):
    card = (await world.member.slash(world.general, "trailer")).response.embeds[0]
    shown = fields(card)
    trailer = shown["Trailer: First trailer"]
    assert trailer.startswith("Released 2022-02-07 · Length 0:30")
    assert "“We need to be friends for the rest of our lives" in trailer
    assert "— Lee Eun-soo" in trailer
    assert "series of photographs" in shown["Poster: First poster"]


async def test_search_finds_people_and_characters_by_any_spelling(world):
    card = (await world.member.slash(world.general, "search", query="seon woo")).response.embeds[0]
    assert fields(card) == {"Characters": "**Han Sun-woo** (as Han Seon-woo)"}
    card = (await world.member.slash(world.general, "search", query="HAN")).response.embeds[0]
    assert fields(card) == {"People": "**Han So-hee**", "Characters": "**Han Sun-woo**"}


async def test_unknown_show_gets_a_private_did_you_mean(world):
    result = await world.member.slash(world.general, "show", show="Soundtrak")
    assert result.ephemeral
    assert result.response.content == (
        "I couldn't find a show called “Soundtrak”.\nDid you mean: Soundtrack #1?"
    )
    assert user_errors(world.env) == ["members.not_found.show"]


async def test_unknown_character_suggests_at_most_three_names(world):
    result = await world.member.slash(world.general, "character", name="Sunny")
    assert result.ephemeral
    lines = result.response.content.splitlines()
    assert lines[0] == "I couldn't find a character called “Sunny”."
    suggested = lines[1].removeprefix("Did you mean: ").removesuffix("?").split(", ")
    assert suggested[0] == "Han Sun-woo"
    assert len(suggested) <= 3
    assert user_errors(world.env) == ["members.not_found.character"]


async def test_unknown_person_with_nothing_close_gets_no_suggestions(world):
    result = await world.member.slash(world.general, "cast", person="Zzyzx Qwv")
    assert result.ephemeral
    assert result.response.content == "I couldn't find anyone called “Zzyzx Qwv”."
    assert user_errors(world.env) == ["members.not_found.person"]


async def test_store_text_is_sent_with_mentions_disabled(world, edit_show):
    await edit_show(('name = "Ahn Sae-bom"', 'name = "@everyone Ahn"'))
    result = await world.member.slash(world.general, "crew")
    assert "@everyone Ahn" in fields(result.response.embeds[0])["Writer"]
    assert result.response.message.mention_everyone is False


async def test_park_hyung_sik_is_a_member_of_ze_a_not_known_for_it(world):
    result = await world.member.slash(world.general, "cast", person="Park Hyung-sik")
    shown = fields(result.response.embeds[0])
    assert shown["Member of"] == "ZE:A"
    assert "ZE:A" not in shown["Known for"]
    assert "Happiness" in shown["Known for"]


async def test_a_korean_member_reads_member_of_in_korean(world, set_locale):
    set_locale(world.member, "ko")
    result = await world.member.slash(world.general, "cast", person="Park Hyung-sik")
    assert fields(result.response.embeds[0])["소속 그룹"] == "ZE:A"
