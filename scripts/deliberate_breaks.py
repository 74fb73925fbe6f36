"""Break each README promise on purpose, one at a time, and check that a test fails.

Issue 18's table of deliberate breaks, kept runnable: each break is a one-place edit of
the code behind a promise; the script applies it, runs the default-run tests that should
notice (``-m 'not slow'``, as CI), puts the file back as it was, and reports whether any
test failed. A break that passes every test is a promise nothing guards.

    python scripts/deliberate_breaks.py            # every break (a few minutes)
    python scripts/deliberate_breaks.py nonce      # one

Not part of CI (it edits source files while it runs; never run it in a shared checkout
someone else is testing). See docs/mutation.md.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Break:
    """One deliberate break: replace ``old`` (found exactly once) by ``new`` in ``path``."""

    promise: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


BREAKS = {
    "nonce": Break(
        "announcements carry their timer's stable nonce (enforce_nonce)",
        "bot/services/announcer.py",
        "        nonce=timer.nonce,\n",
        "",
        ("tests/cogs/test_announce.py", "tests/cogs/test_release_announcements.py"),
    ),
    "moderator-always": Break(
        "only moderators reach moderator commands",
        "bot/ui/checks.py",
        "    member = interaction.user\n    if interaction.guild_id is None or not isinstance("
        "member, discord.Member):\n        return False\n    if getattr(",
        "    return True\n    member = interaction.user\n    if interaction.guild_id is None or "
        "not isinstance(member, discord.Member):\n        return False\n    if getattr(",
        ("tests/cogs/test_announce.py", "tests/wire/test_wire_permissions.py"),
    ),
    "admin-always": Break(
        "only admins reach admin commands",
        "bot/ui/checks.py",
        "    member = interaction.user\n    if interaction.guild_id is None or not isinstance("
        "member, discord.Member):\n        return False\n    if member.guild_permissions.manage",
        "    return True\n    member = interaction.user\n    if interaction.guild_id is None or "
        "not isinstance(member, discord.Member):\n        return False\n    if member.guild_"
        "permissions.manage",
        ("tests/cogs/test_config.py", "tests/wire/test_wire_permissions.py"),
    ),
    "find-nothing": Break(
        "a discussion a crash left is adopted, not duplicated",
        "bot/services/discussions/_channel.py",
        "    found: dict[int, discord.Thread] = {}\n",
        "    return []\n    found: dict[int, discord.Thread] = {}\n",
        ("tests/cogs/test_discussions.py",),
    ),
    "ignore-archived": Break(
        "an archived discussion is adopted (forum and text channel)",
        "bot/services/discussions/_channel.py",
        "    async for thread in channel.archived_threads(limit=None):\n"
        "        if thread.name == name:\n            found.setdefault(thread.id, thread)\n",
        "",
        ("tests/cogs/test_discussions.py",),
    ),
    "spoiler-off-by-one": Break(
        "facts past a member's progress stay behind spoiler bars",
        "bot/domain/spoilers.py",
        "return episode > progress",
        "return episode > progress + 1",
        ("tests/domain/test_spoilers.py", "tests/members/test_spoilers_and_limits.py"),
    ),
    "spoiler-off-by-one-down": Break(
        "the episode a member has watched is shown plainly",
        "bot/domain/spoilers.py",
        "return episode > progress",
        "return episode >= progress",
        ("tests/domain/test_spoilers.py", "tests/members/test_spoilers_and_limits.py"),
    ),
    "interrupted-marked-sent": Break(
        "a timer interrupted by a crash runs again",
        "bot/store/timers.py",
        "UPDATE timers SET status = 'pending' WHERE status = 'running'",
        "UPDATE timers SET status = 'sent' WHERE status = 'running'",
        # The store test runs on PostgreSQL too, where SimCord restarts are not tested.
        (
            "tests/wire/test_wire_crash.py",
            "tests/services/test_scheduler.py",
            "tests/store/test_processes.py",
        ),
    ),
    "slug-any-guild": Break(
        "a guild sees only its own catalog",
        "bot/store/catalog.py",
        '    sql = "SELECT id FROM shows WHERE guild_id = ? AND slug = ?"\n'
        "    return await db.fetchval(sql, (guild_id, slug))",
        '    sql = "SELECT id FROM shows WHERE slug = ?"\n'
        "    return await db.fetchval(sql, (slug,))",
        ("tests/members/test_guild_isolation.py",),
    ),
}


def run(name: str, brk: Break) -> bool:
    """Apply ``brk``, run its tests, restore the file; whether a test failed."""
    path = ROOT / brk.path
    original = path.read_text("utf-8")
    if original.count(brk.old) != 1:
        raise SystemExit(f"{name}: the code to break is not in {brk.path} exactly once")
    try:
        path.write_text(original.replace(brk.old, brk.new), "utf-8")
        result = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *brk.tests],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        path.write_text(original, "utf-8")
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "no output"
    # Caught means a test failed on an assertion: a break that stops the tests from
    # being collected at all (an import error) proves nothing about them.
    caught = bool(failed)
    verdict = "caught" if caught else ("SURVIVES" if result.returncode == 0 else "BROKE")
    print(f"{name:26} {verdict:9} {summary}")
    for line in failed[:5]:
        print(f"    {line}")
    return caught


def main() -> None:
    """Run the named breaks (all by default); exit 1 if any survives."""
    names = sys.argv[1:] or list(BREAKS)
    survivors = [name for name in names if not run(name, BREAKS[name])]
    if survivors:
        raise SystemExit(f"not caught: {', '.join(survivors)}")


if __name__ == "__main__":
    main()
