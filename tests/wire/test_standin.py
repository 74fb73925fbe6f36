"""The stand-in itself: it must catch what real Discord rejects, or wire tests prove nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.wire.standin import StandIn, World
from tests.wire.standin import spec as standin_spec
from tests.wire.standin.world import fan_server


@pytest.fixture
async def raw() -> AsyncIterator[tuple[StandIn, aiohttp.ClientSession]]:
    """A stand-in and a bare HTTP client authorised as the bot."""
    server = StandIn()
    await server.start()
    headers = {"Authorization": f"Bot {server.token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        yield server, session
    await server.stop()


async def _call(
    server: StandIn, session: aiohttp.ClientSession, method: str, path: str, body: Any = None
) -> tuple[int, Any, aiohttp.ClientResponse]:
    async with session.request(method, server.api_base + path, json=body) as response:
        data = await response.json(content_type=None) if response.status != 204 else None
        return response.status, data, response


async def test_unknown_route_answers_like_discord_and_fails_the_test(raw) -> None:
    server, session = raw
    status, data, response = await _call(server, session, "GET", "/channels/1/nonsense")
    assert (status, data) == (404, {"message": "404: Not Found", "code": 0})
    assert response.headers["Content-Type"] == "application/json"
    assert server.failures == ["unknown route GET /channels/1/nonsense"]


@pytest.mark.skipif(not standin_spec.SPEC_PATH.is_file(), reason="../shared is absent")
async def test_body_off_discords_spec_is_rejected_and_recorded(raw) -> None:
    server, session = raw
    channel = server.world.id("general")
    body = {"content": 5, "allowed_mentions": {"parse": []}}
    status, data, _ = await _call(server, session, "POST", f"/channels/{channel}/messages", body)
    assert (status, data["code"]) == (400, 50035)
    assert any("/content" in failure for failure in server.failures)
    assert server.world.messages[channel] == []


@pytest.mark.skipif(not standin_spec.SPEC_PATH.is_file(), reason="../shared is absent")
async def test_a_malformed_date_time_is_caught(raw) -> None:
    server, session = raw
    body = {
        "name": "Premiere watch party",
        "privacy_level": 2,
        "entity_type": 3,
        "scheduled_start_time": "2022-03-23 17:00",
        "scheduled_end_time": "2022-03-23T19:00:00+09:00",
        "entity_metadata": {"location": "#general"},
    }
    guild = server.world.id("guild")
    status, _, _ = await _call(server, session, "POST", f"/guilds/{guild}/scheduled-events", body)
    assert status == 400
    assert server.world.events == {}


async def test_text_without_allowed_mentions_is_recorded(raw) -> None:
    server, session = raw
    channel = server.world.id("general")
    status, _, _ = await _call(
        server, session, "POST", f"/channels/{channel}/messages", {"content": "@everyone hi"}
    )
    assert status == 200
    assert server.failures == [
        f"POST /channels/{channel}/messages: message text without allowed_mentions"
    ]


async def test_enforce_nonce_returns_the_first_message_instead_of_a_second(raw) -> None:
    server, session = raw
    channel = server.world.id("announcements")
    body = {
        "content": "Episode 1 is out",
        "allowed_mentions": {"parse": []},
        "nonce": "timer-42",
        "enforce_nonce": True,
    }
    _, first, _ = await _call(server, session, "POST", f"/channels/{channel}/messages", body)
    _, again, _ = await _call(server, session, "POST", f"/channels/{channel}/messages", body)
    assert again["id"] == first["id"]
    assert len(server.world.messages[channel]) == 1
    # Without enforce_nonce Discord creates a second message with the same nonce.
    body["enforce_nonce"] = False
    _, third, _ = await _call(server, session, "POST", f"/channels/{channel}/messages", body)
    assert third["id"] != first["id"]
    assert server.failures == []


async def test_a_429_carries_retry_after_json_and_a_via_header(raw) -> None:
    server, session = raw
    server.fail("GET", "/users/@me", 429, retry_after=0.25)
    status, data, response = await _call(server, session, "GET", "/users/@me")
    assert status == 429
    assert data["retry_after"] == 0.25
    assert response.headers["Via"]
    status, _, _ = await _call(server, session, "GET", "/users/@me")
    assert status == 200  # the fault hit once


async def test_permission_and_unknown_channel_faults_are_discord_shaped(raw) -> None:
    server, session = raw
    server.fail("POST", "/channels/*/messages", 403)
    server.fail("POST", "/channels/*/threads", 404)
    channel = server.world.id("general")
    body = {"content": "x", "allowed_mentions": {"parse": []}}
    status, data, _ = await _call(server, session, "POST", f"/channels/{channel}/messages", body)
    assert (status, data["code"]) == (403, 50013)
    status, data, _ = await _call(
        server, session, "POST", f"/channels/{channel}/threads", {"name": "t"}
    )
    assert (status, data["code"]) == (404, 10003)


async def test_forum_post_refuses_tags_the_forum_does_not_have(raw) -> None:
    server, session = raw
    forum = server.world.channels[server.world.id("discussion")]
    post = {
        "name": "Episode 1",
        "message": {"content": "Talk here", "allowed_mentions": {"parse": []}},
    }
    status, _, _ = await _call(
        server,
        session,
        "POST",
        f"/channels/{forum['id']}/threads",
        {**post, "applied_tags": ["123"]},
    )
    assert status == 400
    tag = forum["available_tags"][0]["id"]
    status, thread, _ = await _call(
        server, session, "POST", f"/channels/{forum['id']}/threads", {**post, "applied_tags": [tag]}
    )
    assert status == 201
    assert thread["message"]["id"] == thread["id"]
    assert server.world.threads(forum["id"])[0]["applied_tags"] == [tag]


async def test_requests_without_the_bot_token_are_refused(raw) -> None:
    server, _ = raw
    async with aiohttp.ClientSession() as anonymous:
        status, _, _ = await _call(server, anonymous, "GET", "/users/@me")
    assert status == 401


def test_the_world_survives_a_round_trip_through_json(tmp_path: Path) -> None:
    world = fan_server(guild_count=3)
    world.save(tmp_path / "world.json")
    assert World.load(tmp_path / "world.json") == world


def test_validation_is_skipped_with_a_reason_without_shared(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(standin_spec, "SPEC_PATH", tmp_path / "missing.json")
    validator, reason = standin_spec.load_validator()
    assert validator is None
    assert "absent" in reason
