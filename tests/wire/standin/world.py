"""What "Discord" holds: a plain, JSON-serialisable object that outlives any bot process."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits used below (Discord's values).
MANAGE_GUILD = 1 << 5
MANAGE_THREADS = 1 << 34
MANAGE_EVENTS = 1 << 33
ADMINISTRATOR = 1 << 3
# What `kdrama-bot invite` asks for, as a role from an invite made before Discord split
# Pin Messages (bit 51) out of Manage Messages: such bots pin with Manage Messages.
BOT_PERMISSIONS = (
    (1 << 4)  # manage channels (a forum's Episode N / Finale tags)
    | (1 << 10)  # view channel
    | (1 << 11)  # send messages
    | (1 << 14)  # embed links
    | (1 << 15)  # attach files
    | (1 << 16)  # read message history
    | (1 << 13)  # manage messages (pins)
    | (1 << 28)  # manage roles
    | MANAGE_THREADS
    | MANAGE_EVENTS
    | (1 << 35)  # create public threads
    | (1 << 38)  # send messages in threads
    | (1 << 44)  # create events
)
EVERYONE_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31) | (1 << 38)

TEXT, ANNOUNCEMENT, FORUM, PUBLIC_THREAD, ANNOUNCEMENT_THREAD = 0, 5, 15, 11, 10
THREAD_TYPES = {ANNOUNCEMENT_THREAD, PUBLIC_THREAD, 12}


def now_iso(at: float | None = None) -> str:
    """An ISO 8601 timestamp the way Discord writes them."""
    at = time.time() if at is None else at
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at)) + f".{int(at % 1 * 1e6):06d}+00:00"


@dataclass
class World:
    """Guilds, channels (threads too), roles, members, messages and events, keyed by id."""

    application_id: str = ""
    bot_user: dict[str, Any] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    guilds: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    next_sequence: int = 1
    named: dict[str, str] = field(default_factory=dict)

    # -- ids ---------------------------------------------------------------------------
    def snowflake(self, back_ms: int = 0) -> str:
        """A fresh snowflake (real timestamp bits, a counter below them).

        ``back_ms`` dates it that many milliseconds earlier: guilds made in one loop get
        distinct timestamps, so they spread over shards as real guilds do.
        """
        self.next_sequence += 1
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS - back_ms
        return str((ms << 22) | (self.next_sequence & 0x3FFFFF))

    # -- persistence -------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write the whole world to a JSON file (atomically)."""
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self)), "utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> World:
        """Read a world written by :meth:`save`."""
        return cls(**json.loads(path.read_text("utf-8")))

    # -- lookups -----------------------------------------------------------------------
    def id(self, name: str) -> str:
        """The id of a named fixture object ("guild", "general", "moderator", ...)."""
        return self.named[name]

    def guild_of(self, channel_id: str) -> str | None:
        """The guild a channel or thread belongs to."""
        channel = self.channels.get(channel_id)
        return channel.get("guild_id") if channel else None

    def role(self, guild_id: str, role_id: str) -> dict[str, Any] | None:
        """A role of a guild, or ``None``."""
        return next((r for r in self.guilds[guild_id]["roles"] if r["id"] == role_id), None)

    def threads(self, parent_id: str | None = None) -> list[dict[str, Any]]:
        """Every thread, or only those under one parent channel."""
        return [
            c
            for c in self.channels.values()
            if c["type"] in THREAD_TYPES and (parent_id is None or c["parent_id"] == parent_id)
        ]

    def guild_channels(self, guild_id: str) -> list[dict[str, Any]]:
        """A guild's channels, threads excluded."""
        return [
            c
            for c in self.channels.values()
            if c.get("guild_id") == guild_id and c["type"] not in THREAD_TYPES
        ]

    def channels_by_guild(self) -> dict[str, list[dict[str, Any]]]:
        """Every channel and thread, grouped by guild, in one pass."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for channel in self.channels.values():
            if channel.get("guild_id"):
                grouped.setdefault(channel["guild_id"], []).append(channel)
        return grouped

    def all_messages(self) -> list[dict[str, Any]]:
        """Every message in every channel, oldest first per channel."""
        return list(itertools.chain.from_iterable(self.messages.values()))

    def bot_messages(self) -> list[dict[str, Any]]:
        """Messages the bot itself wrote (channel messages, not interaction responses)."""
        return [m for m in self.all_messages() if m["author"]["id"] == self.bot_user["id"]]

    def permissions_of(self, guild_id: str, user_id: str) -> int:
        """A member's guild-level permissions: @everyone plus every role they hold."""
        guild = self.guilds[guild_id]
        if guild["owner_id"] == user_id:
            return (1 << 41) - 1
        member = self.members[guild_id][user_id]
        value = 0
        for role in guild["roles"]:
            if role["id"] == guild_id or role["id"] in member["roles"]:
                value |= int(role["permissions"])
        return (1 << 41) - 1 if value & ADMINISTRATOR else value


