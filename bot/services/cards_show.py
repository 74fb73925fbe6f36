"""Cards about a show and its people: /show, /cast, /cast person, /character, /crew."""

from __future__ import annotations

from collections import defaultdict

from bot.domain.card import Card, Field
from bot.i18n import t
from bot.services.cards import (
    footer_sources,
    format_release,
    reported_lines,
    role_name,
    sources_text,
)
from bot.store.catalog import CreditInfo, ShowInfo
from bot.store.people import CharacterInfo, PersonInfo

LEAD_CAST = 4


def _names(credits: tuple[CreditInfo, ...], role: str) -> str:
    return ", ".join(c.person for c in credits if c.role == role)


def cast_line(credit: CreditInfo, locale: str) -> str:
    """ "**Han So-hee** as Lee Eun-soo"."""
    if credit.character:
        return t("members.cast.as", locale, person=credit.person, character=credit.character)
    return f"**{credit.person}**"


def premiere_text(show: ShowInfo, locale: str) -> str:
    """The premiere by its precision, then each earlier, vaguer report with its sources."""
    lines = [format_release(show.premiere, locale)]
    for earlier, sources in show.earlier_premieres:
        if show.premiere is not None and earlier == show.premiere:
            continue
        when = format_release(earlier, locale)
        lines.append(t("members.show.earlier", locale, when=when, sources=sources_text(sources)))
    return "\n".join(lines)


def show_card(show: ShowInfo, locale: str) -> Card:
    """The show card: what it is, when it airs, who makes it and who is in it."""
    credits = show.credits
    fields: list[Field] = []

    def add(key: str, value: str | int | None, inline: bool = True) -> None:
        if value not in (None, ""):
            fields.append(Field(t(key, locale), str(value), inline))

    add("members.show.native_title", show.native_title)
    add("members.show.former_title", reported_lines(show.former_titles), inline=False)
    add("members.show.platform", show.platform)
    add("members.show.format", show.format)
    add("members.show.episodes", show.episode_count)
    add("members.show.premiere", premiere_text(show, locale), inline=False)
    add("members.show.genres", ", ".join(show.genres))
    add("members.role.director", _names(credits, "director"))
    add("members.role.writer", _names(credits, "writer"))
    cast = [c for c in credits if c.role == "cast"][:LEAD_CAST]
    add("members.show.lead_cast", "\n".join(cast_line(c, locale) for c in cast), inline=False)
    return Card(
        title=show.title,
        description=show.logline or "",
        fields=tuple(fields),
        footer=footer_sources(show.sources, locale),
        image_url=show.poster_url,
    )


def cast_card(show: ShowInfo, locale: str) -> Card:
    """Everyone in the cast with the character they play."""
    cast = [cast_line(c, locale) for c in show.credits if c.role == "cast"]
    description = "\n".join(cast) if cast else t("members.cast.none", locale)
    return Card(title=t("members.cast.title", locale, show=show.title), description=description)


def crew_card(show: ShowInfo, locale: str) -> Card:
    """Director, writer and every other credit that is not cast, grouped by role."""
    by_role: dict[str, list[str]] = defaultdict(list)
    for credit in show.credits:
        if credit.role != "cast":
            by_role[credit.role].append(credit.person)
    order = sorted(by_role, key=lambda r: (r not in ("director", "writer"), r != "director", r))
    fields = tuple(Field(role_name(r, locale), ", ".join(by_role[r]), True) for r in order)
    description = "" if fields else t("members.crew.none", locale)
    return Card(
        title=t("members.crew.title", locale, show=show.title),
        description=description,
        fields=fields,
    )


def person_card(person: PersonInfo, show: ShowInfo | None, locale: str) -> Card:
    """A person: native name, other spellings, known-for works, roles in the guild's shows."""
    fields: list[Field] = []
    if person.native_name:
        fields.append(Field(t("members.person.native_name", locale), person.native_name, True))
    if person.aliases:
        fields.append(Field(t("members.also_reported", locale), reported_lines(person.aliases)))
    if person.member_of:
        groups = "\n".join(person.member_of)
        fields.append(Field(t("members.person.member_of", locale), groups))
    if person.known_for:
        works = [f"{w} ({y})" if y else w for w, y in person.known_for]
        fields.append(Field(t("members.person.known_for", locale), "\n".join(works)))
    roles = [r for r in person.roles if show is None or r.show_id == show.id]
    others = [r for r in person.roles if show is not None and r.show_id != show.id]
    for group, title in ((roles, show.title if show else None), (others, None)):
        lines = []
        for r in group:
            what = role_name(r.role, locale)
            what = f"{what}: {r.character}" if r.character else what
            lines.append(what if title else f"{r.show_title} — {what}")
        if lines:
            name = (
                t("members.person.in_show", locale, show=title)
                if title
                else t("members.person.other_shows", locale)
            )
            fields.append(Field(name, "\n".join(lines)))
    return Card(title=person.name, fields=tuple(fields))


def character_card(character: CharacterInfo, locale: str) -> Card:
    """A character: preferred name, each other spelling with its source, who plays them."""
    fields: list[Field] = []
    if character.aliases:
        fields.append(Field(t("members.also_reported", locale), reported_lines(character.aliases)))
    if character.played_by:
        fields.append(
            Field(t("members.character.played_by", locale), ", ".join(character.played_by), True)
        )
    fields.append(Field(t("members.character.show", locale), character.show_title, True))
    return Card(
        title=character.name,
        description=character.description or "",
        fields=tuple(fields),
        footer=footer_sources(character.sources, locale),
    )
