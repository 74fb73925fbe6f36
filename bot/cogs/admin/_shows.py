"""/admin show, premiere, source and alias."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from discord import app_commands

from bot.cogs.admin._base import (
    AdminGroup,
    complete_alias,
    complete_in_show,
    complete_person,
    complete_source,
    done,
    editing,
    premiere_changed,
    read_release,
    server_zone,
    short,
)  # fmt: skip
from bot.cogs.admin._modal import edit_field
from bot.domain.catalog_fields import clean, clean_slug, parse_row_id
from bot.store.catalog_edit import NotFound, read_value
from bot.ui.checks import guild_of
from bot.ui.errors import UserFacingError
from bot.ui.options import ShowOption, chosen_slug

if TYPE_CHECKING:
    from bot.app import Interaction

ShowField = Literal[
    "title", "native_title", "platform", "format", "episode_count", "genres", "logline",
    "synopsis", "poster_url",
]  # fmt: skip


async def current(interaction: Interaction, kind: str, field: str, **key: object) -> object:
    """The field's value now, for prefilling a modal (None when the row is missing)."""
    try:
        return await read_value(interaction.client.db, guild_of(interaction), kind, field, **key)
    except NotFound:
        return None


class ShowGroup(AdminGroup, name="show", description="Add, edit or remove a show"):
    """/admin show add|edit|remove."""

    @app_commands.command(name="add", description="Add a show to this server's catalog")
    @app_commands.describe(
        slug="Short id, like soundtrack-1", title="The show's title",
        source="The source that reports it", platform="Where it streams or airs",
        episode_count="How many episodes",
    )  # fmt: skip
    @app_commands.autocomplete(source=complete_source)
    async def add(
        self,
        interaction: Interaction,
        slug: str,
        title: str,
        source: str,
        platform: str | None = None,
        episode_count: app_commands.Range[int, 0, 1000] | None = None,
    ) -> None:
        """Create the show row, citing ``source``."""
        values = {"slug": clean_slug(slug), "title": clean("show", "title", title)}
        values["platform"] = clean("show", "platform", platform)
        values["episode_count"] = episode_count
        async with editing(interaction) as ed:
            await ed.create("show", values, source=source)
        await done(interaction, "admin.created", what=f"show {values['slug']}", name=title)

    @app_commands.command(name="edit", description="Change one field of a show")
    @app_commands.describe(
        field="The field to change", source="The source that reports the new value",
        value="The new value (leave out for long text: a form opens; blank clears)",
        show="The show (default: the server's default show)",
    )  # fmt: skip
    @app_commands.autocomplete(source=complete_source)
    async def edit(
        self,
        interaction: Interaction,
        field: ShowField,
        source: str,
        value: str | None = None,
        show: ShowOption | None = None,
    ) -> None:
        """Set one field (long ones through a modal)."""
        slug = await chosen_slug(interaction, show)
        now = await current(interaction, "show", field, slug=slug)
        await edit_field(interaction, "show", {"slug": slug}, field, value, source, _text(now))

    @app_commands.command(name="remove", description="Remove a show and everything in it")
    @app_commands.describe(show="The show to remove")
    async def remove(self, interaction: Interaction, show: ShowOption) -> None:
        """Delete the show; its whole file stays in the history so a revert restores it."""
        async with editing(interaction) as ed:
            change = await ed.delete("show", show.id)
        premiere_changed(interaction, show.slug)
        await done(interaction, "admin.removed", what=f"show {show.slug}", change_id=change)


