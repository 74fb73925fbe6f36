"""/admin character, episode, cast and media: the rows that hang off a show."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from discord import app_commands

from bot.cogs.admin._base import (
    AdminGroup,
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
from bot.cogs.admin._shows import _id, _text, current
from bot.domain.catalog_fields import clean, clean_slug, slugify
from bot.store.catalog_edit import Editor, NotFound
from bot.ui.errors import UserFacingError
from bot.ui.options import ShowOption, chosen_slug

if TYPE_CHECKING:
    from bot.app import Interaction
    from bot.services.lookup import ChosenShow

SHOW = "The show (default: the server's default show)"


def _checked(kind: str, **values: str | None) -> dict[str, object]:
    return {field: clean(kind, field, value) for field, value in values.items()}


class CharacterGroup(AdminGroup, name="character", description="Add, edit or remove a character"):
    """/admin character add|edit|remove."""

    @app_commands.command(name="add", description="Add a character to a show")
    @app_commands.describe(
        slug="Short id, like lee-eun-soo", name="The character's name",
        source="The source that reports it", show=SHOW,
    )  # fmt: skip
    @app_commands.autocomplete(source=complete_source)
    async def add(
        self,
        interaction: Interaction,
        slug: str,
        name: str,
        source: str,
        show: ShowOption | None = None,
    ) -> None:
        """Create the character row."""
        chosen = await chosen_slug(interaction, show)
        slug = clean_slug(slug)
        values = _checked("character", name=name)
        async with editing(interaction) as ed:
            values |= {"show_id": await ed.find("show", slug=chosen), "slug": slug}
            await ed.create("character", values, source=source)
        await done(interaction, "admin.created", what=f"character {slug}", name=name)

    @app_commands.command(name="edit", description="Change a character's name or description")
    @app_commands.describe(
        character="The character", field="The field to change",
        source="The source that reports the new value",
        value="The new value (leave out for the description: a form opens)", show=SHOW,
    )  # fmt: skip
    @app_commands.autocomplete(character=complete_in_show("character"), source=complete_source)
    async def edit(
        self,
        interaction: Interaction,
        character: str,
        field: Literal["name", "description"],
        source: str,
        value: str | None = None,
        show: ShowOption | None = None,
    ) -> None:
        """Set one field (the description through a modal)."""
        key = {"show": await chosen_slug(interaction, show), "slug": character}
        now = await current(interaction, "character", field, **key)
        await edit_field(interaction, "character", key, field, value, source, _text(now))

    @app_commands.command(name="remove", description="Remove a character")
    @app_commands.describe(character="The character", show=SHOW)
    @app_commands.autocomplete(character=complete_in_show("character"))
    async def remove(
        self, interaction: Interaction, character: str, show: ShowOption | None = None
    ) -> None:
        """Delete the character row."""
        _, change = await _remove_in_show(interaction, "character", show, slug=character)
        await done(interaction, "admin.removed", what=f"character {character}", change_id=change)


class EpisodeGroup(AdminGroup, name="episode", description="Add, edit or remove an episode"):
    """/admin episode add|edit|remove."""

    @app_commands.command(name="add", description="Add an episode to a show")
    @app_commands.describe(
        number="The episode number", source="The source that reports it",
        title="The episode's title", release="When it is released, like 2022-03-23",
        precision="Only to check: how much of the date is known (default: what you typed)",
        show=SHOW,
    )  # fmt: skip
    @app_commands.autocomplete(source=complete_source)
    async def add(
        self,
        interaction: Interaction,
        number: app_commands.Range[int, 1, 1000],
        source: str,
        title: str | None = None,
        release: str | None = None,
        precision: Literal["year", "month", "day", "minute"] | None = None,
        show: ShowOption | None = None,
    ) -> None:
        """Create the episode row (with its release, if given)."""
        chosen = await chosen_slug(interaction, show)
        values: dict[str, object] = {"number": number, **_checked("episode", title=title)}
        if release:
            when = read_release(release, precision, await server_zone(interaction))
            values |= {f"release_{key}": value for key, value in when.items()}
        async with editing(interaction) as ed:
            values["show_id"] = await ed.find("show", slug=chosen)
            await ed.create("episode", values, source=source)
        if release:
            premiere_changed(interaction, chosen)
        await done(interaction, "admin.created", what=f"episode {number}", name=title or "")

    @app_commands.command(name="edit", description="Change an episode's title, synopsis or release")
    @app_commands.describe(
        number="The episode number", field="The field to change",
        source="The source that reports the new value",
        value="The new value (leave out for the synopsis: a form opens)",
        precision="For the release, only to check (default: what you typed)", show=SHOW,
    )  # fmt: skip
    @app_commands.autocomplete(source=complete_source)
    async def edit(
        self,
        interaction: Interaction,
        number: app_commands.Range[int, 1, 1000],
        field: Literal["title", "synopsis", "release"],
        source: str,
        value: str | None = None,
        precision: Literal["year", "month", "day", "minute"] | None = None,
        show: ShowOption | None = None,
    ) -> None:
        """Set one field; a release is read in the server's zone unless it names one."""
        slug = await chosen_slug(interaction, show)
        key: dict[str, Any] = {"show": slug, "number": number}
        if field != "release":
            now = await current(interaction, "episode", field, **key)
            await edit_field(interaction, "episode", key, field, value, source, _text(now))
            return
        zone = await server_zone(interaction)
        when = read_release(value, precision, zone) if value else None
        async with editing(interaction) as ed:
            show_id = await ed.find("show", slug=key["show"])
            episode_id = await ed.find("episode", show_id=show_id, number=number)
            old = await current(interaction, "episode", "release", **key)
            change = await ed.set("episode", episode_id, "release", when, source=source)
        if change is None:
            await done(interaction, "admin.unchanged")
            return
        premiere_changed(interaction, key["show"])
        await done(
            interaction, "admin.changed", kind="episode", field="release", old=short(old),
            new=short(when), change_id=change,
        )  # fmt: skip

    @app_commands.command(name="remove", description="Remove an episode")
    @app_commands.describe(number="The episode number", show=SHOW)
    async def remove(
        self,
        interaction: Interaction,
        number: app_commands.Range[int, 1, 1000],
        show: ShowOption | None = None,
    ) -> None:
        """Delete the episode row (its discussion opening and countdown re-plan)."""
        slug, change = await _remove_in_show(interaction, "episode", show, number=number)
        premiere_changed(interaction, slug)
        await done(interaction, "admin.removed", what=f"episode {number}", change_id=change)


