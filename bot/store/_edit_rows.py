"""Guild-scoped row access for the catalog editor: fetch, read a field, write a field.

Table and column names come from the maps below only; every value is bound. Rows of
show-level tables are reached through their show, so a guild only ever sees its own.
"""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from bot.store.db import rows

# kind → (table, scope): "guild" tables carry guild_id, "show" tables hang off a show.
TABLES: dict[str, tuple[str, str]] = {
    "show": ("shows", "guild"),
    "person": ("people", "guild"),
    "source": ("sources", "guild"),
    "alias": ("aliases", "guild"),
    "character": ("characters", "show"),
    "credit": ("credits", "show"),
    "episode": ("episodes", "show"),
    "media": ("media", "show"),
}
# Fields stored in several columns: a release (at, precision, tz).
RELEASES = {("show", "premiere"): "premiere", ("episode", "release"): "release"}
JSON_COLUMNS = {("show", "genres")}
# The natural key that names a row in messages and history labels.
LABEL_KEYS = {
    "show": "slug", "person": "slug", "source": "key", "alias": "name", "character": "slug",
    "credit": "id", "episode": "number", "media": "key",
}  # fmt: skip


class NotFound(LookupError):
    """No such row in this guild."""


async def fetch(
    conn: aiosqlite.Connection, guild_id: int, kind: str, entity_id: int
) -> dict[str, Any] | None:
    """The guild's ``kind`` row ``entity_id`` as a dict, or None (also for another guild's)."""
    table, scope = TABLES[kind]
    if scope == "guild":
        sql = f"SELECT * FROM {table} WHERE id = ? AND guild_id = ?"
    else:
        sql = f"""SELECT t.* FROM {table} t JOIN shows s ON s.id = t.show_id
                  WHERE t.id = ? AND s.guild_id = ?"""
    found = await rows(conn, sql, (entity_id, guild_id))
    return dict(found[0]) if found else None


async def find(conn: aiosqlite.Connection, guild_id: int, kind: str, **key: Any) -> int | None:
    """The id of the guild's ``kind`` row whose columns equal ``key``, if there is one."""
    table, scope = TABLES[kind]
    cond = " AND ".join(f"t.{column} = ?" for column in key)
    if scope == "guild":
        sql = f"SELECT t.id FROM {table} t WHERE t.guild_id = ? AND {cond}"
    else:
        sql = f"""SELECT t.id FROM {table} t JOIN shows s ON s.id = t.show_id
                  WHERE s.guild_id = ? AND {cond}"""
    found = await rows(conn, sql, (guild_id, *key.values()))
    return int(found[0][0]) if found else None


def read_field(kind: str, row: dict[str, Any], field: str) -> Any:
    """The value of ``field`` in ``row`` as history stores it (releases as dicts)."""
    prefix = RELEASES.get((kind, field))
    if prefix:
        if row[f"{prefix}_at"] is None:
            return None
        return {key: row[f"{prefix}_{key}"] for key in ("at", "precision", "tz")}
    if (kind, field) in JSON_COLUMNS:
        return json.loads(row[field] or "[]") or None
    return row[field]


async def write_field(
    conn: aiosqlite.Connection, kind: str, entity_id: int, field: str, value: Any
) -> None:
    """Store ``value`` into ``field`` of the row (the caller checked guild and value)."""
    table = TABLES[kind][0]
    prefix = RELEASES.get((kind, field))
    if prefix:
        columns: dict[str, Any] = {f"{prefix}_at": None, f"{prefix}_precision": None}
        if value is not None:
            columns = {f"{prefix}_{key}": value[key] for key in ("at", "precision", "tz")}
    elif (kind, field) in JSON_COLUMNS:
        columns = {field: json.dumps(value or [], ensure_ascii=False)}
    else:
        columns = {field: value}
    sets = ", ".join(f"{column} = ?" for column in columns)
    await conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*columns.values(), entity_id))


async def insert(conn: aiosqlite.Connection, kind: str, values: dict[str, Any]) -> int:
    """Insert a row (``values`` may carry its old id, for a revert); returns its id."""
    table = TABLES[kind][0]
    marks = ", ".join("?" for _ in values)
    cur = await conn.execute(
        f"INSERT INTO {table} ({', '.join(values)}) VALUES ({marks})", tuple(values.values())
    )
    return int(values.get("id") or cur.lastrowid or 0)


async def delete(conn: aiosqlite.Connection, kind: str, entity_id: int) -> None:
    """Delete a row; the schema's cascades and triggers take what hangs off it."""
    await conn.execute(f"DELETE FROM {TABLES[kind][0]} WHERE id = ?", (entity_id,))


async def label(
    conn: aiosqlite.Connection, kind: str, row: dict[str, Any]
) -> tuple[str, str | None]:
    """(label, show slug) for history: "episode 2" in "soundtrack-1"."""
    show_slug: str | None = None
    if kind == "show":
        show_slug = row["slug"]
    elif "show_id" in row:
        found = await rows(conn, "SELECT slug FROM shows WHERE id = ?", (row["show_id"],))
        show_slug = found[0][0] if found else None
    elif kind == "alias" and row["entity_kind"] in ("show", "character"):
        owner = await fetch_owner_show(conn, row["entity_kind"], row["entity_id"])
        show_slug = owner
    name = row[LABEL_KEYS[kind]]
    if kind == "credit":
        found = await rows(conn, "SELECT slug FROM people WHERE id = ?", (row["person_id"],))
        name = f"{found[0][0] if found else row['person_id']}/{row['role']}"
    return f"{kind} {name}", show_slug


