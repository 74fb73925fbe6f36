"""The stand-in's server: one aiohttp app for the Gateway (WebSocket) and REST v10."""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.wire.standin import gateway, interactions, rest
from tests.wire.standin.spec import load_validator
from tests.wire.standin.world import World, fan_server

# A syntactically valid bot token (id.timestamp.hmac) that was never issued by Discord.
FAKE_TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GxYzAb.S3cr3tHmacPartThatMustNeverBeLogged_x9"
API_PREFIX = "/api/v10"


@dataclass
class Fault:
    """A failure served instead of the real answer for requests matching method + path glob.

    ``status`` 0 serves the real answer after ``delay`` (a slow Discord). ``times`` counts
    the requests it hits; -1 means until removed. ``after`` performs the request first
    and then serves the failure (after ``delay``): Discord committed, the answer was lost.
    ``performed`` counts the requests an ``after`` fault let through to the world;
    ``released.set()`` ends a hold early (once the bot it was held from is dead).
    A slow fault (status 0) holds the real answer ``hold`` more seconds after doing the
    work; with ``drop_if_gone`` a request whose client died during ``delay`` is never
    carried out, as a real network loses a request still on its way (one that dies
    during ``hold`` was carried out, and its answer never arrives).
    """

    method: str
    path: str
    status: int = 500
    code: int = 0
    message: str = "500: Internal Server Error"
    times: int = 1
    retry_after: float = 0.05
    delay: float = 0.0
    after: bool = False
    body_has: str = ""
    released: asyncio.Event = field(default_factory=asyncio.Event)
    hits: int = 0
    performed: int = 0
    hold: float = 0.0
    drop_if_gone: bool = False

    def matches(self, method: str, path: str, body: Any = None) -> bool:
        """Whether this fault still applies to the request (``body_has``: only requests
        whose JSON body contains that text)."""
        return (
            self.times != 0
            and self.method in ("*", method)
            and fnmatch.fnmatchcase(path, self.path)
            and (not self.body_has or self.body_has in json.dumps(body, ensure_ascii=False))
        )


