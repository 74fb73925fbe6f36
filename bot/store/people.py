"""Typed reads of people and characters for display, with every spelling and its source."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store._reads import fetch_all, fetch_one
from bot.store.catalog import Reported, SourceRef, sources_of
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


async def aliases(db: Database, kind: str, entity_id: int) -> tuple[Reported, ...]:
    """The entity's other spellings, each with the sources that used it."""
    sql = "SELECT id, name FROM aliases WHERE entity_kind = ? AND entity_id = ? ORDER BY id"
    found = await fetch_all(db, sql, (kind, entity_id))
    cited = await sources_of(db, "alias", [r[0] for r in found])
    return tuple(Reported(r[1], cited.get(r[0], ())) for r in found)


async def character_info(db: Database, guild_id: int, character_id: int) -> CharacterInfo | None:
    """The guild's character ``character_id``."""
    sql = """SELECT c.id, c.show_id, s.title, c.name, c.description FROM characters c
             JOIN shows s ON s.id = c.show_id WHERE s.guild_id = ? AND c.id = ?"""
    r = await fetch_one(db, sql, (guild_id, character_id))
    if r is None:
        return None
    sql = """SELECT p.name FROM credits cr JOIN people p ON p.id = cr.person_id
             WHERE cr.character_id = ? ORDER BY cr.billing"""
    played = tuple(p[0] for p in await fetch_all(db, sql, (character_id,)))
    cited = await sources_of(db, "character", [character_id])
    return CharacterInfo(
        r[0], r[1], r[2], r[3], r[4], await aliases(db, "character", character_id),
        cited.get(character_id, ()), played,
    )  # fmt: skip


async def person_info(db: Database, guild_id: int, person_id: int) -> PersonInfo | None:
    """The guild's person ``person_id``, with roles across the guild's shows."""
    sql = "SELECT id, name, native_name FROM people WHERE guild_id = ? AND id = ?"
    r = await fetch_one(db, sql, (guild_id, person_id))
    if r is None:
        return None
    sql = "SELECT work, year FROM known_for WHERE person_id = ? ORDER BY year IS NULL, year DESC"
    works = tuple((w[0], w[1]) for w in await fetch_all(db, sql, (person_id,)))
    sql = """SELECT s.id, s.title, cr.role, ch.name FROM credits cr
             JOIN shows s ON s.id = cr.show_id
             LEFT JOIN characters ch ON ch.id = cr.character_id
             WHERE cr.person_id = ? ORDER BY s.title, cr.billing"""
    roles = tuple(RoleInfo(*x) for x in await fetch_all(db, sql, (person_id,)))
    return PersonInfo(r[0], r[1], r[2], await aliases(db, "person", person_id), works, roles)
