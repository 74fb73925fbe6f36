"""A typed name resolves only when it clearly means one person, character or show.

What a member types into ``person`` or ``name`` without picking from autocomplete goes
through the one resolver (bot/services/lookup.py): an exact spelling always counts, even
a two-letter one; otherwise the best match must be clearly ahead of the next, and either
a whole-word match or the same romanization as the whole name. Anything less is refused
with "did you mean". Autocomplete's ``#id`` values, narrowed to the chosen show, resolve
as they are.
"""

from __future__ import annotations

import pytest

from bot.domain.showfile import parse_show_file
from bot.store.catalog_io import import_show
from tests.support.discord import user_errors

# Lee Ji-eun is known by her stage name, IU: two letters, typed exactly.
IU = (
    "[people.ahn-sae-bom]",
    '[people.lee-ji-eun]\nname = "Lee Ji-eun"\nsources = ["nme"]\n'
    'aliases = [{ name = "IU", sources = ["nme"] }]\n\n'
    '[people.kim-ji-won]\nname = "Kim Ji-won"\nsources = ["nme"]\n\n'
    "[people.ahn-sae-bom]",
)


def card(result) -> tuple[str, dict[str, str]]:
    """The title and fields of the card a member was shown (failing on a refusal)."""
    assert result.response.embeds, result.response.content
    embed = result.response.embeds[0]
    return embed.title, {f.name: f.value for f in embed.fields}


def names(choices: list[dict]) -> list[str]:
    return [c["name"] for c in choices]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("lee", "Lee Eun-soo"),  # three letters, one whole-word match
        ("Eun-soo", "Lee Eun-soo"),  # a whole word, clearly ahead of Han Sun-woo's variant
        ("Han Seon-u", "Han Sun-woo"),  # the whole name in another romanization
    ],
)
async def test_a_clear_match_resolves_without_autocomplete(world, typed, meant):
    result = await world.member.slash(world.general, "character", name=typed)
    assert card(result)[0] == meant
    assert user_errors(world.env) == []


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("nsoo", "Lee Eun-soo"),  # only the middle of a word
        ("Sun-u", "Han Sun-woo"),  # a variant of part of a name, not the whole of it
    ],
)
async def test_a_partial_or_loose_match_is_only_a_suggestion(world, typed, suggested):
    result = await world.member.slash(world.general, "character", name=typed)
    assert result.ephemeral
    assert result.response.content == (
        f"I couldn't find a character called “{typed}”.\nDid you mean: {suggested}?"
    )
    assert user_errors(world.env) == ["members.not_found.character"]


async def test_an_exact_two_letter_stage_name_resolves_and_a_tie_is_refused(world, edit_show):
    await edit_show(IU)
    result = await world.member.slash(world.general, "cast", person="IU")
    assert card(result)[0] == "Lee Ji-eun"
    # "kim" starts two names equally well: it means neither, and both are offered.
    result = await world.member.slash(world.general, "cast", person="kim")
    assert result.ephemeral
    assert result.response.content == (
        "I couldn't find anyone called “kim”.\nDid you mean: Kim Ji-won, Kim Hee-won?"
    )
    assert user_errors(world.env) == ["members.not_found.person"]


async def test_a_character_is_not_a_person_nor_a_person_a_character(world):
    result = await world.member.slash(world.general, "cast", person="Lee Eun-soo")
    assert result.response.content.startswith("I couldn't find anyone called “Lee Eun-soo”.")
    result = await world.member.slash(world.general, "character", name="Han So-hee")
    assert result.response.content.startswith("I couldn't find a character called “Han So-hee”.")
    assert user_errors(world.env) == ["members.not_found.person", "members.not_found.character"]


async def test_a_picked_person_resolves_by_its_autocomplete_value(world):
    choices = await world.member.autocomplete(world.general, "cast", "person", "Kim Hee")
    assert names(choices) == ["Kim Hee-won"]
    value = choices[0]["value"]
    assert value.startswith("#")
    assert value[1:].isdigit()
    result = await world.member.slash(world.general, "cast", person=value)
    assert card(result)[0] == "Kim Hee-won"
    assert user_errors(world.env) == []