async def fetch_owner_show(conn: aiosqlite.Connection, kind: str, entity_id: int) -> str | None:
    """The slug of the show a show or character belongs to."""
    if kind == "show":
        sql = "SELECT slug FROM shows WHERE id = ?"
    else:
        sql = "SELECT s.slug FROM characters c JOIN shows s ON s.id = c.show_id WHERE c.id = ?"
    found = await rows(conn, sql, (entity_id,))
    return found[0][0] if found else None


async def sources_of(
    conn: aiosqlite.Connection, kind: str, entity_id: int, field: str
) -> tuple[str, ...]:
    """The keys of the sources backing one fact."""
    sql = """SELECT s.key FROM fact_sources f JOIN sources s ON s.id = f.source_id
             WHERE f.entity_kind = ? AND f.entity_id = ? AND f.field = ? ORDER BY s.key"""
    return tuple(r[0] for r in await rows(conn, sql, (kind, entity_id, field)))


async def cite(
    conn: aiosqlite.Connection,
    guild_id: int,
    kind: str,
    entity_id: int,
    field: str,
    keys: tuple[str, ...],
) -> None:
    """Make exactly ``keys`` (the guild's sources) back one fact."""
    await conn.execute(
        "DELETE FROM fact_sources WHERE entity_kind = ? AND entity_id = ? AND field = ?",
        (kind, entity_id, field),
    )
    for key in keys:
        await conn.execute(
            """INSERT INTO fact_sources (guild_id, entity_kind, entity_id, field, source_id)
               SELECT ?, ?, ?, ?, id FROM sources WHERE guild_id = ? AND key = ?""",
            (guild_id, kind, entity_id, field, guild_id, key),
        )


# What deleting a row takes with it besides the row: its sources and aliases (by the
# 0001 triggers) and the links other rows keep to it (ON DELETE SET NULL).
_SET_NULL_LINKS = {"character": ("credits", "character_id"), "media": ("quotes", "media_id")}


async def _cited(conn: aiosqlite.Connection, kind: str, entity_id: int) -> list[list[str]]:
    sql = """SELECT f.field, s.key FROM fact_sources f JOIN sources s ON s.id = f.source_id
             WHERE f.entity_kind = ? AND f.entity_id = ? ORDER BY f.field, s.key"""
    return [[field, key] for field, key in await rows(conn, sql, (kind, entity_id))]


async def dependents(conn: aiosqlite.Connection, kind: str, entity_id: int) -> dict[str, Any]:
    """Snapshot what a delete of the row would lose, for :func:`restore_dependents`."""
    found: dict[str, Any] = {"sources": await _cited(conn, kind, entity_id)}
    if kind in ("person", "character"):
        sql = "SELECT id, name FROM aliases WHERE entity_kind = ? AND entity_id = ? ORDER BY id"
        found["aliases"] = [
            {"id": alias_id, "name": name, "sources": await _cited(conn, "alias", alias_id)}
            for alias_id, name in await rows(conn, sql, (kind, entity_id))
        ]
    if kind in _SET_NULL_LINKS:
        table, column = _SET_NULL_LINKS[kind]
        sql = f"SELECT id FROM {table} WHERE {column} = ? ORDER BY id"
        found["linked"] = [r[0] for r in await rows(conn, sql, (entity_id,))]
    return found


async def restore_dependents(
    conn: aiosqlite.Connection, guild_id: int, kind: str, entity_id: int, found: dict[str, Any]
) -> None:
    """Put back what :func:`dependents` saw, after the row itself is back.

    Links are restored only where nothing took their place meanwhile; a source deleted
    since is skipped (the fact then cites what remains)."""

    async def cite_all(of_kind: str, of_id: int, cited: list[list[str]]) -> None:
        for field, key in cited:
            await conn.execute(
                """INSERT OR IGNORE INTO fact_sources
                   (guild_id, entity_kind, entity_id, field, source_id)
                   SELECT ?, ?, ?, ?, id FROM sources WHERE guild_id = ? AND key = ?""",
                (guild_id, of_kind, of_id, field, guild_id, key),
            )

    await cite_all(kind, entity_id, found.get("sources", []))
    for alias in found.get("aliases", []):
        cur = await conn.execute(
            """INSERT OR IGNORE INTO aliases (id, guild_id, entity_kind, entity_id, name)
               VALUES (?, ?, ?, ?, ?)""",
            (alias["id"], guild_id, kind, entity_id, alias["name"]),
        )
        if cur.rowcount:
            await cite_all("alias", alias["id"], alias["sources"])
    if kind in _SET_NULL_LINKS:
        table, column = _SET_NULL_LINKS[kind]
        for row_id in found.get("linked", []):
            await conn.execute(
                f"UPDATE {table} SET {column} = ? WHERE id = ? AND {column} IS NULL",
                (entity_id, row_id),
            )
