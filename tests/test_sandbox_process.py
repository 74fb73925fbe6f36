"""``kdrama-bot sandbox`` as a real process: how it stops, and what a bad port says."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


async def start_sandbox(*args: str, cwd: Path) -> tuple[asyncio.subprocess.Process, bytes]:
    """Start the sandbox with a pipe as stdin (not a terminal); wait for its ready line."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sandbox", *args,
        cwd=cwd, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out = b""
    while b"ready in" not in out:
        chunk = await asyncio.wait_for(process.stdout.read(4096), 30)  # type: ignore[union-attr]
        assert chunk, out.decode()
        out += chunk
    return process, out


async def test_quitting_right_after_ready_stops_cleanly(tmp_path: Path):
    process, out = await start_sandbox(cwd=tmp_path)
    rest, _ = await asyncio.wait_for(process.communicate(b"quit\n"), 30)
    text = (out + rest).decode()
    assert process.returncode == 0, text
    assert "Traceback" not in text
    assert "store is not open" not in text
    assert "closed database" not in text
    assert text.rstrip().endswith("sandbox stopped")


async def test_end_preview_session_with_a_pipe_as_stdin_exits_0(tmp_path: Path):
    aiohttp = pytest.importorskip("aiohttp")
    process, out = await start_sandbox(cwd=tmp_path)
    found = re.search(rb"http://127\.0\.0\.1:(\d+)/#(\S+)", out)
    assert found
    base, key = f"http://127.0.0.1:{found[1].decode()}", found[2].decode()
    headers = {"X-Simcord-Capability": key, "Origin": base}
    async with aiohttp.ClientSession() as http:
        # What the page does: open its context, then send the "End preview session" action.
        async with http.post(f"{base}/api/pages", json={}, headers=headers) as opened:
            page = await opened.json()
        action = {"protocol_version": 3, "sequence": 1, "request_id": "end", "kind": "close",
                  "generation": page["context"]["generation"],
                  "bot_generation": page["botGeneration"]}  # fmt: skip
        headers["X-Simcord-Context"] = page["context"]["id"]
        async with http.post(f"{base}/api/action", json=action, headers=headers) as ended:
            assert (await ended.json())["settlement"] == "settled"
    rest, _ = await asyncio.wait_for(process.communicate(), 30)  # stdin stays open, unused
    text = (out + rest).decode()
    assert process.returncode == 0, text  # was 134: Fatal Python error: _enter_buffered_busy
    assert "Fatal Python error" not in text
    assert "Traceback" not in text
    assert "the page ended the session" in text


async def run_once(*args: str, cwd: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sandbox", *args,
        cwd=cwd, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 30)
    return process.returncode or 0, (out + err).decode()


async def test_a_port_in_use_is_named_in_one_line_with_exit_2(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, text = await run_once("--port", str(port), cwd=tmp_path)
    assert code == 2
    assert text.strip() == (
        f"kdrama-bot: port {port} is already in use; pick another --port, "
        "or leave it out for a free one"
    )


async def test_a_port_out_of_range_is_refused_in_one_line_with_exit_2(tmp_path: Path):
    code, text = await run_once("--port", "99999", cwd=tmp_path)
    assert code == 2
    assert text.strip() == (
        "kdrama-bot: --port 99999 is not a port number (1-65535, or 0 for a free one)"
    )
    assert "extra" not in text
