"""Interactions: building INTERACTION_CREATE like Discord does, and the bot's answers to it
(the callback with its 3-second window, followups, and edits of the original response)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.wire.standin.rest import (
    DiscordError,
    _edit,
    _find_message,
    _message_obj,
    _store_message,
    route,
)

if TYPE_CHECKING:
    from tests.wire.standin.server import Recorded, StandIn

INTERACTION_WINDOW = 3.0  # seconds Discord waits for the first interaction response
OPTION_TYPES = {str: 3, int: 4, bool: 5, float: 10}
APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
ATTACHMENT = 11  # the option type of an uploaded file


@dataclass
class InteractionRecord:
    """One interaction the stand-in dispatched and everything the bot answered to it."""

    id: str
    token: str
    channel_id: str
    user_id: str
    dispatched_at: float
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    original: dict[str, Any] | None = None
    first_answer_after: float | None = None
    message_id: str | None = None  # the message a clicked component is on
    modal: dict[str, Any] | None = None  # a modal the bot opened in answer
    acknowledged: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def answered(self) -> bool:
        """Whether the bot sent the initial response."""
        return bool(self.callbacks)

    def visible(self) -> dict[str, Any] | None:
        """What the user sees: the original response (after edits), else the last followup."""
        if self.original is not None and not self.original.get("_loading"):
            return self.original
        return self.followups[-1] if self.followups else None

    async def wait(self, within: float = 10.0) -> dict[str, Any]:
        """Wait until the user sees an answer; return it (a message dict or autocomplete)."""
        deadline = time.monotonic() + within
        while True:
            if self.callbacks and self.callbacks[0]["type"] == 8:
                return self.callbacks[0]["data"]
            seen = self.visible()
            if seen is not None:
                return seen
            if time.monotonic() > deadline:
                raise AssertionError(f"interaction {self.id} not answered within {within}s")
            await asyncio.sleep(0.01)


def _options(
    command: dict[str, Any] | None, values: dict[str, Any], focused: str | None
) -> list[dict[str, Any]]:
    declared = {o["name"]: o for o in (command or {}).get("options", [])}
    options = []
    for name, value in values.items():
        kind = declared.get(name, {}).get("type") or OPTION_TYPES.get(type(value), 3)
        option: dict[str, Any] = {"name": name, "type": kind, "value": value}
        if name == focused:
            option["focused"] = True
        options.append(option)
    return options


def _find_command(standin: StandIn, guild_id: str, name: str) -> dict[str, Any] | None:
    for scope in (guild_id, "global"):
        for command in standin.world.commands.get(scope, []):
            if command["name"] == name:
                return command
    return None


def command_data(
    standin: StandIn, guild_id: str, command: str, values: dict[str, Any], focused: str | None
) -> dict[str, Any]:
    """``data`` of an application-command interaction, nested as Discord nests subcommands."""
    root, *path = command.split()
    registered = _find_command(standin, guild_id, root)
    if registered is None and standin.require_synced:
        raise AssertionError(f"/{root} is not registered with the stand-in (run sync first)")
    node = registered
    nested: list[dict[str, Any]] = []
    for part in path:
        child = next((o for o in (node or {}).get("options", []) if o["name"] == part), None)
        nested.append({"name": part, "type": (child or {}).get("type", 1), "options": []})
        node = child
    declared = {o["name"]: o["type"] for o in (node or {}).get("options", [])}
    uploads: dict[str, dict[str, Any]] = {}
    for name, value in list(values.items()):
        if declared.get(name) == ATTACHMENT and isinstance(value, tuple):
            attachment = _upload(standin, *value)  # (filename, bytes): the member's file
            uploads[attachment["id"]] = attachment
            values = {**values, name: attachment["id"]}
    options = _options(node, values, focused)
    for level in reversed(nested):
        level["options"] = options
        options = [level]
    data = {
        "id": registered["id"] if registered else standin.world.snowflake(),
        "name": root,
        "type": 1,
        "options": options,
    }
    resolved = _resolved(standin, guild_id, node, values)
    if uploads:
        resolved["attachments"] = uploads
    if resolved:
        data["resolved"] = resolved
    if registered and registered.get("guild_id"):
        data["guild_id"] = guild_id
    return data


def _upload(standin: StandIn, filename: str, body: bytes) -> dict[str, Any]:
    """An attachment a member uploaded with a command: Discord keeps the bytes on its CDN
    (here: the stand-in's ``/attachments/...``, see :meth:`StandIn.cdn`)."""
    attachment_id = standin.world.snowflake()
    standin.files[attachment_id] = body
    url = f"http://127.0.0.1:{standin.port}/attachments/{attachment_id}/{filename}"
    return {
        "id": attachment_id,
        "filename": filename,
        "size": len(body),
        "url": url,
        "proxy_url": url,
        "content_type": "text/plain; charset=utf-8",
    }


def _resolved(
    standin: StandIn, guild_id: str, node: dict[str, Any] | None, values: dict[str, Any]
) -> dict[str, Any]:
    """Discord's ``resolved`` for channel and role options (discord.py builds them from it)."""
    declared = {o["name"]: o["type"] for o in (node or {}).get("options", [])}
    world = standin.world
    resolved: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        if declared.get(name) == 7 and str(value) in world.channels:
            channel = world.channels[str(value)]
            resolved.setdefault("channels", {})[str(value)] = {
                "id": channel["id"],
                "name": channel["name"],
                "type": channel["type"],
                "parent_id": channel.get("parent_id"),
                "permissions": str(world.permissions_of(guild_id, world.bot_user["id"])),
            }
        elif declared.get(name) == 8 and (role := world.role(guild_id, str(value))):
            resolved.setdefault("roles", {})[str(value)] = role
    return resolved


async def dispatch(
    standin: StandIn,
    user: str,
    channel_id: str,
    kind: int,
    data: dict[str, Any],
    message: dict[str, Any] | None = None,
) -> InteractionRecord:
    """Wrap ``data`` the way Discord does and send INTERACTION_CREATE to the bot."""
    world = standin.world
    guild_id = world.guild_of(channel_id) or world.id("guild")
    user_id = world.id(user)
    permissions = str(world.permissions_of(guild_id, user_id))
    interaction_id = world.snowflake()
    token = standin.new_interaction_token()
    payload = {
        "id": interaction_id,
        "application_id": world.application_id,
        "type": kind,
        "token": token,
        "version": 1,
        "attachment_size_limit": 10 * 1024 * 1024,
        "data": data,
        "guild_id": guild_id,
        "guild": {"id": guild_id, "locale": "en-US", "features": []},
        "channel_id": channel_id,
        "channel": {**world.channels[channel_id], "permissions": permissions},
        "member": {**world.members[guild_id][user_id], "permissions": permissions},
        "locale": "en-US",
        "guild_locale": "en-US",
        "app_permissions": str(world.permissions_of(guild_id, world.bot_user["id"])),
        "entitlements": [],
        "authorizing_integration_owners": {"0": guild_id},
        "context": 0,
    }
    if message is not None:
        payload["message"] = message
    record = InteractionRecord(
        id=interaction_id,
        token=token,
        channel_id=channel_id,
        user_id=user_id,
        dispatched_at=time.monotonic(),
        message_id=message["id"] if message else None,
    )
    standin.interactions[interaction_id] = record
    standin.interactions[token] = record
    await standin.gw.dispatch("INTERACTION_CREATE", payload)
    return record


def component_data(message: dict[str, Any], custom_id: str, values: list[str] | None) -> dict:
    """``data`` for a click on a button (or a choice in a select) of ``message``."""
    found = _find_component(message.get("components") or [], custom_id)
    if found is None:
        raise AssertionError(f"no component {custom_id!r} on message {message['id']}")
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": found["type"]}
    if values is not None:
        data["values"] = values
    return data


def _find_component(components: list[dict[str, Any]], custom_id: str) -> dict | None:
    for component in components:
        if component.get("custom_id") == custom_id:
            return component
        inner = _find_component(component.get("components") or [], custom_id)
        if inner is not None:
            return inner
    return None


def _clicked_message(standin: StandIn, record: InteractionRecord) -> dict[str, Any]:
    """The message a component was clicked on: in its channel, or an ephemeral answer
    (which only lives with the interaction that produced it)."""
    try:
        return _find_message(standin, record.channel_id, record.message_id or "")
    except DiscordError:
        for other in standin.interactions.values():
            for message in (other.original, *other.followups):
                if message is not None and message["id"] == record.message_id:
                    return message
        raise


# -- the bot's answers ------------------------------------------------------------------
def _interaction(standin: StandIn, key: str) -> InteractionRecord:
    record = standin.interactions.get(key)
    if record is None:
        raise DiscordError(404, 10062, "Unknown interaction")
    return record


@route("POST", "/interactions/{id}/{token}/callback")
async def callback(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    record = _interaction(standin, params["id"])
    if record.token != params["token"]:
        raise DiscordError(401, 50027, "Invalid Webhook Token")
    elapsed = time.monotonic() - record.dispatched_at
    if record.callbacks:
        # discord.py repeating a callback whose answer this stand-in lost (fail_after) is
        # what real Discord sees too; anything else is the bot answering twice.
        if not any(r.lost for r in standin.requests if r.path == req.path):
            standin.failure(f"interaction {record.id} answered twice")
        raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
    record.first_answer_after = elapsed  # kept even when late, so tests can say how late
    if elapsed > INTERACTION_WINDOW:
        standin.failure(f"interaction {record.id} answered after {elapsed:.2f}s (> 3 s)")
        raise DiscordError(404, 10062, "Unknown interaction")
    body = req.body or {}
    record.callbacks.append(body)
    record.acknowledged.set()
    kind, data = body.get("type"), body.get("data") or {}
    interaction = {"id": record.id, "type": 2}
    resource: dict[str, Any] = {"type": kind}
    if kind in (4, 5):
        ephemeral = bool(int(data.get("flags") or 0) & 64)
        metadata = {
            "id": record.id,
            "type": 2,
            "user": standin.world.users[record.user_id],
            "authorizing_integration_owners": {"0": standin.world.guild_of(record.channel_id)},
        }
        message = _message_obj(standin, record.channel_id, data, interaction_metadata=metadata)
        if kind == 5:
            message["_loading"] = True
            message["flags"] = message["flags"] | 128
        record.original = message
        interaction.update(
            response_message_id=message["id"],
            response_message_loading=kind == 5,
            response_message_ephemeral=ephemeral,
        )
        resource["message"] = {k: v for k, v in message.items() if not k.startswith("_")}
        if not ephemeral and kind == 4:
            await _store_message(standin, record.channel_id, message)
    if kind == 9:
        record.modal = data
    elif kind == 7 and record.message_id:
        updated = _edit(_clicked_message(standin, record), data)
        record.original = updated  # what the clicking user now sees
        resource["message"] = updated
    if req.query.get("with_response", "").lower() in ("1", "true"):
        return 200, {"interaction": interaction, "resource": resource}
    return 204, None


@route("POST", "/webhooks/{app}/{token}")
async def followup(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    record = _interaction(standin, params["token"])
    message = _message_obj(standin, record.channel_id, req.body or {}, webhook_id=params["app"])
    record.followups.append(message)
    if not int(message["flags"]) & 64:
        await _store_message(standin, record.channel_id, message)
    return 200, message


@route("PATCH", "/webhooks/{app}/{token}/messages/{message}")
async def edit_followup(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    record = _interaction(standin, params["token"])
    if params["message"] == "@original":
        if record.original is None and record.message_id:
            # A deferred component update (type 6): @original is the clicked message.
            record.original = _edit(_clicked_message(standin, record), req.body or {})
            return 200, record.original
        if record.original is None:
            raise DiscordError(404, 10008, "Unknown Message")
        record.original.pop("_loading", None)
        return 200, _edit(record.original, req.body or {})
    for message in record.followups:
        if message["id"] == params["message"]:
            return 200, _edit(message, req.body or {})
    raise DiscordError(404, 10008, "Unknown Message")


@route("GET", "/webhooks/{app}/{token}/messages/{message}")
async def get_followup(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    record = _interaction(standin, params["token"])
    if params["message"] == "@original" and record.original is not None:
        return 200, record.original
    for message in record.followups:
        if message["id"] == params["message"]:
            return 200, message
    raise DiscordError(404, 10008, "Unknown Message")


@route("DELETE", "/webhooks/{app}/{token}/messages/{message}")
async def delete_followup(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    record = _interaction(standin, params["token"])
    if params["message"] == "@original":
        record.original = None
    else:
        record.followups = [m for m in record.followups if m["id"] != params["message"]]
    return 204, None
