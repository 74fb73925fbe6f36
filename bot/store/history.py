"""The change history of a guild's catalog: written inside the change's own transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.store.db import Database, rows

PAGE_SIZE = 10


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded change: who, when, what, old → new, on whose word."""

    id: int
    guild_id: int
    actor_id: int
    at: int
    action: str
    show_slug: str | None
    entity_kind: str
    entity_id: int
    label: str
    field: str
    old: Any
    new: Any
    source_key: str | None
    old_sources: tuple[str, ...]
    reverts: int | None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change and when: every write in the catalog editor carries one."""

    guild_id: int
    user_id: int
    at: int


def _load(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _change(r: Any) -> Change:
    return Change(
        r["id"], r["guild_id"], r["actor_id"], r["at"], r["action"], r["show_slug"],
        r["entity_kind"], r["entity_id"], r["label"], r["field"], _load(r["old_value"]),
        _load(r["new_value"]), r["source_key"], tuple(json.loads(r["old_sources"])), r["reverts"],
    )  # fmt: skip


async def record(
    conn: aiosqlite.Connection,
    actor: Actor,
    action: str,
    entity: tuple[str, int, str, str | None],
    field: str = "",
    old: Any = None,
    new: Any = None,
    *,
    source_key: str | None = None,
    old_sources: tuple[str, ...] = (),
    reverts: int | None = None,
) -> int:
    """Record one change on ``conn`` (already in the change's transaction); returns its id.

    ``entity`` is (kind, id, label, show slug).
    """
    kind, entity_id, label, show_slug = entity
    cur = await conn.execute(
        """INSERT INTO history (guild_id, actor_id, at, action, show_slug, entity_kind,
               entity_id, label, field, old_value, new_value, source_key, old_sources, reverts)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            actor.guild_id, actor.user_id, actor.at, action, show_slug, kind, entity_id, label,
            field, _dump(old), _dump(new), source_key, json.dumps(list(old_sources)), reverts,
        ),
    )  # fmt: skip
    return int(cur.lastrowid or 0)


async def get_change(conn: aiosqlite.Connection, guild_id: int, change_id: int) -> Change | None:
    """The guild's change ``change_id`` (None for another guild's id)."""
    found = await rows(
        conn, "SELECT * FROM history WHERE id = ? AND guild_id = ?", (change_id, guild_id)
    )
    return _change(found[0]) if found else None


async def later_change(conn: aiosqlite.Connection, change: Change) -> Change | None:
    """The first later change to the same field (or to the whole row), if any."""
    found = await rows(
        conn,
        """SELECT * FROM history WHERE guild_id = ? AND id > ? AND entity_kind = ?
           AND entity_id = ? AND (field = ? OR field = '' OR ? = '') ORDER BY id LIMIT 1""",
        (change.guild_id, change.id, change.entity_kind, change.entity_id, change.field,
         change.field),
    )  # fmt: skip
    return _change(found[0]) if found else None


def _filter(guild_id: int, show: str | None, entity: str | None) -> tuple[str, list[Any]]:
    where: list[str] = ["guild_id = ?"]
    params: list[Any] = [guild_id]
    if show:
        where.append("show_slug = ?")
        params.append(show)
    if entity:
        # "episode", "episode 2" or "character lee-eun-soo": kind, optionally its label.
        if " " in entity.strip():
            where.append("label = ?")
        else:
            where.append("entity_kind = ?")
        params.append(entity.strip())
    return " AND ".join(where), params


async def page(
    db: Database,
    guild_id: int,
    *,
    show: str | None = None,
    entity: str | None = None,
    page_no: int = 0,
    size: int = PAGE_SIZE,
) -> tuple[list[Change], int]:
    """One page of the guild's changes, newest first, and the total number of changes."""
    where, params = _filter(guild_id, show, entity)
    total = int(await db.fetchval(f"SELECT COUNT(*) FROM history WHERE {where}", params))
    found = await db.fetchall(
        f"SELECT * FROM history WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
        (*params, size, page_no * size),
    )
    return [_change(r) for r in found], total