@dataclass
class Recorded:
    """One REST request the bot made, as the stand-in saw it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0
    at: float = field(default_factory=time.monotonic)
    lost: bool = False  # performed, but its answer replaced by a fault (fail_after)
    # StandIn.sender when the request arrived (which bot process sent it), and whether
    # its client was gone before it was carried out (dropped) or before its answer.
    sender: int = 0
    dropped: bool = False
    unanswered: bool = False
    in_flight: bool = False


class StandIn:
    """Discord on 127.0.0.1: start it, point the bot at :attr:`api_base` / :attr:`gateway_url`.

    Everything wrong the bot does (unknown route, body off Discord's spec, a message with
    content but no ``allowed_mentions``, a late or double interaction answer) lands in
    :attr:`failures`; tests end with :meth:`assert_clean`.
    """

    def __init__(
        self,
        world: World | None = None,
        *,
        token: str = FAKE_TOKEN,
        heartbeat_interval_ms: int = 41_250,
        validate: bool = True,
        require_synced: bool = True,
        shards: int | None = None,
        max_concurrency: int = 1,
    ) -> None:
        self.world = world or fan_server()
        # GET /gateway/bot's answer: Discord recommends about one shard per 1,000 guilds.
        self.recommended_shards = shards or max(1, -(-len(self.world.guilds) // 1000))
        self.max_concurrency = max_concurrency
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.require_synced = require_synced
        self.validator, self.validation_skipped = load_validator() if validate else (None, "off")
        self.failures: list[str] = []
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.interactions: dict[str, interactions.InteractionRecord] = {}
        # Uploaded attachments by id, and when the bot fetched each from the "CDN".
        self.files: dict[str, bytes] = {}
        self.downloads: list[tuple[str, float]] = []
        # A label for whichever bot process is talking to "Discord" now (crash tests
        # count which run delivered what); requests and created messages carry it.
        self.sender = 0
        self.gw = gateway.Gateway(self)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self) -> None:
        """Listen on a random 127.0.0.1 port."""
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_route("GET", "/", self.gw.handle)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        app.router.add_route("GET", "/attachments/{id}/{filename}", self.cdn)
        # stop() comes after the test, once its bots are dead: a request still held by a
        # slow fault then has no one to answer, so it is cancelled after 0.5 s instead of
        # aiohttp's default 60 s wait (it cost the two-process test 20 s per run).
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Close every connection and stop listening."""
        await self.gw.close_all(1001)
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> StandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        """The value for DISCORD_API_BASE_URL."""
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """The value for DISCORD_GATEWAY_URL."""
        return f"ws://127.0.0.1:{self.port}/"

    # -- faults ------------------------------------------------------------------------
    def fail(self, method: str, path: str, status: int = 500, **kwargs: Any) -> Fault:
        """Serve a failure for matching requests (see :class:`Fault`)."""
        defaults = {
            429: (0, "You are being rate limited."),
            403: (50013, "Missing Permissions"),
            404: (10003, "Unknown Channel"),
        }
        code, message = defaults.get(status, (0, f"{status}: Server Error"))
        kwargs.setdefault("code", code)
        kwargs.setdefault("message", message)
        fault = Fault(method, path, status, **kwargs)
        self.faults.append(fault)
        return fault

    def fail_after(self, method: str, path: str, status: int = 500, **kwargs: Any) -> Fault:
        """Perform matching requests, then answer ``status`` anyway (Discord committed,
        the answer was lost); with ``status`` 0 and a ``delay``, hold the real answer."""
        return self.fail(method, path, status, after=True, **kwargs)

    def slow(self, seconds: float, method: str = "*", path: str = "*", **kwargs: Any) -> Fault:
        """Answer matching requests correctly, but only after ``seconds`` (see :class:`Fault`
        for ``hold`` and ``drop_if_gone``)."""
        return self.fail(method, path, status=0, delay=seconds, times=-1, **kwargs)

    def failure(self, text: str) -> None:
        """Record something the bot did that real Discord would reject or a user would see."""
        self.failures.append(text)

    def assert_clean(self) -> None:
        """Fail the test with everything recorded as wrong."""
        assert not self.failures, "the stand-in saw:\n" + "\n".join(self.failures)

    # -- REST --------------------------------------------------------------------------
    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
        # Exactly application/json: discord.py mis-reads a charset parameter.
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if status == 204:
            return web.Response(
                status=204, headers={k: v for k, v in all_headers.items() if k != "Content-Type"}
            )
        payload = json.dumps(rest.public(body)).encode()
        return web.Response(status=status, body=payload, headers=all_headers)

    async def _body(self, request: web.Request) -> Any:
        if not request.can_read_body:
            return None
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            payload = form.get("payload_json")
            return json.loads(payload) if isinstance(payload, str) else None
        raw = await request.read()
        return json.loads(raw) if raw else None

    async def cdn(self, request: web.Request) -> web.Response:
        """An uploaded attachment's bytes, as Discord's CDN serves them (no token needed)."""
        body = self.files.get(request.match_info["id"])
        if body is None:
            return web.Response(status=404)
        self.downloads.append((request.match_info["id"], time.monotonic()))
        return web.Response(body=body, content_type="application/octet-stream")

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        method = request.method
        query = dict(parse_qsl(request.query_string))
        body = await self._body(request)
        record = Recorded(method, path, query, body, sender=self.sender)
        self.requests.append(record)
        response = await self._answer(request, record)
        record.status = response.status
        return response

    async def _answer(self, request: web.Request, record: Recorded) -> web.Response:
        method, path, body = record.method, record.path, record.body
        slowed: Fault | None = None
        for fault in self.faults:
            if fault.matches(method, path, body):
                fault.hits += 1
                if fault.times > 0:
                    fault.times -= 1
                if fault.after:
                    # Discord does the work, then the answer is lost (500) or held back.
                    done = await self._perform(request, record)
                    fault.performed += 1
                    record.lost = bool(fault.status)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(fault.released.wait(), fault.delay)
                    return self._fault_response(fault) if fault.status else done
                if fault.delay or fault.hold:
                    record.in_flight = True
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.status:
                    record.in_flight = False
                    return self._fault_response(fault)
                slowed = fault
                break
        if slowed is not None and slowed.drop_if_gone and request.transport is None:
            record.dropped, record.in_flight = True, False  # never reached "Discord"
            return self._json(503, {"message": "client gone", "code": 0})
        try:
            return await self._perform(request, record)
        finally:
            if slowed is not None and slowed.hold:
                await asyncio.sleep(slowed.hold)
            record.in_flight = False
            record.unanswered = request.transport is None

    async def _perform(self, request: web.Request, record: Recorded) -> web.Response:
        method, path, body = record.method, record.path, record.body
        route = rest.match(method, path)
        if route is None:
            self.failure(f"unknown route {method} {path}")
            return self._json(404, {"message": "404: Not Found", "code": 0})
        handler, params = route
        if (
            not rest.is_webhook(path)
            and request.headers.get("Authorization") != f"Bot {self.token}"
        ):
            return self._json(401, {"message": "401: Unauthorized", "code": 0})
        if body is not None and method in ("POST", "PUT", "PATCH") and self.validator:
            problems = self.validator.problems(method, path, body)
            if problems:
                self.failures.extend(problems)
                return self._json(400, {"message": "Invalid Form Body", "code": 50035})
        rest.check_mentions(self, method, path, body)
        try:
            status, payload = await handler(self, params, record)
        except rest.DiscordError as exc:
            status, payload = exc.status, {"message": exc.message, "code": exc.code}
        return self._json(status, payload)

    def _fault_response(self, fault: Fault) -> web.Response:
        if fault.status == 429:
            # discord.py retries a 429 only when it came through Discord's proxy (Via).
            return self._json(
                429,
                {"message": fault.message, "retry_after": fault.retry_after, "global": False},
                {"Via": "1.1 google", "Retry-After": str(max(1, round(fault.retry_after)))},
            )
        return self._json(fault.status, {"message": fault.message, "code": fault.code})

    # -- interactions ------------------------------------------------------------------
    async def slash(
        self, user: str, channel: str, command: str, /, **options: Any
    ) -> interactions.InteractionRecord:
        """A member (by fixture name) runs ``/command [sub] option=value`` in a channel."""
        channel_id = self.world.id(channel)
        guild_id = self.world.guild_of(channel_id) or ""
        data = interactions.command_data(self, guild_id, command, options, None)
        return await interactions.dispatch(self, user, channel_id, 2, data)

    async def autocomplete(
        self, user: str, channel: str, command: str, focused: str, value: str, /, **others: Any
    ) -> interactions.InteractionRecord:
        """A member types ``value`` into ``focused`` of ``command``; the bot answers type 8."""
        channel_id = self.world.id(channel)
        guild_id = self.world.guild_of(channel_id) or ""
        values = {**others, focused: value}
        data = interactions.command_data(self, guild_id, command, values, focused)
        return await interactions.dispatch(self, user, channel_id, 4, data)

    async def click(
        self, user: str, message: dict[str, Any], custom_id: str, values: list[str] | None = None
    ) -> interactions.InteractionRecord:
        """A member clicks a button (or picks ``values`` in a select) on a message."""
        data = interactions.component_data(message, custom_id, values)
        return await interactions.dispatch(self, user, message["channel_id"], 3, data, message)

    async def submit_modal(
        self, user: str, opened_by: interactions.InteractionRecord, fields: dict[str, str]
    ) -> interactions.InteractionRecord:
        """A member fills in the modal the bot opened in answer to ``opened_by``."""
        modal = opened_by.modal
        assert modal is not None, "the bot did not answer with a modal"
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in fields.items()
        ]
        data = {"custom_id": modal["custom_id"], "components": rows}
        return await interactions.dispatch(self, user, opened_by.channel_id, 5, data)

    def new_interaction_token(self) -> str:
        """An interaction token (only the stand-in and the bot ever see it)."""
        return "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)

    async def wait_until(self, predicate: Any, within: float = 10.0, what: str = "") -> None:
        """Poll ``predicate()`` until it is true or fail after ``within`` seconds."""
        deadline = time.monotonic() + within
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {within}s waiting for {what or predicate}")
            await asyncio.sleep(0.02)


async def read_frames(ws: web.WebSocketResponse) -> Any:
    """Yield decoded JSON frames until the socket closes."""
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            with contextlib.suppress(json.JSONDecodeError):
                yield json.loads(msg.data)
        elif msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
            break
