"""What members see: load what one reply needs from the store and build its card.

Commands and the show card's buttons share these, so a button answers exactly like the
command it stands for. Cards that depend on the catalog alone come from the reply cache
(see bot.services.reply_cache); those gated by a member's progress are read every time.
"""

from __future__ import annotations

from bot.domain.card import Card
from bot.domain.ratings import released
from bot.services.cards import format_release
from bot.services.cards_episodes import episode_plot_card, episodes_card, plot_card, trailer_card
from bot.services.cards_show import cast_card, character_card, crew_card, person_card, show_card
from bot.services.reply_cache import replies
from bot.store import catalog, people, progress, ratings
from bot.store.db import Database
from bot.store.discussions import discussion_links
from bot.ui.errors import UserFacingError


async def _show(db: Database, guild_id: int, show_id: int) -> catalog.ShowInfo:
    show = await catalog.show_info(db, guild_id, show_id)
    if show is None:
        # Removed between autocomplete and the command, or a stale button.
        raise UserFacingError("members.show_gone")
    return show


async def show_id_for_slug(db: Database, guild_id: int, slug: str) -> int:
    """The guild's show ``slug`` (a button's), or the "no longer here" error."""
    show_id = await catalog.show_id_by_slug(db, guild_id, slug)
    if show_id is None:
        raise UserFacingError("members.show_gone")
    return show_id


async def show_reply(db: Database, guild_id: int, show_id: int, locale: str) -> tuple[Card, str]:
    """The show card, and the show's slug for its buttons."""

    async def make() -> tuple[Card, str]:
        show = await _show(db, guild_id, show_id)
        return show_card(show, locale), show.slug

    return await replies(db).get(("show", guild_id, show_id, locale), make)


async def cast_reply(db: Database, guild_id: int, show_id: int, locale: str) -> Card:
    """The cast list."""

    async def make() -> Card:
        show = await _show(db, guild_id, show_id)
        return cast_card(show, locale)

    return await replies(db).get(("cast", guild_id, show_id, locale), make)


async def crew_reply(db: Database, guild_id: int, show_id: int, locale: str) -> Card:
    """Everyone behind the camera."""

    async def make() -> Card:
        show = await _show(db, guild_id, show_id)
        return crew_card(show, locale)

    return await replies(db).get(("crew", guild_id, show_id, locale), make)


async def person_reply(
    db: Database, guild_id: int, person_id: int, show_id: int | None, locale: str
) -> Card:
    """A person card, with their role in ``show_id`` first."""

    async def make() -> Card:
        person = await people.person_info(db, guild_id, person_id)
        if person is None:
            raise UserFacingError("members.not_found.person", query=f"#{person_id}", hint="")
        show = await catalog.show_info(db, guild_id, show_id) if show_id else None
        return person_card(person, show, locale)

    return await replies(db).get(("person", guild_id, person_id, show_id, locale), make)


async def character_reply(db: Database, guild_id: int, character_id: int, locale: str) -> Card:
    """A character card."""

    async def make() -> Card:
        character = await people.character_info(db, guild_id, character_id)
        if character is None:
            raise UserFacingError("members.not_found.character", query=f"#{character_id}", hint="")
        return character_card(character, locale)

    return await replies(db).get(("character", guild_id, character_id, locale), make)


async def plot_reply(
    db: Database, guild_id: int, user_id: int, show_id: int, episode: int | None, locale: str
) -> Card:
    """The premise and synopses, or one episode's, as far as the member has watched."""
    show = await _show(db, guild_id, show_id)
    episodes = await catalog.episodes(db, show_id)
    watched = await progress.get_progress(db, guild_id, user_id, show_id)
    if episode is None:
        return plot_card(show, episodes, watched, locale)
    chosen = next((e for e in episodes if e.number == episode), None)
    if chosen is None:
        raise UserFacingError("members.no_episode", show=show.title, episode=episode)
    return episode_plot_card(show, chosen, watched, locale)


async def episodes_reply(
    db: Database,
    guild_id: int,
    user_id: int,
    show_id: int,
    locale: str,
) -> Card:
    """Every episode with its release and, once it opened, its discussion's link."""
    show = await _show(db, guild_id, show_id)
    episodes = await catalog.episodes(db, show_id)
    watched = await progress.get_progress(db, guild_id, user_id, show_id)
    links = await discussion_links(db, guild_id, show.slug)
    rated = await ratings.summaries(db, guild_id, show.slug)
    return episodes_card(show, episodes, watched, locale, links, rated)


async def trailer_reply(db: Database, guild_id: int, show_id: int, locale: str) -> Card:
    """Trailers, teasers and the poster."""

    async def make() -> Card:
        show = await _show(db, guild_id, show_id)
        media = await catalog.media(db, show_id, ("trailer", "teaser", "poster"))
        return trailer_card(show, media, locale)

    return await replies(db).get(("trailer", guild_id, show_id, locale), make)


async def record_progress(
    db: Database, guild_id: int, user_id: int, show_id: int, episode: int, now: int
) -> str:
    """Store how far the member watched (refusing episodes the show doesn't have); the title."""
    show = await _show(db, guild_id, show_id)
    known = [e.number for e in await catalog.episodes(db, show_id)]
    last = max([*known, show.episode_count or 0])
    if episode > last:
        raise UserFacingError("members.watched.too_far", show=show.title, last=last)
    await progress.set_progress(db, guild_id, user_id, show_id, episode, now)
    return show.title


async def record_rating(
    db: Database,
    guild_id: int,
    user_id: int,
    show_id: int,
    episode: int,
    stars: int,
    *,
    now: int,
    locale: str,
) -> tuple[catalog.ShowInfo, int | None]:
    """Store the member's rating of a released episode; the show and their earlier stars.

    Refuses an episode the show does not have, and one not surely out yet.
    """
    show = await _show(db, guild_id, show_id)
    found = next((e for e in await catalog.episodes(db, show_id) if e.number == episode), None)
    if found is None:
        raise UserFacingError("members.rate.no_episode", show=show.title, number=episode)
    if not released(found.release, now):
        when = format_release(found.release, locale) if found.release else None
        raise UserFacingError(
            "members.rate.not_released" if when else "members.rate.no_release",
            show=show.title, number=episode, when=when or "",
        )  # fmt: skip
    before = await ratings.get_rating(db, guild_id, show_id, episode, user_id)
    await ratings.set_rating(db, guild_id, show_id, episode, user_id, stars, now)
    return show, before
