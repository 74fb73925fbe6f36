"""Take the README's sandbox screenshots with headless Chromium (Debian's ``chromium``).

    python scripts/screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]

Starts the sandbox world (the same one ``kdrama-bot sandbox`` runs), plays the README's
tour through SimCord's actors, focuses the page on each result and captures it with
headless Chromium once the page reports it has settled. Driving the page's composer from a headless
browser is not needed: the page renders exactly the state the actors produced, as the
viewer who ran the command. Steps whose command has not landed yet are skipped, and
said so, so the script can be re-run as features arrive.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.sandbox.prompt import execute
from bot.sandbox.world import Sandbox, sandbox_world

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,900",
)


@dataclass(frozen=True)
class Step:
    """One screenshot: who runs what, and which file it lands in."""

    filename: str
    viewer: str  # "member" | "moderator" | "admin"
    command: str | None  # slash command, or None for the page as it is
    options: dict[str, Any]
    prepare: Callable[[Sandbox], Awaitable[None]] | None = None


def _tour() -> list[Step]:
    return [
        Step("01-page.png", "member", None, {}),
        Step("02-ping.png", "member", "ping", {}),
        Step("03-show.png", "member", "show", {}),
        Step("04-cast.png", "member", "cast", {}),
        # A spelling one article used: the card says who it is and where it was reported.
        Step("05-character-variant.png", "member", "character", {"name": "Han Seon-woo"}),
        Step(
            "06-announce-preview.png",
            "moderator",
            "announce add",
            {
                "show": "soundtrack-1",
                "when": "2022-03-23 17:00 KST",
                "text": "Soundtrack #1 premieres today on Disney+!",
            },
        ),
    ]


async def _capture(chromium: str, url: str, path: Path) -> None:
    """Load ``url`` in headless Chromium and capture it once the page says it settled.

    ``chromium --screenshot`` captures at a fixed moment, which caught the page
    mid-render ("Updating viewport…", greyed buttons, a blank band). Instead this
    drives Chromium over its DevTools protocol and waits for the page's own signal,
    ``window.simcordPreview.ready`` (what SimCord's managed capture waits for), before
    capturing.
    """
    import aiohttp

    with tempfile.TemporaryDirectory(prefix="kdrama-shot-") as profile:
        process = await asyncio.create_subprocess_exec(
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "about:blank",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            port = await _devtools_port(Path(profile) / "DevToolsActivePort")
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/json/list") as listed:
                    target = next(t for t in await listed.json() if t["type"] == "page")
                async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                    png = await _settled_screenshot(ws, url)
            await asyncio.to_thread(path.write_bytes, png)
        finally:
            process.terminate()
            await asyncio.wait_for(process.wait(), timeout=30)
    print(f"  saved {path}")


async def _devtools_port(port_file: Path) -> str:
    """The DevTools port Chromium chose (it writes it into its profile once listening)."""
    for _ in range(300):
        text = await asyncio.to_thread(lambda: port_file.read_text() if port_file.exists() else "")
        if text.strip():
            return text.split()[0]
        await asyncio.sleep(0.1)
    raise TimeoutError("Chromium did not open its DevTools port")


async def _settled_screenshot(ws: Any, url: str) -> bytes:
    import base64

    counter = iter(range(1, 1_000_000))

    async def call(method: str, **params: Any) -> dict[str, Any]:
        ident = next(counter)
        await ws.send_json({"id": ident, "method": method, "params": params})
        while True:
            message = await ws.receive_json(timeout=60)
            if message.get("id") == ident:
                return message.get("result", {})

    await call("Page.enable")
    await call("Page.navigate", url=url)
    ready = "Boolean(window.simcordPreview && window.simcordPreview.ready === true)"
    for _ in range(300):  # up to 30 s
        answer = await call("Runtime.evaluate", expression=ready, returnByValue=True)
        if answer.get("result", {}).get("value") is True:
            break
        await asyncio.sleep(0.1)
    else:
        raise TimeoutError(f"the page never settled: {url.split('#')[0]}")
    await asyncio.sleep(0.3)  # one more frame for fonts and images already loaded
    shot = await call("Page.captureScreenshot", format="png")
    return base64.b64decode(shot["data"])


def _viewers(sandbox: Sandbox, first: str) -> list[Any]:
    people = {"member": sandbox.member, "moderator": sandbox.moderator, "admin": sandbox.admin}
    return [people[first], *(actor for name, actor in people.items() if name != first)]


async def _run_step(sandbox: Sandbox, step: Step, out: Path, chromium: str) -> None:
    actor = getattr(sandbox, step.viewer)
    # SimCord lists leaf commands by their full name ("announce add").
    if step.command and step.command not in actor.available_commands(sandbox.general):
        print(f"  skipped {step.filename}: /{step.command} has not landed yet")
        return
    preview = await sandbox.open_preview(viewers=_viewers(sandbox, step.viewer))
    if step.command:
        result = await actor.slash(sandbox.general, step.command, **step.options)
        await preview.show(result)  # a new page opens focused on it, as this viewer
    await _capture(chromium, preview.url, out / step.filename)


async def _discussion(sandbox: Sandbox, out: Path, chromium: str) -> None:
    """Advance past the premiere and capture the discussion thread the bot opened."""
    await execute(sandbox, "advance-to 2022-03-23 17:00 KST")
    threads = list(sandbox.discussion.threads)
    if not threads:
        print("  skipped 07-discussion.png: no discussion opened (discussions not landed yet)")
        return
    preview = await sandbox.open_preview(channel=threads[0])
    await _capture(chromium, preview.url, out / "07-discussion.png")


async def main(out: Path, chromium: str) -> None:
    """Play the tour and write every screenshot that the current features allow."""
    async with sandbox_world(write=lambda line: print(f"  | {line}")) as sandbox:
        for step in _tour():
            await _run_step(sandbox, step, out, chromium)
        await _discussion(sandbox, out, chromium)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(args.out, args.chromium))
