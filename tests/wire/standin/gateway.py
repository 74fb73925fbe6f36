"""Gateway v10 over a WebSocket: HELLO, heartbeats, IDENTIFY/RESUME, and dispatches."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from standin.world import THREAD_TYPES, World, now_iso


def public(value: Any) -> Any:
    """Strip the stand-in's private keys (imported lazily to avoid an import cycle)."""
    from standin.rest import public as strip

    return strip(value)


if TYPE_CHECKING:
    from standin.rest import InteractionRecord
    from standin.server import StandIn

# Intent bits that gate the dispatches the stand-in sends (Discord's values).
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MESSAGES = 1 << 9
GUILD_SCHEDULED_EVENTS = 1 << 16

OPTION_TYPES = {str: 3, int: 4, bool: 5, float: 10}


@dataclass
class Session:
    """One gateway session: it survives a dropped socket so the bot can RESUME it."""

    id: str
    intents: int
    seq: int = 0
    log: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None


class Gateway:
    """The gateway half of the stand-in. Counters let tests see how the bot reconnected."""

    def __init__(self, standin: StandIn) -> None:
        self.standin = standin
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.connections = 0
        self.identifies = 0
        self.resumes = 0
        self.ready = asyncio.Event()
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def world(self) -> World:
        return self.standin.world

    # -- connection --------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        """One WebSocket connection from the bot."""
        from standin.server import read_frames

        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self.connections += 1
        self._sockets.add(ws)
        await self._send(
            ws, {"op": 10, "d": {"heartbeat_interval": self.standin.heartbeat_interval_ms}}
        )
        try:
            async for frame in read_frames(ws):
                await self._on_frame(ws, frame)
        finally:
            self._sockets.discard(ws)
            for session in self.sessions.values():
                if session.ws is ws:
                    session.ws = None
        return ws

    async def _send(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        frame.setdefault("s", None)
        frame.setdefault("t", None)
        with contextlib.suppress(ConnectionError, RuntimeError):
            await ws.send_str(json.dumps(public(frame)))

    async def _on_frame(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == 1:
            await self._send(ws, {"op": 11})
        elif op == 2:
            if data.get("token") != self.standin.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            await self._identify(ws, data)
        elif op == 6:
            await self._resume(ws, data)
        elif op in (3, 4, 8):
            return  # presence, voice state, request members: nothing to model
        else:
            self.standin.failure(f"gateway: unexpected op {op}")

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identifies += 1
        session = Session(id=secrets.token_hex(16), intents=int(data.get("intents", 0)))
        self.sessions[session.id] = session
        self.current = session
        session.ws = ws
        world = self.world
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": world.bot_user,
                "guilds": [{"id": g, "unavailable": True} for g in world.guilds],
                "session_id": session.id,
                "resume_gateway_url": self.standin.gateway_url,
                "shard": [0, 1],
                "application": {"id": world.application_id, "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "user_settings": {},
                "auth": {},
            },
        )
        for guild_id in world.guilds:
            await self.dispatch("GUILD_CREATE", self.guild_create(guild_id))
        self.ready.set()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.standin.token:
            await self._send(ws, {"op": 9, "d": False})
            return
        self.resumes += 1
        session.ws = ws
        self.current = session
        for frame in session.log:
            if frame["s"] > int(data.get("seq") or 0):
                await self._send(ws, dict(frame))
        await self.dispatch("RESUMED", {})

    async def close_all(self, code: int) -> None:
        """Close every open socket with ``code``."""
        for ws in list(self._sockets):
            await ws.close(code=code)

    # -- faults ------------------------------------------------------------------------
    async def drop(self, code: int = 4000) -> None:
        """Close the bot's socket with ``code`` (4000 unknown error, 1001 going away...)."""
        if self.current and self.current.ws:
            await self.current.ws.close(code=code, message=b"stand-in fault")

    async def invalid_session(self, resumable: bool = False) -> None:
        """Send op 9; a non-resumable one forgets the session so the bot must IDENTIFY."""
        if self.current and self.current.ws:
            if not resumable:
                self.sessions.pop(self.current.id, None)
            await self._send(self.current.ws, {"op": 9, "d": resumable})

    async def reconnect(self) -> None:
        """Send op 7: the bot should reconnect and RESUME."""
        if self.current and self.current.ws:
            await self._send(self.current.ws, {"op": 7, "d": None})

    # -- dispatch ----------------------------------------------------------------------
    async def dispatch(self, event: str, data: dict[str, Any], intent: int = 0) -> None:
        """Send an event to the current session (buffered for RESUME if it is offline).

        ``intent`` is the bit that gates the event; without it in the session's IDENTIFY
        intents, Discord would not send it, and neither does the stand-in.
        """
        session = self.current
        if session is None or (intent and not session.intents & intent):
            return
        if event != "RESUMED":
            session.seq += 1
            frame = {"op": 0, "t": event, "s": session.seq, "d": data}
            session.log.append(frame)
        else:
            frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        if session.ws is not None:
            await self._send(session.ws, dict(frame))

    def guild_create(self, guild_id: str) -> dict[str, Any]:
        """A full GUILD_CREATE payload for a guild in the world."""
        world = self.world
        guild = world.guilds[guild_id]
        bot_member = world.members[guild_id][world.bot_user["id"]]
        return {
            **guild,
            "unavailable": False,
            "joined_at": bot_member["joined_at"],
            "large": False,
            "member_count": len(world.members[guild_id]),
            "members": [bot_member],
            "channels": world.guild_channels(guild_id),
            "threads": [
                c
                for c in world.channels.values()
                if c.get("guild_id") == guild_id
                and c["type"] in THREAD_TYPES
                and not c["thread_metadata"]["archived"]
            ],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [
                e for e in world.events.values() if e["guild_id"] == guild_id
            ],
            "soundboard_sounds": [],
            "lazy": True,
        }

    # -- interactions ------------------------------------------------------------------
    def _options(
        self, command: dict[str, Any] | None, values: dict[str, Any], focused: str | None
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

    def _find_command(self, guild_id: str, name: str) -> dict[str, Any] | None:
        for scope in (guild_id, "global"):
            for command in self.world.commands.get(scope, []):
                if command["name"] == name:
                    return command
        return None

    async def interaction(
        self,
        user: str,
        channel: str,
        command: str,
        values: dict[str, Any],
        *,
        kind: int,
        focused: str | None = None,
    ) -> InteractionRecord:
        """Build and dispatch an INTERACTION_CREATE like Discord does for a slash command."""
        from standin.rest import InteractionRecord

        world = self.world
        channel_id = world.id(channel)
        guild_id = world.guild_of(channel_id) or world.id("guild")
        user_id = world.id(user)
        root, *path = command.split()
        registered = self._find_command(guild_id, root)
        if registered is None and self.standin.require_synced:
            raise AssertionError(f"/{root} is not registered with the stand-in (run sync first)")
        # Walk subcommand groups/subcommands as Discord nests them.
        node = registered
        nested: list[dict[str, Any]] = []
        for part in path:
            child = next((o for o in (node or {}).get("options", []) if o["name"] == part), None)
            nested.append({"name": part, "type": (child or {}).get("type", 1), "options": []})
            node = child
        leaf = self._options(node, values, focused)
        options = leaf
        for level in reversed(nested):
            level["options"] = options
            options = [level]
        member = world.members[guild_id][user_id]
        interaction_id = world.snowflake()
        token = self.standin.new_interaction_token()
        data = {
            "id": registered["id"] if registered else world.snowflake(),
            "name": root,
            "type": 1,
            "options": options,
        }
        if registered and registered.get("guild_id"):
            data["guild_id"] = guild_id
        channel_data = world.channels[channel_id]
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
            "channel": {
                **channel_data,
                "permissions": str(world.permissions_of(guild_id, user_id)),
            },
            "member": {**member, "permissions": str(world.permissions_of(guild_id, user_id))},
            "locale": "en-US",
            "guild_locale": "en-US",
            "app_permissions": str(world.permissions_of(guild_id, world.bot_user["id"])),
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id},
            "context": 0,
        }
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            channel_id=channel_id,
            user_id=user_id,
            dispatched_at=time.monotonic(),
        )
        self.standin.interactions[interaction_id] = record
        self.standin.interactions[token] = record
        await self.dispatch("INTERACTION_CREATE", payload)
        return record


def thread_metadata(auto_archive: int) -> dict[str, Any]:
    """Fresh metadata for a new thread."""
    return {
        "archived": False,
        "auto_archive_duration": auto_archive,
        "archive_timestamp": now_iso(),
        "locked": False,
        "create_timestamp": now_iso(),
    }
