"""The name index follows every catalog write at once; a search only ever reads it."""

from __future__ import annotations

from bot.domain.names import normalize

INDEXED = "guild_id, kind, entity_id, show_id, name, label, preferred"


def names(choices: list[dict]) -> list[str]:
    return [c["name"] for c in choices]


async def index_matches_catalog(bot, guild_id: int) -> None:
    """The stored index holds exactly the spellings the catalog has now, keys included."""
    stored = await bot.db.fetchall(
        f"SELECT {INDEXED}, norm FROM search_entries WHERE guild_id = ?", (guild_id,)
    )
    wanted = await bot.db.fetchall(
        f"SELECT {INDEXED} FROM search_spellings WHERE guild_id = ?", (guild_id,)
    )
    assert sorted(tuple(r) for r in stored) == sorted(
        (*tuple(r), normalize(r["name"])) for r in wanted if normalize(r["name"])
    )
    orphans = await bot.db.fetchval(
        """SELECT (SELECT COUNT(*) FROM search_keys
                   WHERE entry_id NOT IN (SELECT id FROM search_entries))
                + (SELECT COUNT(*) FROM search_fts
                   WHERE rowid NOT IN (SELECT id FROM search_entries))"""
    )
    assert orphans == 0
    unkeyed = await bot.db.fetchval(
        """SELECT COUNT(*) FROM search_entries e WHERE e.guild_id = ?
           AND NOT EXISTS (SELECT 1 FROM search_keys k WHERE k.entry_id = e.id)""",
        (guild_id,),
    )
    assert unkeyed == 0


async def _alias_choices(world, typed: str) -> list[dict]:
    return await world.admin.autocomplete(world.general, "admin alias prefer", "alias", typed)


async def _people(world, typed: str) -> list[str]:
    return names(await world.member.autocomplete(world.general, "cast", "person", typed))


async def test_an_alias_an_admin_adds_is_found_at_once_and_gone_once_removed(world):
    bot = world.env.bot
    await world.admin.slash(
        world.general, "admin source add", key="soompi", publisher="Soompi", url="https://x.y/z"
    )
    assert await _people(world, "heewonkim") == []

    await world.admin.slash(
        world.general,
        "admin alias add",
        target_kind="person",
        target="kim-hee-won",
        name="Hee-won Kim",
        source="soompi",
    )
    # Stored with the edit itself, before anyone searched.
    await index_matches_catalog(bot, world.guild.id)
    assert (await _people(world, "heewonkim"))[0].startswith("Kim Hee-won")

    choices = await _alias_choices(world, "Hee-won Kim")
    alias = next(c for c in choices if "Hee-won Kim" in c["name"])
    await world.admin.slash(world.general, "admin alias remove", alias=alias["value"])
    await index_matches_catalog(bot, world.guild.id)
    assert await _people(world, "heewonkim") == []


async def test_searching_writes_nothing(world):
    bot = world.env.bot
    await world.admin.slash(
        world.general, "admin show edit", field="title", value="Soundtrack No. 1", source="nme"
    )
    before = bot.db.conn.total_changes
    for typed in ("sound", "so", "Seon-woo", "김", "soundtrak"):
        await world.member.autocomplete(world.general, "show", "show", typed)
        await world.member.autocomplete(world.general, "character", "name", typed)
    await world.member.slash(world.general, "search", query="Soundtrack")
    # Nothing is rebuilt on the way: the index was complete when the edit committed.
    assert bot.db.conn.total_changes == before


async def test_renames_and_preferred_swaps_relabel_every_spelling(world, edit_show):
    bot = world.env.bot
    await edit_show(("number = 1\n", 'number = 1\ntitle = "First Song"\n'))
    await world.admin.slash(
        world.general, "admin show edit", field="title", value="Soundtrack No. 1", source="nme"
    )
    await index_matches_catalog(bot, world.guild.id)
    # Episodes are labelled with their show's title.
    labels = await bot.db.fetchall(
        "SELECT label FROM search_entries WHERE guild_id = ? AND kind = 'episode'",
        (world.guild.id,),
    )
    assert [r[0] for r in labels] == ["Soundtrack No. 1 · 1: First Song"]

    await world.admin.slash(
        world.general, "admin alias add", target_kind="show", name="OST #1", source="nme"
    )
    alias = next(c for c in await _alias_choices(world, "OST") if "OST #1" in c["name"])
    await world.admin.slash(world.general, "admin alias prefer", alias=alias["value"])
    await index_matches_catalog(bot, world.guild.id)
    found = await world.member.autocomplete(world.general, "show", "show", "soundtrack no")
    assert names(found)[0].startswith("OST #1")

    await world.admin.slash(world.general, "admin show remove", show="soundtrack-1")
    await index_matches_catalog(bot, world.guild.id)
    assert await bot.db.fetchval(
        "SELECT COUNT(*) FROM search_entries WHERE guild_id = ?", (world.guild.id,)
    ) == await bot.db.fetchval(
        "SELECT COUNT(*) FROM search_spellings WHERE guild_id = ?", (world.guild.id,)
    )