async def _remove_in_show(
    interaction: Interaction, kind: str, show: ChosenShow | None, **key: object
) -> tuple[str, int]:
    """Delete the show's ``kind`` row that ``key`` finds, with its history: (slug, change)."""
    slug = await chosen_slug(interaction, show)
    async with editing(interaction) as ed:
        show_id = await ed.find("show", slug=slug)
        change = await ed.delete(kind, await ed.find(kind, show_id=show_id, **key))
    return slug, change


class CastGroup(AdminGroup, name="cast", description="Add or remove a credit"):
    """/admin cast add|remove."""

    @app_commands.command(name="add", description="Credit a person in a show")
    @app_commands.describe(
        person="A known person, or a new person's name", source="The source that reports it",
        role="cast, director, writer, ... (default cast)", character="The character they play",
        show=SHOW,
    )  # fmt: skip
    @app_commands.autocomplete(
        person=complete_person, source=complete_source,
        character=complete_in_show("character"),
    )  # fmt: skip
    async def add(
        self,
        interaction: Interaction,
        person: str,
        source: str,
        role: str = "cast",
        character: str | None = None,
        show: ShowOption | None = None,
    ) -> None:
        """Create the credit (and the person, when the name is new)."""
        chosen = await chosen_slug(interaction, show)
        role = str(_checked("credit", role=role)["role"] or "cast")
        name = _checked("person", name=person)["name"]
        async with editing(interaction) as ed:
            show_id = await ed.find("show", slug=chosen)
            person_id = await _person(ed, str(name), source)
            char_id = None
            if character:
                char_id = await ed.find("character", show_id=show_id, slug=character)
            values = {"show_id": show_id, "person_id": person_id, "role": role}
            await ed.create(
                "credit", values | {"character_id": char_id, "billing": 1000}, source=source
            )
        await done(interaction, "admin.created", what=f"credit {role}", name=str(name))

    @app_commands.command(name="remove", description="Remove a credit")
    @app_commands.describe(credit="The credit to remove", show=SHOW)
    @app_commands.autocomplete(credit=complete_in_show("credit"))
    async def remove(
        self, interaction: Interaction, credit: str, show: ShowOption | None = None
    ) -> None:
        """Delete the credit row (the person stays: other shows may credit them)."""
        async with editing(interaction) as ed:
            change = await ed.delete("credit", _id(credit))
        await done(interaction, "admin.removed", what="credit", change_id=change)


async def _person(ed: Editor, name: str, source: str) -> int:
    """The person with this slug, or a new person with this name."""
    try:
        return await ed.find("person", slug=name)
    except NotFound:
        slug = slugify(name)
        if not slug:
            raise UserFacingError("admin.cast.needs_slug") from None
        try:
            return await ed.find("person", slug=slug)
        except NotFound:
            return await ed.create("person", {"slug": slug, "name": name}, source=source)


class MediaGroup(AdminGroup, name="media", description="Add or remove trailers, posters and OST"):
    """/admin media add|remove."""

    @app_commands.command(name="add", description="Add a trailer, teaser, poster or OST track")
    @app_commands.describe(
        key="Short id, like trailer-1", kind="What it is", url="Its http(s) address",
        source="The source that reports it", title="Its title", artist="For OST: who sings",
        show=SHOW,
    )  # fmt: skip
    @app_commands.autocomplete(source=complete_source)
    async def add(
        self,
        interaction: Interaction,
        key: str,
        kind: Literal["trailer", "teaser", "poster", "ost"],
        url: str,
        source: str,
        title: str | None = None,
        artist: str | None = None,
        show: ShowOption | None = None,
    ) -> None:
        """Create the media row."""
        chosen = await chosen_slug(interaction, show)
        key = clean_slug(key)
        values = {"key": key, "kind": kind} | _checked("media", url=url, title=title, artist=artist)
        async with editing(interaction) as ed:
            values["show_id"] = await ed.find("show", slug=chosen)
            await ed.create("media", values, source=source)
        await done(interaction, "admin.created", what=f"{kind} {key}", name=title or url)

    @app_commands.command(name="remove", description="Remove a trailer, poster or OST track")
    @app_commands.describe(media="The item to remove", show=SHOW)
    @app_commands.autocomplete(media=complete_in_show("media"))
    async def remove(
        self, interaction: Interaction, media: str, show: ShowOption | None = None
    ) -> None:
        """Delete the media row."""
        _, change = await _remove_in_show(interaction, "media", show, key=media)
        await done(interaction, "admin.removed", what=f"media {media}", change_id=change)
