"""Edit a guild's catalog one fact at a time, recording every change in the same transaction.

Use it as ``async with edit(db, actor) as ed: await ed.set(...)``: all the edits in the
block and their history rows commit together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import aiosqlite

from bot.domain.showfile import ShowFile, ShowFileError, parse_show_file
from bot.domain.showfile_dict import show_file_to_dict
from bot.store import _edit_rows as r
from bot.store._catalog_read import Facts, read_show
from bot.store.catalog_io import ImportReport, import_show_in
from bot.store.db import INTEGRITY_ERRORS, Database
from bot.store.history import Actor, get_change, later_change, record

# Where a deleted row's history entry keeps what went with it (see _edit_rows.dependents).
DEPENDENTS = "_dependents"

NotFound = r.NotFound


class RevertRefused(Exception):
    """A change that cannot be undone; ``reason`` is an i18n key suffix, ``fields`` fill it."""

    def __init__(self, reason: str, /, **fields: Any) -> None:
        # Positional-only: a field may itself be called ``reason`` (the "conflict" text).
        super().__init__(reason)
        self.reason = reason
        self.fields = fields


class Conflict(Exception):
    """The edit clashes with an existing row (a duplicate slug, key, number or name)."""


class Editor:
    """Catalog edits on one transaction, each recorded in the history."""

    def __init__(self, conn: aiosqlite.Connection, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor
        self.changes: list[int] = []

    async def row(self, kind: str, entity_id: int) -> dict[str, Any]:
        """The guild's row, or :class:`NotFound`."""
        found = await r.fetch(self.conn, self.actor.guild_id, kind, entity_id)
        if found is None:
            raise NotFound(f"{kind} {entity_id}")
        return found

    async def find(self, kind: str, **key: Any) -> int:
        """The id of the guild's ``kind`` row matching ``key``, or :class:`NotFound`."""
        found = await r.find(self.conn, self.actor.guild_id, kind, **key)
        if found is None:
            raise NotFound(f"{kind} {' '.join(str(v) for v in key.values())}")
        return found

    async def _entity(self, kind: str, row: dict[str, Any]) -> tuple[str, int, str, str | None]:
        label, show_slug = await r.label(self.conn, kind, row)
        return kind, row["id"], label, show_slug

    async def _record(
        self, action: str, entity: Any, field: str, old: Any, new: Any, **kw: Any
    ) -> int:
        change = await record(self.conn, self.actor, action, entity, field, old, new, **kw)
        self.changes.append(change)
        return change

    async def set(
        self, kind: str, entity_id: int, field: str, value: Any, *, source: str | None = None
    ) -> int | None:
        """Set one field, citing ``source`` for it; returns the change id (None: unchanged)."""
        row = await self.row(kind, entity_id)
        old = r.read_field(kind, row, field)
        old_sources = await r.sources_of(self.conn, kind, entity_id, field)
        if old == value and (source is None or old_sources == (source,)):
            return None
        if source is not None:
            await self.find("source", key=source)
        try:
            await r.write_field(self.conn, kind, entity_id, field, value)
        except INTEGRITY_ERRORS as exc:
            raise Conflict(str(exc)) from exc
        if source is not None:
            await r.cite(self.conn, self.actor.guild_id, kind, entity_id, field, (source,))
        entity = await self._entity(kind, await self.row(kind, entity_id))
        return await self._record(
            "set", entity, field, old, value, source_key=source, old_sources=old_sources
        )

    async def create(self, kind: str, values: dict[str, Any], *, source: str | None = None) -> int:
        """Insert a row (citing ``source`` for it as a whole); returns the new row's id."""
        if source is not None:
            await self.find("source", key=source)
        if r.TABLES[kind][1] == "guild":
            values = {"guild_id": self.actor.guild_id, **values}
        try:
            entity_id = await r.insert(self.conn, kind, values)
        except INTEGRITY_ERRORS as exc:
            raise Conflict(str(exc)) from exc
        if source is not None:
            await r.cite(self.conn, self.actor.guild_id, kind, entity_id, "", (source,))
        row = await self.row(kind, entity_id)
        await self._record(
            "create", await self._entity(kind, row), "", None, row, source_key=source
        )
        return entity_id

    async def delete(self, kind: str, entity_id: int) -> int:
        """Delete a row; the history keeps what a revert needs to restore it whole (a
        show's whole file; another row with its sources, aliases and links)."""
        row = await self.row(kind, entity_id)
        entity = await self._entity(kind, row)
        old: dict[str, Any] = row
        if kind == "show":
            show = await read_show(
                self.conn,
                self.actor.guild_id,
                row["slug"],
                await Facts.load(self.conn, self.actor.guild_id),
            )
            old = {"showfile": show_file_to_dict(show)} if show else row
        else:
            # The row alone would come back without its sources, aliases and links.
            old = {**row, DEPENDENTS: await r.dependents(self.conn, kind, entity_id)}
        await r.delete(self.conn, kind, entity_id)
        return await self._record("delete", entity, "", old, None)

    async def import_show(self, show: ShowFile) -> ImportReport:
        """Import a show file, recording each line of its change report."""
        report = await import_show_in(self.conn, self.actor.guild_id, show)
        show_id = await self.find("show", slug=show.show.slug)
        entity = ("show", show_id, f"show {show.show.slug}", show.show.slug)
        for line in report.changes:
            await self._record("import", entity, "", None, line)
        return report

    async def revert(self, change_id: int) -> int:
        """Undo one change (recording the undo); :class:`RevertRefused` says why not."""
        change = await get_change(self.conn, self.actor.guild_id, change_id)
        if change is None:
            raise RevertRefused("unknown", change_id=change_id)
        if change.action == "import":
            raise RevertRefused("import", change_id=change_id)
        later = await later_change(self.conn, change)
        if later is not None:
            raise RevertRefused("later", change_id=change_id, later_id=later.id, label=later.label)
        kind, entity_id = change.entity_kind, change.entity_id
        entity = (kind, entity_id, change.label, change.show_slug)
        if change.field:
            row = await r.fetch(self.conn, self.actor.guild_id, kind, entity_id)
            if row is None or r.read_field(kind, row, change.field) != change.new:
                raise RevertRefused("changed", change_id=change_id, label=change.label)
            await r.write_field(self.conn, kind, entity_id, change.field, change.old)
            await r.cite(
                self.conn, self.actor.guild_id, kind, entity_id, change.field, change.old_sources
            )
        elif change.old is None:  # it created the row: remove it again
            if await r.fetch(self.conn, self.actor.guild_id, kind, entity_id) is None:
                raise RevertRefused("changed", change_id=change_id, label=change.label)
            await r.delete(self.conn, kind, entity_id)
        else:  # it deleted the row: put it back
            await self._restore(change.old, kind, change_id)
        return await self._record(
            "revert", entity, change.field, change.new, change.old,
            source_key=None, reverts=change_id,
        )  # fmt: skip

    async def _restore(self, old: dict[str, Any], kind: str, change_id: int) -> None:
        try:
            if "showfile" in old:
                show = parse_show_file(json.dumps(old["showfile"]), fmt="json")
                await import_show_in(self.conn, self.actor.guild_id, show)
            else:
                # History written before dependents were kept holds the bare row.
                row = {k: v for k, v in old.items() if k != DEPENDENTS}
                entity_id = await r.insert(self.conn, kind, row)
                found = old.get(DEPENDENTS, {})
                await r.restore_dependents(self.conn, self.actor.guild_id, kind, entity_id, found)
        except INTEGRITY_ERRORS as exc:
            raise RevertRefused("conflict", change_id=change_id, reason=str(exc)) from exc
        except ShowFileError as exc:
            raise RevertRefused("conflict", change_id=change_id, reason=str(exc)) from exc


@asynccontextmanager
async def edit(db: Database, actor: Actor) -> AsyncIterator[Editor]:
    """One transaction of catalog edits; leaving the block with an exception writes nothing."""
    async with db.transaction() as conn:
        yield Editor(conn, actor)


async def import_with_history(
    db: Database, actor: Actor, show: ShowFile, *, dry_run: bool
) -> ImportReport:
    """Import atomically with its history lines; a dry run rolls both back."""

    class _DryRun(Exception):
        pass

    try:
        async with edit(db, actor) as ed:
            report = await ed.import_show(show)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return replace(report, dry_run=True)
    return report


async def read_value(db: Database, guild_id: int, kind: str, field: str, **key: Any) -> Any:
    """The current value of one field of the guild's row matching ``key`` (NotFound if none)."""
    if "show" in key:
        show_id = await r.find(db.read_conn, guild_id, "show", slug=key.pop("show"))
        if show_id is None:
            raise NotFound("show")
        key["show_id"] = show_id
    entity_id = await r.find(db.read_conn, guild_id, kind, **key)
    row = None if entity_id is None else await r.fetch(db.read_conn, guild_id, kind, entity_id)
    if row is None:
        raise NotFound(kind)
    return r.read_field(kind, row, field)
