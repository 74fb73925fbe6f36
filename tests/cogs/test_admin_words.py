"""Admins' replies read right: "1 change" not "1 changes"; an alias says whose it is."""

from __future__ import annotations

import pytest

from tests.support.discord import user_errors


async def test_history_with_one_change_says_1_change(world):
    await world.admin.slash(
        world.general, "admin show edit", field="platform", value="Disney Plus", source="nme"
    )
    shown = await world.admin.slash(world.general, "admin history")
    footer = shown.response.embeds[0].footer.text
    assert footer.endswith("· 1 change")


async def test_history_with_one_change_in_korean_stays_korean(world, set_locale):
    set_locale(world.admin, "ko")
    await world.admin.slash(
        world.general, "admin show edit", field="platform", value="Disney Plus", source="nme"
    )
    shown = await world.admin.slash(world.general, "admin history")
    assert shown.response.embeds[0].footer.text.endswith("변경 1건")


@pytest.mark.parametrize(
    ("locale", "says"),
    [("en", "Added alias Eunsu Lee for Lee Eun-soo."), ("ko", "Lee Eun-soo의 다른 표기 Eunsu Lee")],
)
async def test_an_added_alias_says_whose_spelling_it_is(world, set_locale, locale, says):
    set_locale(world.admin, locale)
    result = await world.admin.slash(
        world.general, "admin alias add", target_kind="character", name="Eunsu Lee",
        source="nme", target="lee-eun-soo",
    )  # fmt: skip
    assert user_errors(world.env) == []
    assert result.response.content.startswith(says)
