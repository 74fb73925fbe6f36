"""/admin history, revert, import and export; and one guild never touching another's."""

from __future__ import annotations

import json

import discord

from bot.ui.errors import UserFacingError
from tests.support.discord import answered_refusals

SHOW = "SELECT title, platform FROM shows WHERE guild_id = ? AND slug = 'soundtrack-1'"


def refusals(world) -> list[type]:
    """Acknowledge the errors the bot answered as clean refusals; fail on any bug."""
    kinds = []
    for original in answered_refusals(world.env):
        assert isinstance(original, UserFacingError), repr(original)
        kinds.append(type(original))
    return kinds


async def _set_title(world, title: str, actor=None) -> int:
    result = await (actor or world.admin).slash(
        world.general, "admin show edit", field="title", value=title, source="nme"
    )
    content = result.response.content
    return int(content.rsplit("#", 1)[1].rstrip(").")), content


async def test_history_pages_with_buttons(world):
    for n in range(12):
        await _set_title(world, f"Title {n}")
    shown = await world.admin.slash(world.general, "admin history")
    assert shown.ephemeral
    first = shown.response.embeds[0]
    assert "Page 1 of 2 · 12 changes" in first.footer.text
    assert "Title 10 → Title 11" in first.description
    assert first.description.count("\n") == 9
    older = await world.admin.click(shown.response, custom_id="admin:history:older")
    page_two = older.response.embeds[0] if older.response else None
    message = world.general.last_message if page_two is None else None
    embed = page_two or message.embeds[0]
    assert "Page 2 of 2" in embed.footer.text
    assert "Soundtrack #1 → Title 0" in embed.description


async def test_history_filters_by_entity(world):
    await _set_title(world, "New title")
    await world.admin.slash(
        world.general, "admin character add", slug="manager-kim", name="Manager Kim", source="nme"
    )
    shown = await world.admin.slash(world.general, "admin history", entity="character")
    description = shown.response.embeds[0].description
    assert "character manager-kim" in description
    assert "New title" not in description


async def test_revert_undoes_a_change_and_is_recorded(world):
    change, _ = await _set_title(world, "Wrong title")
    result = await world.admin.slash(world.general, "admin revert", change_id=change)
    assert f"Reverted change #{change}" in result.response.content
    row = await world.env.bot.db.fetchone(SHOW, (world.guild.id,))
    assert row["title"] == "Soundtrack #1"
    last = await world.env.bot.db.fetchone("SELECT * FROM history ORDER BY id DESC LIMIT 1")
    assert (last["action"], last["reverts"]) == ("revert", change)


async def test_revert_is_refused_when_a_later_change_touched_the_field(world):
    first, _ = await _set_title(world, "First")
    second, _ = await _set_title(world, "Second")
    result = await world.admin.slash(world.general, "admin revert", change_id=first)
    assert f"change #{second}" in result.response.content
    assert "came later" in result.response.content
    row = await world.env.bot.db.fetchone(SHOW, (world.guild.id,))
    assert row["title"] == "Second"
    assert refusals(world) == [UserFacingError]


async def test_revert_of_a_removed_character_brings_it_back(world):
    await world.admin.slash(
        world.general, "admin character add", slug="manager-kim", name="Manager Kim", source="nme"
    )
    removed = await world.admin.slash(
        world.general, "admin character remove", character="manager-kim"
    )
    change = int(removed.response.content.split("#")[1].split(";")[0])
    await world.admin.slash(world.general, "admin revert", change_id=change)
    name = await world.env.bot.db.fetchval("SELECT name FROM characters WHERE slug = 'manager-kim'")
    assert name == "Manager Kim"


async def test_reverting_a_removal_restores_the_aliases_sources_and_casting(world):
    async def card() -> dict:
        result = await world.member.slash(world.general, "character", name="Seo Eun-soo")
        return result.response.embeds[0].to_dict()

    before = await card()
    assert "Han So-hee" in repr(before)
    assert "Seo Eun-soo" in repr(before)
    removed = await world.admin.slash(
        world.general, "admin character remove", character="lee-eun-soo"
    )
    change = int(removed.response.content.split("#")[1].split(";")[0])
    gone = await world.member.slash(world.general, "character", name="Seo Eun-soo")
    assert gone.ephemeral
    assert "Seo Eun-soo" in gone.response.content  # not found, named back to the member
    await world.admin.slash(world.general, "admin revert", change_id=change)
    assert await card() == before
    assert refusals(world) == [UserFacingError]  # the "not found" while it was gone


async def test_export_replies_with_the_toml_file(world):
    result = await world.admin.slash(world.general, "admin export")
    attachment = result.response.attachments[0]
    assert attachment.filename == "soundtrack-1.toml"
    text = (await attachment.read()).decode()
    assert 'slug = "soundtrack-1"' in text


async def _exported(world) -> str:
    result = await world.admin.slash(world.general, "admin export")
    return (await result.response.attachments[0].read()).decode()


