"""The ``kdrama-bot sandbox`` command: start the world, print the URL, run the prompt."""

from __future__ import annotations

import argparse
import asyncio
import errno
import os
import sys
import threading
import time
import webbrowser
from asyncio import FIRST_COMPLETED

import simcord

from bot.sandbox import INSTALL_HINT
from bot.sandbox.prompt import Quit, describe, execute
from bot.sandbox.world import PAGE_TIMEZONE, Sandbox, sandbox_world

PROMPT = "sandbox> "


class _StdinLines:
    """Read the terminal in a daemon thread, one line per ``next()``, without blocking the loop.

    A daemon thread, not the loop's executor: asyncio.run waits for executor threads at
    exit, so a pending input() there would hang Ctrl-C until Enter was pressed.

    When stdin is not a terminal (a pipe, a file, a service manager), lines are read
    with ``os.read`` on the descriptor rather than through ``sys.stdin``: a daemon
    thread parked inside ``sys.stdin``'s buffered reader holds its lock, and the
    interpreter's exit then aborts with "Fatal Python error: _enter_buffered_busy".
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._wanted = threading.Event()  # ask for the next line only once output is done
        self._fd = _raw_descriptor(sys.stdin)
        self._pending = b""
        threading.Thread(target=self._read, name="sandbox-stdin", daemon=True).start()

    def _read_line(self) -> str | None:
        if self._fd is None:
            try:
                return input(PROMPT)
            except (EOFError, OSError):
                return None
        print(PROMPT, end="", flush=True)
        while b"\n" not in self._pending:
            try:
                chunk = os.read(self._fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                line, self._pending = self._pending, b""
                return line.decode("utf-8", "replace") if line else None
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line.decode("utf-8", "replace").rstrip("\r")

    def _read(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            line = self._read_line()
            try:
                self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            except RuntimeError:  # the sandbox already stopped (page or Ctrl-C)
                return
            if line is None:
                return

    async def next(self) -> str | None:
        """The next line typed, or None at end of input."""
        self._wanted.set()
        return await self._lines.get()


def _raw_descriptor(stream: object) -> int | None:
    """stdin's file descriptor when it is not a terminal (see _StdinLines), else None."""
    try:
        fd = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return None  # a stand-in stream (tests): its readline holds no process-wide lock
    return None if os.isatty(fd) else fd


def _banner(sandbox: Sandbox, url: str, started: float, keep: bool) -> str:
    db = sandbox.database_path if keep else f"{sandbox.database_path} (temporary)"
    return "\n".join(
        [
            "kdrama-bot sandbox: the real bot in a simulated Discord server (no token, no network)",
            f"  page      {url}",
            "            (the link is the key to the session: keep it to yourself)",
            "  server    K-drama Fans: #general on the page; #announcements, the #discussion "
            "forum and #mod-log are echoed here",
            "  viewers   minji (member), jiwoo (member, Korean client), sam_london (member), "
            'mod_hana (Moderator), admin_joon (Admin): switch with "Viewing as"',
            f"            (the page shows Discord's times in {PAGE_TIMEZONE}, a viewer's own "
            "time; the server's is Korea's)",
            f"  time      {describe(sandbox.now())}",
            "            (move it with advance 7d here, or /sandbox-time on the page)",
            f"  database  {db}",
            f"ready in {time.perf_counter() - started:.1f} s. Type help for commands; "
            "quit or Ctrl-C stops.",
        ]
    )


async def _serve(args: argparse.Namespace, started: float) -> None:
    async with sandbox_world(database=args.database) as sandbox:
        preview = await sandbox.open_preview(port=args.port)
        print(_banner(sandbox, preview.url, started, keep=args.database is not None), flush=True)
        if args.open:
            webbrowser.open(preview.url)
        lines = _StdinLines(asyncio.get_running_loop())
        closed = asyncio.ensure_future(preview.wait_closed())
        reading: asyncio.Future[str | None] | None = None
        try:
            while True:
                reading = reading or asyncio.ensure_future(lines.next())
                from_page = asyncio.ensure_future(sandbox.requests.get())
                await asyncio.wait({reading, closed, from_page}, return_when=FIRST_COMPLETED)
                if not from_page.done():
                    from_page.cancel()
                if closed.done():
                    print("\nthe page ended the session")
                    return
                if from_page.done() and not from_page.cancelled():
                    # /sandbox-time on the page: run as if typed here.
                    print(f"\n(from the page) {from_page.result()}")
                    await execute(sandbox, from_page.result())
                    continue
                line = reading.result()
                reading = None
                if line is None:
                    print()
                    return
                if isinstance(await execute(sandbox, line), Quit):
                    return
        finally:
            closed.cancel()
            if reading is not None:
                reading.cancel()


def _port_problem(port: int, error: BaseException) -> str:
    """One line naming why the page could not listen on ``port``."""
    cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
    if isinstance(cause, OSError) and cause.errno == errno.EADDRINUSE:
        return f"port {port} is already in use; pick another --port, or leave it out for a free one"
    if isinstance(cause, OSError) and cause.errno == errno.EACCES:
        return f"port {port} needs privileges this user lacks; pick a port above 1023"
    reason = getattr(cause, "strerror", None) or str(cause)
    return f"the page could not listen on 127.0.0.1 port {port}: {reason}"


def run(args: argparse.Namespace) -> int:
    """Run the sandbox; returns the process exit status."""
    if not 0 <= args.port <= 65535:
        print(
            f"kdrama-bot: --port {args.port} is not a port number (1-65535, or 0 for a free one)",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    try:
        asyncio.run(_serve(args, started))
    except KeyboardInterrupt:
        print("\nsandbox stopped")
    except simcord.SetupError as exc:
        if "could not bind port" in str(exc):  # SimCord's words for a failed listen
            print(f"kdrama-bot: {_port_problem(args.port, exc)}", file=sys.stderr)
        else:
            print(f"kdrama-bot: {exc} ({INSTALL_HINT})", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"kdrama-bot: {_port_problem(args.port, exc)}", file=sys.stderr)
        return 2
    else:
        print("sandbox stopped")
    return 0
