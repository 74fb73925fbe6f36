"""Following a show: one role per show, so an announcement pings only its followers.

The role is an admin's pick (``/config follow_role``) or, the first time a member
follows a show that has none, one the bot makes (Manage Roles): named after the show,
not mentionable, so members cannot ping it and only the bot's announcements do (Discord
lets a non-mentionable role be pinged by holders of Mention Everyone; every send still
limits ``allowed_mentions`` to exactly the roles it names, never @everyone). The
server-wide notify role keeps working beside it: announcements ping both.

Who follows what is the roles' membership on Discord; the bot stores only which role
belongs to which show.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.services.once import create_once
from bot.store import follows as store
from bot.store.discussions import show_episodes
from bot.store.guilds import get_settings
from bot.ui.errors import UserFacingError

if TYPE_CHECKING:
    from bot.app import KdramaBot

log = logging.getLogger(__name__)

ROLE_NAME_LIMIT = 100  # Discord's limit on a role name


@dataclass(frozen=True, slots=True)
class Followed:
    """One show a member follows, through its role."""

    slug: str
    title: str
    role_id: int


async def ping_roles(bot: KdramaBot, guild_id: int, slug: str | None) -> list[int]:
    """The roles an announcement about ``slug`` pings: the show's followers, then the
    server-wide notify role (each only if it is set)."""
    roles: list[int] = []
    if slug:
        role_id = await store.get_show_role(bot.db, guild_id, slug)
        if role_id is not None:
            roles.append(role_id)
    settings = await get_settings(bot.db, guild_id)
    if settings.notify_role_id is not None and settings.notify_role_id not in roles:
        roles.append(settings.notify_role_id)
    return roles


async def show_role(
    bot: KdramaBot, guild: discord.Guild, slug: str, *, create: bool
) -> discord.Role:
    """The show's follower role, made exactly once when it has none and ``create``.

    Raises :class:`UserFacingError` for an unknown show, a show without a role (and
    ``create`` off), or a bot that may not make roles.
    """
    show = await show_episodes(bot.db, guild.id, slug)
    if show is None:
        raise UserFacingError("announce.unknown_show", show=slug)
    role_id = await store.get_show_role(bot.db, guild.id, slug)
    known = guild.get_role(role_id) if role_id is not None else None
    if known is not None:
        return known
    if role_id is not None:
        log.info("guild %s: the %s follower role %s is gone", guild.id, slug, role_id)
        await store.forget_show_role(bot.db, guild.id, slug)
    if not create:
        raise UserFacingError("follow.no_role", show=show.title)
    if not guild.me.guild_permissions.manage_roles:
        raise UserFacingError("follow.cannot_create", show=show.title)
    name = show.title[:ROLE_NAME_LIMIT]

    async def look() -> list[discord.Role]:
        # Fetched, not cached: a role made by an attempt whose answer was lost may not
        # have reached the cache. The bot's own roles are unmanaged and carry the name.
        return sorted(
            (r for r in await guild.fetch_roles() if r.name == name and not r.managed),
            key=lambda r: r.id,
        )

    async def make() -> discord.Role:
        return await guild.create_role(
            name=name, mentionable=False, reason=f"followers of {show.title} (/notify)"
        )

    role, made = await create_once(
        bot, guild_id=guild.id, key=f"role:{slug}", look=look, create=make,
        object_id=lambda found: found.id,
    )  # fmt: skip
    await store.set_show_role(bot.db, guild.id, slug, role.id, picked_by=None)
    if made:
        log.info("guild %s: made the follower role %s for %s", guild.id, role.id, slug)
    return role


async def follow(bot: KdramaBot, member: discord.Member, slug: str, *, on: bool) -> tuple[str, str]:
    """Give (``on``) or take the show's follower role: an intent, never a toggle.

    Returns the show's title and the role's name.
    """
    role = await show_role(bot, member.guild, slug, create=on)
    show = await show_episodes(bot.db, member.guild.id, slug)
    has = any(r.id == role.id for r in member.roles)
    try:
        if on and not has:
            await member.add_roles(role, reason=f"/notify: follows {slug}")
        elif not on and has:
            await member.remove_roles(role, reason=f"/notify: stopped following {slug}")
    except discord.Forbidden as exc:
        raise UserFacingError("announce.notify_forbidden", role=role.name) from exc
    return (show.title if show else slug), role.name


async def followed(bot: KdramaBot, member: discord.Member) -> list[Followed]:
    """The shows the member follows, by their roles (read from the interaction's member)."""
    have = {r.id for r in member.roles}
    found = []
    for slug, role_id in (await store.show_roles(bot.db, member.guild.id)).items():
        if role_id in have:
            show = await show_episodes(bot.db, member.guild.id, slug)
            found.append(Followed(slug, show.title if show else slug, role_id))
    return found


async def pick_role(
    bot: KdramaBot, guild_id: int, slug: str, role_id: int | None, *, by: int
) -> str:
    """An admin's choice of the show's follower role (None: forget it); the show's title."""
    show = await show_episodes(bot.db, guild_id, slug)
    if show is None:
        raise UserFacingError("admin.not_found", what=f"show {slug[:64]}")
    if role_id is None:
        await store.forget_show_role(bot.db, guild_id, slug)
    else:
        await store.set_show_role(bot.db, guild_id, slug, role_id, picked_by=by)
    return show.title