async def test_import_dry_run_reports_and_writes_nothing_then_real_run_is_recorded(world):
    text = (await _exported(world)).replace('platform = "Disney+"', 'platform = "Disney Plus"')
    dry = await world.admin.slash(
        world.general, "admin import", file=("show.toml", text.encode()), dry_run=True
    )
    content = dry.followups[0].content if dry.followups else dry.response.content
    assert "Dry run" in content
    assert "Disney Plus" in content
    bot = world.env.bot
    assert (await bot.db.fetchone(SHOW, (world.guild.id,)))["platform"] == "Disney+"
    assert await bot.db.fetchval("SELECT COUNT(*) FROM history") == 0
    real = await world.admin.slash(
        world.general, "admin import", file=("show.toml", text.encode()), dry_run=False
    )
    content = real.followups[0].content if real.followups else real.response.content
    assert "Imported soundtrack-1" in content
    assert (await bot.db.fetchone(SHOW, (world.guild.id,)))["platform"] == "Disney Plus"
    lines = await bot.db.fetchall("SELECT action, actor_id FROM history")
    assert lines
    assert {(r[0], r[1]) for r in lines} == {("import", world.admin.id)}


async def test_malformed_import_writes_nothing(world):
    bad = json.dumps({"format": 1, "show": {"slug": "Not A Slug"}})
    result = await world.admin.slash(
        world.general, "admin import", file=("show.json", bad.encode()), dry_run=False
    )
    content = result.followups[0].content if result.followups else result.response.content
    assert "nothing was imported" in content
    assert await world.env.bot.db.fetchval("SELECT COUNT(*) FROM history") == 0
    assert refusals(world) == [UserFacingError]


async def test_import_over_the_size_limit_is_refused(world):
    big = b"#" * (256 * 1024 + 1)
    result = await world.admin.slash(
        world.general, "admin import", file=("show.toml", big), dry_run=True
    )
    assert "the limit is 262144" in result.response.content
    assert refusals(world) == [UserFacingError]


async def test_one_guilds_admin_cannot_touch_another_guilds_catalog(world):
    env = world.env
    other = env.create_guild(name="Other Fans")
    other_general = other.create_text_channel("general")
    role = other.create_role("Boss", permissions=discord.Permissions(manage_guild=True))
    other_admin = other.add_member(env.create_user("boss"), roles=[role])
    await env.bot.tree.sync()
    # Both guilds get their own copy of the bundled show.
    await other_admin.slash(
        other_general, "admin show edit", field="title", value="Theirs", source="nme"
    )
    change, _ = await _set_title(world, "Ours")
    bot = env.bot
    assert (await bot.db.fetchone(SHOW, (other.id,)))["title"] == "Theirs"
    assert (await bot.db.fetchone(SHOW, (world.guild.id,)))["title"] == "Ours"
    # The other admin can neither revert nor see our change, nor pick our aliases.
    refused = await other_admin.slash(other_general, "admin revert", change_id=change)
    assert f"no change #{change}" in refused.response.content
    shown = await other_admin.slash(other_general, "admin history")
    assert "Ours" not in shown.response.embeds[0].description
    our_alias = await bot.db.fetchval(
        "SELECT id FROM aliases WHERE guild_id = ? LIMIT 1", (world.guild.id,)
    )
    assert our_alias is not None
    await other_admin.slash(other_general, "admin alias remove", alias=str(our_alias))
    assert await bot.db.fetchval("SELECT COUNT(*) FROM aliases WHERE id = ?", (our_alias,)) == 1
    credit = await bot.db.fetchval(
        "SELECT c.id FROM credits c JOIN shows s ON s.id = c.show_id WHERE s.guild_id = ?",
        (world.guild.id,),
    )
    await other_admin.slash(other_general, "admin cast remove", credit=str(credit))
    assert await bot.db.fetchval("SELECT COUNT(*) FROM credits WHERE id = ?", (credit,)) == 1
    assert (await bot.db.fetchone(SHOW, (world.guild.id,)))["title"] == "Ours"
    assert set(refusals(world)) == {UserFacingError}


async def test_reverting_a_premiere_or_importing_tells_the_scheduler(world):
    seen = []

    async def on_premiere_changed(guild_id, slug):
        seen.append((guild_id, slug))

    world.env.bot.add_listener(on_premiere_changed)
    result = await world.admin.slash(
        world.general, "admin premiere set", when="2022-03", precision="month", source="nme"
    )
    change = int(result.response.content.rsplit("#", 1)[1].rstrip(")."))
    await world.admin.slash(world.general, "admin revert", change_id=change)
    text = await _exported(world)
    await world.admin.slash(
        world.general, "admin import", file=("s.toml", text.encode()), dry_run=True
    )
    await world.env.advance_time(0)
    assert seen == [(world.guild.id, "soundtrack-1")] * 2
