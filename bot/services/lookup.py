"""Turn what a user typed (or picked from autocomplete) into a show, person or character.

Autocomplete choices carry stable values (a show's slug, ``#id`` for people and
characters); free text still works, matched like autocomplete and refused with up to
three "did you mean" suggestions when nothing fits well enough.

:func:`choose_show` is the one show resolver: every command's ``show`` option (through
``bot.ui.options.ShowOption``) and the CLI use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from discord import app_commands

from bot.domain.echo import Markup, echo
from bot.domain.names import loose, normalize
from bot.i18n import t
from bot.services.reply_cache import replies
from bot.store.catalog import default_show, show_id_by_slug
from bot.store.db import Database
from bot.store.search import Hit, search, suggestions
from bot.ui.errors import UserFacingError

if TYPE_CHECKING:
    from bot.app import Interaction

_BY_ID = re.compile(r"^#(\d{1,18})$")
# Choice names and values may not exceed 100 characters.
_CHOICE = 100


def _not_found(kind: str, query: str, hints: list[str], locale: str) -> UserFacingError:
    hint = (
        t("members.did_you_mean", locale, names=", ".join(echo(h) for h in hints)) if hints else ""
    )
    return UserFacingError(f"members.not_found.{kind}", query=query, hint=Markup(hint))


def _good_enough(hits: list[Hit], query: str) -> Hit | None:
    """The hit a free-text query clearly means: an exact spelling, or a clear best match.

    "Eun-soo" means Lee Eun-soo (a whole word of her name) even though a romanization
    variant of Han Sun-woo also matched; "han" means nobody in particular.
    """
    if not hits:
        return None
    q = normalize(query)
    exact = [h for h in hits if normalize(h.name) == q or normalize(h.label) == q]
    if exact:
        return exact[0]
    if len(q) < 3:
        return None
    clear = len(hits) == 1 or hits[1].score > hits[0].score
    # A whole-word match, or the same romanization skeleton as the whole name.
    close = hits[0].score < 3 or loose(normalize(hits[0].name)) == loose(q)
    return hits[0] if clear and close else None


@dataclass(frozen=True, slots=True)
class ChosenShow:
    """The show a command acts on."""

    id: int
    slug: str


async def choose_show(db: Database, guild_id: int, value: str | None, locale: str) -> ChosenShow:
    """The show ``value`` names: its slug (what autocomplete sends), title, any other
    title or alias, or Hangul, in any case or spacing. Empty means the guild's default
    show, or its only show.

    Raises :class:`UserFacingError`: ``show.none_chosen`` when empty and there is no
    such show, ``members.not_found.show`` (with "did you mean") when nothing fits.
    """
    cache = replies(db)
    text = (value or "").strip()
    if not text:
        found = await cache.get(("default_show", guild_id), lambda: default_show(db, guild_id))
        if found is None:
            raise UserFacingError("show.none_chosen")
        return ChosenShow(*found)
    by_slug = await cache.get(
        ("show_slug", guild_id, text), lambda: show_id_by_slug(db, guild_id, text)
    )
    if by_slug is not None:
        return ChosenShow(by_slug, text)
    hits = await search(db, guild_id, text, ("show",), limit=5, exact_is_enough=True)
    hit = _good_enough(hits, text)
    if hit is not None and hit.slug:
        return ChosenShow(hit.entity_id, hit.slug)
    raise _not_found("show", text, await suggestions(db, guild_id, text, ("show",)), locale)


async def resolve_entity(
    db: Database, guild_id: int, kind: str, value: str, locale: str, *, show_id: int | None = None
) -> int:
    """The id of the person or character the member meant by ``value``."""
    match = _BY_ID.match(value.strip())
    if match:
        return int(match.group(1))

    async def find() -> int | None:
        hits = await search(
            db, guild_id, value, (kind,), show_id=show_id, limit=5, exact_is_enough=True
        )
        hit = _good_enough(hits, value)
        if hit is None and show_id is not None:
            # A character of another show in the guild is still the one they meant.
            hits = await search(db, guild_id, value, (kind,), limit=5, exact_is_enough=True)
            hit = _good_enough(hits, value)
        return None if hit is None else hit.entity_id

    # Members type the same few names: remember what each spelling resolved to.
    found = await replies(db).get(("entity", guild_id, kind, value, show_id), find)
    if found is not None:
        return found
    hints = await suggestions(db, guild_id, value, (kind,), show_id=show_id)
    raise _not_found(kind, value, hints, locale)


def _choice_name(hit: Hit) -> str:
    name = f"{hit.label} ({hit.name})" if hit.via_alias else hit.label
    return name[: _CHOICE - 1] + "…" if len(name) > _CHOICE else name


async def show_choices(db: Database, guild_id: int, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 shows matching what the member has typed so far, best first."""

    async def find() -> list[app_commands.Choice[str]]:
        hits = await search(db, guild_id, current, ("show",))
        return [app_commands.Choice(name=_choice_name(h), value=h.slug or "") for h in hits]

    return list(await replies(db).get(("show_choices", guild_id, current), find))


async def entity_choices(
    db: Database, guild_id: int, kind: str, current: str, *, show_slug: str | None = None
) -> list[app_commands.Choice[str]]:
    """Up to 25 people or characters matching the typed text (narrowed to a chosen show)."""

    async def find() -> list[app_commands.Choice[str]]:
        show_id = None
        if show_slug:  # what the show option holds so far: a slug, or a typed title
            try:
                show_id = (await choose_show(db, guild_id, show_slug, "en")).id
            except UserFacingError:
                show_id = None
        hits = await search(db, guild_id, current, (kind,), show_id=show_id)
        return [app_commands.Choice(name=_choice_name(h), value=f"#{h.entity_id}") for h in hits]

    # Every member typing "Sun" asks the same question: one answer per store version.
    key = ("entity_choices", guild_id, kind, current, show_slug)
    return list(await replies(db).get(key, find))


def _db(interaction: Interaction) -> Database:
    return interaction.client.db


async def person_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete for every ``person`` option."""
    if interaction.guild_id is None:
        return []
    return await entity_choices(_db(interaction), interaction.guild_id, "person", current)


async def character_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete for character names, narrowed to the show already chosen, if any."""
    if interaction.guild_id is None:
        return []
    show = getattr(interaction.namespace, "show", None)
    return await entity_choices(
        _db(interaction), interaction.guild_id, "character", current, show_slug=show
    )
