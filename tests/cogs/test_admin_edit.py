"""/admin edits through SimCord: admins change facts with sources; others are refused."""

from __future__ import annotations

from bot.domain.errors import InputError
from bot.ui.errors import NotAdmin, UserFacingError
from tests.support.discord import answered_refusals, open_to_everyone


def refusals(world) -> list[type]:
    """Acknowledge the errors the bot answered as clean refusals; fail on any bug."""
    kinds = []
    for original in answered_refusals(world.env):
        assert isinstance(original, (UserFacingError, InputError, NotAdmin)), repr(original)
        # A value the domain refuses (InputError) reaches the tree as it is, answered
        # through the same path as a cog's own UserFacingError: both are clean refusals.
        kinds.append(UserFacingError if isinstance(original, InputError) else type(original))
    return kinds


async def _title(bot, guild_id: int) -> str:
    return await bot.db.fetchval(
        "SELECT title FROM shows WHERE guild_id = ? AND slug = 'soundtrack-1'", (guild_id,)
    )


async def _history_count(bot) -> int:
    return await bot.db.fetchval("SELECT COUNT(*) FROM history")


async def test_admin_edits_show_title_with_a_source_and_it_is_recorded(world):
    before = world.env.bot.clock.timestamp()
    result = await world.admin.slash(
        world.general, "admin show edit", field="title", value="Soundtrack No. 1", source="nme"
    )
    assert result.ephemeral
    assert "Soundtrack #1 → Soundtrack No. 1" in result.response.content
    bot = world.env.bot
    assert await _title(bot, world.guild.id) == "Soundtrack No. 1"
    row = await bot.db.fetchone("SELECT * FROM history ORDER BY id DESC LIMIT 1")
    assert (row["actor_id"], row["field"], row["source_key"]) == (world.admin.id, "title", "nme")
    assert before <= row["at"] <= bot.clock.timestamp()  # stamped when the edit was made
    cited = await bot.db.fetchall(
        """SELECT s.key FROM fact_sources f JOIN sources s ON s.id = f.source_id
           WHERE f.entity_kind = 'show' AND f.field = 'title'"""
    )
    assert [r[0] for r in cited] == ["nme"]


async def test_member_and_moderator_are_refused_and_nothing_is_written(world):
    await open_to_everyone(world, "admin")
    for actor in (world.member, world.moderator):
        result = await actor.slash(
            world.general, "admin show edit", field="title", value="Hacked", source="nme"
        )
        assert result.ephemeral
        assert "Only admins" in result.response.content
    assert await _title(world.env.bot, world.guild.id) == "Soundtrack #1"
    assert await _history_count(world.env.bot) == 0
    assert refusals(world) == [NotAdmin, NotAdmin]


async def test_configured_admin_role_grants_admin_commands(world):
    await open_to_everyone(world, "admin")
    await world.admin.slash(world.general, "config set", admin_role=world.moderator_role)
    result = await world.moderator.slash(
        world.general, "admin show edit", field="platform", value="Disney Plus", source="nme"
    )
    assert "Disney+ → Disney Plus" in result.response.content


async def test_synopsis_edit_opens_a_modal_and_the_submission_is_stored(world):
    shown = await world.admin.slash(
        world.general, "admin show edit", field="synopsis", source="nme"
    )
    assert shown.modal is not None
    new = "Two friends write songs. @everyone come watch!"
    submitted = await world.admin.submit_modal(shown, {"synopsis": new})
    assert "change #" in submitted.response.content
    stored = await world.env.bot.db.fetchval(
        "SELECT synopsis FROM shows WHERE guild_id = ?", (world.guild.id,)
    )
    assert stored == new
    # The reply carried the admin's text: it must not be able to ping anyone.
    bodies = [r.json for r in world.env.http_requests if r.json and "everyone" in str(r.json)]
    assert bodies
    for body in bodies:
        data = body.get("data", body)
        assert data["allowed_mentions"]["parse"] == []


async def test_logline_modal_is_capped_at_the_logline_limit(world):
    bot = world.env.bot
    shown = await world.admin.slash(world.general, "admin show edit", field="logline", source="nme")
    # Discord caps the box at the limit (1,000 characters) ...
    assert shown.modal["components"][0]["components"][0]["max_length"] == 1000
    # ... (SimCord, like Discord, will not submit more); typed as the value option instead,
    # a longer logline is refused by the bot itself, and nothing changes.
    before = await bot.db.fetchval(
        "SELECT logline FROM shows WHERE guild_id = ?", (world.guild.id,)
    )
    refused = await world.admin.slash(
        world.general, "admin show edit", field="logline", value="x" * 1001, source="nme"
    )
    assert refused.response.ephemeral
    assert "change #" not in refused.response.content
    assert "1000" in refused.response.content.replace(",", "")
    assert await _history_count(bot) == 0
    logline = await bot.db.fetchval(
        "SELECT logline FROM shows WHERE guild_id = ?", (world.guild.id,)
    )
    assert logline == before
    assert refusals(world) == [UserFacingError]
    # Exactly at the limit is accepted.
    result = await world.admin.submit_modal(shown, {"logline": "x" * 1000})
    assert "change #" in result.response.content
    logline = await bot.db.fetchval(
        "SELECT logline FROM shows WHERE guild_id = ?", (world.guild.id,)
    )
    assert logline == "x" * 1000


async def test_poster_url_must_be_http(world):
    result = await world.admin.slash(
        world.general,
        "admin show edit",
        field="poster_url",
        value="javascript:alert(1)",
        source="nme",
    )
    assert "not an http(s) address" in result.response.content
    assert await _history_count(world.env.bot) == 0
    assert refusals(world) == [UserFacingError]


