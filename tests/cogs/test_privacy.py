"""/privacy show, forget and export, through SimCord: a member's own data, in their language."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bot.i18n import t
from bot.store import privacy
from bot.ui.errors import NotAdmin
from tests.support.discord import open_to_everyone
from tests.support.paths import KST

SHOW = "soundtrack-1"


@pytest.fixture
def start_time() -> datetime:
    return datetime(2022, 4, 14, 12, 0, tzinfo=KST)  # every episode is out: ratings allowed


async def _rows(world, table: str, user_id: int) -> int:
    return await world.env.bot.db.fetchval(
        f"SELECT count(*) FROM {table} WHERE guild_id = ? AND user_id = ?",
        (world.guild.id, user_id),
    )


async def _member_with_data(world, member) -> None:
    await member.slash(world.general, "watched", show=SHOW, episode=2)
    await member.slash(world.general, "rate", show=SHOW, episode=1, stars=4)
    await member.slash(world.general, "rate", show=SHOW, episode=2, stars=5)
    await member.slash(world.general, "notify", show=SHOW)


def _embed(result):
    message = result.followups[-1] if result.followups else result.response
    (embed,) = message.embeds
    return embed


async def test_show_lists_a_members_own_progress_ratings_and_roles_only(world):
    other = world.guild.add_member(world.env.create_user("other_fan"))
    await _member_with_data(world, world.member)
    await other.slash(world.general, "watched", show=SHOW, episode=4)
    result = await world.member.slash(world.general, "privacy show")
    assert result.ephemeral
    embed = _embed(result)
    assert embed.title == "What the bot keeps about you in this server"
    role = next(
        r for r in world.env.bot.get_guild(world.guild.id).roles if r.name == "Soundtrack #1"
    )
    assert embed.description.splitlines() == [
        "/watched — **Soundtrack #1**: watched up to episode 2",
        "/rate — **Soundtrack #1** episode 1: 4 ★",
        "/rate — **Soundtrack #1** episode 2: 5 ★",
        f"Follower role <@&{role.id}> (/notify show:Soundtrack #1)",
    ]
    assert "episode 4" not in embed.description  # the other member's


async def test_a_member_with_nothing_stored_is_told_so(world):
    result = await world.member.slash(world.general, "privacy show")
    assert _embed(result).description == "The bot keeps nothing about you in this server."


async def test_an_admins_changes_are_named_and_kept_by_forget(world):
    await world.admin.slash(
        world.general, "admin show edit", field="platform", value="Disney Plus", source="nme"
    )
    shown = _embed(await world.admin.slash(world.general, "privacy show"))
    assert shown.description == (
        "Your name on 1 change(s) in /admin history (kept: the server's record)"
    )
    forget = await world.admin.slash(world.general, "privacy forget")
    assert forget.response.content == "There is nothing of yours to delete in this server."
    assert not forget.response.components


async def test_forget_deletes_after_confirm_and_only_this_members_data(world):
    other = world.guild.add_member(world.env.create_user("other_fan"))
    await _member_with_data(world, world.member)
    await _member_with_data(world, other)
    preview = await world.member.slash(world.general, "privacy forget")
    assert preview.ephemeral
    assert _embed(preview).title == "Delete what the bot keeps about you in this server?"
    assert await _rows(world, "member_progress", world.member.id) == 1  # nothing before Confirm
    done = await world.member.click(preview.response, custom_id="announce:confirm")
    message = (done.followups or [done.response])[-1]
    assert message.content == (
        "Deleted 3 record(s) of yours in this server and took off 1 role(s)."
    )
    assert await _rows(world, "member_progress", world.member.id) == 0
    assert await _rows(world, "episode_ratings", world.member.id) == 0
    assert await _rows(world, "episode_ratings", other.id) == 2
    role = next(
        r for r in world.env.bot.get_guild(world.guild.id).roles if r.name == "Soundtrack #1"
    )
    assert role.id not in world.env.backend.get_member(world.guild.id, world.member.id).role_ids
    assert role.id in world.env.backend.get_member(world.guild.id, other.id).role_ids
    after = _embed(await world.member.slash(world.general, "privacy show"))
    assert after.description == "The bot keeps nothing about you in this server."


async def test_cancel_deletes_nothing(world):
    await _member_with_data(world, world.member)
    preview = await world.member.slash(world.general, "privacy forget")
    await world.member.click(preview.response, custom_id="announce:cancel")
    assert await _rows(world, "episode_ratings", world.member.id) == 2


async def test_a_korean_member_reads_it_and_confirms_in_korean(world, set_locale):
    set_locale(world.member, "ko")
    await world.member.slash(world.general, "watched", show=SHOW, episode=1)
    shown = _embed(await world.member.slash(world.general, "privacy show"))
    assert shown.title == "이 서버에서 봇이 보관하는 내 정보"
    assert shown.description == "/watched — **Soundtrack #1**: 1화까지 봤어요"
    preview = await world.member.slash(world.general, "privacy forget")
    labels = [b["label"] for row in preview.response.components for b in row["components"]]
    assert labels == ["확인", "취소"]
    done = await world.member.click(preview.response, custom_id="announce:confirm")
    assert (done.followups or [done.response])[-1].content == (
        "이 서버의 내 기록 1개를 지우고 역할 0개를 뺐어요."
    )


async def test_an_admin_exports_everything_stored_for_the_server(world):
    await _member_with_data(world, world.member)
    result = await world.admin.slash(world.general, "privacy export")
    message = (result.followups or [result.response])[-1]
    (attachment,) = message.attachments
    assert attachment.filename == f"kdrama-bot-{world.guild.id}.json"
    document = json.loads(await attachment.read())
    assert document["guild_id"] == str(world.guild.id)
    tables = document["tables"]
    assert [r["user_id"] for r in tables["member_progress"]] == [world.member.id]
    assert sorted(r["stars"] for r in tables["episode_ratings"]) == [4, 5]
    assert [s["slug"] for s in tables["shows"]] == [SHOW]
    assert "search_entries" not in tables  # rebuilt from the catalog, not the server's data


async def test_a_member_cannot_export_the_servers_data(world):
    await open_to_everyone(world, "privacy")
    result = await world.member.slash(world.general, "privacy export")
    assert result.ephemeral
    assert not (result.followups or [result.response])[-1].attachments
    assert [type(e) for e in world.refusals] == [NotAdmin]


@pytest.mark.parametrize("table", sorted(privacy.STAFF_COLUMNS))
def test_every_staff_record_has_its_sentence_in_both_languages(table):
    key = f"privacy.line.staff.{table}"
    english, korean = t(key, "en", count=2), t(key, "ko", count=2)
    assert english != key
    assert korean != english
    assert "2" in english
    assert "2" in korean
