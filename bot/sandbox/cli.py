"""The ``kdrama-bot sandbox`` command: start the world, print the URL, run the prompt."""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time
import webbrowser
from asyncio import FIRST_COMPLETED

import simcord

from bot.sandbox import INSTALL_HINT
from bot.sandbox.prompt import Quit, describe, execute
from bot.sandbox.world import Sandbox, sandbox_world

PROMPT = "sandbox> "


class _StdinLines:
    """Read the terminal in a daemon thread, one line per ``next()``, without blocking the loop.

    A daemon thread, not the loop's executor: asyncio.run waits for executor threads at
    exit, so a pending input() there would hang Ctrl-C until Enter was pressed.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._wanted = threading.Event()  # ask for the next line only once output is done
        threading.Thread(target=self._read, name="sandbox-stdin", daemon=True).start()

    def _read(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            try:
                line: str | None = input(PROMPT)
            except (EOFError, OSError):
                line = None
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


def _banner(sandbox: Sandbox, url: str, started: float, keep: bool) -> str:
    db = sandbox.database_path if keep else f"{sandbox.database_path} (temporary)"
    return "\n".join(
        [
            "kdrama-bot sandbox: the real bot in a simulated Discord server (no token, no network)",
            f"  page      {url}",
            "            (the link is the key to the session: keep it to yourself)",
            "  server    K-drama Fans: #general on the page; #announcements, the #discussion "
            "forum and #mod-log are echoed here",
            "  viewers   minji (member), mod_hana (Moderator), admin_joon (Admin): "
            'switch with "Viewing as"',
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


def run(args: argparse.Namespace) -> int:
    """Run the sandbox; returns the process exit status."""
    started = time.perf_counter()
    try:
        asyncio.run(_serve(args, started))
    except KeyboardInterrupt:
        print("\nsandbox stopped")
    except simcord.SetupError as exc:
        print(f"kdrama-bot: {exc} ({INSTALL_HINT})", file=sys.stderr)
        return 2
    except OSError as exc:  # the port is taken, most likely
        print(f"kdrama-bot: the sandbox could not start its page: {exc}", file=sys.stderr)
        return 1
    else:
        print("sandbox stopped")
    return 0
