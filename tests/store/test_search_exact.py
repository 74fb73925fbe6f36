"""Resolving a typed name stops at an exact spelling; autocomplete still lists substrings."""

from __future__ import annotations

from bot.store.search import search

GUILD = 1


async def test_an_exact_name_is_enough_to_resolve_but_not_to_autocomplete(db):
    for slug, name in (("min", "Min"), ("jimin", "Jimin"), ("park-min", "Park Min")):
        await db.execute(
            "INSERT INTO people (guild_id, slug, name) VALUES (?, ?, ?)", (GUILD, slug, name)
        )
    listed = await search(db, GUILD, "min", ("person",))
    assert [h.name for h in listed] == ["Min", "Park Min", "Jimin"]  # exact, word, substring
    resolved = await search(db, GUILD, "min", ("person",), exact_is_enough=True)
    assert [h.name for h in resolved] == ["Min", "Park Min"]
    # Nothing exact: the substring search still runs.
    assert [h.name for h in await search(db, GUILD, "imi", ("person",), exact_is_enough=True)] == [
        "Jimin"
    ]