@pytest.fixture
async def two_shows(world, bundled_text):
    """The guild's Soundtrack #1 (its default show) and a sequel sharing one character."""
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    sequel = (
        bundled_text.replace('slug = "soundtrack-1"', 'slug = "soundtrack-2"', 1)
        .replace('title = "Soundtrack #1"\n', 'title = "Soundtrack #2"\n', 1)
        .replace('title = "Why Did You Come To My House"', 'title = "Our Second Album"', 1)
        .replace('name = "Han Sun-woo"', 'name = "Choi Da-in"', 1)
        .replace('aliases = [{ name = "Han Seon-woo", sources = ["kbizoom"] }]\n', "", 1)
    )
    assert "Choi Da-in" in sequel
    assert "Han Se" not in sequel
    await import_show(bot.db, world.guild.id, parse_show_file(sequel))
    return world


@pytest.mark.parametrize(("show", "title"), [("soundtrack-1", "Soundtrack #1"),
                                             ("soundtrack-2", "Soundtrack #2"),
                                             ("Soundtrack #2", "Soundtrack #2")])  # fmt: skip
async def test_a_name_both_shows_have_means_the_chosen_shows_character(two_shows, show, title):
    world = two_shows
    result = await world.member.slash(world.general, "character", name="Lee Eun-soo", show=show)
    assert card(result)[1]["Show"] == title


async def test_a_character_only_another_show_has_is_still_found(two_shows):
    world = two_shows
    # No show chosen: the default, Soundtrack #1, has no Choi Da-in; the sequel does.
    result = await world.member.slash(world.general, "character", name="Choi Da-in")
    assert card(result)[0] == "Choi Da-in"
    assert card(result)[1]["Show"] == "Soundtrack #2"
    assert user_errors(world.env) == []


async def test_character_autocomplete_narrows_to_the_show_chosen_so_far(two_shows):
    world = two_shows

    async def offered(show: str) -> list[str]:
        choices = await world.member.autocomplete(world.general, "character", "name", "", show=show)
        return sorted(names(choices))

    assert await offered("soundtrack-2") == ["Choi Da-in", "Lee Eun-soo"]
    assert await offered("Soundtrack #2") == ["Choi Da-in", "Lee Eun-soo"]  # typed, not picked
    assert await offered("soundtrack-1") == ["Han Sun-woo", "Lee Eun-soo"]
    # A show option holding nothing the guild has yet narrows nothing.
    assert await offered("Soundtr") == ["Choi Da-in", "Han Sun-woo", "Lee Eun-soo", "Lee Eun-soo"]
    # The pick is the sequel's own Lee Eun-soo.
    (choice,) = await world.member.autocomplete(
        world.general, "character", "name", "Lee", show="soundtrack-2"
    )
    result = await world.member.slash(world.general, "character", name=choice["value"])
    assert card(result)[1]["Show"] == "Soundtrack #2"


async def test_a_show_named_after_its_heroine_resolves_as_the_show(world, bundled_text):
    # Typing the show's title also spells a character's whole name: in a show option it
    # still means the show.
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    named = bundled_text.replace('title = "Soundtrack #1"\n', 'title = "Lee Eun-soo\'s Songs"\n', 1)
    await import_show(bot.db, world.guild.id, parse_show_file(named))
    result = await world.member.slash(world.general, "countdown", show="Lee Eun-soo")
    assert result.response.content.startswith("**Lee Eun-soo's Songs** premiere:")
    assert user_errors(world.env) == []


async def test_a_korean_member_is_told_did_you_mean_in_korean(world, set_locale):
    set_locale(world.member, "ko")
    result = await world.member.slash(world.general, "countdown", show="Soundtrak")
    assert result.ephemeral
    assert result.response.content == (
        "“Soundtrak”(이)라는 작품을 찾지 못했어요.\n혹시 이것을 찾으셨나요: Soundtrack #1"
    )


@pytest.mark.parametrize("extra", [0, 1])
async def test_a_long_choice_name_is_cut_to_discords_100_characters(world, edit_show, extra):
    # Picked through the former title, the choice reads "Soundtrack #1 (<former title>)":
    # 100 characters are shown whole, 101 end in an ellipsis at the 100th.
    former = "Why Did You Come To My House"
    longer = former + " " + "x" * (100 - len("Soundtrack #1 ()") - len(former) - 1 + extra)
    await edit_show((f'title = "{former}"', f'title = "{longer}"'))
    choices = await world.member.autocomplete(world.general, "plot", "show", "why did you")
    whole = f"Soundtrack #1 ({longer})"
    assert len(whole) == 100 + extra
    expected = whole if not extra else whole[:99] + "…"
    assert choices == [{"name": expected, "value": "soundtrack-1"}]
