"""Channel, message, pin, thread, scheduled-event and role routes of the stand-in."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tests.wire.standin import gateway as gw
from tests.wire.standin.rest import (
    NONCE_WINDOW,
    DiscordError,
    _channel,
    _edit,
    _find_message,
    _message_obj,
    _store_message,
    route,
)
from tests.wire.standin.world import FORUM, PUBLIC_THREAD, THREAD_TYPES, now_iso

if TYPE_CHECKING:
    from tests.wire.standin.server import Recorded, StandIn


# -- messages ----------------------------------------------------------------------------
@route("POST", "/channels/{channel}/messages")
async def create_message(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    channel = _channel(standin, params["channel"])
    if channel["type"] == FORUM:
        raise DiscordError(400, 50008, "Cannot send messages in a non-text channel")
    body = req.body or {}
    nonce = body.get("nonce")
    if nonce is not None and body.get("enforce_nonce"):
        # Discord returns the earlier message instead of creating a second one.
        horizon = time.time() - NONCE_WINDOW
        for message in standin.world.messages.get(channel["id"], []):
            if message.get("nonce") == nonce and message.get("_created", 0) >= horizon:
                return 200, message
    message = _message_obj(standin, channel["id"], body, _created=time.time(), _sender=req.sender)
    reference = body.get("message_reference")
    if reference:
        message["message_reference"] = reference
    return 200, await _store_message(standin, channel["id"], message)


@route("GET", "/channels/{channel}/messages")
async def list_messages(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    _channel(standin, params["channel"])
    limit = int(req.query.get("limit", 50))
    newest = list(reversed(standin.world.messages.get(params["channel"], [])))[:limit]
    # Discord echoes a nonce only when the message is created, never in the history.
    return 200, [{k: v for k, v in m.items() if k != "nonce"} for m in newest]


@route("GET", "/channels/{channel}/messages/{message}")
async def get_message(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    return 200, _find_message(standin, params["channel"], params["message"])


@route("PATCH", "/channels/{channel}/messages/{message}")
async def edit_message(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    message = _find_message(standin, params["channel"], params["message"])
    return 200, _edit(message, req.body or {})


@route("DELETE", "/channels/{channel}/messages/{message}")
async def delete_message(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    message = _find_message(standin, params["channel"], params["message"])
    standin.world.messages[params["channel"]].remove(message)
    return 204, None


# -- pins ----------------------------------------------------------------------------------
async def _pin(standin: StandIn, params: dict, pinned: bool) -> tuple[int, Any]:
    message = _find_message(standin, params["channel"], params["message"])
    message["pinned"] = pinned
    message["_pinned_at"] = now_iso()
    channel = standin.world.channels[params["channel"]]
    await standin.gw.dispatch(
        "CHANNEL_PINS_UPDATE",
        {
            "guild_id": channel.get("guild_id"),
            "channel_id": channel["id"],
            "last_pin_timestamp": now_iso(),
        },
        gw.GUILDS,
    )
    return 204, None


for _template in (
    "/channels/{channel}/pins/{message}",
    "/channels/{channel}/messages/pins/{message}",
):
    route("PUT", _template)(lambda s, p, r: _pin(s, p, True))
    route("DELETE", _template)(lambda s, p, r: _pin(s, p, False))


@route("GET", "/channels/{channel}/messages/pins")
async def list_pins(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    _channel(standin, params["channel"])
    pinned = [m for m in standin.world.messages.get(params["channel"], []) if m["pinned"]]
    items = [{"pinned_at": m["_pinned_at"], "message": m} for m in reversed(pinned)]
    return 200, {"items": items, "has_more": False}


@route("GET", "/channels/{channel}/pins")
async def list_pins_legacy(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    _channel(standin, params["channel"])
    return 200, [m for m in standin.world.messages.get(params["channel"], []) if m["pinned"]]


# -- channels and threads ------------------------------------------------------------------
@route("GET", "/channels/{channel}")
async def get_channel(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    return 200, _channel(standin, params["channel"])


@route("PATCH", "/channels/{channel}")
async def edit_channel(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    channel = _channel(standin, params["channel"])
    body = dict(req.body or {})
    if channel["type"] in THREAD_TYPES:
        meta = channel["thread_metadata"]
        for key in ("archived", "locked", "auto_archive_duration", "invitable"):
            if key in body:
                meta[key] = body.pop(key)
                if key == "archived":
                    meta["archive_timestamp"] = now_iso()
    if isinstance(body.get("available_tags"), list):
        # Discord gives a new tag its id (and fills the fields left out); ids always come
        # back as strings, though discord.py sends a kept tag's id as a number.
        body["available_tags"] = [
            {"moderated": False, "emoji_id": None, "emoji_name": None, **tag}
            | {"id": str(tag["id"]) if tag.get("id") else standin.world.snowflake()}
            for tag in body["available_tags"]
        ]
    channel.update({k: v for k, v in body.items() if k != "position" or v is not None})
    event = "THREAD_UPDATE" if channel["type"] in THREAD_TYPES else "CHANNEL_UPDATE"
    await standin.gw.dispatch(event, channel, gw.GUILDS)
    return 200, channel


async def _new_thread(
    standin: StandIn, parent: dict[str, Any], body: dict[str, Any], thread_id: str | None = None
) -> dict[str, Any]:
    world = standin.world
    new_id = thread_id or world.snowflake()
    thread = {
        "id": new_id,
        "guild_id": parent["guild_id"],
        "parent_id": parent["id"],
        "owner_id": world.bot_user["id"],
        "name": body["name"],
        "type": body.get("type") or (10 if parent["type"] == 5 else PUBLIC_THREAD),
        "last_message_id": None,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "rate_limit_per_user": body.get("rate_limit_per_user") or 0,
        "flags": 0,
        "thread_metadata": gw.thread_metadata(
            body.get("auto_archive_duration") or parent.get("default_auto_archive_duration", 1440)
        ),
        "member": {
            "id": new_id,
            "user_id": world.bot_user["id"],
            "join_timestamp": now_iso(),
            "flags": 0,
        },
    }
    if parent["type"] == FORUM:
        known = {tag["id"] for tag in parent.get("available_tags", [])}
        tags = body.get("applied_tags") or []
        if any(tag not in known for tag in tags):
            raise DiscordError(400, 50035, "Invalid Form Body (applied_tags)")
        thread["applied_tags"] = tags
    world.channels[thread["id"]] = thread
    world.messages[thread["id"]] = []
    await standin.gw.dispatch("THREAD_CREATE", {**thread, "newly_created": True}, gw.GUILDS)
    return thread


@route("POST", "/channels/{channel}/threads")
async def start_thread(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    parent = _channel(standin, params["channel"])
    body = req.body or {}
    if parent["type"] == FORUM:
        if not isinstance(body.get("message"), dict):
            raise DiscordError(400, 50035, "Invalid Form Body (message required in a forum)")
        thread = await _new_thread(standin, parent, body)
        # A forum post's starter message has the thread's id.
        starter = _message_obj(
            standin,
            thread["id"],
            body["message"],
            id=thread["id"],
            _created=time.time(),
            _sender=req.sender,
        )
        await _store_message(standin, thread["id"], starter)
        return 201, {**thread, "message": starter}
    return 201, await _new_thread(standin, parent, body)


@route("POST", "/channels/{channel}/messages/{message}/threads")
async def thread_from_message(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    parent = _channel(standin, params["channel"])
    message = _find_message(standin, parent["id"], params["message"])
    if message["id"] in standin.world.channels:
        raise DiscordError(400, 160004, "A thread has already been created for this message")
    thread = await _new_thread(standin, parent, req.body or {}, thread_id=message["id"])
    message["thread"] = thread
    return 201, thread


@route("GET", "/channels/{channel}/threads/archived/public")
async def archived_threads(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    _channel(standin, params["channel"])
    threads = [
        t for t in standin.world.threads(params["channel"]) if t["thread_metadata"]["archived"]
    ]
    return 200, {"threads": threads, "members": [], "has_more": False}


@route("GET", "/guilds/{guild}/threads/active")
async def active_threads(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    threads = [
        t
        for t in standin.world.threads()
        if t["guild_id"] == params["guild"] and not t["thread_metadata"]["archived"]
    ]
    return 200, {"threads": threads, "members": []}


@route("GET", "/guilds/{guild}/channels")
async def guild_channels(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    return 200, standin.world.guild_channels(_guild(standin, params["guild"])["id"])


def _guild(standin: StandIn, guild_id: str) -> dict[str, Any]:
    guild = standin.world.guilds.get(guild_id)
    if guild is None:
        raise DiscordError(404, 10004, "Unknown Guild")
    return guild


@route("GET", "/guilds/{guild}")
async def get_guild(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    return 200, _guild(standin, params["guild"])


# -- scheduled events ------------------------------------------------------------------------
def _event(standin: StandIn, params: dict) -> dict[str, Any]:
    event = standin.world.events.get(params["event"])
    if event is None or event["guild_id"] != params["guild"]:
        raise DiscordError(404, 10070, "Unknown Guild Scheduled Event")
    return event


@route("POST", "/guilds/{guild}/scheduled-events")
async def create_event(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    _guild(standin, params["guild"])
    world = standin.world
    body = req.body or {}
    event = {
        "id": world.snowflake(),
        "guild_id": params["guild"],
        "channel_id": body.get("channel_id"),
        "creator_id": world.bot_user["id"],
        "creator": world.bot_user,
        "name": body["name"],
        "description": body.get("description"),
        "scheduled_start_time": body["scheduled_start_time"],
        "scheduled_end_time": body.get("scheduled_end_time"),
        "privacy_level": body.get("privacy_level", 2),
        "status": 1,
        "entity_type": body["entity_type"],
        "entity_id": None,
        "entity_metadata": body.get("entity_metadata"),
        "user_count": 0,
        "image": None,
        "recurrence_rule": body.get("recurrence_rule"),
    }
    world.events[event["id"]] = event
    await standin.gw.dispatch("GUILD_SCHEDULED_EVENT_CREATE", event, gw.GUILD_SCHEDULED_EVENTS)
    return 200, event


@route("GET", "/guilds/{guild}/scheduled-events")
async def list_events(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    _guild(standin, params["guild"])
    return 200, [e for e in standin.world.events.values() if e["guild_id"] == params["guild"]]


@route("GET", "/guilds/{guild}/scheduled-events/{event}")
async def get_event(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    return 200, _event(standin, params)


@route("PATCH", "/guilds/{guild}/scheduled-events/{event}")
async def edit_event(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    event = _event(standin, params)
    event.update(req.body or {})
    await standin.gw.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event, gw.GUILD_SCHEDULED_EVENTS)
    return 200, event


@route("DELETE", "/guilds/{guild}/scheduled-events/{event}")
async def delete_event(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    event = standin.world.events.pop(_event(standin, params)["id"])
    await standin.gw.dispatch("GUILD_SCHEDULED_EVENT_DELETE", event, gw.GUILD_SCHEDULED_EVENTS)
    return 204, None


# -- roles and member roles ------------------------------------------------------------------
@route("GET", "/guilds/{guild}/roles")
async def list_roles(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    return 200, _guild(standin, params["guild"])["roles"]


@route("POST", "/guilds/{guild}/roles")
async def create_role(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    guild = _guild(standin, params["guild"])
    body = req.body or {}
    role = {
        "id": standin.world.snowflake(),
        "name": body.get("name") or "new role",
        "color": body.get("color") or 0,
        "hoist": bool(body.get("hoist")),
        "position": 1,
        "permissions": str(body.get("permissions") or 0),
        "managed": False,
        "mentionable": bool(body.get("mentionable")),
        "flags": 0,
    }
    guild["roles"].append(role)
    await standin.gw.dispatch(
        "GUILD_ROLE_CREATE", {"guild_id": guild["id"], "role": role}, gw.GUILDS
    )
    return 200, role


@route("PATCH", "/guilds/{guild}/roles/{role}")
async def edit_role(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    role = standin.world.role(_guild(standin, params["guild"])["id"], params["role"])
    if role is None:
        raise DiscordError(404, 10011, "Unknown Role")
    role.update(req.body or {})
    await standin.gw.dispatch(
        "GUILD_ROLE_UPDATE", {"guild_id": params["guild"], "role": role}, gw.GUILDS
    )
    return 200, role


async def _member_role(standin: StandIn, params: dict, add: bool) -> tuple[int, Any]:
    guild = _guild(standin, params["guild"])
    if standin.world.role(guild["id"], params["role"]) is None:
        raise DiscordError(404, 10011, "Unknown Role")
    member = standin.world.members.get(guild["id"], {}).get(params["user"])
    if member is None:
        raise DiscordError(404, 10007, "Unknown Member")
    roles = [r for r in member["roles"] if r != params["role"]]
    member["roles"] = [*roles, params["role"]] if add else roles
    await standin.gw.dispatch(
        "GUILD_MEMBER_UPDATE", {"guild_id": guild["id"], **member}, gw.GUILD_MEMBERS
    )
    return 204, None


route("PUT", "/guilds/{guild}/members/{user}/roles/{role}")(
    lambda s, p, r: _member_role(s, p, True)
)
route("DELETE", "/guilds/{guild}/members/{user}/roles/{role}")(
    lambda s, p, r: _member_role(s, p, False)
)


@route("GET", "/guilds/{guild}/members/{user}")
async def get_member(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    member = standin.world.members.get(_guild(standin, params["guild"])["id"], {}).get(
        params["user"]
    )
    if member is None:
        raise DiscordError(404, 10007, "Unknown Member")
    return 200, member