async def complete_target(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """People, or the show's characters when the alias is a character's."""
    if getattr(interaction.namespace, "target_kind", None) == "character":
        return await complete_in_show("character")(interaction, current)
    return await complete_person(interaction, current)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class PremiereGroup(AdminGroup, name="premiere", description="Set a show's premiere"):
    """/admin premiere set."""

    @app_commands.command(
        name="set", description="Set when a show premieres, as precisely as known"
    )
    @app_commands.describe(
        when="2022, 2022-03, 2022-03-23 or 2022-03-23 18:00 (a zone may follow, like KST)",
        precision="Only to check: how much of the date is known (default: what you typed)",
        source="The source that reports it",
        show="The show (default: the server's default show)",
        tz="KST, UTC, +09:00 or an IANA zone (default: the server's zone)",
    )  # fmt: skip
    @app_commands.autocomplete(source=complete_source)
    async def set_(
        self,
        interaction: Interaction,
        when: str,
        source: str,
        precision: Literal["year", "month", "day", "minute"] | None = None,
        show: ShowOption | None = None,
        tz: str | None = None,
    ) -> None:
        """Store the premiere, then tell the scheduler to re-plan its countdown."""
        slug = await chosen_slug(interaction, show)
        release = read_release(when, precision, tz or await server_zone(interaction))
        async with editing(interaction) as ed:
            show_id = await ed.find("show", slug=slug)
            old = await current(interaction, "show", "premiere", slug=slug)
            change = await ed.set("show", show_id, "premiere", release, source=source)
        if change is None:
            await done(interaction, "admin.unchanged")
            return
        premiere_changed(interaction, slug)
        await done(
            interaction, "admin.changed", kind="show", field="premiere", old=short(old),
            new=short(release), change_id=change,
        )  # fmt: skip


class SourceGroup(AdminGroup, name="source", description="Add a source that facts can cite"):
    """/admin source add."""

    @app_commands.command(name="add", description="Add an article or report facts can cite")
    @app_commands.describe(
        key="Short id, like koreaherald-0324", publisher="Who published it",
        title="Its headline", url="Its http(s) address", published="Its date, like 2022-03-24",
    )  # fmt: skip
    async def add(
        self,
        interaction: Interaction,
        key: str,
        publisher: str,
        title: str | None = None,
        url: str | None = None,
        published: str | None = None,
    ) -> None:
        """Create the source row."""
        values = {
            "key": clean_slug(key), "publisher": clean("source", "publisher", publisher),
            "title": clean("source", "title", title) or "", "url": clean("source", "url", url),
            "published": clean("source", "published", published),
        }  # fmt: skip
        async with editing(interaction) as ed:
            await ed.create("source", values)
        await done(interaction, "admin.created", what=f"source {values['key']}", name=publisher)


class AliasGroup(AdminGroup, name="alias", description="Other spellings of names"):
    """/admin alias add|remove|prefer."""

    @app_commands.command(name="add", description="Add another spelling of a name")
    @app_commands.describe(
        target_kind="Whose name it is", name="The other spelling",
        source="The source that uses it", target="The person or character (not for a show)",
        show="The show (default: the server's default show)",
    )  # fmt: skip
    @app_commands.autocomplete(source=complete_source, target=complete_target)
    async def add(
        self,
        interaction: Interaction,
        target_kind: Literal["show", "person", "character"],
        name: str,
        source: str,
        target: str | None = None,
        show: ShowOption | None = None,
    ) -> None:
        """Create the alias and cite its source."""
        name = clean("alias", "name", name)
        if name is None or (target_kind != "show" and not target):
            raise UserFacingError("admin.alias.needs_target")
        slug = await chosen_slug(interaction, show) if target_kind != "person" else None
        async with editing(interaction) as ed:
            if target_kind == "show":
                owner = await ed.find("show", slug=slug)
            elif target_kind == "person":
                owner = await ed.find("person", slug=target)
            else:
                owner = await ed.find(
                    "character", show_id=await ed.find("show", slug=slug), slug=target
                )
            values = {"entity_kind": target_kind, "entity_id": owner, "name": name}
            await ed.create("alias", values, source=source)
            row = await ed.row(target_kind, owner)
        # Say whose spelling it is: "Eunsu Lee" alone does not tell which character got it.
        whose = row.get("title") or row.get("name") or ""
        await done(interaction, "admin.alias.added", name=name, owner=whose)

    @app_commands.command(name="remove", description="Remove a spelling")
    @app_commands.describe(alias="The spelling to remove")
    @app_commands.autocomplete(alias=complete_alias)
    async def remove(self, interaction: Interaction, alias: str) -> None:
        """Delete the alias row."""
        async with editing(interaction) as ed:
            change = await ed.delete("alias", _id(alias))
        await done(interaction, "admin.removed", what="alias", change_id=change)

    @app_commands.command(name="prefer", description="Make a spelling the preferred name")
    @app_commands.describe(alias="The spelling to prefer")
    @app_commands.autocomplete(alias=complete_alias)
    async def prefer(self, interaction: Interaction, alias: str) -> None:
        """Swap the alias with its owner's name: both changes are recorded."""
        async with editing(interaction) as ed:
            row = await ed.row("alias", _id(alias))
            kind, field = row["entity_kind"], "title" if row["entity_kind"] == "show" else "name"
            owner = await ed.row(kind, row["entity_id"])
            old_name = owner[field]
            await ed.set(kind, owner["id"], field, row["name"])
            await ed.set("alias", row["id"], "name", old_name)
        await done(interaction, "admin.preferred", name=row["name"], old=old_name)


def _id(value: str) -> int:
    """An autocompleted row id (a number); anything else was typed by hand."""
    row_id = parse_row_id(value)
    if row_id is None:
        raise UserFacingError("admin.pick_from_list")
    return row_id
