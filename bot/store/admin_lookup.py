"""Small store-backed autocomplete for the admin commands: LIKE over one guild's rows.

Deliberately simple (a richer search module is built elsewhere); every query filters by
guild and returns at most 25 (value, label) pairs, straight from SQLite.
"""

from __future__ import annotations

from bot.store.db import Database

LIMIT = 25
Choice = tuple[str, str]


def _like(text: str) -> str:
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def _pairs(db: Database, sql: str, params: tuple) -> list[Choice]:
    return [(str(r[0]), str(r[1])) for r in await db.fetchall(sql, (*params, LIMIT))]


async def sources(db: Database, guild_id: int, text: str) -> list[Choice]:
    """The guild's sources by key, publisher or title: (key, "key — publisher")."""
    sql = """SELECT key, key || ' — ' || publisher FROM sources WHERE guild_id = ?
             AND (key LIKE ? ESCAPE '\\' OR publisher LIKE ? ESCAPE '\\'
                  OR title LIKE ? ESCAPE '\\') ORDER BY key LIMIT ?"""
    return await _pairs(db, sql, (guild_id, _like(text), _like(text), _like(text)))


async def people(db: Database, guild_id: int, text: str) -> list[Choice]:
    """The guild's people by slug or name: (slug, name)."""
    sql = """SELECT slug, name FROM people WHERE guild_id = ?
             AND (slug LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\') ORDER BY name LIMIT ?"""
    return await _pairs(db, sql, (guild_id, _like(text), _like(text)))


async def in_show(db: Database, guild_id: int, show: str, what: str, text: str) -> list[Choice]:
    """Characters, episodes, media, credits or aliases of one of the guild's shows."""
    sql = {
        "character": """SELECT c.slug, c.name FROM characters c {join}
             AND (c.slug LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\')
             ORDER BY c.slug LIMIT ?""",
        "episode": """SELECT c.number, 'Episode ' || c.number || COALESCE(': ' || c.title, '')
             FROM episodes c {join}
             AND (c.number LIKE ? OR COALESCE(c.title, '') LIKE ? ESCAPE '\\')
             ORDER BY c.number LIMIT ?""",
        "media": """SELECT c.key, c.kind || ': ' || COALESCE(c.title, c.key) FROM media c {join}
             AND (c.key LIKE ? ESCAPE '\\' OR COALESCE(c.title, '') LIKE ? ESCAPE '\\')
             ORDER BY c.key LIMIT ?""",
        "credit": """SELECT c.id, p.name || ' (' || c.role || ')' FROM credits c
             JOIN people p ON p.id = c.person_id {join}
             AND (p.name LIKE ? ESCAPE '\\' OR p.slug LIKE ? ESCAPE '\\')
             ORDER BY c.billing LIMIT ?""",
    }[what].format(join="JOIN shows s ON s.id = c.show_id WHERE s.guild_id = ? AND s.slug = ?")
    return await _pairs(db, sql, (guild_id, show, _like(text), _like(text)))


async def aliases(db: Database, guild_id: int, text: str) -> list[Choice]:
    """The guild's aliases: (id, "alias → preferred name")."""
    sql = """SELECT a.id, a.name || ' → ' || COALESCE(s.title, p.name, c.name, '?')
             FROM aliases a
             LEFT JOIN shows s ON a.entity_kind = 'show' AND s.id = a.entity_id
             LEFT JOIN people p ON a.entity_kind = 'person' AND p.id = a.entity_id
             LEFT JOIN characters c ON a.entity_kind = 'character' AND c.id = a.entity_id
             WHERE a.guild_id = ? AND a.name LIKE ? ESCAPE '\\' ORDER BY a.name LIMIT ?"""
    return await _pairs(db, sql, (guild_id, _like(text)))
