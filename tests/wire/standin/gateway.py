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

from tests.wire.standin.world import THREAD_TYPES, World, now_iso


def public(value: Any) -> Any:
    """Strip the stand-in's private keys (imported lazily to avoid an import cycle)."""
    from tests.wire.standin.rest import public as strip

    return strip(value)


if TYPE_CHECKING:
    from tests.wire.standin.server import StandIn

# Intent bits that gate the dispatches the stand-in sends (Discord's values).
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MESSAGES = 1 << 9
GUILD_SCHEDULED_EVENTS = 1 << 16

# Discord closes a session that would hold more guilds than this with 4011.
MAX_GUILDS_PER_SESSION = 2500
IDENTIFY_WINDOW = 5.0


def shard_of(guild_id: str, shard_count: int) -> int:
    """Discord's routing rule: a guild's events go to shard (id >> 22) % count."""
    return (int(guild_id) >> 22) % shard_count


@dataclass
class Session:
    """One gateway session: it survives a dropped socket so the bot can RESUME it."""

    id: str
    intents: int
    shard: tuple[int, int] = (0, 1)
    seq: int = 0
    log: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None


class Gateway:
    """The gateway half of the stand-in. Counters let tests see how the bot reconnected."""

    def __init__(self, standin: StandIn) -> None:
        self.standin = standin
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        # The latest session of each shard id: guild events are routed to it.
        self.by_shard: dict[int, Session] = {}
        self.connections = 0
        self.identifies = 0
        # (monotonic time, shard id) of every IDENTIFY, to check Discord's pacing.
        self.identify_log: list[tuple[float, int]] = []
        self.resumes = 0
        self.ready = asyncio.Event()
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def world(self) -> World:
        return self.standin.world

    # -- connection --------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        """One WebSocket connection from the bot."""
        from tests.wire.standin.server import read_frames

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
        shard_id, shard_count = data.get("shard") or (0, 1)
        if not 0 <= shard_id < shard_count:
            await ws.close(code=4010, message=b"Invalid shard.")
            return
        world = self.world
        guilds = [g for g in world.guilds if shard_of(g, shard_count) == shard_id]
        if len(guilds) > MAX_GUILDS_PER_SESSION:
            await ws.close(code=4011, message=b"Sharding required.")
            return
        self._check_pacing(shard_id)
        self.identifies += 1
        session = Session(
            id=secrets.token_hex(16),
            intents=int(data.get("intents", 0)),
            shard=(shard_id, shard_count),
        )
        self.sessions[session.id] = session
        self.current = session
        self.by_shard[shard_id] = session
        session.ws = ws
        await self._dispatch_to(
            session,
            "READY",
            {
                "v": 10,
                "user": world.bot_user,
                "guilds": [{"id": g, "unavailable": True} for g in guilds],
                "session_id": session.id,
                "resume_gateway_url": self.standin.gateway_url,
                "shard": [shard_id, shard_count],
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
        # One pass over the channels for the whole burst: scanning them per guild made a
        # 20,000-guild start quadratic in the stand-in (minutes before the bot saw them).
        grouped = world.channels_by_guild()
        for guild_id in guilds:
            payload = self.guild_create(guild_id, grouped)
            await self._dispatch_to(session, "GUILD_CREATE", payload)
        self.ready.set()

    def _check_pacing(self, shard_id: int) -> None:
        """Record a failure for an IDENTIFY Discord would rate-limit.

        Discord allows one IDENTIFY per key (``shard_id % max_concurrency``) per 5 s. Only
        identifies of sessions still connected count: a process restarted after a SIGKILL
        cannot know when its predecessor identified (real Discord tolerates that one).
        """
        now = time.monotonic()
        key = shard_id % self.standin.max_concurrency
        live = {s.shard[0] for s in self.sessions.values() if s.ws is not None}
        for at, other in reversed(self.identify_log):
            if now - at >= IDENTIFY_WINDOW:
                break
            if other % self.standin.max_concurrency == key and other in live:
                self.standin.failure(
                    f"gateway: shard {shard_id} identified {now - at:.2f}s after shard {other} "
                    f"in the same bucket (max_concurrency {self.standin.max_concurrency})"
                )
                break
        self.identify_log.append((now, shard_id))

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.standin.token:
            await self._send(ws, {"op": 9, "d": False})
            return
        self.resumes += 1
        session.ws = ws
        self.current = session
        self.by_shard[session.shard[0]] = session
        for frame in session.log:
            if frame["s"] > int(data.get("seq") or 0):
                await self._send(ws, dict(frame))
        await self._dispatch_to(session, "RESUMED", {})

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
        await self._dispatch_to(self._route(event, data), event, data, intent)

    def _route(self, event: str, data: dict[str, Any]) -> Session | None:
        """The session Discord would send this event to: its guild's shard."""
        session = self.current
        if session is None or session.shard[1] == 1:
            return session
        guild_id = data.get("guild_id") or (data.get("id") if event.startswith("GUILD_") else None)
        if not guild_id:
            return self.by_shard.get(0)
        return self.by_shard.get(shard_of(str(guild_id), session.shard[1]))

    async def _dispatch_to(
        self, session: Session | None, event: str, data: dict[str, Any], intent: int = 0
    ) -> None:
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

    def guild_create(
        self, guild_id: str, grouped: dict[str, list[dict[str, Any]]] | None = None
    ) -> dict[str, Any]:
        """A full GUILD_CREATE payload for a guild in the world (``grouped``: the world's
        channels by guild, when the caller already has them)."""
        world = self.world
        if grouped is None:
            grouped = world.channels_by_guild()
        own = grouped.get(guild_id, [])
        guild = world.guilds[guild_id]
        bot_member = world.members[guild_id][world.bot_user["id"]]
        return {
            **guild,
            "unavailable": False,
            "joined_at": bot_member["joined_at"],
            "large": False,
            "member_count": len(world.members[guild_id]),
            "members": [bot_member],
            "channels": [c for c in own if c["type"] not in THREAD_TYPES],
            "threads": [
                c for c in own if c["type"] in THREAD_TYPES and not c["thread_metadata"]["archived"]
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


def thread_metadata(auto_archive: int) -> dict[str, Any]:
    """Fresh metadata for a new thread."""
    return {
        "archived": False,
        "auto_archive_duration": auto_archive,
        "archive_timestamp": now_iso(),
        "locked": False,
        "create_timestamp": now_iso(),
    }
