"""Typed reads of people and characters for display, with every spelling and its source."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.store._pg import postgres_json
from bot.store.catalog import Reported, SourceRef, source_refs, sources_json
from bot.store.db import Database


@dataclass(frozen=True, slots=True)
class CharacterInfo:
    """A character: preferred name, other spellings with their sources, who plays them."""

    id: int
    show_id: int
    show_title: str
    name: str
    description: str | None
    aliases: tuple[Reported, ...]
    sources: tuple[SourceRef, ...]
    played_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RoleInfo:
    """One credit of a person in one show."""

    show_id: int
    show_title: str
    role: str
    character: str | None


@dataclass(frozen=True, slots=True)
class PersonInfo:
    """A person card: names, spellings, known-for works and roles in the guild's shows."""

    id: int
    name: str
    native_name: str | None
    aliases: tuple[Reported, ...]
    known_for: tuple[tuple[str, int | None], ...]
    roles: tuple[RoleInfo, ...]
    member_of: tuple[str, ...] = ()  # groups (a band, an idol group), not works


def _aliases_json(kind: str, entity_id: str) -> str:
    """SQL for an entity's other spellings with their sources, as one JSON array."""
    return f"""json((SELECT json_group_array(
                         json_array(a.id, a.name, {sources_json("alias", "a.id")}))
                     FROM aliases a
                     WHERE a.entity_kind = '{kind}' AND a.entity_id = {entity_id}))"""


def _reported(aliases_json: str) -> tuple[Reported, ...]:
    """The spellings in ``_aliases_json``'s array, oldest alias first."""
    found = sorted(json.loads(aliases_json))
    return tuple(Reported(name, source_refs(sources)) for _, name, sources in found)


# Each card is one statement: every trip to aiosqlite's thread costs more than the query,
# so the row's lists come back as JSON arrays with their sort keys (SQLite 3.40 has no
# ORDER BY inside json_group_array) and Python orders them.
_CHARACTER_SQL = f"""
SELECT c.id, c.show_id, s.title, c.name, c.description,
  json((SELECT json_group_array(json_array(cr.billing, cr.id, p.name))
        FROM credits cr JOIN people p ON p.id = cr.person_id
        WHERE cr.character_id = c.id)) AS played,
  {sources_json("character", "c.id")} AS cites,
  {_aliases_json("character", "c.id")} AS aliases
FROM characters c JOIN shows s ON s.id = c.show_id WHERE s.guild_id = ? AND c.id = ?
"""

_PERSON_SQL = f"""
SELECT p.id, p.name, p.native_name,
  json((SELECT json_group_array(json_array(k.year, k.id, k.work))
        FROM known_for k WHERE k.person_id = p.id)) AS works,
  json((SELECT json_group_array(json_array(m.id, m.group_name))
        FROM memberships m WHERE m.person_id = p.id)) AS groups,
  json((SELECT json_group_array(json_array(s.title, cr.billing, cr.id, s.id, cr.role, ch.name))
        FROM credits cr JOIN shows s ON s.id = cr.show_id
        LEFT JOIN characters ch ON ch.id = cr.character_id
        WHERE cr.person_id = p.id)) AS roles,
  {_aliases_json("person", "p.id")} AS aliases
FROM people p WHERE p.guild_id = ? AND p.id = ?
"""
# The same statements for PostgreSQL (see postgres_json).
_CHARACTER = {"sqlite": _CHARACTER_SQL, "postgresql": postgres_json(_CHARACTER_SQL)}
_PERSON = {"sqlite": _PERSON_SQL, "postgresql": postgres_json(_PERSON_SQL)}


async def character_info(db: Database, guild_id: int, character_id: int) -> CharacterInfo | None:
    """The guild's character ``character_id`` (one statement)."""
    r = await db.fetchone(_CHARACTER[db.dialect], (guild_id, character_id))
    if r is None:
        return None
    played = tuple(name for _, _, name in sorted(json.loads(r["played"])))
    return CharacterInfo(
        r["id"], r["show_id"], r["title"], r["name"], r["description"],
        _reported(r["aliases"]), source_refs(json.loads(r["cites"])), played,
    )  # fmt: skip


async def person_info(db: Database, guild_id: int, person_id: int) -> PersonInfo | None:
    """The guild's person ``person_id``, with roles across the guild's shows (one statement)."""
    r = await db.fetchone(_PERSON[db.dialect], (guild_id, person_id))
    if r is None:
        return None
    # Most recent work first, undated last; in the order entered when years tie.
    works = sorted(json.loads(r["works"]), key=lambda w: (w[0] is None, -(w[0] or 0), w[1]))
    roles = sorted(json.loads(r["roles"]), key=lambda x: (x[0], x[1], x[2]))
    return PersonInfo(
        r["id"], r["name"], r["native_name"], _reported(r["aliases"]),
        tuple((work, year) for year, _, work in works),
        tuple(RoleInfo(show_id, title, role, character)
              for title, _, _, show_id, role, character in roles),
        tuple(name for _, name in sorted(json.loads(r["groups"]))),
    )  # fmt: skip
