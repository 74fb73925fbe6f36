"""The REST v10 routes kdrama-bot uses, answered from (and written into) the world."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tests.wire.standin import gateway as gw
from tests.wire.standin.world import THREAD_TYPES, now_iso

if TYPE_CHECKING:
    from tests.wire.standin.server import Recorded, StandIn

Handler = Callable[["StandIn", dict[str, str], "Recorded"], Awaitable[tuple[int, Any]]]
_ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []
NONCE_WINDOW = 300.0  # enforce_nonce looks back "a few minutes"


class DiscordError(Exception):
    """An error answer in Discord's shape: HTTP status, JSON code and message."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _param(found: re.Match[str]) -> str:
    # Ids are digits, so "/messages/pins" never reads as a message id; tokens are free-form.
    name = found.group(1)
    pattern = {"token": r"[^/]+", "message": r"\d+|@original"}.get(name, r"\d+")
    return f"(?P<{name}>{pattern})"


def public(value: Any) -> Any:
    """A world object as Discord would send it: without the stand-in's ``_private`` keys."""
    if isinstance(value, dict):
        return {k: public(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [public(v) for v in value]
    return value


def route(method: str, template: str) -> Callable[[Handler], Handler]:
    """Register a handler for ``method template`` (``{name}`` segments become params)."""
    regex = re.compile("^" + re.sub(r"\{(\w+)\}", _param, template) + "$")

    def register(handler: Handler) -> Handler:
        _ROUTES.append((method, regex, handler))
        return handler

    return register


def match(method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
    """The handler and path params for a request, or ``None`` for an unknown route."""
    for candidate, regex, handler in _ROUTES:
        found = regex.match(path)
        if candidate == method and found:
            return handler, found.groupdict()
    return None


def is_webhook(path: str) -> bool:
    """Interaction callbacks and webhook routes carry their own token, not the bot's."""
    return path.startswith(("/interactions/", "/webhooks/"))


_MESSAGE_ROUTES = re.compile(
    r"^/(channels/\d+/messages(/\d+)?|webhooks/\d+/[^/]+(/messages/[^/]+)?|channels/\d+/threads)$"
)


def _message_parts(method: str, path: str, body: Any) -> list[dict[str, Any]]:
    """The message(s) inside a request body that creates or edits one, if any."""
    if not isinstance(body, dict) or method not in ("POST", "PATCH"):
        return []
    candidates = []
    if path.startswith("/interactions/") and body.get("type") in (4, 7):
        candidates.append(body.get("data") or {})
    elif path.endswith("/threads") and isinstance(body.get("message"), dict):
        candidates.append(body["message"])
    elif _MESSAGE_ROUTES.match(path) and not path.endswith("/threads"):
        candidates.append(body)
    return candidates


def message_bodies(standin: StandIn) -> list[dict[str, Any]]:
    """Every message (with text) the bot sent or edited, in order."""
    return [
        part
        for r in standin.requests
        for part in _message_parts(r.method, r.path, r.body)
        if part.get("content") or part.get("embeds")
    ]


def check_mentions(standin: StandIn, method: str, path: str, body: Any) -> None:
    """Every message body with text must say who it may ping (the bot's text is user text)."""
    for message in _message_parts(method, path, body):
        if not (message.get("content") or message.get("embeds")):
            continue
        mentions = message.get("allowed_mentions")
        if mentions is None:
            standin.failure(f"{method} {path}: message text without allowed_mentions")
        elif "everyone" in mentions.get("parse", []):
            standin.failure(f"{method} {path}: allowed_mentions lets the text ping @everyone")


# -- helpers -----------------------------------------------------------------------------
def _channel(standin: StandIn, channel_id: str) -> dict[str, Any]:
    channel = standin.world.channels.get(channel_id)
    if channel is None:
        raise DiscordError(404, 10003, "Unknown Channel")
    return channel


def _message_obj(standin: StandIn, channel_id: str, body: dict[str, Any], **extra: Any) -> dict:
    world = standin.world
    message = {
        "id": extra.pop("id", None) or world.snowflake(),
        "channel_id": channel_id,
        "author": world.bot_user,
        "content": body.get("content") or "",
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts")),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "type": 0,
        "flags": int(body.get("flags") or 0),
        **extra,
    }
    if body.get("nonce") is not None:
        message["nonce"] = body["nonce"]
    if body.get("poll"):
        message["poll"] = _poll_obj(body["poll"])
    guild_id = world.guild_of(channel_id)
    if guild_id:
        message["guild_id"] = guild_id
    return message


def _poll_obj(request: dict[str, Any]) -> dict[str, Any]:
    """A message's poll as Discord returns it, from the poll a send asked for."""
    expiry = datetime.now(UTC) + timedelta(hours=int(request.get("duration") or 24))
    return {
        "question": request["question"],
        "answers": [
            {"answer_id": n, "poll_media": answer["poll_media"]}
            for n, answer in enumerate(request.get("answers") or [], start=1)
        ],
        "expiry": expiry.isoformat(),
        "allow_multiselect": bool(request.get("allow_multiselect")),
        "layout_type": int(request.get("layout_type") or 1),
        "results": {"is_finalized": False, "answer_counts": []},
    }


async def _store_message(standin: StandIn, channel_id: str, message: dict[str, Any]) -> dict:
    world = standin.world
    world.messages.setdefault(channel_id, []).append(message)
    channel = world.channels.get(channel_id)
    if channel is not None:
        channel["last_message_id"] = message["id"]
        if channel["type"] in THREAD_TYPES:
            channel["message_count"] = channel.get("message_count", 0) + 1
            channel["total_message_sent"] = channel.get("total_message_sent", 0) + 1
    await standin.gw.dispatch("MESSAGE_CREATE", message, gw.GUILD_MESSAGES)
    return message


def _find_message(standin: StandIn, channel_id: str, message_id: str) -> dict[str, Any]:
    _channel(standin, channel_id)
    for message in standin.world.messages.get(channel_id, []):
        if message["id"] == message_id:
            return message
    raise DiscordError(404, 10008, "Unknown Message")


def _edit(message: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
        if key in body and body[key] is not None:
            message[key] = body[key]
    message.pop("allowed_mentions", None)
    message["edited_timestamp"] = now_iso()
    return message


# -- login and gateway -------------------------------------------------------------------
@route("GET", "/users/@me")
async def get_me(standin: StandIn, params: dict[str, str], req: Recorded) -> tuple[int, Any]:
    return 200, standin.world.bot_user


@route("GET", "/oauth2/applications/@me")
async def get_application(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    world = standin.world
    owner = world.users[world.id("owner")]
    return 200, {
        "id": world.application_id,
        "name": "kdrama-bot",
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": owner,
        "flags": 0,
        "team": None,
        "bot": world.bot_user,
    }


@route("GET", "/gateway/bot")
async def get_gateway_bot(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    limit = {
        "total": 1000,
        "remaining": 999,
        "reset_after": 0,
        "max_concurrency": standin.max_concurrency,
    }
    return 200, {
        "url": standin.gateway_url.rstrip("/"),
        "shards": standin.recommended_shards,
        "session_start_limit": limit,
    }


@route("GET", "/gateway")
async def get_gateway(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    return 200, {"url": standin.gateway_url.rstrip("/")}


# -- application commands ----------------------------------------------------------------
def install_commands(standin: StandIn, scope: str, body: list[dict[str, Any]]) -> list:
    """Register commands as a bulk overwrite would (``scope`` is a guild id or "global")."""
    world = standin.world
    existing = {c["name"]: c for c in world.commands.get(scope, [])}
    stored = []
    for command in body:
        previous = existing.get(command["name"])
        entry = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            **command,
            "id": previous["id"] if previous else world.snowflake(),
            "application_id": world.application_id,
            "version": world.snowflake(),
        }
        if scope != "global":
            entry["guild_id"] = scope
        stored.append(entry)
    world.commands[scope] = stored
    return stored


@route("PUT", "/applications/{app}/commands")
async def put_global(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    return 200, install_commands(standin, "global", req.body or [])


@route("PUT", "/applications/{app}/guilds/{guild}/commands")
async def put_guild(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    return 200, install_commands(standin, params["guild"], req.body or [])


@route("GET", "/applications/{app}/commands")
async def get_global(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    return 200, standin.world.commands.get("global", [])


@route("GET", "/applications/{app}/guilds/{guild}/commands")
async def get_guild_cmds(standin: StandIn, params: dict, req: Recorded) -> tuple[int, Any]:
    return 200, standin.world.commands.get(params["guild"], [])


# Registers the channel/guild and interaction routes.
from tests.wire.standin import interactions, rest_guild  # noqa: E402,F401
