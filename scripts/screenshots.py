"""Take the README's sandbox screenshots with headless Chromium (Debian's ``chromium``).

    python scripts/screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]

Starts the sandbox world (the same one ``kdrama-bot sandbox`` runs), plays the README's
tour through SimCord's actors, focuses the page on each result and captures it with
``chromium --headless --screenshot``. Driving the page's composer from a headless
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
    "--virtual-time-budget=4000",  # let the page fetch its state and render
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
    with tempfile.TemporaryDirectory(prefix="kdrama-shot-") as profile:
        process = await asyncio.create_subprocess_exec(
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={path}",
            url,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        # The loop keeps serving the page while Chromium loads it.
        await asyncio.wait_for(process.wait(), timeout=60)
    print(f"  saved {path}")


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
