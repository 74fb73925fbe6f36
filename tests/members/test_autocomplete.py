"""Autocomplete finds names however a member spells them, best first, at most 25."""

from __future__ import annotations

import json

import pytest

from bot.domain.showfile import parse_show_file
from bot.store.catalog_io import import_show


def names(choices: list[dict]) -> list[str]:
    return [c["name"] for c in choices]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Seon-woo", "Han Sun-woo (Han Seon-woo)"),  # another report's spelling
        ("sun woo", "Han Sun-woo"),
        ("SUNWOO", "Han Sun-woo"),
        ("Eun-so", "Lee Eun-soo"),
        ("eunsoo", "Lee Eun-soo"),
        ("Seo Eun", "Lee Eun-soo (Seo Eun-soo)"),
        ("Han Sun-u", "Han Sun-woo"),  # a variant no source used
    ],
)
async def test_character_autocomplete_finds_variant_spellings(world, typed, expected):
    choices = await world.member.autocomplete(world.general, "character", "name", typed)
    assert names(choices)[0] == expected


@pytest.mark.parametrize("typed", ["Kim Hee Won", "kim hee-won", "KIMHEEWON", "Kím Hée-wón"])
async def test_person_autocomplete_ignores_case_accents_hyphens_and_spaces(world, typed):
    choices = await world.member.autocomplete(world.general, "cast", "person", typed)
    assert names(choices)[0] == "Kim Hee-won"


async def test_person_autocomplete_finds_a_hangul_name(world, edit_show):
    await edit_show(
        (
            'name = "Han So-hee"\n',
            'name = "Han So-hee"\naliases = [{ name = "한소희", sources = ["nme"] }]\n',
        )
    )
    for typed in ("한소희", "소희", "한"):
        choices = await world.member.autocomplete(world.general, "cast", "person", typed)
        assert names(choices)[0] == "Han So-hee (한소희)", typed
    result = await world.member.slash(world.general, "cast", person="한소희")
    assert result.response.embeds[0].title == "Han So-hee"


async def test_show_autocomplete_lists_shows_and_finds_former_titles(world):
    empty = await world.member.autocomplete(world.general, "show", "show", "")
    assert empty == [{"name": "Soundtrack #1", "value": "soundtrack-1"}]
    former = await world.member.autocomplete(world.general, "plot", "show", "why did you")
    assert names(former) == ["Soundtrack #1 (Why Did You Come To My House)"]


async def test_character_autocomplete_narrows_to_the_chosen_show(world):
    choices = await world.member.autocomplete(
        world.general, "character", "name", "", show="soundtrack-1"
    )
    assert sorted(names(choices)) == ["Han Sun-woo", "Lee Eun-soo"]


async def test_autocomplete_offers_at_most_25_choices_best_first(world):
    people = {f"kim-{i}": {"name": f"Kim Extra {i:02d}", "sources": ["s"]} for i in range(40)}
    people["kim"] = {"name": "Kim", "sources": ["s"]}
    data = {
        "format": 1,
        "sources": {"s": {"publisher": "Test"}},
        "show": {"slug": "crowd", "title": "Crowd", "sources": ["s"]},
        "people": people,
        "credits": [{"person": p, "role": "cast", "sources": ["s"]} for p in people],
    }
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    await import_show(bot.db, world.guild.id, parse_show_file(json.dumps(data), fmt="json"))
    choices = await world.member.autocomplete(world.general, "cast", "person", "kim")
    assert len(choices) == 25
    assert names(choices)[:2] == ["Kim", "Kim Hee-won"]