async def test_premiere_set_records_change_and_dispatches_premiere_changed(world):
    seen = []
    bot = world.env.bot

    async def on_premiere_changed(guild_id, slug):
        seen.append((guild_id, slug))

    bot.add_listener(on_premiere_changed)
    result = await world.admin.slash(
        world.general,
        "admin premiere set",
        when="2022-03-23T16:00",
        precision="minute",
        source="koreaherald",
    )
    assert "2022-03-23 (day) → 2022-03-23T16:00 (minute)" in result.response.content
    await world.env.advance_time(0)
    assert seen == [(world.guild.id, "soundtrack-1")]
    row = await bot.db.fetchone(
        "SELECT premiere_precision FROM shows WHERE guild_id = ?", (world.guild.id,)
    )
    assert row[0] == "minute"


async def test_premiere_with_bad_date_is_refused(world):
    result = await world.admin.slash(
        world.general, "admin premiere set", when="2022-02-30", precision="day", source="nme"
    )
    assert "not a real date" in result.response.content
    assert await _history_count(world.env.bot) == 0
    assert refusals(world) == [UserFacingError]


async def test_character_add_edit_remove(world):
    bot = world.env.bot
    added = await world.admin.slash(
        world.general, "admin character add", slug="manager-kim", name="Manager Kim", source="nme"
    )
    assert "character manager-kim" in added.response.content
    shown = await world.admin.slash(
        world.general,
        "admin character edit",
        character="manager-kim",
        field="description",
        source="nme",
    )
    await world.admin.submit_modal(shown, {"description": "Eun-soo's manager."})
    assert (
        await bot.db.fetchval("SELECT description FROM characters WHERE slug = 'manager-kim'")
        == "Eun-soo's manager."
    )
    removed = await world.admin.slash(
        world.general, "admin character remove", character="manager-kim"
    )
    assert "Removed character manager-kim" in removed.response.content
    assert await bot.db.fetchval("SELECT COUNT(*) FROM characters WHERE slug = 'manager-kim'") == 0


async def test_episode_add_edit_release_and_remove(world):
    bot = world.env.bot
    await world.admin.slash(
        world.general,
        "admin episode add",
        number=5,
        source="nme",
        title="Bonus",
        release="2022-04-13",
        precision="day",
    )
    edited = await world.admin.slash(
        world.general,
        "admin episode edit",
        number=5,
        field="release",
        value="2022-04-13T16:00",
        precision="minute",
        source="nme",
    )
    assert "2022-04-13 (day) → 2022-04-13T16:00 (minute)" in edited.response.content
    await world.admin.slash(world.general, "admin episode remove", number=5)
    assert await bot.db.fetchval("SELECT COUNT(*) FROM episodes WHERE number = 5") == 0


async def test_cast_add_creates_person_and_remove_takes_the_credit(world):
    bot = world.env.bot
    await world.admin.slash(
        world.general, "admin cast add", person="Kim Joo-hun", source="nme", role="cast"
    )
    assert (
        await bot.db.fetchval("SELECT name FROM people WHERE slug = 'kim-joo-hun'") == "Kim Joo-hun"
    )
    choices = await world.admin.autocomplete(world.general, "admin cast remove", "credit", "Joo")
    assert "Kim Joo-hun" in choices[0]["name"]
    await world.admin.slash(world.general, "admin cast remove", credit=choices[0]["value"])
    credits = await bot.db.fetchval(
        """SELECT COUNT(*) FROM credits c JOIN people p ON p.id = c.person_id
           WHERE p.slug = 'kim-joo-hun'"""
    )
    assert credits == 0


async def test_media_add_and_remove(world):
    bot = world.env.bot
    added = await world.admin.slash(
        world.general,
        "admin media add",
        key="teaser-2",
        kind="teaser",
        url="https://example.com/teaser",
        source="nme",
    )
    assert "teaser teaser-2" in added.response.content
    bad = await world.admin.slash(
        world.general, "admin media add", key="t3", kind="teaser", url="ftp://x.y", source="nme"
    )
    assert "http(s)" in bad.response.content
    assert refusals(world) == [UserFacingError]
    await world.admin.slash(world.general, "admin media remove", media="teaser-2")
    assert await bot.db.fetchval("SELECT COUNT(*) FROM media WHERE key LIKE 'teaser-2'") == 0


async def test_source_add_then_cite_it_and_alias_prefer(world):
    bot = world.env.bot
    await world.admin.slash(
        world.general,
        "admin source add",
        key="soompi",
        publisher="Soompi",
        url="https://www.soompi.com/x",
    )
    choices = await world.admin.autocomplete(world.general, "admin show edit", "source", "soom")
    assert [c["value"] for c in choices] == ["soompi"]
    await world.admin.slash(
        world.general, "admin alias add", target_kind="show", name="OST #1", source="soompi"
    )
    aliases = await world.admin.autocomplete(world.general, "admin alias prefer", "alias", "OST")
    await world.admin.slash(world.general, "admin alias prefer", alias=aliases[0]["value"])
    assert await _title(bot, world.guild.id) == "OST #1"
    assert (
        await bot.db.fetchval("SELECT name FROM aliases WHERE id = ?", (int(aliases[0]["value"]),))
        == "Soundtrack #1"
    )
    await world.admin.slash(world.general, "admin alias remove", alias=aliases[0]["value"])
    assert await bot.db.fetchval("SELECT COUNT(*) FROM aliases WHERE name = 'Soundtrack #1'") == 0


async def test_citing_an_unknown_source_is_refused(world):
    result = await world.admin.slash(
        world.general, "admin show edit", field="title", value="X", source="made-up"
    )
    assert "Not found" in result.response.content
    assert await _title(world.env.bot, world.guild.id) == "Soundtrack #1"
    assert refusals(world) == [UserFacingError]
