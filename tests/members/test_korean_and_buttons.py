"""A Korean member reads Korean; show-card buttons keep working after a restart."""

from __future__ import annotations

from tests.support.discord import user_errors


async def test_korean_member_gets_korean_replies_and_show_data_as_stored(world, set_locale):
    set_locale(world.member, "ko")
    card = (await world.member.slash(world.general, "show")).response.embeds[0]
    assert card.title == "Soundtrack #1"  # show data stays as stored
    shown = {f.name: f.value for f in card.fields}
    assert shown["플랫폼"] == "Disney+"
    assert shown["첫 방송"].splitlines()[0] == "2022년 3월 23일"
    assert "2022년 3월 (날짜 미정)" in shown["첫 방송"]
    assert shown["연출"] == "Kim Hee-won"
    assert card.footer.text.startswith("출처: ")

    cast = (await world.member.slash(world.general, "cast")).response.embeds[0]
    assert cast.title == "Soundtrack #1 출연진"
    assert "**Han So-hee** — Lee Eun-soo 역" in cast.description

    missing = await world.member.slash(world.general, "character", name="Sunny")
    assert missing.ephemeral
    assert missing.response.content.startswith("“Sunny”(이)라는 등장인물을 찾지 못했어요.")
    assert "혹시 이것을 찾으셨나요: Han Sun-woo" in missing.response.content
    assert user_errors(world.env) == ["members.not_found.character"]


async def test_english_member_beside_a_korean_one_still_reads_english(world, set_locale):
    set_locale(world.moderator, "ko")
    card = (await world.member.slash(world.general, "crew")).response.embeds[0]
    assert card.title == "Crew of Soundtrack #1"


async def test_show_card_buttons_answer_after_a_restart(world, make_bot):
    posted = await world.member.slash(world.general, "show")
    await world.env.restart_bot(make_bot())

    cast = await world.moderator.click(posted.response, custom_id="show:cast:soundtrack-1")
    assert cast.ephemeral
    assert cast.response.embeds[0].title == "Cast of Soundtrack #1"

    trailer = await world.moderator.click(posted.response, label="Trailer")
    assert trailer.response.embeds[0].title == "Trailers and poster of Soundtrack #1"

    episodes = await world.member.click(posted.response, label="Episodes")
    assert episodes.response.embeds[0].title == "Episodes of Soundtrack #1"
    assert len(episodes.response.embeds[0].fields) == 4