def _user(world: World, name: str, *, bot: bool = False) -> dict[str, Any]:
    user = {
        "id": world.snowflake(),
        "username": name,
        "global_name": None if bot else name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    }
    world.users[user["id"]] = user
    world.named[name] = user["id"]
    return user


def _channel(world: World, guild_id: str, name: str, kind: int, **extra: Any) -> dict[str, Any]:
    channel = {
        "id": world.snowflake(),
        "guild_id": guild_id,
        "name": name,
        "type": kind,
        # A bare guild's one channel says position=0: counting the world's channels for
        # each made building 20,000 guilds quadratic.
        "position": extra.pop("position")
        if "position" in extra
        else len(world.guild_channels(guild_id)),
        "permission_overwrites": [],
        "parent_id": None,
        "nsfw": False,
        "rate_limit_per_user": 0,
        "topic": None,
        "last_message_id": None,
        **extra,
    }
    world.channels[channel["id"]] = channel
    world.messages[channel["id"]] = []
    world.named[name] = channel["id"]
    return channel


def _role(world: World, guild_id: str, name: str, permissions: int, **extra: Any) -> dict:
    role = {
        "id": extra.pop("id", None) or world.snowflake(),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "position": len(world.guilds[guild_id]["roles"]),
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
        **extra,
    }
    world.guilds[guild_id]["roles"].append(role)
    return role


def add_member(world: World, guild_id: str, user: dict[str, Any], roles: list[str]) -> dict:
    """Make a user a member of a guild holding ``roles``."""
    member = {
        "user": user,
        "nick": None,
        "avatar": None,
        "roles": roles,
        "joined_at": now_iso(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
    }
    world.members.setdefault(guild_id, {})[user["id"]] = member
    return member


def fan_server(*, guild_count: int = 1) -> World:
    """The world most tests want: one fan server, the same shape as SimCord's ``world``.

    #general, #announcements (an announcement channel), #discussion (a forum with tags)
    and #mod-log; roles Moderator (manage events + threads) and Admin (manage guild);
    members ``member``, ``moderator``, ``admin`` and the bot. ``guild_count`` > 1 adds
    bare extra guilds (for memory measurements at many guilds).
    """
    world = World()
    world.application_id = world.snowflake()
    bot = _user(world, "kdrama-bot", bot=True)
    bot["id"] = world.application_id  # a bot user's id is its application's id
    world.users = {bot["id"]: bot}
    world.named["kdrama-bot"] = bot["id"]
    world.bot_user = bot
    owner = _user(world, "owner")
    for index in range(guild_count):
        guild_id = world.snowflake(back_ms=guild_count - index)
        world.guilds[guild_id] = {
            "id": guild_id,
            "name": "K-drama Fans" if index == 0 else f"Fan Server {index}",
            "icon": None,
            "owner_id": owner["id"],
            "roles": [],
            "emojis": [],
            "stickers": [],
            "features": ["COMMUNITY", "NEWS"],
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "system_channel_id": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "description": None,
        }
        _role(world, guild_id, "@everyone", EVERYONE_PERMISSIONS, id=guild_id)
        bot_role = _role(world, guild_id, "kdrama-bot", BOT_PERMISSIONS, managed=True)
        add_member(world, guild_id, bot, [bot_role["id"]])
        add_member(world, guild_id, owner, [])
        if index:
            _channel(world, guild_id, f"general-{index}", TEXT, position=0)
            continue
        world.named["guild"] = guild_id
        _channel(world, guild_id, "general", TEXT)
        _channel(world, guild_id, "announcements", ANNOUNCEMENT)
        forum = _channel(world, guild_id, "discussion", FORUM, default_auto_archive_duration=1440)
        forum["available_tags"] = [
            {
                "id": world.snowflake(),
                "name": n,
                "moderated": False,
                "emoji_id": None,
                "emoji_name": None,
            }
            for n in ("Episode", "Spoilers", "Premiere")
        ]
        forum["flags"] = 0
        _channel(world, guild_id, "mod-log", TEXT)
        moderator_role = _role(world, guild_id, "Moderator", MANAGE_EVENTS | MANAGE_THREADS)
        admin_role = _role(world, guild_id, "Admin", MANAGE_GUILD)
        world.named["Moderator"], world.named["Admin"] = moderator_role["id"], admin_role["id"]
        add_member(world, guild_id, _user(world, "member"), [])
        add_member(world, guild_id, _user(world, "moderator"), [moderator_role["id"]])
        add_member(world, guild_id, _user(world, "admin"), [admin_role["id"]])
    return world
